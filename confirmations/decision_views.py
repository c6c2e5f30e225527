"""Confirm or decline (first decision or decision on appeal), each previewed before it is
issued, and the referrer's appeal form. Thin: parse, call a service, render."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access_log.models import AccessLog
from access_log.services import record_access
from referrals import selectors as referral_selectors

from . import decisions
from .choices import DecisionStage
from .forms import AppealForm, ConfirmForm, DeclineForm, UpholdForm
from .models import Consultation, Decision
from .services import ReviewRefused, awaits_appeal_decision
from .views import CONFLICTS, back_to_case, case_action, form_page, permissions, refused


def _record_preview(request, referral, kind: str) -> None:
    # The preview shows the notices, which hold the person's name: it is a view of the case.
    with transaction.atomic():
        record_access(
            request=request,
            action=AccessLog.Action.VIEW_REFERRAL,
            referral=referral,
            detail=f"{kind} preview",
        )


def _decision_context(request, referral, form) -> dict:
    on_appeal = awaits_appeal_decision(referral)
    return {
        "referral": referral,
        "form": form,
        "on_appeal": on_appeal,
        "needs_consultation": (
            not on_appeal
            and permissions(request.user, referral)["consultation_required"]
            and not Consultation.objects.filter(referral=referral).exists()
        ),
    }


def _facts(cleaned) -> decisions.ConfirmationFacts:
    return decisions.ConfirmationFacts(
        basis=cleaned["basis"],
        appears_eligible=cleaned["appears_eligible"],
        county=cleaned["county"],
        minor=cleaned["minor"],
        add_other=cleaned["add_other"],
        note=cleaned["note"],
    )


@require_http_methods(["GET", "POST"])
@case_action("may_decide", "may_decide_appeal", what="confirm")
def confirm(request, referral):
    on_appeal = awaits_appeal_decision(referral)
    form = ConfirmForm(
        request.POST or None, referral=referral, initial=ConfirmForm.initial_for(referral)
    )
    action = request.POST.get("action", "preview")
    if request.method == "POST" and form.is_valid() and action != "edit":
        facts = _facts(form.cleaned_data)
        version = form.cleaned_data["version"]
        if action == "issue":
            decide = decisions.overturn_appeal if on_appeal else decisions.confirm_referral
            try:
                decide(
                    referral=referral, reviewer=request.user, facts=facts, expected_version=version
                )
            except (ReviewRefused, *CONFLICTS) as error:
                return refused(request, referral, error)
            messages.success(
                request,
                f"Referral {referral.reference} is confirmed. The notices are issued and the "
                "case is sent for services.",
            )
            return back_to_case(referral)
        _record_preview(request, referral, "confirmation")
        stage = DecisionStage.APPEAL if on_appeal else DecisionStage.INITIAL
        proposal = decisions.proposal_for(referral, facts)
        decision = decisions.unsaved_confirmation(referral, request.user, facts, stage=stage)
        context = {
            **_decision_context(request, referral, form),
            "proposal": proposal,
            # Blocked destinations are listed with their reasons already; the rest are flags.
            "warnings": [
                w
                for w in proposal.warnings
                if not any(w.startswith(f"Not sent to {d.name}:") for d in proposal.blocked)
            ],
            "decision": decision,
            # Each notice in each language it will be issued in.
            "notices": decisions.confirmation_notices(referral, decision, proposal)
            + decisions.person_translations(referral, decision, proposal=proposal),
        }
        return render(request, "confirmations/confirm_preview.html", context)
    return form_page(
        request, "confirmations/confirm.html", _decision_context(request, referral, form)
    )


@require_http_methods(["GET", "POST"])
@case_action("may_decide", "may_decide_appeal", what="decline")
def decline(request, referral):
    """Decline a referral, or, on appeal, uphold the decline (the first reasons stand)."""
    on_appeal = awaits_appeal_decision(referral)
    form_class = UpholdForm if on_appeal else DeclineForm
    form = form_class(request.POST or None, initial={"version": referral.version})
    action = request.POST.get("action", "preview")
    if request.method == "POST" and form.is_valid() and action != "edit":
        cleaned = form.cleaned_data
        first = None
        if on_appeal:
            first = Decision.objects.filter(referral=referral, stage=DecisionStage.INITIAL).first()
        reasons = first.decline_reasons if first else cleaned.get("reasons", [])
        if action == "issue":
            try:
                if on_appeal:
                    decisions.uphold_appeal(
                        referral=referral,
                        reviewer=request.user,
                        note=cleaned["note"],
                        expected_version=cleaned["version"],
                    )
                else:
                    decisions.decline_referral(
                        referral=referral,
                        reviewer=request.user,
                        reasons=reasons,
                        note=cleaned["note"],
                        expected_version=cleaned["version"],
                    )
            except (ReviewRefused, *CONFLICTS) as error:
                return refused(request, referral, error)
            done = "The decline is upheld" if on_appeal else "The referral is declined"
            messages.success(request, f"{done}: {referral.reference}. The notice is issued.")
            return back_to_case(referral)
        _record_preview(request, referral, "decline")
        stage = DecisionStage.APPEAL if on_appeal else DecisionStage.INITIAL
        try:
            decision = decisions.unsaved_decline(
                referral, request.user, reasons, cleaned["note"], stage=stage
            )
        except ReviewRefused as error:
            return refused(request, referral, error)
        context = {
            **_decision_context(request, referral, form),
            "decision": decision,
            "notices": decisions.decline_notices(referral, decision, upheld=on_appeal)
            + decisions.person_translations(referral, decision, upheld=on_appeal),
        }
        return render(request, "confirmations/decline_preview.html", context)
    return form_page(
        request, "confirmations/decline.html", _decision_context(request, referral, form)
    )


# --- the referrer's appeal -----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def appeal(request, public_id):
    referral = referral_selectors.referral_for(request.user, public_id)
    if referral.is_draft or not decisions.may_appeal(request.user, referral):
        raise Http404("No such referral")
    last_day = decisions.appeal_open_until(referral)
    if last_day is None or timezone.localdate() > last_day:
        context = {"referral": referral, "last_day": last_day}
        return render(request, "confirmations/appeal_closed.html", context)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.file_appeal(
                referral=referral, user=request.user, statement=form.cleaned_data["statement"]
            )
        except ReviewRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Your appeal of referral {referral.reference} is sent. A different State "
                "reviewer will decide it.",
            )
            return redirect("referrals:detail", public_id=referral.public_id)
    context = {"referral": referral, "form": form, "last_day": last_day}
    return form_page(request, "confirmations/appeal.html", context)
