"""The bad-input matrix (hostile and odd text, numbers, dates and files) against the wizard, the
referrer's forms and the uploads: a form error or a 4xx, never a 500, never a payload rendered
as markup."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from referrals.models import Attachment, Referral, Status
from tests.referrals import files
from tests.referrals.builders import draft, submitted
from tests.referrals.steps import step_data
from tests.security.xss import PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ["legal_name", "other_names", "narrative", "places", "industry_other"]
ODD_TEXT = [
    "Ana\u202eZ",  # right-to-left override
    "Jo\u200bse\u200d",  # zero-width characters
    "Ren\u00e9e \U0001f600\U0001f1fa\U0001f1f8",  # emoji and flags
    "Jose\u0301 (combining accent)",
    "' OR 1=1--",
    "; id",
    '=HYPERLINK("http://x")',
    "{{7*7}} {% debug %}",
]


def step_url(referral, slug):
    return f"/referrals/{referral.public_id}/edit/{slug}/"


@pytest.mark.parametrize("payload", PAYLOADS + ODD_TEXT)
def test_text_is_stored_as_typed_and_shown_as_text(client, payload):
    referral = draft(**dict.fromkeys(TEXT_FIELDS, payload), industry="other")
    client.force_login(referral.created_by)
    # Typed into the form too, so the form path stores it.
    person = {**step_data()["person"], "legal_name": payload}
    response = client.post(step_url(referral, "person"), person)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.legal_name == payload
    review = client.get(f"/referrals/{referral.public_id}/review/").content.decode()
    assert_escaped(review, payload)
    client.post(f"/referrals/{referral.public_id}/review/", {"version": referral.version})
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    detail = client.get(f"/referrals/{referral.public_id}/").content.decode()
    assert_escaped(detail, payload)
    # The step page redisplays it inside an input's value, escaped.
    form_page = client.post(
        step_url(draft(referral.created_by), "person"),
        {"legal_name": payload, "date_of_birth": "not a date"},
    ).content.decode()
    assert_escaped(form_page, payload, must_appear=False)


SAVED, REFUSED = 302, 400  # a step saves and moves on, or shows the form again with an error


@pytest.mark.parametrize(
    ("data", "owner", "expected"),
    [
        # Drafts may be incomplete: blanks and odd but valid values are saved.
        ({"legal_name": "   "}, "person", SAVED),
        ({"legal_name": ""}, "person", SAVED),
        ({"legal_name": "x"}, "person", SAVED),
        ({"legal_name": "x" * 200}, "person", SAVED),
        ({"legal_name": "x" * 201}, "person", REFUSED),
        ({"narrative": "x" * 10_240}, "trafficking", REFUSED),
        ({"legal_name": "Ana\x00"}, "person", REFUSED),
        ({"date_of_birth": "0000-00-00"}, "person", REFUSED),
        ({"date_of_birth": "2024-13-01"}, "person", REFUSED),
        ({"date_of_birth": "99-01-01"}, "person", REFUSED),
        ({"date_of_birth": "1900-01-01"}, "person", REFUSED),
        ({"estimated_age": "99999999999999999999"}, "person", REFUSED),
        ({"estimated_age": "1e309"}, "person", REFUSED),
        ({"estimated_age": "NaN"}, "person", REFUSED),
        ({"estimated_age": "-0"}, "person", SAVED),
        ({"county_of_residence": "-1"}, "person", REFUSED),
        ({"county_of_residence": "abc"}, "person", REFUSED),
        ({"immigration_status": "<script>"}, "person", REFUSED),
        ({"gender": ["female", "male"]}, "person", SAVED),  # the last value, as Django reads it
        ({"phone": "+1 (518) 555-0100 ext. 42"}, "person", SAVED),
        ({"phone": "0012345678"}, "person", SAVED),
        ({"phone": "\r\nSet-Cookie: a=b"}, "person", REFUSED),
        ({"email": "a@b"}, "person", REFUSED),
        ({"trafficking_types": ["sex", "piracy"]}, "trafficking", REFUSED),
        ({"indicators_force": ["fraud_job"]}, "trafficking", REFUSED),  # another group's value
        ({"consent_scopes": ["share_with_police"]}, "referrer", REFUSED),
        ({"services_needed": ["spa_day"]}, "needs", REFUSED),
        ({"trafficking_counties": ["999999"]}, "trafficking", REFUSED),
    ],
)
def test_odd_values_get_a_form_error_or_are_saved_never_a_500(client, data, owner, expected):
    """The step that asks for the field answers `expected`; the other steps ignore it."""
    referral = draft()
    client.force_login(referral.created_by)
    for slug in ["referrer", "person", "trafficking", "needs"]:
        response = client.post(step_url(referral, slug), data)
        wanted = expected if slug == owner else SAVED
        assert response.status_code == wanted, (slug, response.status_code)
        if wanted == REFUSED:
            assert "There is a problem" in response.content.decode()


def test_repeated_parameters_are_handled_deterministically(client):
    referral = draft()
    client.force_login(referral.created_by)
    response = client.post(
        step_url(referral, "person"),
        "legal_name=First&legal_name=Second",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.legal_name == "Second"


def test_invalid_utf8_and_lone_surrogates_do_not_break_the_form(client):
    referral = draft()
    client.force_login(referral.created_by)
    for body in [b"legal_name=%FF%FE%FD", b"legal_name=%ED%A0%80", b"legal_name=\xff\xfe"]:
        response = client.generic(
            "POST",
            step_url(referral, "person"),
            body,
            content_type="application/x-www-form-urlencoded",
        )
        # Django decodes what is not UTF-8 with replacement characters: the step saves.
        assert response.status_code == SAVED


def test_too_many_fields_or_too_large_a_body_is_a_400(client, settings):
    referral = draft()
    client.force_login(referral.created_by)
    many = "&".join(f"f{n}=x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10))
    response = client.post(
        step_url(referral, "person"), many, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    huge = "legal_name=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post(
        step_url(referral, "person"), huge, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    one_megabyte = {"narrative": "x" * 1_000_000}
    response = client.post(step_url(referral, "trafficking"), one_megabyte)
    assert response.status_code == 400
    assert "at most 10000 characters" in response.content.decode().replace(",", "")


@pytest.mark.parametrize(
    "path",
    [
        "/referrals/not-a-uuid/",
        "/referrals/123/",
        "/referrals/00000000-0000-0000-0000-000000000000/",
        "/referrals/files/123/",
        "/referrals/notices/zzz/",
    ],
)
def test_malformed_or_unknown_ids_are_a_404(client, referrer, path):
    client.force_login(referrer)
    assert client.get(path).status_code == 404


def test_an_unknown_step_is_a_404(client):
    referral = draft()
    client.force_login(referral.created_by)
    assert client.get(step_url(referral, "no-such-step")).status_code == 404


def test_a_missing_csrf_token_is_refused(referrer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(referrer)
    assert client.post("/referrals/new/").status_code == 403
    assert not Referral.objects.exists()


def test_a_tampered_version_on_submit_is_a_conflict_not_a_500(client):
    referral = draft()
    client.force_login(referral.created_by)
    for version in ["", "abc", "99999", "-1"]:
        response = client.post(f"/referrals/{referral.public_id}/review/", {"version": version})
        assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_a_withdrawal_with_a_tampered_version_is_not_a_500(client):
    referral = submitted()
    client.force_login(referral.created_by)
    for version in ["", "abc"]:
        response = client.post(
            f"/referrals/{referral.public_id}/withdraw/", {"version": version, "reason": "x"}
        )
        assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


# --- files -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.pdf", b"", REFUSED),
        ("page.pdf", files.HTML, REFUSED),
        ("trailing.png", files.png(b"<script>alert(1)</script>"), SAVED),  # cleaned
        ("polyglot.pdf", b"%PDF-1.4\n" + files.HTML, REFUSED),
        ("drawing.svg", files.SVG, REFUSED),
        ("macro.docm", files.docx_with_macros(), REFUSED),
        ("macro.docx", files.docx_with_macros(), REFUSED),
        ("script.pdf", files.pdf_with_javascript(), REFUSED),
        ("locked.pdf", files.encrypted_pdf(), REFUSED),
        ("../../../etc/passwd", b"root:x:0:0", REFUSED),
        ("nul\x00.pdf", files.pdf(), SAVED),  # the name cleaned
        ("rtl\u202efdp.exe", files.pdf(), REFUSED),
        ("x" * 300 + ".pdf", files.pdf(), SAVED),  # the name shortened
        ("\r\nSet-Cookie: a=b.pdf", files.pdf(), REFUSED),
    ],
)
def test_bad_uploads_are_refused_or_cleaned_never_a_500(client, name, data, expected):
    referral = draft()
    client.force_login(referral.created_by)
    response = client.post(
        step_url(referral, "attachments"),
        {"action": "upload", "kind": "other", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == expected
    for attachment in Attachment.objects.all():
        # Whatever was accepted has a clean name and a type found in its content.
        assert attachment.original_name.endswith((".pdf", ".png", ".jpg", ".jpeg", ".docx"))
        assert not set(attachment.original_name) & set('/\\\x00\r\n\u202e<>"')
        assert len(attachment.original_name) <= 100
        download = client.get(f"/referrals/files/{attachment.public_id}/")
        assert "\n" not in download["Content-Disposition"]
        assert b"<script>" not in download.content


def test_an_upload_with_an_unknown_kind_is_refused(client):
    referral = draft()
    client.force_login(referral.created_by)
    response = client.post(
        step_url(referral, "attachments"),
        {
            "action": "upload",
            "kind": "information_response",  # only the answer form may use this kind
            "file": SimpleUploadedFile("a.pdf", files.pdf()),
        },
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_missing_file_is_a_form_error(client):
    referral = draft()
    client.force_login(referral.created_by)
    response = client.post(step_url(referral, "attachments"), {"action": "upload", "kind": "other"})
    assert response.status_code == 400
    assert "Choose a file to attach." in response.content.decode()
