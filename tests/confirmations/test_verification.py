"""Online verification (/verify/): the code printed on the person's notice and their date of birth
show the notice's reference, kind, date and standing, and nothing else."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import ImageChops
from pypdf import PdfReader

from access_log.models import AccessAction, AccessLog
from confirmations import decisions, notices
from confirmations.models import NoticeVerification
from referral_portal import private_storage
from referrals.models import NoticeKind, Referral
from retention.services import purge_referral
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db
URL = "/verify/"
CODE = re.compile(r"Verification code: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
NO_MATCH = "No notice matches this verification code and date of birth."


def _code(referral, kind) -> str:
    notice = (
        referral.notices.filter(kind=kind, language="en").order_by("-created_at", "-id").first()
    )
    return CODE.search(helpers.notice_text(notice)).group(1)


def _check(client, code, born, **headers):
    return client.post(URL, {"code": code, "date_of_birth": born.isoformat()}, **headers)


def _wrong_day(born):
    return born + timedelta(days=1)


@pytest.fixture
def confirmed(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    helpers.confirm(referral, reviewer)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def declined(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    helpers.decline(referral, reviewer)
    referral.refresh_from_db()
    return referral


def _appeal_and_decide(referral, other_reviewer, *, overturn: bool):
    decisions.file_appeal(referral=referral, user=referral.submitted_by, statement="New facts.")
    helpers.assigned(other_reviewer, referral)
    referral.refresh_from_db()
    if overturn:
        decisions.overturn_appeal(
            referral=referral,
            reviewer=other_reviewer,
            facts=helpers.facts(referral),
            expected_version=referral.version,
        )
    else:
        decisions.uphold_appeal(
            referral=referral,
            reviewer=other_reviewer,
            note="Still not enough.",
            expected_version=referral.version,
        )
    referral.refresh_from_db()


def test_the_persons_notices_carry_a_code_of_80_bits_stored_only_hashed(confirmed):
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)

    row = NoticeVerification.objects.get(decision__referral=confirmed)
    assert len(code.replace("-", "")) * 5 == 80
    assert code not in row.code_hash and code.replace("-", "") not in row.code_hash
    assert str(confirmed.date_of_birth) not in row.dob_check
    assert row.kind == NoticeKind.CONFIRMATION_ADULT
    # The notice to the referring organization is not the person's: no code.
    org_notice = confirmed.notices.get(kind=NoticeKind.REFERRING_ORGANIZATION)
    assert "Verification code" not in helpers.notice_text(org_notice)


def test_the_qr_code_holds_the_page_address_only(confirmed, settings):
    notice = confirmed.notices.get(kind=NoticeKind.CONFIRMATION_ADULT, language="en")
    pdf = private_storage.read_decrypted(notice.stored_name, context=notice.storage_context)
    [image] = [i for page in PdfReader(BytesIO(pdf)).pages for i in page.images]
    expected_url = settings.PORTAL_BASE_URL.rstrip("/") + URL

    printed = image.image.convert("L")
    expected = notices.qrcode.make(expected_url, border=4).get_image().convert("L")

    assert printed.size == expected.size
    assert ImageChops.difference(printed, expected).getbbox() is None
    assert expected_url in helpers.notice_text(notice)


def test_a_valid_code_and_date_of_birth_show_the_notice_and_nothing_personal(client, confirmed):
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)

    response = _check(client, code.lower().replace("-", " "), confirmed.date_of_birth)

    body = response.content.decode()
    assert response.status_code == 200
    assert "This notice is genuine" in body
    issued = timezone.localdate(confirmed.decided_at)
    assert (
        f"A notice with reference {confirmed.reference} was issued on {issued:%B %-d, %Y} by "
        "the State of New York" in body
    )
    assert "Confirmation as a victim of human trafficking" in body
    assert "It stands." in body
    for personal in (
        confirmed.legal_name,
        *confirmed.legal_name.split(),
        confirmed.address,
        confirmed.narrative,
        confirmed.phone,
        confirmed.date_of_birth.isoformat(),
        f"{confirmed.date_of_birth:%B %-d, %Y}",
        code,
    ):
        assert personal and personal not in body
    assert (
        response["Cache-Control"].startswith("max-age=0")
        and "no-store" in response["Cache-Control"]
    )


def test_a_successful_check_is_recorded_in_the_access_log_without_personal_data(client, confirmed):
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)

    _check(client, code, confirmed.date_of_birth, REMOTE_ADDR="198.51.100.7")
    _check(client, code, _wrong_day(confirmed.date_of_birth))

    [entry] = AccessLog.objects.filter(action=AccessAction.VERIFY_NOTICE)
    decision = confirmed.decisions.get()
    assert (
        entry.user,
        entry.referral_reference,
        entry.object_type,
        entry.object_public_id,
        entry.ip_address,
        entry.detail,
    ) == (
        None,
        confirmed.reference,
        "decision",
        decision.public_id,
        "198.51.100.7",
        "",
    )


def test_wrong_date_of_birth_and_unknown_code_answer_identically(client, confirmed, declined):
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)
    other_code = _code(declined, NoticeKind.DECLINE)

    wrong_birth = _check(client, code, _wrong_day(confirmed.date_of_birth))
    unknown = _check(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", confirmed.date_of_birth)
    # Another notice's code with this person's date of birth: no match either.
    crossed = _check(client, other_code, confirmed.date_of_birth)

    def _strip(response):
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return re.sub(r'value="[^"]*"', "", body)

    assert [r.status_code for r in (wrong_birth, unknown, crossed)] == [200, 200, 200]
    assert NO_MATCH in wrong_birth.content.decode()
    assert _strip(wrong_birth) == _strip(unknown) == _strip(crossed)
    assert not AccessLog.objects.filter(action=AccessAction.VERIFY_NOTICE).exists()


def test_an_overturned_decline_shows_as_replaced_by_the_confirmation(
    client, declined, other_reviewer
):
    decline_code = _code(declined, NoticeKind.DECLINE)
    _appeal_and_decide(declined, other_reviewer, overturn=True)
    confirmation_code = _code(declined, NoticeKind.CONFIRMATION_ADULT)
    replaced_on = timezone.localdate(declined.decided_at)

    old = _check(client, decline_code, declined.date_of_birth).content.decode()
    new = _check(client, confirmation_code, declined.date_of_birth).content.decode()

    assert "<dd>Decline</dd>" in old
    assert (
        "It no longer stands: on appeal it was replaced by a confirmation. The confirmation "
        f"was issued on {replaced_on:%B %-d, %Y}." in old
    )
    assert "Confirmation as a victim of human trafficking" in new and "It stands." in new


def test_a_decline_under_appeal_and_upheld_still_stands(client, declined, other_reviewer):
    code = _code(declined, NoticeKind.DECLINE)
    decisions.file_appeal(referral=declined, user=declined.submitted_by, statement="New facts.")

    pending = _check(client, code, declined.date_of_birth).content.decode()
    assert "It stands, and an appeal against it is being decided." in pending

    helpers.assigned(other_reviewer, declined)
    declined.refresh_from_db()
    decisions.uphold_appeal(
        referral=declined,
        reviewer=other_reviewer,
        note="Still not enough.",
        expected_version=declined.version,
    )
    declined.refresh_from_db()
    upheld = _check(client, code, declined.date_of_birth).content.decode()
    final = _check(client, _code(declined, NoticeKind.DECLINE), declined.date_of_birth)

    assert "It stands: it was upheld on appeal." in upheld
    assert "<dd>Decline</dd>" in final.content.decode() and "It stands." in final.content.decode()


def test_the_page_is_limited_per_address(client, confirmed, settings):
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)
    wrong = _wrong_day(confirmed.date_of_birth)
    # The decorator reads its rate at import time: the default is 30 an hour.
    for attempt in range(30):
        unknown = f"ZZZZ-ZZZZ-ZZZZ-{attempt:04d}"
        assert _check(client, unknown, wrong, REMOTE_ADDR="203.0.113.9").status_code == 200

    refused = _check(client, code, confirmed.date_of_birth, REMOTE_ADDR="203.0.113.9")
    elsewhere = _check(client, code, confirmed.date_of_birth, REMOTE_ADDR="203.0.113.10")

    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert elsewhere.status_code == 200 and "This notice is genuine" in elsewhere.content.decode()


def test_the_page_is_limited_per_code_from_any_address(client, confirmed, settings):
    settings.CONFIRMATIONS_VERIFY_RATE_PER_CODE = "3/d"
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)
    wrong = _wrong_day(confirmed.date_of_birth)
    for number in range(3):
        _check(client, code, wrong, REMOTE_ADDR=f"192.0.2.{number + 1}")

    refused = _check(client, code, confirmed.date_of_birth, REMOTE_ADDR="192.0.2.50")

    assert refused.status_code == 429
    assert "This notice is genuine" not in refused.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.VERIFY_NOTICE).exists()


def test_a_code_in_the_query_string_is_ignored(client, confirmed):
    code = _code(confirmed, NoticeKind.CONFIRMATION_ADULT)

    response = client.get(URL, {"code": code, "date_of_birth": confirmed.date_of_birth})

    body = response.content.decode()
    assert response.status_code == 200 and "This notice is genuine" not in body and code not in body


def test_verification_works_after_the_retention_purge(client, declined, settings):
    code = _code(declined, NoticeKind.DECLINE)
    born = declined.date_of_birth
    settings.REFERRAL_RETENTION_DAYS = 1
    later = timezone.now() + timedelta(days=settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS + 2)

    assert purge_referral(referral=declined, now=later) is not None

    purged = Referral.objects.get(pk=declined.pk)
    assert purged.legal_name == "" and purged.date_of_birth is None
    response = _check(client, code, born).content.decode()
    assert "This notice is genuine" in response and "<dd>Decline</dd>" in response
    assert NO_MATCH in _check(client, code, _wrong_day(born)).content.decode()


def test_the_page_answers_in_the_language_chosen(client, declined):
    code = _code(declined, NoticeKind.DECLINE)
    born = declined.date_of_birth
    issued = timezone.localdate(declined.decided_at)

    empty = client.get(URL, {"lang": "es"})
    found = client.post(URL, {"code": code, "date_of_birth": born, "lang": "es"})
    arabic = client.post(URL, {"code": code, "date_of_birth": _wrong_day(born), "lang": "ar"})

    assert empty["Content-Language"] == "es"
    assert "Verificar un aviso del Estado" in empty.content.decode()
    body = found.content.decode()
    assert '<div lang="es" dir="ltr">' in body and "Este aviso es auténtico" in body
    assert f"referencia {declined.reference} el {issued.day} de " in body
    assert "<dd>Rechazo</dd>" in body and "Sigue vigente." in body
    assert '<div lang="ar" dir="rtl">' in arabic.content.decode()
    assert "لا يوجد إشعار مطابق" in arabic.content.decode()


def test_an_unknown_language_falls_back_to_english(client):
    response = client.get(URL, {"lang": "xx"})

    assert response["Content-Language"] == "en"
    assert '<div lang="en" dir="ltr">' in response.content.decode()
