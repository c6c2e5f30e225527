"""The confirm and decline previews show each notice in each language it will be issued in."""

import pytest
from django.urls import reverse

from confirmations.models import Decision
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def _articles(page: str) -> list[str]:
    return [
        part.split("</article>")[0] for part in page.split('<article class="review-notice"')[1:]
    ]


def test_the_confirm_preview_shows_the_persons_notice_in_english_and_arabic(client, reviewer):
    referral = helpers.ready_to_decide(reviewer, preferred_language="ar")
    client.force_login(reviewer)
    answers = {
        "version": referral.version,
        "basis": "federal_criteria",
        "appears_eligible": "yes",
        "county": referral.county_of_residence_id,
        "minor": "no",
        "note": "",
    }

    page = client.post(reverse("confirmations:confirm", args=[referral.public_id]), answers)

    english, organization, arabic = _articles(page.content.decode())
    assert 'lang="en" dir="ltr"' in english and "Notice of confirmation" in english
    assert "Notice to the referring organization" in organization
    assert 'lang="ar" dir="rtl"' in arabic and "إشعار التأكيد" in arabic
    assert "إلى: " + referral.legal_name in arabic
    assert "هذه الترجمة مسودة ولم تُعتمد." in arabic
    assert "This translation is a draft and has not been certified." in arabic
    assert "verification code" in english and "verification code" not in organization
    assert not Decision.objects.exists()


def test_the_decline_preview_shows_the_notice_in_english_and_polish(client, reviewer):
    referral = helpers.ready_to_decide(reviewer, preferred_language="pl")
    client.force_login(reviewer)
    answers = {"version": referral.version, "reasons": ["criteria_not_met"], "note": ""}

    page = client.post(reverse("confirmations:decline", args=[referral.public_id]), answers)

    body = page.content.decode()
    english, polish = _articles(body)
    assert "The notices that will be issued" in body
    assert "Notice of decline" in english and "How to appeal" in english
    assert "Zawiadomienie o odmowie" in polish and "Jak się odwołać" in polish


def test_an_english_speaker_gets_one_preview_per_notice(client, reviewer):
    referral = helpers.ready_to_decide(reviewer, preferred_language="en")
    client.force_login(reviewer)
    answers = {"version": referral.version, "reasons": ["criteria_not_met"], "note": ""}

    page = client.post(reverse("confirmations:decline", args=[referral.public_id]), answers)

    assert len(_articles(page.content.decode())) == 1
    assert "The notice that will be issued" in page.content.decode()
