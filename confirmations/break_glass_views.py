"""The administrator's way into one case (docs/decisions/0009). The page itself shows what an
administrator may always see (reference, status, dates, reviewer) and the assignment actions;
opening the case needs a purpose and a reason, which become a time-limited grant, a
BREAK_GLASS row in the access log and an e-mail to state supervisors. Rule:
referral_portal/access.py ("confirmations:break_glass", administrators only)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from access_log.models import AccessLog
from access_log.services import record_access
from referral_portal import times
from referrals import break_glass

from . import selectors
from .choices import QUEUE_STATUSES
from .forms import BreakGlassForm
from .views import form_page, permissions


@require_http_methods(["GET", "POST"])
def break_glass_page(request, public_id):
    referral = selectors.case_summary_for(request.user, public_id)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                grant = break_glass.open_grant(
                    referral=referral,
                    administrator=request.user,
                    purpose=form.cleaned_data["purpose"],
                    reason=form.cleaned_data["reason"],
                )
                # The purpose code and the grant's id only: the reason stays on the grant.
                until = f"{grant.expires_at:%Y-%m-%dT%H:%MZ}"
                record_access(
                    request=request,
                    action=AccessLog.Action.BREAK_GLASS,
                    referral=referral,
                    obj=grant,
                    detail=f"purpose={grant.purpose} until={until}",
                )
        except break_glass.BreakGlassRefused as error:
            form.add_error(None, str(error))
        else:
            messages.warning(
                request,
                f"You can open referral {referral.reference} until "
                f"{times.deadline(grant.expires_at, 'time')}. Every page you open is recorded, "
                "and State supervisors have been told.",
            )
            return redirect("confirmations:case", public_id=referral.public_id)
    context = {
        "referral": referral,
        "form": form,
        "grant": break_glass.active_grant(request.user, referral),
        "minutes": int(break_glass.GRANT_DURATION.total_seconds() // 60),
        "in_queue": referral.status in QUEUE_STATUSES,
        **permissions(request.user, referral),
    }
    return form_page(request, "confirmations/break_glass.html", context)
