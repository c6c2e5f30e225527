"""Notices in the person's language: a second PDF from the language's gettext catalog, with the
same reference and verification code, right to left where the language is, and a small-print
line in both languages while the catalog is not certified."""

import re
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate

from confirmations import notice_catalogs, notice_fonts
from referral_portal import private_storage
from referrals.languages import RIGHT_TO_LEFT, TRANSLATED_LANGUAGES
from referrals.models import NoticeKind
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db

# A name in each language's script, and the notice's title as the catalog translates it.
PEOPLE = {
    "en": ("John Smith", "Notice of confirmation"),
    "es": ("José Núñez", "Aviso de confirmación"),
    "zh-hans": ("李小龍", "确认通知"),
    "ru": ("Мария Иванова", "Уведомление о подтверждении"),
    "yi": ("חיים", "מעלדונג פֿון באַשטעטיקונג"),
    "bn": ("ইসলাম", "নিশ্চিতকরণের নোটিশ"),
    "ko": ("김민준", "확인 통지서"),
    "ht": ("Wideline Mérisier", "Avi konfimasyon"),
    "it": ("Giuseppe Esposito", "Avviso di conferma"),
    "ar": ("محمد", "إشعار التأكيد"),
    "pl": ("Zofia Wójcik-Łęcka", "Zawiadomienie o potwierdzeniu"),
    "fr": ("Hélène Lefèvre", "Avis de confirmation"),
    "ur": ("عائشہ", "تصدیق کا نوٹس"),
}
# Family names for a two-word name in each right-to-left language's own script.
FAMILY_NAMES = {"ar": "سالم", "ur": "خان", "yi": "כהן"}
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _pdf(notice) -> bytes:
    return private_storage.read_decrypted(notice.stored_name, context=notice.storage_context)


def _text(pdf: bytes) -> str:
    # Arabic letters come back as presentation forms (NFKC reads them as letters). pypdf
    # reads right-to-left characters back into logical order: it prepends each one to its run.
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)


def _as_printed(text: str, bold: bool = False) -> str:
    """What pypdf extracts from `text` printed alone in the notices' fonts: Bengali conjuncts
    extract as private-use code points, so the notice is searched for the same glyph run."""
    base = notice_fonts.BOLD if bold else notice_fonts.BODY
    style = ParagraphStyle("probe", fontName=base, fontSize=12, leading=16, shaping=1)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER).build(
        [Paragraph(notice_fonts.markup(text, base), style)]
    )
    return _text(buffer.getvalue()).strip()


def _confirmed(reviewer, language, name):
    referral = helpers.ready_to_decide(reviewer, legal_name=name, preferred_language=language)
    helpers.confirm(referral, reviewer)
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("language", list(PEOPLE))
def test_a_confirmation_is_issued_in_the_persons_language(reviewer, language):
    name, title = PEOPLE[language]

    referral = _confirmed(reviewer, language, name)

    notices = referral.notices.filter(kind=NoticeKind.CONFIRMATION_ADULT)
    expected_languages = {"en", language}
    assert set(notices.values_list("language", flat=True)) == expected_languages
    assert notices.count() == len(expected_languages)
    [notice] = notices.filter(language=language)
    text = _text(_pdf(notice))
    printed_title = _as_printed(title, bold=True) if language == "bn" else title
    assert printed_title in text and name in text and referral.reference in text


@pytest.mark.parametrize("language", sorted(TRANSLATED_LANGUAGES))
def test_both_languages_carry_the_same_reference_and_code(reviewer, language):
    referral = _confirmed(reviewer, language, PEOPLE[language][0])

    codes = {
        notice.language: CODE.findall(_text(_pdf(notice)))
        for notice in referral.notices.filter(kind=NoticeKind.CONFIRMATION_ADULT)
    }

    assert set(codes) == {"en", language}
    assert len(codes["en"]) == 1 and codes[language] == codes["en"]


def test_a_decline_is_issued_in_the_persons_language_too(reviewer):
    referral = helpers.ready_to_decide(reviewer, preferred_language="es")
    helpers.decline(referral, reviewer)

    notices = referral.notices.filter(kind=NoticeKind.DECLINE)

    assert sorted(notices.values_list("language", flat=True)) == ["en", "es"]
    text = _text(_pdf(notices.get(language="es")))
    assert "Aviso de rechazo" in text and "Cómo apelar" in text


@pytest.mark.parametrize("language", ["ase", "other", ""])
def test_no_translation_when_the_language_is_not_one_of_the_twelve(reviewer, language):
    overrides = {"preferred_language": language}
    if language == "other":
        overrides["preferred_language_other"] = "Tigrinya"
    referral = helpers.ready_to_decide(reviewer, **overrides)
    helpers.confirm(referral, reviewer)

    languages = referral.notices.values_list("language", flat=True)

    assert set(languages) == {"en"}


def test_the_referring_organization_notice_stays_in_english(reviewer):
    referral = _confirmed(reviewer, "fr", PEOPLE["fr"][0])

    assert list(
        referral.notices.filter(kind=NoticeKind.REFERRING_ORGANIZATION).values_list(
            "language", flat=True
        )
    ) == ["en"]


def test_a_draft_catalog_says_so_in_both_languages(reviewer):
    referral = _confirmed(reviewer, "es", PEOPLE["es"][0])

    spanish = " ".join(
        _text(_pdf(referral.notices.get(kind="confirmation_adult", language="es"))).split()
    )
    english = " ".join(
        _text(_pdf(referral.notices.get(kind="confirmation_adult", language="en"))).split()
    )

    assert "Esta traducción es un borrador y no ha sido certificada." in spanish
    assert "This translation is a draft and has not been certified." in spanish
    assert "has not been certified" not in english


def test_a_certified_catalog_prints_no_draft_line(reviewer, tmp_path, settings):
    source = Path(settings.LOCALE_PATHS[0]) / "it" / "LC_MESSAGES" / "django.po"
    target = tmp_path / "it" / "LC_MESSAGES"
    target.mkdir(parents=True)
    certified = source.read_text().replace(
        "X-Translation-Status: draft, not certified", "X-Translation-Status: certified by a test"
    )
    (target / "django.po").write_text(certified)
    subprocess.run(
        ["msgfmt", "-o", str(target / "django.mo"), str(target / "django.po")], check=True
    )
    settings.LOCALE_PATHS = [tmp_path]
    notice_catalogs.status.cache_clear()
    translation.trans_real._translations.clear()
    try:
        referral = _confirmed(reviewer, "it", PEOPLE["it"][0])
        text = _text(_pdf(referral.notices.get(kind="confirmation_adult", language="it")))
    finally:
        notice_catalogs.status.cache_clear()
        translation.trans_real._translations.clear()

    assert "Avviso di conferma" in text and "bozza" not in text and "certified" not in text


@pytest.mark.parametrize("language", sorted(RIGHT_TO_LEFT))
def test_right_to_left_notices_are_right_aligned_in_visual_order(reviewer, language):
    name, title = PEOPLE[language]
    full_name = f"{name} {FAMILY_NAMES[language]}"
    referral = _confirmed(reviewer, language, full_name)
    notice = referral.notices.get(kind=NoticeKind.CONFIRMATION_ADULT, language=language)
    page = PdfReader(BytesIO(_pdf(notice))).pages[0]
    runs = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append((text, tm[4])))
    lines = {unicodedata.normalize("NFKC", text).strip(): x for text, x in runs if text.strip()}

    # pypdf prepends each right-to-left character to its run, so a line comes back in reading
    # order only if its words were printed last word leftmost (visual order); printed in
    # reading order from the left, the title would come back with its words swapped.
    assert title in lines and " ".join(reversed(title.split())) not in lines
    # Right aligned: the title (shorter than the line) starts well right of the left margin,
    # one inch in, where a left-aligned title starts.
    assert lines[title] > 2 * inch
    # A two-word name in a right-to-left line reads back in order too.
    text = _text(_pdf(notice))
    assert full_name in text


def test_the_committed_compiled_catalogs_match_their_sources(tmp_path):
    for source in sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po")):
        compiled = tmp_path / f"{source.parent.parent.name}.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(source)], check=True)
        committed = source.with_suffix(".mo")
        assert committed.read_bytes() == compiled.read_bytes(), f"run msgfmt on {source}"
    assert {
        p.parent.parent.name for p in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po")
    } == {  # noqa: E501
        translation.to_locale(language) for language in TRANSLATED_LANGUAGES
    }
