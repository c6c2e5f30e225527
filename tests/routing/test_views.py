"""The receiving agency's pages and the administrators' deliveries page, through HTTP."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access_log.models import AccessLog
from referral_portal.models import County
from referral_portal.roles import Role
from referrals.models import ConsentScope, EventKind, NoticeKind, ReferralEvent
from referrals.services import store_notice
from routing.models import DeliveryState, RoutingDelivery
from routing.rules import propose_destinations
from routing.services import report_outcome
from tests.factories import UserFactory
from tests.referrals.factories import ReferralFactory
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, provider, receiving_user

pytestmark = pytest.mark.django_db


def _case_url(delivery, name="routing:case_detail"):
    return reverse(name, args=[delivery.public_id])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_case_list_shows_only_cases_delivered_to_the_organization(
    client,
    albany_case,
    django_assert_max_num_queries,
    drain_outbox,
):
    delivery, user = albany_case
    for _ in range(3):
        route(confirmed_referral())
    elsewhere = confirmed_referral(county="Erie")
    route(elsewhere)
    not_yet = confirmed_referral()
    drain_outbox()
    route(not_yet)  # routed but not delivered yet: not shown
    client.force_login(user)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("routing:case_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("/cases/") - page.count('href="/cases/"') == 4
    assert delivery.referral.reference in page
    assert elsewhere.reference not in page and not_yet.reference not in page
    before = _queries(client, reverse("routing:case_list"))
    for _ in range(3):
        route(confirmed_referral())
    drain_outbox()
    assert _queries(client, reverse("routing:case_list")) == before  # not one per row


def test_the_case_page_shows_how_to_reach_the_person_and_logs_the_view(
    client, albany_case, django_assert_max_num_queries
):
    delivery, user = albany_case
    referral = delivery.referral
    client.force_login(user)

    with django_assert_max_num_queries(24):
        response = client.get(_case_url(delivery))

    page = response.content.decode()
    assert response.status_code == 200
    for shown in (referral.legal_name, referral.phone, referral.email, "Spanish", "Shelter"):
        assert shown in page
    assert "Do not text." in page  # safe to call, not to text
    log = AccessLog.objects.get(user=user)
    assert log.action == AccessLog.Action.VIEW_CASE
    assert str(log.object_public_id) == str(referral.public_id)
    today = timezone.localdate()
    counts = []
    for outcome in ("could_not_reach", "contacted", "services_started"):
        report_outcome(
            delivery=delivery,
            actor=user,
            outcome=outcome,
            note="n",
            attempts=[(today, "phone"), (today, "text")],
        )
        counts.append(_queries(client, _case_url(delivery)))
    assert len(set(counts)) == 1  # not one query per report or attempt


@pytest.mark.parametrize("who", ["other_agency", "referrer", "reviewer", "administrator"])
def test_another_organizations_case_is_a_404_or_refused(client, albany_case, who):
    delivery, _ = albany_case
    people = {
        "other_agency": lambda: receiving_user(provider().organization),
        "referrer": lambda: delivery.referral.created_by,
        "reviewer": lambda: UserFactory(role=Role.STATE_REVIEWER),
        "administrator": lambda: UserFactory(role=Role.ADMINISTRATOR),
    }
    client.force_login(people[who]())

    response = client.get(_case_url(delivery))

    assert response.status_code == (404 if who == "other_agency" else 403)
    assert delivery.referral.legal_name not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_CASE).exists()


def test_a_routed_case_not_yet_delivered_is_a_404(client):
    [delivery] = route(confirmed_referral())
    client.force_login(receiving_user(delivery.organization))

    assert client.get(_case_url(delivery)).status_code == 404


def test_acknowledging_from_the_case_page(client, albany_case):
    delivery, user = albany_case
    client.force_login(user)

    response = client.post(_case_url(delivery, "routing:acknowledge"), follow=True)

    assert "You acknowledged receipt" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == user
    assert client.post(_case_url(delivery, "routing:acknowledge")).status_code == 302
    assert client.get(_case_url(delivery, "routing:acknowledge")).status_code == 405


def _attempts(*rows):
    data = {"attempts-TOTAL_FORMS": "4", "attempts-INITIAL_FORMS": "0"}
    for number, (day, method) in enumerate(rows):
        data[f"attempts-{number}-attempted_on"] = day
        data[f"attempts-{number}-method"] = method
    return data


def test_reporting_contacted(client, albany_case):
    delivery, user = albany_case
    client.force_login(user)
    url = _case_url(delivery, "routing:report_outcome")
    assert client.get(url).status_code == 200

    data = {"outcome": "contacted", "note": "Met at the office", **_attempts()}
    response = client.post(url, data)

    assert response.status_code == 302
    report = delivery.outcome_reports.get()
    assert report.outcome == "contacted" and report.note == "Met at the office"
    event = ReferralEvent.objects.get(referral=delivery.referral, kind=EventKind.OUTCOME_REPORTED)
    assert event.visible_to_referrer and "Met at the office" not in event.note


def test_could_not_reach_without_attempts_is_shown_next_to_the_attempts(client, albany_case):
    delivery, user = albany_case
    client.force_login(user)

    response = client.post(
        _case_url(delivery, "routing:report_outcome"),
        {"outcome": "could_not_reach", **_attempts()},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert page.count("Add at least one attempt") == 2  # summary and next to the fieldset
    assert not delivery.outcome_reports.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "transferred"}, "Enter the agency the case was transferred to."),
        ({}, "Choose what happened."),
        ({"outcome": "could_not_reach", **_attempts(("not a date", "phone"))}, "Enter the date"),
        ({"outcome": "could_not_reach", **_attempts(("2026-01-05", ""))}, "Choose how you tried"),
        ({"outcome": "nonsense"}, "Select a valid choice"),
    ],
)
def test_bad_outcome_reports_show_errors_not_500s(client, albany_case, data, message):
    delivery, user = albany_case
    client.force_login(user)
    data = {**_attempts(), **data}

    response = client.post(_case_url(delivery, "routing:report_outcome"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not delivery.outcome_reports.exists()


def test_could_not_reach_with_attempts_is_saved(client, albany_case):
    delivery, user = albany_case
    client.force_login(user)
    today = timezone.localdate().isoformat()

    response = client.post(
        _case_url(delivery, "routing:report_outcome"),
        {"outcome": "could_not_reach", **_attempts((today, "phone"), (today, "letter"))},
    )

    assert response.status_code == 302
    assert [a.method for a in delivery.outcome_reports.get().attempts.all()] == ["phone", "letter"]


def test_the_confirmation_notice_downloads_and_is_logged(client, albany_case, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    delivery, user = albany_case
    notice = store_notice(
        referral=delivery.referral,
        kind=NoticeKind.CONFIRMATION_ADULT,
        pdf=b"%PDF-1.4 test notice",
        issued_by=None,
    )
    private = store_notice(
        referral=delivery.referral,
        kind=NoticeKind.REFERRING_ORGANIZATION,
        pdf=b"%PDF-1.4 for the referrer",
        issued_by=None,
    )
    client.force_login(user)

    page = client.get(_case_url(delivery)).content.decode()
    response = client.get(
        reverse("routing:notice_download", args=[delivery.public_id, notice.public_id])
    )

    assert str(notice.public_id) in page and str(private.public_id) not in page
    assert response.status_code == 200 and response.content == b"%PDF-1.4 test notice"
    assert response["Content-Disposition"].startswith("attachment;")
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_NOTICE).count() == 1
    other = reverse("routing:notice_download", args=[delivery.public_id, private.public_id])
    assert client.get(other).status_code == 404


def test_administrators_see_every_delivery_with_state_and_tries_and_send_again(
    client, django_assert_max_num_queries
):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    [failed] = route(confirmed_referral())
    RoutingDelivery.objects.filter(pk=failed.pk).update(
        state=DeliveryState.FAILED, attempts=8, last_error="Webhook: HTTP 503"
    )
    for _ in range(3):
        route(confirmed_referral(county="Kings"))
    client.force_login(admin)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("routing:delivery_list"))
    filtered = client.get(reverse("routing:delivery_list"), {"state": "failed"})
    nonsense = client.get(reverse("routing:delivery_list"), {"state": "<x>", "page": "zz"})

    page = response.content.decode()
    assert page.count("<tr>") == 5  # header + 4 deliveries
    assert "New York City Human Resources Administration" in page
    assert "Webhook: HTTP 503" in page and "Failed" in page
    assert "Overdue" not in page  # nothing reached the portal yet, so no deadline runs
    assert filtered.content.decode().count("<tr>") == 2
    assert nonsense.status_code == 200
    before = _queries(client, reverse("routing:delivery_list"))
    route(confirmed_referral(county="Erie"), add_other=True)
    assert _queries(client, reverse("routing:delivery_list")) == before

    response = client.post(reverse("routing:delivery_resend", args=[failed.public_id]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == DeliveryState.QUEUED and failed.attempts == 0


def test_the_deliveries_page_counts_no_further_than_it_lists(client, monkeypatch):
    """Deliveries only grow: the page counts up to what it lists (routing.views.
    DELIVERIES_LISTED), says when there are more, and a state narrows them."""
    from routing import views

    monkeypatch.setattr(views, "DELIVERIES_LISTED", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    for county in ("Albany", "Kings", "Erie"):
        route(confirmed_referral(county=county))
    [failed] = route(confirmed_referral(county="Erie"))
    RoutingDelivery.objects.filter(pk=failed.pk).update(state=DeliveryState.FAILED)
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))

    every = client.get(reverse("routing:delivery_list")).content.decode()
    narrowed = client.get(reverse("routing:delivery_list"), {"state": "failed"}).content.decode()

    assert "Only the newest 2 are listed here: choose a state to narrow them." in every
    assert "Page 1 of more than 3" in every  # 2 listed, and the one that shows there are more
    assert "Only the newest" not in narrowed and "Page 1 of" not in narrowed


def test_the_deliveries_page_is_for_administrators_only(client, albany_case):
    _, user = albany_case
    client.force_login(user)

    assert client.get(reverse("routing:delivery_list")).status_code == 403


def test_the_nav_links_by_role(client, albany_case):
    _, user = albany_case
    client.force_login(user)
    assert 'href="/cases/"' in client.get("/").content.decode()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    assert 'href="/cases/deliveries/"' in client.get("/").content.decode()


def test_the_reviewer_sees_where_the_case_will_go_and_what_is_blocked():
    referral = ReferralFactory(  # submitted: the reviewer sees this before deciding
        county_of_residence=County.objects.get(name="Queens"),
        consent_scopes=[ConsentScope.CONFIRMATION, ConsentScope.SHARE_WITH_RHTP],
        estimated_age=15,
        date_of_birth=None,
        immigration_status="undocumented",
    )
    proposal = propose_destinations(
        referral=referral,
        appears_eligible=True,
        county=referral.county_of_residence,
        add_other=True,
    )

    html = render_to_string("routing/_proposal.html", {"proposal": proposal})

    assert "New York City Human Resources Administration" in html
    assert "Will not be sent" in html and "has not consented" in html
    assert "New York City South RHTP Provider (demo)" in html and "Will be sent" in html
    assert "Safe Harbour" in html and "HHS" in html


def test_administrators_see_an_unacknowledged_case_past_its_deadline(
    client, albany_case, time_machine
):
    delivery, _ = albany_case
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    assert "Overdue" not in client.get(reverse("routing:delivery_list")).content.decode()

    time_machine.move_to(delivery.acknowledge_due_at + timedelta(minutes=5))
    client.force_login(admin)  # a fresh session: the old one timed out meanwhile

    assert "Overdue" in client.get(reverse("routing:delivery_list")).content.decode()
