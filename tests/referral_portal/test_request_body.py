"""A POST whose body is not a form, or is a form cut short, gets 400 and changes nothing, on
every view that saves what a person typed: each wizard step, an answer to a request for
information, an outcome report, and an admin form."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.models import Organization
from referral_portal.roles import Role
from referrals.forms import FORM_STEPS
from referrals.models import InformationRequest, Referral
from routing.models import OutcomeReport
from tests.confirmations import helpers
from tests.factories import OrganizationFactory, UserFactory
from tests.referrals.builders import draft
from tests.referrals.steps import step_data
from tests.routing.conftest import albany_case  # noqa: F401 - a fixture used below

pytestmark = pytest.mark.django_db
BOUNDARY = "portal-test-boundary"


def _cut_short(fields: dict) -> bytes:
    """A multipart body with every part but without its closing boundary."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return "".join(parts).encode()


NOT_A_FORM = {
    "json": ("application/json", b'{"legal_name": "Replaced"}'),
    "plain text": ("text/plain", b"legal_name=Replaced"),
    "no content type": ("", b"legal_name=Replaced"),
    "multipart cut short": (
        f"multipart/form-data; boundary={BOUNDARY}",
        _cut_short({"legal_name": "Replaced", "action": "next"}),
    ),
}


def _post(client, url, kind):
    content_type, body = NOT_A_FORM[kind]
    return client.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize("kind", NOT_A_FORM)
@pytest.mark.parametrize("slug", [step.slug for step in FORM_STEPS] + ["attachments"])
def test_a_wizard_step_refuses_a_body_that_is_not_a_whole_form(client, slug, kind):
    referral = draft()
    before = model_to_dict(Referral.objects.get(pk=referral.pk))
    client.force_login(referral.created_by)

    response = _post(client, reverse("referrals:step", args=[referral.public_id, slug]), kind)

    assert response.status_code == 400
    assert "Something was wrong with the request" in response.text
    assert model_to_dict(Referral.objects.get(pk=referral.pk)) == before
    assert before["legal_name"] != ""


def test_a_whole_multipart_form_still_saves_the_step(client):
    referral = draft()
    client.force_login(referral.created_by)
    person = step_data()["person"]

    response = client.post(reverse("referrals:step", args=[referral.public_id, "person"]), person)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.legal_name == person["legal_name"]


@pytest.mark.parametrize("kind", NOT_A_FORM)
def test_an_answer_to_a_request_for_information_refuses_a_body_that_is_not_a_form(client, kind):
    request = helpers.information_requested()
    referral = request.referral
    client.force_login(referral.submitted_by)
    url = reverse("referrals:answer", args=[referral.public_id, request.public_id])

    response = _post(client, url, kind)

    assert response.status_code == 400
    request.refresh_from_db()
    assert (request.response, request.responded_at) == ("", None)
    assert InformationRequest.objects.get(pk=request.pk).referral.status == "info_requested"


@pytest.mark.parametrize("kind", NOT_A_FORM)
def test_an_outcome_report_refuses_a_body_that_is_not_a_form(client, albany_case, kind):  # noqa: F811
    delivery, user = albany_case
    client.force_login(user)

    response = _post(client, reverse("routing:report_outcome", args=[delivery.public_id]), kind)

    assert response.status_code == 400
    assert not OutcomeReport.objects.exists()


@pytest.mark.parametrize("kind", NOT_A_FORM)
def test_an_admin_form_refuses_a_body_that_is_not_a_form(client, kind):
    state = OrganizationFactory(kind=Organization.Kind.STATE_AGENCY)
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, organization=state))
    organization = OrganizationFactory()
    before = model_to_dict(Organization.objects.get(pk=organization.pk))

    url = reverse("admin:accounts_organization_change", args=[organization.pk])
    response = _post(client, url, kind)

    assert response.status_code == 400
    assert model_to_dict(Organization.objects.get(pk=organization.pk)) == before
