"""The notices' words, and the PDFs made from them."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from confirmations import decisions, notices
from referrals.models import NoticeKind
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def _preview(referral, reviewer, **facts):
    decision = decisions.unsaved_confirmation(referral, reviewer, helpers.facts(referral, **facts))
    proposal = decisions.proposal_for(referral, helpers.facts(referral, **facts))
    return decisions.confirmation_notices(referral, decision, proposal)


def test_the_pdf_holds_exactly_the_previewed_words(reviewer):
    referral = helpers.submitted()

    for content in _preview(referral, reviewer):
        pdf = notices.render_pdf(content)
        text = helpers.pdf_text(pdf)
        assert pdf.startswith(b"%PDF-")
        for section in content.sections:
            assert section.heading in text
        assert content.title in text and referral.reference in text


def test_markup_in_a_name_is_printed_as_written(reviewer):
    referral = helpers.submitted(legal_name="Ana <b>Ruiz</b> & Co")

    adult = _preview(referral, reviewer)[0]
    text = helpers.pdf_text(notices.render_pdf(adult))

    assert "To: Ana <b>Ruiz</b> & Co" in text


def test_the_pdf_metadata_names_no_one(reviewer):
    referral = helpers.submitted()
    adult = _preview(referral, reviewer)[0]

    metadata = PdfReader(BytesIO(notices.render_pdf(adult))).metadata

    assert referral.reference in metadata.title
    assert referral.legal_name not in " ".join(str(v) for v in metadata.values())


def test_the_minor_notice_is_addressed_to_a_parent_or_guardian(reviewer):
    referral = helpers.submitted()

    adult, organization = _preview(referral, reviewer, minor=True)

    assert adult.kind == NoticeKind.CONFIRMATION_MINOR
    assert adult.addressee.startswith("The parent, guardian or representative of")
    assert "confirmation notice (minor)" in organization.text
