"""The decision notices: what each one says (NoticeContent), and the PDF made from it.

The same NoticeContent is rendered twice: as HTML on the reviewer's preview page before the
decision is issued, and as a PDF (reportlab) stored encrypted with the referral when it is. So
the reviewer previews exactly the words the PDF will hold.
"""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from referrals.models import NoticeKind

from .choices import Basis

STATE = "New York State Office of Temporary and Disability Assistance"
PROGRAM = "Victim Confirmation Referral Portal"


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

    @property
    def kind_label(self) -> str:
        return NoticeKind(self.kind).label

    @property
    def text(self) -> str:
        """Every word of the notice as plain text (used by tests and the preview)."""
        lines = [self.title, f"Reference: {self.reference}", f"To: {self.addressee}"]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs, *section.items]
        return "\n".join(lines)


def portal_link(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _destination_items(destinations) -> tuple[str, ...]:
    items = []
    for proposed in destinations:
        entry = proposed.entry
        phone = f", intake phone {entry.intake_phone}" if getattr(entry, "intake_phone", "") else ""
        items.append(f"{proposed.name} ({proposed.label}){phone}")
    return tuple(items)


def _where_sent(destinations, blocked) -> Section:
    not_sent = tuple(f"Not sent to {d.name}: {d.blocked_reason}" for d in blocked)
    if destinations:
        return Section(
            "Where the case was sent",
            ("The case was sent to the agency below, which will contact the person:",),
            _destination_items(destinations) + not_sent,
        )
    return Section(
        "Where the case was sent",
        (
            "The case was not sent to a local agency. The referring organization will help "
            "the person ask for services directly.",
        ),
        not_sent,
    )


def confirmation_notice(*, referral, decision, destinations, blocked=()) -> NoticeContent:
    """The notice to the confirmed person (adult) or, for a minor, to their parent, guardian
    or representative."""
    minor = decision.minor
    name = referral.legal_name or "the person referred"
    issued = timezone.localdate(decision.decided_at)
    basis = Basis(decision.basis).label
    you = "the young person named above" if minor else "you"
    sections = [
        Section(
            "Decision",
            (
                f"On {issued:%B %-d, %Y} the State of New York confirmed {you} as a victim of "
                "human trafficking under Social Services Law section 483-cc.",
                f"Basis: {basis}.",
            ),
        ),
        Section(
            "What this means",
            (
                f"This confirmation lets {you} receive state-funded services and benefits "
                "without waiting for federal certification or a decision about immigration "
                "status.",
                "It is not a finding in any criminal case, and it does not depend on helping "
                "the police.",
            ),
        ),
        _where_sent(destinations, blocked),
    ]
    if minor:
        sections.append(
            Section(
                "Services for young people",
                (
                    "Because the young person was under 18 when referred, the child-welfare "
                    "pathway (Safe Harbour for Exploited Children) also applies. The local "
                    "department of social services can explain the services available.",
                ),
            )
        )
    sections.append(
        Section(
            "Questions",
            (
                f"Contact the organization that made the referral, {referral.organization.name}, "
                f"and give the reference number {referral.reference}.",
                settings.HOTLINE_TEXT,
            ),
        )
    )
    return NoticeContent(
        kind=NoticeKind.CONFIRMATION_MINOR if minor else NoticeKind.CONFIRMATION_ADULT,
        title="Notice of confirmation for a young person" if minor else "Notice of confirmation",
        reference=referral.reference,
        issued_on=issued,
        addressee=(f"The parent, guardian or representative of {name}" if minor else name),
        sections=tuple(sections),
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
    issued = timezone.localdate(decision.decided_at)
    reasons = tuple(decision.get_decline_reasons_display())
    sections = [
        Section(
            "Decision",
            (
                (
                    f"The appeal of referral {referral.reference} was decided on "
                    f"{issued:%B %-d, %Y} by a reviewer who did not make the first decision. "
                    "The decline is upheld."
                )
                if upheld
                else f"Referral {referral.reference} was declined on {issued:%B %-d, %Y}.",
            ),
        ),
        Section("Reasons", (), reasons),
    ]
    if decision.note:
        sections.append(Section("More about the decision", (decision.note,)))
    if upheld:
        sections.append(
            Section(
                "What happens now",
                (
                    "This is the final decision in the portal. You may make a new referral if "
                    "new facts come to light.",
                ),
            )
        )
    else:
        days = settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS
        by = f" by {appeal_deadline:%B %-d, %Y}" if appeal_deadline else ""
        sections.append(
            Section(
                "How to appeal",
                (
                    f"You may appeal this decision within {days} days{by}. Sign in to the "
                    f"portal, open referral {referral.reference} and write a statement saying "
                    "why the decision should change, with any new facts. The appeal page is:",
                    portal_link("confirmations:appeal", referral.public_id),
                    "A reviewer who did not make this decision will decide the appeal. If the "
                    "decline is overturned, the person is confirmed and their case is sent for "
                    "services.",
                ),
            )
        )
    return NoticeContent(
        kind=NoticeKind.DECLINE,
        title="Notice of decline upheld on appeal" if upheld else "Notice of decline",
        reference=referral.reference,
        issued_on=issued,
        addressee=referral.organization.name,
        sections=tuple(sections),
    )


# --- PDF -----------------------------------------------------------------------------------------
def _styles():
    sheet = getSampleStyleSheet()
    return {
        "agency": ParagraphStyle("agency", parent=sheet["Normal"], fontSize=9, leading=12),
        "title": ParagraphStyle("title", parent=sheet["Title"], fontSize=18, alignment=0),
        "meta": ParagraphStyle("meta", parent=sheet["Normal"], fontSize=10, leading=14),
        "heading": ParagraphStyle("heading", parent=sheet["Heading2"], fontSize=13),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=11, leading=15),
    }


def _p(text: str, style) -> Paragraph:
    # Paragraph reads a small markup language: every value is escaped, so a name holding "<"
    # or "&" prints as written.
    return Paragraph(escape(text), style)


def render_pdf(content: NoticeContent) -> bytes:
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
    story = [
        _p(STATE, styles["agency"]),
        _p(PROGRAM, styles["agency"]),
        Spacer(1, 12),
        _p(content.title, styles["title"]),
        _p(f"Reference: {content.reference}", styles["meta"]),
        _p(f"Date: {content.issued_on:%B %-d, %Y}", styles["meta"]),
        _p(f"To: {content.addressee}", styles["meta"]),
        Spacer(1, 6),
    ]
    for section in content.sections:
        story.append(_p(section.heading, styles["heading"]))
        story += [_p(text, styles["body"]) for text in section.paragraphs]
        if section.items:
            story.append(
                ListFlowable(
                    [ListItem(_p(item, styles["body"])) for item in section.items],
                    bulletType="bullet",
                    leftIndent=14,
                )
            )
    document.build(story)
    return buffer.getvalue()
