"""Names in any script print in every notice, the English one included (the fonts are embedded
and each script finds a font that has it)."""

import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader

from confirmations import decisions, notices
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db

NAMES = [
    "José Núñez",  # Latin with accents
    "Мария Иванова",  # Cyrillic
    "李小龍",  # Chinese
    "김민준",  # Korean
    "محمد",  # Arabic
    "ইসলাম",  # Bengali
    "חיים",  # Hebrew script (Yiddish)
    "Zofia Wójcik-Łęcka",  # Polish
]


def _text(pdf: bytes) -> str:
    # Arabic letters come back as their joined presentation forms; NFKC reads them as letters.
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)


def _fonts(pdf: bytes) -> set[str]:
    page = PdfReader(BytesIO(pdf)).pages[0]
    return {str(font["/BaseFont"]).split("+")[-1] for font in page["/Resources"]["/Font"].values()}


@pytest.mark.parametrize("name", NAMES)
def test_the_english_notice_prints_a_name_in_any_script(reviewer, name):
    referral = helpers.submitted(legal_name=name)
    facts = helpers.facts(referral)
    decision = decisions.unsaved_confirmation(referral, reviewer, facts)
    adult = decisions.confirmation_notices(
        referral, decision, decisions.proposal_for(referral, facts)
    )[0]

    pdf = notices.render_pdf(adult)

    assert f"To: {name}" in _text(pdf)


def test_each_script_is_printed_in_its_noto_font(reviewer):
    referral = helpers.submitted(legal_name="李小龍 김민준 محمد ইসলাম Мария")
    facts = helpers.facts(referral)
    decision = decisions.unsaved_confirmation(referral, reviewer, facts)
    adult = decisions.confirmation_notices(
        referral, decision, decisions.proposal_for(referral, facts)
    )[0]

    fonts = _fonts(notices.render_pdf(adult))

    assert {font for font in fonts if font.startswith("Noto")} == {
        "NotoSans-Regular", "NotoSans-Bold", "NotoSansSC-Regular", "NotoSansKR-Regular",
        "NotoSansArabic-Regular", "NotoSansBengali-Regular",
    }  # fmt: skip
