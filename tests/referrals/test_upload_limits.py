"""How much one request may bring, and where files are accepted at all
(referrals/upload_handlers.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from referrals.models import Attachment, Status
from tests.factories import PASSWORD, UserFactory
from tests.referrals import files
from tests.referrals.builders import draft, submitted
from tests.referrals.test_referrer_pages import ask

pytestmark = pytest.mark.django_db


def pdf_file(name="consent.pdf", size=None):
    data = files.pdf()
    return SimpleUploadedFile(name, data + b"%" * max(0, (size or 0) - len(data)))


def assert_refused_with_the_413_page(response):
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too many files or files too large" in page and "Nothing was saved" in page


def test_the_wizard_refuses_two_files_in_one_request(client):
    referral = draft()
    client.force_login(referral.created_by)

    response = client.post(
        f"/referrals/{referral.public_id}/edit/attachments/",
        {"action": "upload", "kind": "other", "file": [pdf_file("a.pdf"), pdf_file("b.pdf")]},
    )

    assert_refused_with_the_413_page(response)
    assert "takes 1 file at a time" in " ".join(response.content.decode().split())
    assert not Attachment.objects.exists()


def test_an_answer_with_more_files_than_the_form_takes_is_refused_and_nothing_changes(client):
    referral = submitted()
    request = ask(referral)
    client.force_login(referral.created_by)

    response = client.post(
        f"/referrals/{referral.public_id}/requests/{request.public_id}/answer/",
        {"response": "Here.", "file_1": pdf_file(), "file_2": pdf_file(), "file_3": pdf_file()},
    )

    assert_refused_with_the_413_page(response)
    referral.refresh_from_db()
    request.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED and request.response == ""
    assert not Attachment.objects.exists()


def test_a_request_above_the_per_request_cap_is_refused_before_it_is_read(client, settings):
    settings.REFERRAL_UPLOAD_MAX_REQUEST_BYTES = 30_000  # the file alone is within its limit
    referral = draft()
    client.force_login(referral.created_by)

    response = client.post(
        f"/referrals/{referral.public_id}/edit/attachments/",
        {"action": "upload", "kind": "other", "file": pdf_file(size=40_000)},
    )

    assert_refused_with_the_413_page(response)
    assert not Attachment.objects.exists()


def test_a_file_sent_to_a_page_that_takes_none_is_dropped_unread():
    request = RequestFactory().post(
        "/accounts/login/", {"login": "someone", "file": pdf_file(size=50_000)}
    )

    assert request.POST["login"] == "someone"
    assert not request.FILES


def test_the_sign_in_page_still_works_when_a_file_is_attached(client):
    person = UserFactory()

    response = client.post(
        reverse("account_login"),
        {"login": person.username, "password": PASSWORD, "file": pdf_file(size=50_000)},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


def test_a_page_that_takes_no_files_refuses_a_body_above_the_cap_whole(client, settings):
    settings.REFERRAL_UPLOAD_MAX_REQUEST_BYTES = 10_000
    person = UserFactory()

    response = client.post(
        reverse("account_login"),
        {"login": person.username, "password": PASSWORD, "file": pdf_file(size=50_000)},
    )

    assert response.status_code == 400
    assert "Something was wrong with the request" in response.content.decode()
