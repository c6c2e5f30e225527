"""Receiving agencies' case pages and the administrators' deliveries page. Thin: parse, call a
selector or a service, render. Who may open each URL is in referral_portal/access.py; which
records they see is in selectors.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access_log.models import AccessLog
from access_log.services import record_access
from referral_portal.paging import CappedPaginator
from referrals import downloads
from referrals.models import ConsentScope, Service

from . import selectors, services
from .forms import ContactAttemptFormSet, OutcomeForm, outcome_from
from .models import DeliveryState

PAGE_SIZE = 50


@require_GET
def case_list(request):
    page = Paginator(selectors.case_list_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "routing/case_list.html", {"page": page, "now": timezone.now()})


def _services(referral) -> list[str]:
    """The needs, with "Other" and what it is as one item."""
    return [
        f"Other: {referral.services_other}"
        if value == Service.OTHER and referral.services_other
        else Service(value).label
        for value in referral.services_needed
        if value in Service.values
    ]


@require_GET
def case_detail(request, public_id):
    with transaction.atomic():
        delivery = selectors.case_for(request.user, public_id)
        record_access(
            request=request, action=AccessLog.Action.VIEW_CASE, referral=delivery.referral
        )
    referral = delivery.referral
    context = {
        "delivery": delivery,
        "referral": referral,
        "now": timezone.now(),
        "services": _services(referral),
        "child_welfare_consent": ConsentScope.SHARE_WITH_CHILD_WELFARE
        in referral.consent_scopes,
    }  # fmt: skip
    return render(request, "routing/case_detail.html", context)


@require_POST
def acknowledge(request, public_id):
    delivery = selectors.case_for(request.user, public_id)
    if delivery.is_acknowledged:
        messages.info(request, "Receipt was already acknowledged.")
    else:
        services.acknowledge_delivery(delivery=delivery, actor=request.user)
        messages.success(request, f"You acknowledged receipt of case {delivery.referral}.")
    return redirect("routing:case_detail", public_id=delivery.public_id)


@require_http_methods(["GET", "POST"])
def report_outcome(request, public_id):
    delivery = selectors.case_for(request.user, public_id)
    form = OutcomeForm(request.POST or None)
    formset = ContactAttemptFormSet(request.POST or None, prefix="attempts")
    attempts_error = ""
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.report_outcome(
                delivery=delivery, actor=request.user, **outcome_from(form, formset)
            )
        except services.OutcomeInvalid as invalid:
            for field, message in invalid.errors.items():
                if field == "attempts":
                    attempts_error = message
                else:
                    form.add_error(field, message)
        else:
            messages.success(request, "Your report was saved.")
            return redirect("routing:case_detail", public_id=delivery.public_id)
    context = {
        "delivery": delivery,
        "form": form,
        "formset": formset,
        "attempts_error": attempts_error,
        "has_errors": bool(
            form.errors or attempts_error or any(formset.errors) or formset.non_form_errors()
        ),
    }
    return render(request, "routing/report_outcome.html", context, status=200)


@require_GET
def notice_download(request, public_id, notice_id):
    with transaction.atomic():
        notice = selectors.notice_for(request.user, public_id, notice_id)
        record_access(
            request=request,
            action=AccessLog.Action.DOWNLOAD_NOTICE,
            referral=notice.referral,
            obj=notice,
        )
        return downloads.notice_response(notice)


# Deliveries the administrators' list pages through for one state (newest first): counting
# every delivery ever made took longer than the page (referral_portal/paging.py).
DELIVERIES_LISTED = 10_000


@require_GET
def delivery_list(request):
    state = request.GET.get("state") or ""
    deliveries = selectors.deliveries_for_administrators(state)
    page = CappedPaginator(deliveries, PAGE_SIZE, cap=DELIVERIES_LISTED).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "state": state,
        "states": DeliveryState.choices,
        "now": timezone.now(),
    }
    return render(request, "routing/delivery_list.html", context)


@require_POST
def delivery_resend(request, public_id):
    delivery = selectors.delivery_for_administrators(request.user, public_id)
    try:
        services.resend_delivery(delivery=delivery, actor=request.user)
    except services.RoutingRefused:
        messages.info(request, f"Case {delivery.referral} was already delivered.")
    else:
        messages.success(request, f"Case {delivery.referral} will be sent again.")
    return redirect("routing:delivery_list")
