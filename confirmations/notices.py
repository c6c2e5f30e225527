"""The decision notices: what each one says (NoticeContent), and the PDF made from it.

The same NoticeContent is rendered twice: as HTML on the reviewer's preview page before the
decision is issued, and as a PDF (reportlab) stored encrypted with the referral when it is. So
the reviewer previews exactly the words the PDF will hold.
"""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

import qrcode
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Image,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from referral_portal.mail import link as portal_link
from referrals.languages import NATIVE_NAMES, RIGHT_TO_LEFT
from referrals.models import NoticeKind

from . import notice_catalogs, notice_fonts, notice_rtl
from .choices import Basis

STATE = "New York State Office of Temporary and Disability Assistance"
PROGRAM = "Victim Confirmation Referral Portal"
DRAFT_TRANSLATION = (
    "This translation is a draft and has not been certified. If it differs from the English "
    "notice, the English notice is the one that counts."
)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeContent:
    kind: str
    title: str
    reference: str
    issued_on: date
    addressee: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    # The person's notices carry a code for /verify/ once issued (confirmations.verification).
    verification_code: str = ""
    # The language it is written in: "en", or one of the twelve (referrals.languages).
    language: str = "en"

    @property
    def kind_label(self) -> str:
        return NoticeKind(self.kind).label

    @property
    def right_to_left(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    @property
    def language_name(self) -> str:
        return NATIVE_NAMES[self.language]

    @property
    def header(self) -> tuple[str, ...]:
        """The agency, the programme and the reference, date and addressee lines."""
        with translation.override(self.language):
            return (
                _(STATE),
                _(PROGRAM),
                _("Reference: %(reference)s") % {"reference": self.reference},
                _("Date: %(date)s") % {"date": long_date(self.issued_on)},
                _("To: %(addressee)s") % {"addressee": self.addressee},
            )

    @property
    def draft_translation_note(self) -> tuple[str, ...]:
        """Small print in both languages when the catalog is not certified (else empty)."""
        if self.language == "en" or notice_catalogs.is_certified(self.language):
            return ()
        lines = []
        for language in (self.language, "en"):
            with translation.override(language):
                lines.append(_(DRAFT_TRANSLATION))
        return tuple(lines)

    @property
    def text(self) -> str:
        """Every word of the notice as plain text (used by tests and the preview)."""
        agency, program, reference, issued, to = self.header
        lines = [self.title, reference, to]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs, *section.items]
        if self.verification_code:
            lines += [self.verification.heading, *self.verification.paragraphs]
        return "\n".join([*lines, *self.draft_translation_note])

    @property
    def verification(self) -> Section:
        """How to check the notice online: the page's address (also in the QR code) and the
        code to type there. The code is never part of a URL."""
        with translation.override(self.language):
            return self._verification()

    def _verification(self) -> Section:
        return Section(
            _("Check this notice online"),
            (
                _(
                    "Anyone can check that this notice is genuine and still stands at %(url)s: "
                    "enter the verification code below and the person's date of birth."
                )
                % {"url": verification_url()},
                _("Verification code: %(code)s") % {"code": self.verification_code},
            ),
        )


def verification_url() -> str:
    return portal_link("verification:verify")


def current_language() -> str:
    """The active language as a notice language: "en" unless one of the twelve is active."""
    language = translation.get_language() or "en"
    return language if language in NATIVE_NAMES else "en"


def long_date(day: date) -> str:
    """A date as the notice's language writes it ("November 30, 2026" in English)."""
    if current_language() == "en":
        return f"{day:%B %-d, %Y}"
    if _("November") == "November":
        # Django has no month names in this language (Yiddish, Haitian Creole): numbers only,
        # year first, rather than an English month in a translated notice.
        return day.isoformat()
    return formats.date_format(day, "DATE_FORMAT")


def in_language(language: str, build) -> NoticeContent:
    """The notice `build()` makes, written in `language` (gettext catalogs in locale/)."""
    with translation.override(language):
        return build()


def _destination_items(destinations) -> tuple[str, ...]:
    items = []
    for proposed in destinations:
        entry = proposed.entry
        phone = getattr(entry, "intake_phone", "")
        values = {"name": proposed.name, "label": proposed.label, "phone": phone}
        items.append(
            (
                _("%(name)s (%(label)s), intake phone %(phone)s")
                if phone
                else _("%(name)s (%(label)s)")
            )
            % values
        )
    return tuple(items)


def _where_sent(destinations, blocked) -> Section:
    not_sent = tuple(
        _("Not sent to %(name)s: %(reason)s") % {"name": d.name, "reason": d.blocked_reason}
        for d in blocked
    )
    if destinations:
        return Section(
            _("Where the case was sent"),
            (_("The case was sent to the agency below, which will contact the person:"),),
            _destination_items(destinations) + not_sent,
        )
    return Section(
        _("Where the case was sent"),
        (
            _(
                "The case was not sent to a local agency. The referring organization will help "
                "the person ask for services directly."
            ),
        ),
        not_sent,
    )


def confirmation_notice(*, referral, decision, destinations, blocked=()) -> NoticeContent:
    """The notice to the confirmed person (adult) or, for a minor, to their parent, guardian
    or representative, in the active language (translation.override)."""
    minor = decision.minor
    name = referral.legal_name or _("the person referred")
    issued = timezone.localdate(decision.decided_at)
    values = {"date": long_date(issued), "basis": _(Basis(decision.basis).label)}
    confirmed = (
        _(
            "On %(date)s the State of New York confirmed the young person named above as a "
            "victim of human trafficking under Social Services Law section 483-cc."
        )
        if minor
        else _(
            "On %(date)s the State of New York confirmed you as a victim of human trafficking "
            "under Social Services Law section 483-cc."
        )
    )
    means = (
        _(
            "This confirmation lets the young person named above receive state-funded services "
            "and benefits without waiting for federal certification or a decision about "
            "immigration status."
        )
        if minor
        else _(
            "This confirmation lets you receive state-funded services and benefits without "
            "waiting for federal certification or a decision about immigration status."
        )
    )
    sections = [
        Section(_("Decision"), (confirmed % values, _("Basis: %(basis)s.") % values)),
        Section(
            _("What this means"),
            (
                means,
                _(
                    "It is not a finding in any criminal case, and it does not depend on helping "
                    "the police."
                ),
            ),
        ),
        _where_sent(destinations, blocked),
    ]
    if minor:
        sections.append(
            Section(
                _("Services for young people"),
                (
                    _(
                        "Because the young person was under 18 when referred, the child-welfare "
                        "pathway (Safe Harbour for Exploited Children) also applies. The local "
                        "department of social services can explain the services available."
                    ),
                ),
            )
        )
    sections.append(
        Section(
            _("Questions"),
            (
                _(
                    "Contact the organization that made the referral, %(organization)s, and "
                    "give the reference number %(reference)s."
                )
                % {"organization": referral.organization.name, "reference": referral.reference},
                settings.HOTLINE_TEXT,
            ),
        )
    )
    return NoticeContent(
        kind=NoticeKind.CONFIRMATION_MINOR if minor else NoticeKind.CONFIRMATION_ADULT,
        title=_("Notice of confirmation for a young person")
        if minor
        else _("Notice of confirmation"),
        reference=referral.reference,
        issued_on=issued,
        addressee=(
            _("The parent, guardian or representative of %(name)s") % {"name": name}
            if minor
            else name
        ),
        sections=tuple(sections),
        language=current_language(),
    )


def referring_organization_notice(*, referral, decision, destinations, blocked=()) -> NoticeContent:
    issued = timezone.localdate(decision.decided_at)
    confirmation_kind = (
        NoticeKind.CONFIRMATION_MINOR if decision.minor else NoticeKind.CONFIRMATION_ADULT
    )
    return NoticeContent(
        kind=NoticeKind.REFERRING_ORGANIZATION,
        title="Notice to the referring organization: referral confirmed",
        reference=referral.reference,
        issued_on=issued,
        addressee=referral.organization.name,
        sections=(
            Section(
                "Decision",
                (
                    f"Referral {referral.reference} was confirmed on {issued:%B %-d, %Y}.",
                    f"Basis: {Basis(decision.basis).label}.",
                ),
            ),
            _where_sent(destinations, blocked),
            Section(
                "What to do next",
                (
                    f"The State issued the {confirmation_kind.label.lower()} for the person. "
                    "Please make sure they receive it and know who will contact them.",
                    "You can follow the case on the referral's timeline in the portal: "
                    + portal_link("referrals:detail", referral.public_id),
                ),
            ),
        ),
    )


def decline_notice(*, referral, decision, appeal_deadline=None, upheld=False) -> NoticeContent:
    """The notice of a decline, in the active language (translation.override)."""
    issued = timezone.localdate(decision.decided_at)
    values = {"reference": referral.reference, "date": long_date(issued)}
    reasons = tuple(_(reason) for reason in decision.get_decline_reasons_display())
    decided = (
        _(
            "The appeal of referral %(reference)s was decided on %(date)s by a reviewer who did "
            "not make the first decision. The decline is upheld."
        )
        if upheld
        else _("Referral %(reference)s was declined on %(date)s.")
    )
    sections = [Section(_("Decision"), (decided % values,)), Section(_("Reasons"), (), reasons)]
    if decision.note:
        sections.append(Section(_("More about the decision"), (decision.note,)))
    if upheld:
        sections.append(
            Section(
                _("What happens now"),
                (
                    _(
                        "This is the final decision in the portal. You may make a new referral "
                        "if new facts come to light."
                    ),
                ),
            )
        )
    else:
        values["days"] = settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS
        how = (
            _(
                "You may appeal this decision within %(days)s days by %(deadline)s. Sign in to "
                "the portal, open referral %(reference)s and write a statement saying why the "
                "decision should change, with any new facts. The appeal page is:"
            )
            if appeal_deadline
            else _(
                "You may appeal this decision within %(days)s days. Sign in to the portal, open "
                "referral %(reference)s and write a statement saying why the decision should "
                "change, with any new facts. The appeal page is:"
            )
        )
        if appeal_deadline:
            values["deadline"] = long_date(appeal_deadline)
        sections.append(
            Section(
                _("How to appeal"),
                (
                    how % values,
                    portal_link("confirmations:appeal", referral.public_id),
                    _(
                        "A reviewer who did not make this decision will decide the appeal. If the "
                        "decline is overturned, the person is confirmed and their case is sent "
                        "for services."
                    ),
                ),
            )
        )
    return NoticeContent(
        kind=NoticeKind.DECLINE,
        title=_("Notice of decline upheld on appeal") if upheld else _("Notice of decline"),
        reference=referral.reference,
        issued_on=issued,
        addressee=referral.organization.name,
        sections=tuple(sections),
        language=current_language(),
    )


# --- PDF -----------------------------------------------------------------------------------------
def _styles():
    sheet = getSampleStyleSheet()
    body, bold = notice_fonts.BODY, notice_fonts.BOLD
    # shaping=1: HarfBuzz joins Arabic letters and forms Bengali conjuncts (notice_fonts).
    return {
        "agency": ParagraphStyle("agency", parent=sheet["Normal"], fontName=body, fontSize=9,
                                 leading=12, shaping=1),
        "title": ParagraphStyle("title", parent=sheet["Title"], fontName=bold, fontSize=18,
                                leading=24, alignment=0, shaping=1),
        "meta": ParagraphStyle("meta", parent=sheet["Normal"], fontName=body, fontSize=10,
                               leading=14, shaping=1),
        "heading": ParagraphStyle("heading", parent=sheet["Heading2"], fontName=bold,
                                  fontSize=13, leading=18, shaping=1),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontName=body, fontSize=11,
                               leading=16, shaping=1),
    }  # fmt: skip


def _p(text: str, style):
    # Paragraph reads a small markup language: notice_fonts.markup escapes every value, so a
    # name holding "<" or "&" prints as written, and puts each script in a font that has it.
    if not notice_fonts.needs_shaping(text):
        style = ParagraphStyle(f"{style.name}-unshaped", parent=style, shaping=0)
    if notice_rtl.starts_right_to_left(text):
        return notice_rtl.RightToLeftParagraph(text, style)
    base = notice_fonts.BOLD if style.fontName == notice_fonts.BOLD else notice_fonts.BODY
    return Paragraph(notice_fonts.markup(notice_fonts.visual_word_order(text), base), style)


def _list(items, style, right_to_left: bool):
    side = (
        {"bulletDir": "rtl", "rightIndent": 14, "leftIndent": 0}
        if right_to_left
        else {"leftIndent": 14}
    )
    return ListFlowable([ListItem(_p(item, style)) for item in items], bulletType="bullet", **side)


def qr_image(url: str) -> Image:
    """The QR code of `url` (the verification page's address only), 1.1 inch square."""
    picture = qrcode.make(url, border=4)
    data = BytesIO()
    picture.save(data, format="PNG")
    data.seek(0)
    return Image(data, width=1.1 * inch, height=1.1 * inch)


def _verification_block(content: NoticeContent, styles) -> list:
    section = content.verification
    words = [_p(text, styles["body"]) for text in section.paragraphs]
    table = Table([[qr_image(verification_url()), words]], colWidths=[1.3 * inch, None])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    )
    return [_p(section.heading, styles["heading"]), table]


def render_pdf(content: NoticeContent) -> bytes:
    with translation.override(content.language):
        return _render_pdf(content)


def _render_pdf(content: NoticeContent) -> bytes:
    notice_fonts.register()
    styles = _styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
        # Metadata travels with the file: reference and kind only, never a name.
        title=f"{content.kind_label} {content.reference}",
        author=STATE,
        subject=PROGRAM,
        creator=PROGRAM,
    )
    agency, program, reference, issued, to = content.header
    story = [
        _p(agency, styles["agency"]),
        _p(program, styles["agency"]),
        Spacer(1, 12),
        _p(content.title, styles["title"]),
        _p(reference, styles["meta"]),
        _p(issued, styles["meta"]),
        _p(to, styles["meta"]),
        Spacer(1, 6),
    ]
    for section in content.sections:
        story.append(_p(section.heading, styles["heading"]))
        story += [_p(text, styles["body"]) for text in section.paragraphs]
        if section.items:
            story.append(_list(section.items, styles["body"], content.right_to_left))
    if content.verification_code:
        story += _verification_block(content, styles)
    if content.draft_translation_note:
        story.append(Spacer(1, 12))
        story += [_p(line, styles["agency"]) for line in content.draft_translation_note]
    document.build(story)
    return buffer.getvalue()
