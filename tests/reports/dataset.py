"""A small data set whose every figure is worked out by hand in the tests (2025, New York
time). Rows are written directly with exact timestamps so each business-day count is known:
2025 State holidays used here are Jan 1, Feb 17 (Washington's Birthday), Jun 19 (Juneteenth),
Jul 4, Nov 4 (Election Day) and Nov 11 (Veterans Day).

Referrals received in 2025 (R10 was received on December 30, 2024):

    ref  type   minor  referrer           county  status               first decision
    R1   sex    no     provider           Albany  confirmed            Fri Feb 14 -> Tue Feb 18: 1
    R2   labor  yes    provider           Albany  confirmed            Wed Jun 18 -> Fri Jun 20: 1
    R3   both   no     provider           Albany  declined             Mon Mar 3 -> same day: 0
    R4   sex    no     provider           Albany  confirmed            Mon Mar 10 -> Thu Mar 13: 3
    R5   labor  no     provider           Erie    confirmed (appeal)   Tue Apr 1 -> Tue Apr 8: 5
    R6   sex    yes    police             Erie    declined (upheld)    Thu Jul 3 6pm -> Wed Jul 9: 3
    R7   none   no     police             Erie    withdrawn            -
    R8   sex    no     police             Kings   submitted            -
    R9   labor  no     district attorney  Kings   confirmed            Mon Nov 3 -> Wed Nov 5: 1
    R10  sex    no     provider           Albany  confirmed            Mon Dec 30 -> Thu Jan 2: 2

R4 has an extension (Mar 12 -> Mar 14: 2 business days) and was decided in time; R5 waited
for an answer (Apr 2 -> Apr 7: 3 business days) and was decided late.

Deliveries (confirmation -> first contact in business days):

    d1 R1  Albany County   ack on time, contacted Feb 21 on time             3
    d2 R1  Capital RHTP    ack late, could not reach Feb 28 (late)           -
    d3 R2  Albany County   ack on time, could not reach Jun 24, contacted Jul 7   10
    d4 R4  Albany County   nothing: open past the deadline (Mar 19)           -
    d5 R5  Erie County     ack on time, services started Apr 16               1
    d6 R9  New York City   ack late (Nov 10), contacted Nov 12 on time        4
    d7 R9  NYC South RHTP  nothing: open past the deadline (Nov 12)           -
    d8 R10 Albany County   ack on time, contacted Jan 3                       1
"""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import Organization
from confirmations.models import Appeal, Decision, Extension
from referral_portal.business_days import NEW_YORK, add_business_days
from referral_portal.roles import Role
from referrals.models import InformationRequest, Status
from routing.models import District, OutcomeReport, RoutingDelivery
from tests.confirmations.helpers import state_agency
from tests.factories import OrganizationFactory, UserFactory
from tests.referrals.factories import stored_referral
from tests.routing.factories import district, provider

NOW = datetime(2025, 12, 15, 12, 0, tzinfo=NEW_YORK)  # a Monday


def ny(month, day, hour=10, minute=0, year=2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


@dataclass
class DataSet:
    referrals: dict = field(default_factory=dict)
    deliveries: dict = field(default_factory=dict)
    organizations: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


def _referrer(kind):
    values = {"kind": kind}
    if kind not in Organization.PROVIDER_KINDS:
        values.update(designating_agency="", designation_date=None)
    return UserFactory(role=Role.REFERRER, organization=OrganizationFactory(**values))


def build() -> DataSet:
    data = DataSet()
    state = state_agency()
    reviewer = UserFactory(role=Role.STATE_REVIEWER, organization=state)
    other_reviewer = UserFactory(role=Role.STATE_REVIEWER, organization=state)
    referrers = {
        "provider": _referrer(Organization.Kind.SOCIAL_SERVICES_PROVIDER),
        "police": _referrer(Organization.Kind.LAW_ENFORCEMENT),
        "da": _referrer(Organization.Kind.DISTRICT_ATTORNEY),
    }
    data.people = {"reviewer": reviewer, **referrers}
    data.organizations = {name: person.organization for name, person in referrers.items()}

    def referral(
        name, *, by, county, status, submitted, kinds, minor=False, due=None, decided=None
    ):
        made = stored_referral(
            referrer=referrers[by],
            county=county,
            status=status,
            submitted_at=submitted,
            due_at=due or add_business_days(submitted, 3),
            decided_at=decided,
            reference=f"VC-TEST-{name}",
            sex_trafficking="sex" in kinds,
            labor_trafficking="labor" in kinds,
            minor_at_referral=minor,
        )
        data.referrals[name] = made
        return made

    def decision(ref, outcome, at, stage=Decision.Stage.INITIAL, by=reviewer):
        confirmed = outcome == Decision.Outcome.CONFIRMED
        return Decision.objects.create(
            referral=ref,
            stage=stage,
            outcome=outcome,
            decided_by=by,
            decided_at=at,
            basis="both" if confirmed else "",
            appears_eligible=True if confirmed else None,
            decline_reasons=[] if confirmed else ["criteria_not_met"],
            referral_version=2,
            county_of_residence=ref.county_of_residence,
        )

    confirmed, declined = Decision.Outcome.CONFIRMED, Decision.Outcome.DECLINED
    r1 = referral(
        "R1",
        by="provider",
        county="Albany",
        status=Status.CONFIRMED,
        submitted=ny(2, 14),
        kinds="sex",
        decided=ny(2, 18),
    )
    decision(r1, confirmed, ny(2, 18))
    r2 = referral(
        "R2",
        by="provider",
        county="Albany",
        status=Status.CONFIRMED,
        submitted=ny(6, 18, 9),
        kinds="labor",
        minor=True,
        decided=ny(6, 20),
    )
    decision(r2, confirmed, ny(6, 20))
    r3 = referral(
        "R3",
        by="provider",
        county="Albany",
        status=Status.DECLINED,
        submitted=ny(3, 3, 9),
        kinds="sex labor",
        decided=ny(3, 3, 16),
    )
    decision(r3, declined, ny(3, 3, 16))
    r4 = referral(
        "R4",
        by="provider",
        county="Albany",
        status=Status.CONFIRMED,
        submitted=ny(3, 10, 9),
        kinds="sex",
        decided=ny(3, 13),
        due=ny(3, 14, 17),
    )
    Extension.objects.create(
        referral=r4,
        reason="Waiting for a police report.",
        previous_due_at=ny(3, 12, 17),
        new_due_at=ny(3, 14, 17),
        granted_by=reviewer,
        granted_at=ny(3, 12, 9),
    )
    decision(r4, confirmed, ny(3, 13))
    # R5: asked, answered, declined late, appealed and confirmed on appeal.
    r5 = referral(
        "R5",
        by="provider",
        county="Erie",
        status=Status.CONFIRMED,
        submitted=ny(4, 1, 9),
        kinds="labor",
        decided=ny(4, 15),
        due=ny(4, 15, 17),
    )
    InformationRequest.objects.create(
        referral=r5,
        requested_by=reviewer,
        reasons=["other"],
        requested_at=ny(4, 2),
        responded_at=ny(4, 7),
        responded_by=referrers["provider"],
    )
    first = decision(r5, declined, ny(4, 8))
    on_appeal = decision(r5, confirmed, ny(4, 15), stage=Decision.Stage.APPEAL, by=other_reviewer)
    Appeal.objects.create(
        referral=r5,
        statement="New evidence.",
        filed_by=referrers["provider"],
        filed_at=ny(4, 10),
        declined_by=first.decided_by,
        outcome="overturned",
        decided_by=other_reviewer,
        decided_at=ny(4, 15),
        decision=on_appeal,
    )
    # R6: received after 5 pm before the July 4 weekend; declined, appeal upheld.
    r6 = referral(
        "R6",
        by="police",
        county="Erie",
        status=Status.DECLINED,
        submitted=ny(7, 3, 18),
        kinds="sex",
        minor=True,
        decided=ny(7, 16),
        due=ny(7, 16, 17),
    )
    first = decision(r6, declined, ny(7, 9, 12))
    upheld = decision(r6, declined, ny(7, 16), stage=Decision.Stage.APPEAL, by=other_reviewer)
    Appeal.objects.create(
        referral=r6,
        statement="Please look again.",
        filed_by=referrers["police"],
        filed_at=ny(7, 10),
        declined_by=first.decided_by,
        outcome="upheld",
        decided_by=other_reviewer,
        decided_at=ny(7, 16),
        decision=upheld,
    )
    referral(
        "R7", by="police", county="Erie", status=Status.WITHDRAWN, submitted=ny(5, 5), kinds=""
    )
    referral(
        "R8",
        by="police",
        county="Kings",
        status=Status.SUBMITTED,
        submitted=ny(12, 10),
        kinds="sex",
    )
    r9 = referral(
        "R9",
        by="da",
        county="Kings",
        status=Status.CONFIRMED,
        submitted=ny(11, 3, 9),
        kinds="labor",
        decided=ny(11, 5, 9),
    )
    decision(r9, confirmed, ny(11, 5, 9))
    r10 = referral(
        "R10",
        by="provider",
        county="Albany",
        status=Status.CONFIRMED,
        submitted=ny(12, 30, year=2024),
        kinds="sex",
        decided=ny(1, 2),
    )
    decision(r10, confirmed, ny(1, 2))

    albany, erie, nyc = (
        district("Albany County"),
        district("Erie County"),
        district("New York City"),
    )
    capital, nyc_south = provider("Capital Region (demo)"), provider("New York City South (demo)")
    data.organizations.update(
        albany=albany.organization,
        erie=erie.organization,
        nyc=nyc.organization,
        capital=capital.organization,
        nyc_south=nyc_south.organization,
    )
    receivers = {}

    def receiver(entry):
        key = entry.organization_id
        if key not in receivers:
            receivers[key] = UserFactory(
                role=Role.RECEIVING_AGENCY, organization=entry.organization
            )
        return receivers[key]

    def deliver(name, ref, entry, routed, *, acknowledged=None, outcomes=()):
        kind = "district" if isinstance(entry, District) else "rhtp_provider"
        person = receiver(entry)
        made = RoutingDelivery.objects.create(
            referral=ref,
            organization=entry.organization,
            destination=kind,
            district=entry if kind == "district" else None,
            rhtp_provider=entry if kind == "rhtp_provider" else None,
            appears_eligible=True,
            routed_by=reviewer,
            routed_at=routed,
            state="delivered",
            portal_delivered_at=routed,
            delivered_at=routed,
            acknowledge_due_at=add_business_days(routed, 2),
            first_contact_due_at=add_business_days(routed, 5),
            acknowledged_at=acknowledged,
            acknowledged_by=person if acknowledged else None,
            first_outcome_at=outcomes[0][1] if outcomes else None,
        )
        for outcome, at in outcomes:
            OutcomeReport.objects.create(
                delivery=made, outcome=outcome, reported_by=person, reported_at=at
            )
        data.deliveries[name] = made
        return made

    deliver(
        "d1", r1, albany, ny(2, 18), acknowledged=ny(2, 19, 9), outcomes=[("contacted", ny(2, 21))]
    )
    deliver(
        "d2",
        r1,
        capital,
        ny(2, 18),
        acknowledged=ny(2, 20, 12),
        outcomes=[("could_not_reach", ny(2, 28))],
    )
    deliver(
        "d3",
        r2,
        albany,
        ny(6, 20),
        acknowledged=ny(6, 23, 9),
        outcomes=[("could_not_reach", ny(6, 24)), ("contacted", ny(7, 7))],
    )
    deliver("d4", r4, albany, ny(3, 13))
    deliver(
        "d5",
        r5,
        erie,
        ny(4, 15),
        acknowledged=ny(4, 15, 11),
        outcomes=[("services_started", ny(4, 16))],
    )
    deliver(
        "d6", r9, nyc, ny(11, 5, 9), acknowledged=ny(11, 10), outcomes=[("contacted", ny(11, 12))]
    )
    deliver("d7", r9, nyc_south, ny(11, 5, 9))
    deliver(
        "d8", r10, albany, ny(1, 2), acknowledged=ny(1, 2, 11), outcomes=[("contacted", ny(1, 3))]
    )
    data.people["receivers"] = receivers
    return data
