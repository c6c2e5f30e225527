"""The wizard through HTTP: drafts, steps, the review page, submitting, read-only afterwards."""

import pytest

from referral_portal.roles import Role
from referrals.models import Referral, Status
from tests.factories import OrganizationFactory, UserFactory
from tests.referrals.builders import draft, submitted
from tests.referrals.steps import step_data

pytestmark = pytest.mark.django_db


def step_url(referral, slug):
    return f"/referrals/{referral.public_id}/edit/{slug}/"


def start(client, user):
    client.force_login(user)
    response = client.post("/referrals/new/")
    assert response.status_code == 302
    return Referral.objects.get(created_by=user, status=Status.DRAFT)


def test_a_referrer_fills_every_step_and_submits(client, referrer):
    referral = start(client, referrer)
    data = step_data()
    slugs = ["referrer", "person", "trafficking", "needs"]
    following = ["person", "trafficking", "needs", "attachments"]
    for slug, next_slug in zip(slugs, following, strict=True):
        response = client.post(step_url(referral, slug), {**data[slug], "action": "next"})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == step_url(referral, next_slug)
    response = client.post(step_url(referral, "attachments"), {"action": "next"})
    assert response["Location"] == f"/referrals/{referral.public_id}/review/"

    review = client.get(f"/referrals/{referral.public_id}/review/")
    assert "Before you can submit" not in review.content.decode()
    assert data["person"]["legal_name"] in review.content.decode()
    referral.refresh_from_db()
    response = client.post(
        f"/referrals/{referral.public_id}/review/", {"version": referral.version}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.reference in page
    assert "Decision due by" in page
    assert f"{referral.due_at.astimezone().day}" in page


def test_back_and_forward_keep_what_was_typed(client, referrer):
    referral = start(client, referrer)
    data = step_data()
    client.post(step_url(referral, "person"), {**data["person"], "action": "back"})
    page = client.get(step_url(referral, "person")).content.decode()
    assert data["person"]["legal_name"] in page
    assert data["person"]["date_of_birth"] in page


def test_save_and_finish_later_lists_the_draft_and_it_resumes(client, referrer):
    referral = start(client, referrer)
    data = step_data()
    response = client.post(step_url(referral, "referrer"), {**data["referrer"], "action": "exit"})
    assert response["Location"] == "/referrals/"
    listing = client.get("/referrals/").content.decode()
    assert step_url(referral, "referrer") in listing
    resumed = client.get(step_url(referral, "referrer")).content.decode()
    assert data["referrer"]["first_encounter_date"] in resumed


def test_badly_formed_input_is_shown_again_with_the_message_next_to_the_field(client, referrer):
    referral = start(client, referrer)
    response = client.post(
        step_url(referral, "person"), {"legal_name": "Ana", "date_of_birth": "2025-02-29"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#div_id_date_of_birth"' in page
    field_block = page.split('id="div_id_date_of_birth"', 1)[1].split('id="div_id_', 1)[0]
    assert "Enter a real date" in field_block
    referral.refresh_from_db()
    assert referral.legal_name == ""  # nothing from an invalid step is saved


def test_the_review_page_links_to_whatever_is_missing(client, referrer):
    referral = start(client, referrer)
    page = client.get(f"/referrals/{referral.public_id}/review/").content.decode()
    assert "Before you can submit" in page
    assert f"{step_url(referral, 'person')}?check=1#div_id_legal_name" in page
    assert f"{step_url(referral, 'referrer')}?check=1#div_id_consent_given_by" in page
    assert "Submit referral" not in page
    checked = client.get(step_url(referral, "person") + "?check=1").content.decode()
    field_block = checked.split('id="div_id_legal_name"', 1)[1].split('id="div_id_', 1)[0]
    assert "Enter the person&#x27;s legal name." in field_block


def test_an_incomplete_referral_cannot_be_submitted_by_posting_anyway(client, referrer):
    referral = start(client, referrer)
    response = client.post(f"/referrals/{referral.public_id}/review/", {"version": "1"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_a_second_submit_shows_the_result_and_keeps_one_reference(client):
    referral = draft()
    client.force_login(referral.created_by)
    url = f"/referrals/{referral.public_id}/review/"
    first = client.post(url, {"version": referral.version})
    second = client.post(url, {"version": referral.version})
    assert first["Location"] == second["Location"] == f"/referrals/{referral.public_id}/submitted/"
    assert Referral.objects.exclude(reference=None).count() == 1


def test_a_submitted_referral_is_read_only_for_the_referrer(client):
    referral = submitted()
    client.force_login(referral.created_by)
    assert client.get(step_url(referral, "person")).status_code == 404
    response = client.post(step_url(referral, "person"), {"legal_name": "Changed"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.legal_name != "Changed"


def test_fields_outside_the_step_are_ignored(client, referrer):
    referral = start(client, referrer)
    other = OrganizationFactory()
    client.post(
        step_url(referral, "person"),
        {
            "legal_name": "Ana",
            "status": "confirmed",
            "organization": other.pk,
            "reference": "VC-2026-999999",
            "submitted_by": referrer.pk,
            "assigned_reviewer": referrer.pk,
        },
    )
    referral.refresh_from_db()
    assert referral.legal_name == "Ana"
    assert referral.status == Status.DRAFT
    assert referral.organization == referrer.organization
    assert referral.reference is None and referral.assigned_reviewer is None


def test_drafts_are_private_to_their_author(client, referrer):
    referral = start(client, referrer)
    colleague = UserFactory(organization=referrer.organization)
    client.force_login(colleague)
    assert client.get(step_url(referral, "referrer")).status_code == 404
    assert client.get(f"/referrals/{referral.public_id}/review/").status_code == 404
    assert client.post(f"/referrals/{referral.public_id}/discard/").status_code == 404
    assert step_url(referral, "referrer") not in client.get("/referrals/").content.decode()


def test_a_draft_can_be_deleted(client, referrer):
    referral = start(client, referrer)
    response = client.post(f"/referrals/{referral.public_id}/discard/")
    assert response["Location"] == "/referrals/"
    assert not Referral.objects.filter(pk=referral.pk).exists()


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        # People of an organization that is not verified are signed out at their next request.
        ("applied", "social_services_provider", 302),
        ("suspended", "law_enforcement", 302),
        # Verified, but not an organization that refers: refused.
        ("verified", "state_agency", 403),
        ("verified", "local_dss", 403),
    ],
)
def test_only_verified_referring_organizations_can_start_a_referral(client, status, kind, expected):
    organization = OrganizationFactory(status=status, kind=kind)
    user = UserFactory(organization=organization)
    client.force_login(user)
    response = client.post("/referrals/new/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", [Role.STATE_REVIEWER, Role.RECEIVING_AGENCY, Role.ADMINISTRATOR])
def test_other_roles_cannot_start_a_referral(client, role):
    client.force_login(UserFactory(role=role))
    assert client.post("/referrals/new/").status_code == 403
    assert not Referral.objects.exists()


def test_an_organization_administrator_can_refer(client):
    admin = UserFactory(role=Role.ORG_ADMIN)
    start(client, admin)


def test_a_police_referrer_must_give_the_case_number_in_the_form(client, police_referrer):
    referral = start(client, police_referrer)
    data = step_data(police=True)
    data["trafficking"]["agency_case_number"] = ""
    for slug in ["referrer", "person", "trafficking", "needs"]:
        client.post(step_url(referral, slug), data[slug])
    page = client.get(f"/referrals/{referral.public_id}/review/").content.decode()
    assert "must give the case number" in page
    assert "#div_id_agency_case_number" in page


def test_the_hhs_expectation_is_shown_for_a_foreign_national_minor(client):
    from django.utils import timezone

    today = timezone.localdate()
    referral = draft(
        date_of_birth=today.replace(year=today.year - 15), immigration_status="undocumented"
    )
    client.force_login(referral.created_by)
    for url in [step_url(referral, "person"), f"/referrals/{referral.public_id}/review/"]:
        assert "within 24 hours" in client.get(url).content.decode()
    adult = draft(referral.created_by)
    assert "within 24 hours" not in client.get(step_url(adult, "person")).content.decode()


def test_starting_drafts_is_rate_limited(client, referrer, settings):
    client.force_login(referrer)
    from referral_portal.ratelimits import parse_rate

    limit, _ = parse_rate(settings.REFERRAL_DRAFTS_PER_HOUR)
    for _ in range(limit):
        assert client.post("/referrals/new/").status_code == 302
    assert client.post("/referrals/new/").status_code == 429
    assert Referral.objects.count() == limit
