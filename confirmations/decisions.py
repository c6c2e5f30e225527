"""Decisions: confirm (and route), decline, appeal, and the decision on appeal.

Each runs in one transaction with the referral row locked and the form's version checked, so
when two people act at once exactly one decision is recorded and the other gets StaleReferral
(the view turns it into a clear message). The database backs this: one Decision per stage.
Notices are rendered and stored in the same transaction; routing is written there too, through
routing.services.route_confirmed_referral.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from referral_portal import outbox
from referral_portal.business_days import add_business_days
from referral_portal.roles import REFERRING, may_act_as
from referrals.languages import notice_languages
from referrals.models import EventKind, Referral
from referrals.services import move_and_record, store_notice
from routing import rules as routing_rules
from routing import services as routing_services

from . import notices, verification
from .choices import AppealOutcome, Basis, DeclineReason
from .choices import DecisionOutcome as Outcome
from .choices import DecisionStage as Stage
from .models import Appeal, Consultation, Decision
from .services import (
    ReviewRefused,
    awaits_appeal_decision,
    awaits_decision,
    check_assigned,
    locked_referral,
)

DECIDED = "confirmations.decided"
APPEAL_FILED = "confirmations.appeal_filed"


@dataclass(frozen=True)
class ConfirmationFacts:
    """What the reviewer records when confirming; routing uses all but the basis and note."""

    basis: str
    appears_eligible: bool
    county: object  # a County, or None when not known
    minor: bool
    add_other: bool = False
    note: str = ""

    def check(self) -> None:
        if self.basis not in Basis.values:
            raise ReviewRefused("Choose the basis of the confirmation.")


def proposal_for(referral: Referral, facts: ConfirmationFacts):
    """routing's proposal for these facts (the reviewer's minor finding included)."""
    referral.minor_at_referral = facts.minor
    return routing_rules.propose_destinations(
        referral=referral,
        appears_eligible=facts.appears_eligible,
        county=facts.county,
        add_other=facts.add_other,
    )


def unsaved_confirmation(referral, reviewer, facts, *, stage=Stage.INITIAL) -> Decision:
    return Decision(
        referral=referral,
        stage=stage,
        outcome=Outcome.CONFIRMED,
        basis=facts.basis,
        appears_eligible=facts.appears_eligible,
        county_of_residence=facts.county,
        minor=facts.minor,
        add_other_destination=facts.add_other,
        note=facts.note,
        decided_by=reviewer,
        decided_at=timezone.now(),
        referral_version=referral.version,
    )


def clean_decline_reasons(reasons, note: str) -> list[str]:
    chosen = [value for value in DeclineReason.values if value in set(reasons)]
    if not chosen or len(chosen) != len(set(reasons)):
        raise ReviewRefused("Choose at least one reason from the list.")
    if DeclineReason.OTHER in chosen and not (note or "").strip():
        raise ReviewRefused("Explain the other reason in the note.")
    return chosen


def unsaved_decline(referral, reviewer, reasons, note, *, stage=Stage.INITIAL) -> Decision:
    return Decision(
        referral=referral,
        stage=stage,
        outcome=Outcome.DECLINED,
        decline_reasons=clean_decline_reasons(reasons, note),
        note=(note or "").strip(),
        decided_by=reviewer,
        decided_at=timezone.now(),
        referral_version=referral.version,
    )


def appeal_deadline(decided_at) -> date:
    return timezone.localdate(decided_at) + timedelta(
        days=settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS
    )


def confirmation_notices(referral, decision, proposal) -> list[notices.NoticeContent]:
    kwargs = {
        "referral": referral,
        "decision": decision,
        "destinations": proposal.allowed,
        "blocked": proposal.blocked,
    }
    return [
        notices.confirmation_notice(**kwargs),
        notices.referring_organization_notice(**kwargs),
    ]


def decline_notices(referral, decision, *, upheld=False) -> list[notices.NoticeContent]:
    deadline = None if upheld else appeal_deadline(decision.decided_at)
    return [
        notices.decline_notice(
            referral=referral, decision=decision, appeal_deadline=deadline, upheld=upheld
        )
    ]


def person_translations(referral, decision, *, proposal=None, upheld=False) -> list:
    """The person's notice again in each further language it is issued in (their preferred
    language, when it is one of the twelve). The notice to the referring organization is in
    English only."""
    if decision.is_confirmation:
        kwargs = {
            "referral": referral,
            "decision": decision,
            "destinations": proposal.allowed,
            "blocked": proposal.blocked,
        }

        def build():
            return notices.confirmation_notice(**kwargs)
    else:

        def build():
            return decline_notices(referral, decision, upheld=upheld)[0]

    return [
        notices.in_language(language, build)
        for language in notice_languages(referral.preferred_language)[1:]
    ]


def _issue(referral, decision, contents, reviewer) -> None:
    codes = {}
    for content in contents:
        # The person's notice gets its verification code now, in the same transaction; each
        # language of it prints the same code.
        if content.kind not in codes:
            codes[content.kind] = verification.issue_code(decision=decision, kind=content.kind)
        content = replace(content, verification_code=codes[content.kind])
        store_notice(
            referral=referral,
            kind=content.kind,
            pdf=notices.render_pdf(content),
            issued_by=reviewer,
            language=content.language,
        )


def _check_consulted(locked: Referral) -> None:
    if settings.CONFIRMATIONS_REQUIRE_CONSULTATION and not (
        Consultation.objects.filter(referral=locked).exists()
    ):
        raise ReviewRefused(
            "Record the consultation with the other agency (OTDA or DCJS) before deciding."
        )


def _check_decidable(locked: Referral, reviewer) -> None:
    check_assigned(locked, reviewer)
    if not awaits_decision(locked):
        raise ReviewRefused(
            f"Referral {locked.reference} cannot be decided now: it is "
            f"{locked.get_status_display().lower()}."
        )
    _check_consulted(locked)


def _confirm_and_route(locked, reviewer, facts, *, stage, transition, event_kind) -> Decision:
    decision = unsaved_confirmation(locked, reviewer, facts, stage=stage)
    proposal = proposal_for(locked, facts)
    decision.save()
    move_and_record(
        locked,
        transition,
        actor=reviewer,
        kind=event_kind,
        note=f"Basis: {Basis(facts.basis).label}.",
    )
    routing_services.route_confirmed_referral(
        referral=locked, destinations=proposal.allowed, actor=reviewer
    )
    contents = confirmation_notices(locked, decision, proposal)
    contents += person_translations(locked, decision, proposal=proposal)
    _issue(locked, decision, contents, reviewer)
    outbox.enqueue(DECIDED, decision=str(decision.public_id))
    return decision


# --- the first decision ------------------------------------------------------------------------
def confirm_referral(
    *, referral: Referral, reviewer, facts: ConfirmationFacts, expected_version: int
) -> Decision:
    facts.check()
    with transaction.atomic():
        locked = locked_referral(referral, expected_version=expected_version)
        _check_decidable(locked, reviewer)
        return _confirm_and_route(
            locked,
            reviewer,
            facts,
            stage=Stage.INITIAL,
            transition="confirm",
            event_kind=EventKind.CONFIRMED,
        )


def decline_referral(
    *, referral: Referral, reviewer, reasons, note: str, expected_version: int
) -> Decision:
    clean_decline_reasons(reasons, note)
    with transaction.atomic():
        locked = locked_referral(referral, expected_version=expected_version)
        _check_decidable(locked, reviewer)
        decision = unsaved_decline(locked, reviewer, reasons, note)
        decision.save()
        move_and_record(
            locked,
            "decline",
            actor=reviewer,
            kind=EventKind.DECLINED,
            note="; ".join(decision.get_decline_reasons_display()),
        )
        contents = decline_notices(locked, decision) + person_translations(locked, decision)
        _issue(locked, decision, contents, reviewer)
        outbox.enqueue(DECIDED, decision=str(decision.public_id))
    return decision


# --- appeals -------------------------------------------------------------------------------------
def may_appeal(user, referral: Referral) -> bool:
    return may_act_as(user, REFERRING) and user.organization_id == referral.organization_id


def appeal_open_until(referral: Referral) -> date | None:
    """The last day to appeal, or None when the referral cannot be appealed (not declined, or
    already appealed)."""
    if not can_proceed(referral.appeal) or Appeal.objects.filter(referral=referral).exists():
        return None
    return appeal_deadline(referral.decided_at)


def file_appeal(*, referral: Referral, user, statement: str) -> Appeal:
    statement = (statement or "").strip()
    if not statement:
        raise ReviewRefused("Write why the decision should change.")
    with transaction.atomic():
        locked = locked_referral(referral)
        if not may_appeal(user, locked):
            raise ReviewRefused("Only the referring organization can appeal this decision.")
        last_day = appeal_open_until(locked)
        if last_day is None:
            raise ReviewRefused(f"Referral {locked.reference} cannot be appealed.")
        if timezone.localdate() > last_day:
            raise ReviewRefused(f"The time to appeal ended on {last_day:%B %-d, %Y}.")
        first = Decision.objects.filter(referral=locked, stage=Stage.INITIAL).first()
        if first is None or first.outcome != Outcome.DECLINED:
            raise ReviewRefused(f"Referral {locked.reference} has no decline to appeal.")
        appeal = Appeal.objects.create(
            referral=locked, statement=statement, filed_by=user, declined_by=first.decided_by
        )
        # A different reviewer decides: the appeal goes back to the queue unassigned, with its
        # own deadline.
        move_and_record(
            locked,
            "appeal",
            actor=user,
            kind=EventKind.APPEALED,
            assigned_reviewer=None,
            due_at=add_business_days(
                timezone.now(), settings.CONFIRMATIONS_APPEAL_DECISION_BUSINESS_DAYS
            ),
        )
        outbox.enqueue(APPEAL_FILED, appeal=str(appeal.public_id))
    return appeal


def _locked_appeal(locked: Referral, reviewer) -> Appeal:
    check_assigned(locked, reviewer)
    if not awaits_appeal_decision(locked):
        raise ReviewRefused(f"Referral {locked.reference} has no appeal waiting for a decision.")
    appeal = Appeal.objects.select_for_update().get(referral=locked)
    if appeal.declined_by_id == reviewer.pk:
        raise ReviewRefused("A different reviewer must decide the appeal.")
    return appeal


def overturn_appeal(
    *, referral: Referral, reviewer, facts: ConfirmationFacts, expected_version: int
) -> Decision:
    """The decline is overturned: the referral is confirmed and routed like any other."""
    facts.check()
    with transaction.atomic():
        locked = locked_referral(referral, expected_version=expected_version)
        appeal = _locked_appeal(locked, reviewer)
        decision = _confirm_and_route(
            locked,
            reviewer,
            facts,
            stage=Stage.APPEAL,
            transition="overturn_on_appeal",
            event_kind=EventKind.APPEAL_OVERTURNED,
        )
        _close_appeal(appeal, reviewer, decision, AppealOutcome.OVERTURNED)
    return decision


def uphold_appeal(*, referral: Referral, reviewer, note: str, expected_version: int) -> Decision:
    note = (note or "").strip()
    if not note:
        raise ReviewRefused("Explain why the decline is upheld.")
    with transaction.atomic():
        locked = locked_referral(referral, expected_version=expected_version)
        appeal = _locked_appeal(locked, reviewer)
        first = Decision.objects.get(referral=locked, stage=Stage.INITIAL)
        decision = unsaved_decline(
            locked, reviewer, first.decline_reasons, note, stage=Stage.APPEAL
        )
        decision.save()
        move_and_record(locked, "uphold_on_appeal", actor=reviewer, kind=EventKind.APPEAL_UPHELD)
        contents = decline_notices(locked, decision, upheld=True)
        contents += person_translations(locked, decision, upheld=True)
        _issue(locked, decision, contents, reviewer)
        _close_appeal(appeal, reviewer, decision, AppealOutcome.UPHELD)
        outbox.enqueue(DECIDED, decision=str(decision.public_id))
    return decision


def _close_appeal(appeal: Appeal, reviewer, decision: Decision, outcome: str) -> None:
    appeal.outcome = outcome
    appeal.decided_by = reviewer
    appeal.decided_at = decision.decided_at
    appeal.decision = decision
    appeal.save()
