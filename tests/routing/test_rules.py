"""The routing rules as a table: county to district, eligibility to destination, both
destinations, minors, and consent limits."""

from types import SimpleNamespace

import pytest

from referral_portal.counties import COUNTIES, NEW_YORK_CITY
from referral_portal.models import County
from referrals.models import ConsentScope
from routing import rules
from routing.models import CountyCoverage, RhtpRegion
from tests.referrals.factories import ALL_SHARING, ReferralFactory

LDSS, RHTP, CHILD = (
    ConsentScope.SHARE_WITH_LDSS,
    ConsentScope.SHARE_WITH_RHTP,
    ConsentScope.SHARE_WITH_CHILD_WELFARE,
)
COUNTY_NAMES = [name for _, name in COUNTIES]


def _expected_district(county: str) -> str:
    return "New York City" if county in NEW_YORK_CITY else f"{county} County"


@pytest.mark.django_db
@pytest.mark.parametrize("county", COUNTY_NAMES)
def test_every_county_goes_to_its_district_when_eligible(county):
    referral = ReferralFactory(
        county_of_residence=County.objects.get(name=county), consent_scopes=ALL_SHARING
    )

    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=True, county=referral.county_of_residence
    )

    [destination] = proposal.allowed
    assert destination.destination == "district"
    assert destination.entry.name == _expected_district(county)
    assert destination.organization.kind == "local_dss"
    assert proposal.blocked == []


@pytest.mark.django_db
def test_the_five_new_york_city_counties_share_one_district_and_organization():
    organizations = {
        rules.coverage_of(County.objects.get(name=name)).district.organization.name
        for name in NEW_YORK_CITY
    }
    assert organizations == {"New York City Human Resources Administration"}


@pytest.mark.django_db
def test_the_directory_has_58_districts_and_11_demo_regions_covering_all_62_counties():
    assert CountyCoverage.objects.count() == 62
    assert CountyCoverage.objects.values("district").distinct().count() == 58
    assert RhtpRegion.objects.count() == 11
    assert not CountyCoverage.objects.filter(rhtp_region__isnull=True).exists()
    # The region map and every contact detail are labelled demo data until replaced.
    assert not CountyCoverage.objects.filter(region_is_demo=False).exists()
    assert not RhtpRegion.objects.exclude(name__endswith="(demo)").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("county", COUNTY_NAMES)
def test_every_county_goes_to_its_regions_rhtp_provider_when_not_eligible(county):
    referral = ReferralFactory(
        county_of_residence=County.objects.get(name=county), consent_scopes=ALL_SHARING
    )
    region = CountyCoverage.objects.get(county__name=county).rhtp_region

    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=False, county=referral.county_of_residence
    )

    [destination] = proposal.allowed
    assert destination.destination == "rhtp_provider"
    assert destination.entry == region.provider
    assert destination.organization.kind == "rhtp_provider"


def _entry(name):
    return SimpleNamespace(organization=SimpleNamespace(name=name, is_active=True))


DISTRICT, PROVIDER = _entry("District DSS"), _entry("Regional provider")


def _decide(**overrides):
    facts = {
        "appears_eligible": True,
        "add_other": False,
        "is_minor": False,
        "is_foreign_national": False,
        "consent_scopes": ALL_SHARING,
        "county_name": "Albany",
        "district": DISTRICT,
        "provider": PROVIDER,
    }
    facts.update(overrides)
    return rules.decide(**facts)


def _shape(proposal):
    return [(d.destination, d.blocked, d.added_by_reviewer) for d in proposal.destinations]


@pytest.mark.parametrize(
    ("eligible", "add_other", "consent", "expected"),
    [
        # eligibility to destination
        (True, False, [LDSS, RHTP], [("district", False, False)]),
        (False, False, [LDSS, RHTP], [("rhtp_provider", False, False)]),
        # the reviewer adds the other destination: both
        (True, True, [LDSS, RHTP], [("district", False, False), ("rhtp_provider", False, True)]),
        (False, True, [LDSS, RHTP], [("rhtp_provider", False, False), ("district", False, True)]),
        # consent limits: a destination outside consent is blocked, never allowed
        (True, False, [RHTP], [("district", True, False)]),
        (False, False, [LDSS], [("rhtp_provider", True, False)]),
        (True, True, [RHTP], [("district", True, False), ("rhtp_provider", False, True)]),
        (False, True, [RHTP], [("rhtp_provider", False, False), ("district", True, True)]),
        (True, True, [], [("district", True, False), ("rhtp_provider", True, True)]),
        (False, False, [CHILD], [("rhtp_provider", True, False)]),
    ],
)
def test_eligibility_other_destination_and_consent(eligible, add_other, consent, expected):
    proposal = _decide(appears_eligible=eligible, add_other=add_other, consent_scopes=consent)

    assert _shape(proposal) == expected
    assert all(d.appears_eligible == eligible for d in proposal.destinations)
    for destination in proposal.blocked:
        assert "not consented" in destination.blocked_reason
        assert any(destination.blocked_reason in warning for warning in proposal.warnings)


@pytest.mark.parametrize(
    ("is_minor", "foreign", "consent", "flag", "warnings"),
    [
        (False, False, ALL_SHARING, False, []),
        (False, True, ALL_SHARING, False, []),
        (True, False, ALL_SHARING, True, []),
        (True, False, [LDSS, RHTP], True, [rules.CHILD_WELFARE_WITHOUT_CONSENT]),
        (True, True, ALL_SHARING, True, [rules.HHS_WARNING]),
        (True, True, [LDSS], True, [rules.HHS_WARNING, rules.CHILD_WELFARE_WITHOUT_CONSENT]),
    ],
)
def test_minors_are_flagged_for_the_child_welfare_pathway(
    is_minor, foreign, consent, flag, warnings
):
    proposal = _decide(is_minor=is_minor, is_foreign_national=foreign, consent_scopes=consent)

    assert proposal.child_welfare_pathway is flag
    assert list(proposal.warnings) == warnings
    assert len(proposal.allowed) == 1  # the flag never adds or removes a destination


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"county_name": None}, "county of residence is not recorded"),
        ({"district": None}, "names no local department of social services"),
        (
            {"district": SimpleNamespace(organization=SimpleNamespace(name="X", is_active=False))},
            "X is not active",
        ),
    ],
)
def test_gaps_in_the_facts_or_the_directory_block_with_a_reason(overrides, reason):
    proposal = _decide(**overrides)

    assert proposal.allowed == []
    assert reason in proposal.blocked[0].blocked_reason


@pytest.mark.django_db
def test_a_minor_referral_is_flagged_from_its_date_of_birth():
    referral = ReferralFactory(date_of_birth=None, estimated_age=16, consent_scopes=ALL_SHARING)

    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=True, county=referral.county_of_residence
    )

    assert proposal.child_welfare_pathway is True


@pytest.mark.django_db
def test_an_unknown_county_blocks_every_destination():
    referral = ReferralFactory(
        consent_scopes=ALL_SHARING
    )  # the reviewer found no county: `county=None` below

    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=True, county=None, add_other=True
    )

    assert proposal.allowed == []
    assert len(proposal.blocked) == 2
