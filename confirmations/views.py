"""The reviewers' queue, the case page, assignment, requests for information, consultations and
extensions. Thin: parse, call a selector or a service, render. Who may open each URL is in
referral_portal/access.py; which records they see is in selectors.py. Decisions and appeals
are in decision_views.py."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition

from access_log.models import AccessLog
from access_log.services import record_access
from referral_portal.query_strings import without

from . import decisions, selectors, services
from .forms import (
    ConsultationForm,
    ExtensionForm,
    InformationRequestForm,
    QueueFilterForm,
    ReassignForm,
)
from .services import ReviewRefused, StaleReferral

STALE = (
    "Someone else changed referral {reference} while you were working on it, so your change "
    "was not saved. Check its status and timeline below before trying again."
)
CONFLICTS = (StaleReferral, ConcurrentTransition)


def back_to_case(referral):
    return redirect("confirmations:case", public_id=referral.public_id)


def back_after_assignment(request, referral):
    """To the case, or for an administrator without a break-glass grant (who manages
    assignments but may not open the case) to the queue."""
    if selectors.may_open_case(request.user, referral):
        return back_to_case(referral)
    return redirect("confirmations:queue")


def not_now(request, referral, what: str):
    """A page for an action the person cannot take on this referral now: back to the case."""
    messages.info(request, f"You cannot {what} referral {referral.reference} now.")
    return back_to_case(referral)


def case_action(*flags: str, what: str):
    """A view of an action on one case: it gets the referral, or the person is sent back to the
    case ("not now") unless one of the case page's `flags` (see `permissions`) is on."""

    def decorate(view):
        @wraps(view)
        def checked(request, public_id):
            referral = selectors.case_for(request.user, public_id)
            allowed = permissions(request.user, referral)
            if not any(allowed[flag] for flag in flags):
                return not_now(request, referral, what)
            return view(request, referral)

        return checked

    return decorate


def _error_text(referral, error) -> str:
    if isinstance(error, CONFLICTS):
        return STALE.format(reference=referral.reference)
    return str(error)


def refused(request, referral, error) -> object:
    messages.error(request, _error_text(referral, error))
    return back_to_case(referral)


def form_page(request, template: str, context: dict):
    """A page with a form: 400 when the form was sent with errors."""
    status = 400 if context["form"].errors else 200
    return render(request, template, context, status=status)


def act_on_case(request, referral, form, *, act, done: str, template: str, **context):
    """The flow of a form on a case: a valid POST calls `act` with the cleaned data, then goes
    back to the case with `done` (or with why it was refused); otherwise the form page."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except (ReviewRefused, *CONFLICTS) as error:
            return refused(request, referral, error)
        messages.success(request, done)
        return back_to_case(referral)
    return form_page(request, template, {"referral": referral, "form": form, **context})


# --- the queue -----------------------------------------------------------------------------------
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.QUEUE_SORTS else ""  # anything else: the usual order
    referrals = selectors.review_queue(request.user, filters, sort)
    page = Paginator(referrals, settings.CONFIRMATIONS_QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.with_time_left(list(page.object_list), timezone.now())
    if filters.get("reference"):
        # The reference number is an id, not a name: it may sit in the URL and in the log.
        found = page.object_list[0] if page.object_list else None
        record_access(
            request=request,
            action=AccessLog.Action.SEARCH,
            referral=found,
            object_type="review_queue",
            detail=f"reference={filters['reference']} found={page.paginator.count}",
        )
    # The filters and the order the links carry: an order not in QUEUE_SORTS is not carried.
    query = QueryDict(without(request.GET, "page", *(() if sort else ("sort",))), mutable=True)
    context = {
        "form": form,
        "page": page,
        "counts": selectors.status_counts(
            request.user, {k: v for k, v in filters.items() if k != "status"}
        ),
        "filtered": bool(filters),
        # Also the key the template caches the filter form under.
        "query": query.urlencode(),
        "status_query": without(query, "status"),
        "sort": sort,
        "received_sort_query": _sorted_by(query, "-received" if sort == "received" else "received"),
        "usual_order_query": without(query, "sort"),
    }
    return render(request, "confirmations/queue.html", context)


def _sorted_by(query, sort: str) -> str:
    """The same filters in another order (back to the first page)."""
    query = query.copy()
    query["sort"] = sort
    return query.urlencode()


# --- the case page -------------------------------------------------------------------------------
def permissions(user, referral) -> dict:
    """Which buttons the case page shows: the services' own rules (services.may_*), which the
    services check again under the row lock."""
    return {
        "is_assigned": services.is_assigned(user, referral),
        "awaits_decision": services.awaits_decision(referral),
        "may_claim": services.may_claim(user, referral),
        "may_release": services.may_release(user, referral),
        "may_reassign": services.may_reassign(user, referral),
        "may_request_information": services.may_request_information(user, referral),
        "may_consult": services.may_consult(user, referral),
        "may_extend": services.may_extend(user, referral),
        "may_decide": services.may_decide(user, referral),
        "may_decide_appeal": services.may_decide_appeal(user, referral),
        "consultation_required": settings.CONFIRMATIONS_REQUIRE_CONSULTATION,
    }


@require_GET
def case(request, public_id):
    referral = selectors.case_page_for(request.user, public_id)
    # One statement on its own: the page is not shown if the row cannot be written.
    record_access(request=request, action=AccessLog.Action.VIEW_REFERRAL, referral=referral)
    context = selectors.case_context(request.user, referral)
    context.update(permissions(request.user, referral))
    context["appeal_open_until"] = decisions.appeal_open_until(referral)
    return render(request, "confirmations/case.html", context)


# --- assignment ----------------------------------------------------------------------------------
@require_POST
def claim(request, public_id):
    referral = selectors.case_for(request.user, public_id)
    try:
        services.claim_referral(referral=referral, reviewer=request.user)
    except (ReviewRefused, *CONFLICTS) as error:
        return refused(request, referral, error)
    messages.success(request, f"Referral {referral.reference} is assigned to you.")
    return back_to_case(referral)


@require_POST
def release(request, public_id):
    referral = selectors.case_summary_for(request.user, public_id)
    try:
        services.release_referral(referral=referral, actor=request.user)
    except (ReviewRefused, *CONFLICTS) as error:
        messages.error(request, _error_text(referral, error))
        return back_after_assignment(request, referral)
    messages.success(request, f"Referral {referral.reference} is back in the queue, unassigned.")
    return back_after_assignment(request, referral)


@require_http_methods(["GET", "POST"])
def reassign(request, public_id):
    referral = selectors.case_summary_for(request.user, public_id)
    if not permissions(request.user, referral)["may_reassign"]:
        messages.info(request, f"You cannot reassign referral {referral.reference} now.")
        return back_after_assignment(request, referral)
    form = ReassignForm(request.POST or None, reviewers=services.assignable_reviewers(referral))
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign_referral(
                referral=referral, actor=request.user, reviewer=form.cleaned_data["reviewer"]
            )
        except (ReviewRefused, *CONFLICTS) as error:
            messages.error(request, _error_text(referral, error))
            return back_after_assignment(request, referral)
        messages.success(request, f"Referral {referral.reference} is reassigned.")
        return back_after_assignment(request, referral)
    context = {
        "referral": referral,
        "form": form,
        "case_open": selectors.may_open_case(request.user, referral),
    }
    return form_page(request, "confirmations/reassign.html", context)


# --- requests for information, consultation, extension ------------------------------------------
@require_http_methods(["GET", "POST"])
@case_action("may_request_information", what="request information about")
def request_information(request, referral):
    form = InformationRequestForm(request.POST or None, initial={"version": referral.version})
    return act_on_case(
        request,
        referral,
        form,
        act=lambda data: services.request_information(
            referral=referral,
            reviewer=request.user,
            reasons=data["reasons"],
            message=data["message"],
            expected_version=data["version"],
        ),
        done=f"Your request is sent. The referrer of {referral.reference} is told.",
        template="confirmations/request_information.html",
        pause_clock=settings.CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION,
    )


@require_http_methods(["GET", "POST"])
@case_action("may_consult", what="record a consultation about")
def consultation(request, referral):
    initial = {"consulted_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = ConsultationForm(request.POST or None, initial=initial)
    return act_on_case(
        request,
        referral,
        form,
        act=lambda data: services.record_consultation(
            referral=referral, reviewer=request.user, **data
        ),
        done="The consultation is recorded.",
        template="confirmations/consultation.html",
    )


@require_http_methods(["GET", "POST"])
@case_action("may_extend", what="extend the deadline of")
def extension(request, referral):
    form = ExtensionForm(
        request.POST or None,
        initial={"version": referral.version},
        current_due_at=referral.due_at,
    )
    return act_on_case(
        request,
        referral,
        form,
        act=lambda data: services.extend_deadline(
            referral=referral,
            actor=request.user,
            reason=data["reason"],
            new_due_date=data["new_due_date"],
            expected_version=data["version"],
        ),
        done="The new due date is set.",
        template="confirmations/extension.html",
    )
