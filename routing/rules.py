"""Where a confirmed case goes: the routing rules, in one place.

- Appears eligible for public assistance: the social services district of the county of
  residence. Otherwise: the RHTP provider of that county's region.
- The reviewer may add the other destination as well.
- Minors are also flagged for the child-welfare pathway (Safe Harbour); a foreign-national
  minor carries a warning that HHS expects to be told within 24 hours.
- Nothing goes beyond the recorded consent: a destination the consent does not cover is shown
  as blocked, with the reason, and is never routed.

`decide` is pure (plain values in, a proposal out) so the table of cases is tested directly;
`propose_destinations` looks the county up in the directory and calls it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from referrals.models import ConsentScope

from .models import CountyCoverage, Destination

CONSENT_FOR = {
    Destination.DISTRICT: ConsentScope.SHARE_WITH_LDSS,
    Destination.RHTP_PROVIDER: ConsentScope.SHARE_WITH_RHTP,
}
HHS_WARNING = (
    "This is a foreign-national minor: federal law expects HHS to be told within 24 hours "
    "(the HHS Shepherd system)."
)
CHILD_WELFARE_WITHOUT_CONSENT = (
    "The recorded consent does not cover child-welfare services: the receiving agency sees the "
    "flag but must not refer the person to child welfare without consent."
)


@dataclass(frozen=True)
class ProposedDestination:
    destination: str
    entry: object | None  # a District or an RhtpProvider, None when the directory has a gap
    why: str
    blocked_reason: str = ""
    added_by_reviewer: bool = False
    appears_eligible: bool = False  # the reviewer's finding this destination came from

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_reason)

    @property
    def organization(self):
        return self.entry.organization if self.entry is not None else None

    @property
    def name(self) -> str:
        if self.entry is None:
            return Destination(self.destination).label
        return self.entry.organization.name

    @property
    def label(self) -> str:
        return Destination(self.destination).label


@dataclass(frozen=True)
class RoutingProposal:
    destinations: tuple[ProposedDestination, ...]
    child_welfare_pathway: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> list[ProposedDestination]:
        return [d for d in self.destinations if not d.blocked]

    @property
    def blocked(self) -> list[ProposedDestination]:
        return [d for d in self.destinations if d.blocked]


def consent_allows(destination: str, consent_scopes: Iterable[str]) -> bool:
    return CONSENT_FOR[Destination(destination)] in set(consent_scopes)


def _candidate(
    destination, entry, why, *, county_name, consent_scopes, added_by_reviewer, appears_eligible
):
    label = Destination(destination).label.lower()
    if county_name is None:
        blocked = "The county of residence is not recorded, so no destination can be chosen."
    elif entry is None:
        blocked = f"The directory names no {label} for {county_name} County."
    elif not entry.organization.is_active:
        blocked = f"{entry.organization.name} is not active in the portal."
    elif not consent_allows(destination, consent_scopes):
        blocked = f"The person has not consented to sharing with the {label}."
    else:
        blocked = ""
    return ProposedDestination(
        destination, entry, why, blocked, added_by_reviewer, appears_eligible
    )


def decide(
    *,
    appears_eligible: bool,
    add_other: bool,
    is_minor: bool,
    is_foreign_national: bool,
    consent_scopes: Iterable[str],
    county_name: str | None,
    district,
    provider,
) -> RoutingProposal:
    """The routing decision from plain facts. `district` and `provider` are the directory
    entries serving the county (either may be None when the directory has a gap)."""
    consent_scopes = frozenset(consent_scopes)
    where = f"{county_name} County" if county_name else "the county of residence"
    to_district = (
        Destination.DISTRICT,
        district,
        f"Appears eligible for public assistance: the district for {where}.",
    )
    to_provider = (
        Destination.RHTP_PROVIDER,
        provider,
        f"Not eligible for public assistance: the RHTP provider for {where}.",
    )
    first, other = (to_district, to_provider) if appears_eligible else (to_provider, to_district)
    facts = {
        "county_name": county_name,
        "consent_scopes": consent_scopes,
        "appears_eligible": appears_eligible,
    }
    candidates = [_candidate(*first, added_by_reviewer=False, **facts)]
    if add_other:
        destination, entry, _ = other
        candidates.append(
            _candidate(
                destination, entry, "Added by the reviewer.", added_by_reviewer=True, **facts
            )
        )
    warnings = []
    if is_minor and is_foreign_national:
        warnings.append(HHS_WARNING)
    if is_minor and ConsentScope.SHARE_WITH_CHILD_WELFARE not in consent_scopes:
        warnings.append(CHILD_WELFARE_WITHOUT_CONSENT)
    for candidate in candidates:
        if candidate.blocked:
            warnings.append(f"Not sent to {candidate.name}: {candidate.blocked_reason}")
    return RoutingProposal(tuple(candidates), is_minor, tuple(warnings))


def coverage_of(county) -> CountyCoverage | None:
    if county is None:
        return None
    return (
        CountyCoverage.objects.select_related(
            "county", "district__organization", "rhtp_region__provider__organization"
        )
        .filter(county=county)
        .first()
    )


def propose_destinations(*, referral, appears_eligible, county, add_other=False) -> RoutingProposal:
    """What the reviewer sees before confirming: destinations, blocked ones and why, flags."""
    coverage = coverage_of(county)
    provider = None
    if coverage is not None and coverage.rhtp_region is not None:
        provider = getattr(coverage.rhtp_region, "provider", None)
    return decide(
        appears_eligible=appears_eligible,
        add_other=add_other,
        is_minor=referral.minor_at_referral or referral.is_minor,
        is_foreign_national=referral.is_foreign_national,
        consent_scopes=referral.consent_scopes,
        county_name=county.name if county is not None else None,
        district=coverage.district if coverage is not None else None,
        provider=provider,
    )
