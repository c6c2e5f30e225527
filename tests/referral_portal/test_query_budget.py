"""Every page a person reaches runs at most 15 statements, and as many for a case with many
rows as for one with few (issue 13).

Each role walks its pages on a realistic state: a referral that went through the whole review
(a file, a request for information answered with another file, a consultation, an extension, a
confirmation with its notices, a routed and delivered case, views in the access log, a
possible duplicate, a break-glass grant), then the same pages again after more of every related
row is added. The clock is stopped, so the once-a-minute session bookkeeping
(accounts.activity) does not run inside a count; test_request_floor.py covers it."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from access_log.models import AccessLog
from confirmations import services as review
from referral_portal.business_days import add_business_days
from referral_portal.models import County
from referral_portal.roles import Role
from referrals import services as referral_services
from referrals.break_glass import Purpose, open_grant
from referrals.models import AttachmentKind
from referrals.uploads import CheckedFile
from referrals.wizard_views import SLUGS
from routing import services as routing_services
from routing.models import ContactMethod, Outcome, RoutingDelivery
from tests.confirmations import helpers
from tests.factories import UserFactory
from tests.outbox import drain
from tests.referrals import builders
from tests.referrals.factories import ALL_SHARING, ReferralFactory
from tests.routing.factories import district, provider, receiving_user

pytestmark = pytest.mark.django_db
MOST_QUERIES = 15
PDF = b"%PDF-1.4 test file"


def _file(name: str) -> CheckedFile:
    return CheckedFile(name=f"{name}.pdf", content_type="application/pdf", data=PDF)


def _reviewed(referrer, reviewer, n: int):
    """A referral taken through the whole review with `n` of every related row, confirmed and
    routed (to both destinations when n > 1), its deliveries made."""
    draft = builders.draft(
        referrer,
        consent_scopes=ALL_SHARING,
        trafficking_counties=list(County.objects.order_by("pk")[:n]),
    )
    for k in range(n):
        referral_services.add_attachment(
            referral=draft, user=referrer, kind=AttachmentKind.POLICE_REPORT, upload=_file(k)
        )
    referral = referral_services.submit_referral(referral=draft, user=referrer)
    helpers.assigned(reviewer, referral)
    for k in range(n):
        referral.refresh_from_db()
        request = review.request_information(
            referral=referral,
            reviewer=reviewer,
            reasons=["unclear_facts"],
            message=f"Question {k}",
            expected_version=referral.version,
        )
        referral_services.add_attachment(
            referral=referral,
            user=referrer,
            kind=AttachmentKind.CONSENT_FORM,
            upload=_file(f"answer-{k}"),
            information_request=request,
        )
        referral_services.answer_information_request(
            information_request=request, user=referrer, response=f"Answer {k}"
        )
        helpers.consult(referral, reviewer)
        referral.refresh_from_db()
        review.extend_deadline(
            referral=referral,
            actor=reviewer,
            reason=f"Good cause {k}",
            new_due_date=add_business_days(referral.due_at, 3).date(),
        )
    for _ in range(n):  # the same person referred again
        helpers.submitted(
            referrer, legal_name=referral.legal_name, date_of_birth=referral.date_of_birth
        )
    helpers.confirm(referral, reviewer, add_other=n > 1)
    drain()
    return referral


def _more_lists(referrer, n: int) -> None:
    """More rows in every list: referrals, drafts, organizations, access-log entries."""
    for _ in range(n):
        builders.draft(referrer)
        UserFactory(role=Role.REFERRER)  # a new organization with its person
        UserFactory(role=Role.REFERRER, organization=referrer.organization)
    helpers.bulk_open_referrals(30 * n, referrer=referrer, start=1000 * n)
    AccessLog.objects.bulk_create(
        AccessLog(user=referrer, role=referrer.role, action=AccessLog.Action.VIEW_REFERRAL)
        for _ in range(60 * n)
    )


class People:
    def __init__(self):
        self.referrer = UserFactory(role=Role.REFERRER)
        self.org_admin = UserFactory(role=Role.ORG_ADMIN, organization=self.referrer.organization)
        self.reviewer = helpers.reviewer()
        self.supervisor = helpers.supervisor()
        self.administrator = helpers.administrator()
        self.agency = receiving_user(district().organization)
        self.provider = receiving_user(provider().organization)


def _cases(people, n: int) -> dict:
    """One referral in each state a page shows, with `n` of every related row."""
    referrer, reviewer = people.referrer, people.reviewer
    confirmed = _reviewed(referrer, reviewer, n)
    for _ in range(n):  # others have opened the case
        AccessLog.objects.create(
            user=UserFactory(role=Role.STATE_SUPERVISOR),
            role=Role.STATE_SUPERVISOR,
            action=AccessLog.Action.VIEW_REFERRAL,
            referral_public_id=confirmed.public_id,
        )
        open_grant(
            referral=confirmed,
            administrator=people.administrator,
            purpose=Purpose.SUPPORT_INCIDENT,
            reason="A support ticket about this case needs the record.",
        )
    opened = helpers.ready_to_decide(reviewer, referrer=referrer)
    asked = ReferralFactory(info_requested=True, referrer=referrer, reviewer=reviewer)
    declined = ReferralFactory(declined=True, referrer=referrer, reviewer=reviewer)
    appealed = ReferralFactory(appealed=True, referrer=referrer, reviewer=reviewer)
    delivery = RoutingDelivery.objects.get(
        referral=confirmed, organization=people.agency.organization
    )
    for _ in range(n):
        routing_services.report_outcome(
            delivery=delivery,
            actor=people.agency,
            outcome=Outcome.CONTACTED,
            attempts=[(timezone.localdate(), ContactMethod.PHONE)],
        )
    _more_lists(referrer, n)
    drain()
    return {
        "confirmed": confirmed,
        "open": opened,
        "asked": asked,
        "question": asked.information_requests.get(),
        "declined": declined,
        "appealed": appealed,
        "draft": builders.draft(referrer),
        "delivery": delivery,
    }


def _url(name, *args, query="") -> str:
    return reverse(name, args=args) + query


def _referrer_pages(people, c) -> dict:
    draft = c["draft"].public_id
    steps = {
        f"wizard step {slug}": _url("referrals:step", draft, slug)
        for slug in referral_wizard_slugs()
    }
    return {
        "home": _url("home"),
        "referrer list": _url("referrals:list"),
        "referral detail": _url("referrals:detail", c["confirmed"].public_id),
        "referral detail with a question": _url("referrals:detail", c["asked"].public_id),
        "answer form": _url("referrals:answer", c["asked"].public_id, c["question"].public_id),
        "submitted page": _url("referrals:submitted", c["confirmed"].public_id),
        "withdraw form": _url("referrals:withdraw", c["open"].public_id),
        "appeal form": _url("confirmations:appeal", c["declined"].public_id),
        "new referral": _url("referrals:start"),
        **steps,
        "wizard review": _url("referrals:review", draft),
    }


def _org_admin_pages(people, c) -> dict:
    organization = people.referrer.organization
    return {
        "referrer list": _url("referrals:list"),
        "organization page": _url("accounts:organization_detail", organization.public_id),
        "person page": _url("accounts:person_detail", people.referrer.public_id),
        "invite form": _url("accounts:invite", organization.public_id),
    }


def _reviewer_pages(people, c) -> dict:
    opened = c["open"].public_id
    county = c["open"].county_of_residence_id
    return {
        "queue": _url("confirmations:queue"),
        "filtered queue": _url(
            "confirmations:queue",
            query=f"?county={county}&trafficking=labor&minor=no&reviewer=mine&status=assigned",
        ),
        "queue by date received": _url("confirmations:queue", query="?sort=received"),
        "case page, confirmed": _url("confirmations:case", c["confirmed"].public_id),
        "case page, open": _url("confirmations:case", opened),
        "case page, declined": _url("confirmations:case", c["declined"].public_id),
        "case page, appealed": _url("confirmations:case", c["appealed"].public_id),
        "request information form": _url("confirmations:request_information", opened),
        "consultation form": _url("confirmations:consultation", opened),
        "extension form": _url("confirmations:extension", opened),
        "confirm form": _url("confirmations:confirm", opened),
        "decline form": _url("confirmations:decline", opened),
        "referrer's view of the case": _url("referrals:detail", c["confirmed"].public_id),
    }


def _supervisor_pages(people, c) -> dict:
    return {
        "queue": _url("confirmations:queue"),
        "case page": _url("confirmations:case", c["confirmed"].public_id),
        "reassign form": _url("confirmations:reassign", c["open"].public_id),
    }


def _statistics_pages(people, c) -> dict:
    return {
        "statistics": _url("reports:statistics"),
        "statistics cases": _url("reports:cases"),
        "scorecard": _url("reports:scorecard", people.referrer.organization.public_id),
    }


def _agency_pages(people, c) -> dict:
    delivery = c["delivery"].public_id
    return {
        "agency cases": _url("routing:case_list"),
        "agency case": _url("routing:case_detail", delivery),
        "outcome form": _url("routing:report_outcome", delivery),
    }


def _administrator_pages(people, c) -> dict:
    organization = people.referrer.organization.public_id
    return {
        "access log": _url("access_log:search"),
        "access log for one referral": _url(
            "access_log:search", query=f"?reference={c['confirmed'].reference}"
        ),
        "deliveries": _url("routing:delivery_list"),
        "organizations": _url("accounts:organization_list"),
        "organization page": _url("accounts:organization_detail", organization),
        "person page": _url("accounts:person_detail", people.referrer.public_id),
        "operations": _url("security:operations"),
        "queue": _url("confirmations:queue"),
        "break-glass form": _url("confirmations:break_glass", c["open"].public_id),
        "case page under break glass": _url("confirmations:case", c["confirmed"].public_id),
        "reassign form": _url("confirmations:reassign", c["open"].public_id),
    }


def referral_wizard_slugs() -> list[str]:
    return [slug for slug in SLUGS if slug != "review"]


def _walk(client, pages: dict, budget) -> dict:
    counts = {}
    for name, path in pages.items():
        with budget(MOST_QUERIES, info=name) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries.captured_queries)
    return counts


ROLES = {
    "referrer": ("referrer", _referrer_pages),
    "organization administrator": ("org_admin", _org_admin_pages),
    "reviewer": ("reviewer", _reviewer_pages),
    "supervisor": ("supervisor", _supervisor_pages),
    "receiving agency": ("agency", _agency_pages),
    "administrator": ("administrator", _administrator_pages),
}


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("role", ROLES)
def test_every_page_runs_a_fixed_number_of_statements(
    role, client, clock, django_assert_max_num_queries
):
    people = People()
    attribute, pages = ROLES[role]
    client.force_login(getattr(people, attribute))
    few = _cases(people, 1)
    client.get(_url("home"))  # the session's first request records its start
    # Each walk draws every page from scratch: a filter form the first walk cached (the queue
    # and the access log keep theirs for ten minutes) may not make the second look cheaper.
    cache.clear()
    with_few = _walk(client, pages(people, few), django_assert_max_num_queries)
    clock.shift(timedelta(seconds=1))
    many = _cases(people, 3)
    cache.clear()
    with_many = _walk(client, pages(people, many), django_assert_max_num_queries)
    assert with_many == with_few


def test_the_statistics_pages_run_a_fixed_number_of_statements(
    client, clock, django_assert_max_num_queries, settings
):
    """reports/ (statistics and scorecards) on the same data, computed on every request (the
    figures a minute old that reports/freshness.py serves cost fewer: tests/reports/
    test_queries.py counts those)."""
    settings.REPORTS_FIGURES_MAX_AGE_SECONDS = 0
    people = People()
    client.force_login(people.supervisor)
    few = _cases(people, 1)
    client.get(_url("home"))
    # Each walk draws every page from scratch: nothing drawn by the first (the statistics
    # page keeps its filter form for ten minutes) may make the second look cheaper.
    cache.clear()
    with_few = _walk(client, _statistics_pages(people, few), django_assert_max_num_queries)
    clock.shift(timedelta(seconds=1))
    many = _cases(people, 3)
    cache.clear()
    with_many = _walk(client, _statistics_pages(people, many), django_assert_max_num_queries)
    assert with_many == with_few
