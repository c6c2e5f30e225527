"""Password reset and change: the same answer whether or not an address has an account, a
link and nothing else in the e-mail, and the authenticator still needed afterwards."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "copper valley whistle autumn"


def test_reset_answers_the_same_for_unknown_addresses_and_sends_them_nothing(client, staff_member):
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.net"})
    known = client.post(reverse("account_reset_password"), {"email": staff_member.email})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff_member.email]
    assert staff_member.username not in message.body
    assert staff_member.first_name not in message.body


def test_a_reset_password_still_needs_the_authenticator(client, staff_member):
    client.post(reverse("account_reset_password"), {"email": staff_member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()

    too_short = client.post(
        form_page.redirect_chain[-1][0], {"password1": "short", "password2": "short"}
    )
    assert "at least 15 characters" in too_short.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302

    response = sign_in(client, staff_member, password=NEW_PASSWORD)
    assert response.status_code == 302


def test_a_used_reset_link_explains_itself(client):
    response = client.get("/accounts/password/reset/key/1-set-password/")

    assert "This link cannot be used" in response.content.decode()


def test_changing_the_password_checks_the_rules(client, staff_member):
    sign_in(client, staff_member)

    weak = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "referral portal 2026",
            "password2": "referral portal 2026",
        },
    )
    assert weak.status_code == 200
    assert "easy to guess here" in weak.content.decode()
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    staff_member.refresh_from_db()
    assert staff_member.check_password(NEW_PASSWORD)
