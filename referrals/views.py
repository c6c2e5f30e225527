"""The referrer's pages after submission, and file downloads."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_fsm import ConcurrentTransition, can_proceed

from access_log.models import AccessLog
from access_log.services import record_access
from referral_portal.business_days import time_left
from referral_portal.ratelimits import rate_limited

from . import downloads, selectors, services
from .followup_forms import AnswerForm, WithdrawForm
from .forms import FORM_STEPS
from .models import Status
from .upload_handlers import accepts_uploads

DRAFTS_PER_PAGE = 10


@require_GET
def referral_list(request):
    # status is always loaded: the state machine reads it when a row is built.
    drafts = (
        selectors.drafts_of(request.user)
        .only("public_id", "status", "nickname", "step_reached", "created_at", "updated_at")
        .order_by("-updated_at")
    )
    # Each list has its own pager. A person's drafts are few (stale ones are deleted), so they
    # are read in one query; an organization can have thousands of referrals, so a page of
    # them costs the same for all.
    drafts_page = Paginator(list(drafts), DRAFTS_PER_PAGE).get_page(request.GET.get("drafts_page"))
    page = Paginator(selectors.submitted_referrals_for_list(request.user), 25).get_page(
        request.GET.get("page")
    )
    # Those waiting for the referrer's answer head the first page.
    waiting = list(selectors.needing_answer(request.user))
    return render(
        request,
        "referrals/list.html",
        {
            "drafts": drafts_page.object_list,
            "drafts_page": drafts_page,
            "step_titles": {form.number: form.title for form in FORM_STEPS},
            "step_count": len(FORM_STEPS) + 2,  # and attachments, review
            "referrals": (waiting if page.number == 1 else []) + list(page.object_list),
            "waiting_count": len(waiting),
            "page": page,
            "now": timezone.now(),
            "may_refer": services.may_refer(request.user),
        },
    )


def _time_left(referral):
    if not referral.is_open:
        return None
    return time_left(referral.due_at, timezone.now())


@require_GET
def detail(request, public_id):
    referral = selectors.referral_for(request.user, public_id)
    if referral.status == Status.DRAFT:
        return redirect("referrals:step", public_id=referral.public_id, slug="referrer")
    record_access(request=request, action=AccessLog.Action.VIEW_REFERRAL, referral=referral)
    context = {
        "referral": referral,
        "events": selectors.timeline_for(request.user, referral),
        "attachments": referral.attachments.select_related("information_request"),
        "notices": selectors.notices_visible_to(request.user, referral),
        "counties": referral.trafficking_counties.all(),
        "open_request": selectors.open_information_request(referral),
        "answered_requests": referral.information_requests.filter(responded_at__isnull=False),
        "time_left": _time_left(referral),
        "is_referrer": selectors.is_referrer(request.user),
        "may_withdraw": selectors.is_referrer(request.user) and can_proceed(referral.withdraw),
    }
    return render(request, "referrals/detail.html", context)


@require_GET
def submitted(request, public_id):
    referral = selectors.referral_for(request.user, public_id)
    if referral.status == Status.DRAFT:
        raise Http404
    return render(request, "referrals/submitted.html", {"referral": referral})


@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    referral = selectors.referral_for(request.user, public_id)
    if not selectors.is_referrer(request.user) or not can_proceed(referral.withdraw):
        messages.error(request, "This referral can no longer be withdrawn.")
        return redirect("referrals:detail", public_id=referral.public_id)
    form = WithdrawForm(request.POST or None, initial={"version": referral.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw_referral(
                    referral=referral,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except (services.StaleReferral, ConcurrentTransition, services.NotAllowed):
                messages.error(
                    request,
                    "This referral changed while you were on this page. Check its status and "
                    "try again if you still want to withdraw it.",
                )
                return redirect("referrals:detail", public_id=referral.public_id)
            messages.success(request, f"Referral {referral.reference} is withdrawn.")
            return redirect("referrals:detail", public_id=referral.public_id)
        status = 400
    return render(
        request, "referrals/withdraw.html", {"referral": referral, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
@rate_limited(key="user", rate=settings.REFERRAL_STEP_POSTS_PER_HOUR, group="referral_answer")
@accepts_uploads(max_files=2)  # AnswerForm: file_1 and file_2
def answer(request, public_id, request_id):
    referral = selectors.referral_for(request.user, public_id)
    information_request = referral.information_requests.filter(public_id=request_id).first()
    if information_request is None or not selectors.is_referrer(request.user):
        raise Http404
    if information_request.is_answered or referral.status != Status.INFO_REQUESTED:
        messages.info(request, "This request has already been answered.")
        return redirect("referrals:detail", public_id=referral.public_id)
    form = AnswerForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_information_request(
                    information_request=information_request,
                    user=request.user,
                    response=form.cleaned_data["response"],
                    files=form.files_to_store,
                )
            except services.NotAllowed:
                form.add_error(
                    None, "This request cannot be answered now, or the files are too large."
                )
            else:
                messages.success(request, "Your answer is sent to the State reviewer.")
                return redirect("referrals:detail", public_id=referral.public_id)
        status = 400
    return render(
        request,
        "referrals/answer.html",
        {"referral": referral, "information_request": information_request, "form": form},
        status=status,
    )


def _recorded_download(request, stored, response, action):
    """A download of an attachment or a notice, recorded by its kind (never its name)."""
    record_access(
        request=request,
        action=action,
        referral=stored.referral,
        obj=stored,
        detail=f"kind={stored.kind}",
    )
    return response


@require_GET
def attachment_download(request, attachment_id):
    attachment = selectors.attachment_for(request.user, attachment_id)
    response = downloads.attachment_response(attachment)
    return _recorded_download(request, attachment, response, AccessLog.Action.DOWNLOAD_ATTACHMENT)


@require_GET
def notice_download(request, notice_id):
    notice = selectors.notice_for(request.user, notice_id)
    response = downloads.notice_response(notice)
    return _recorded_download(request, notice, response, AccessLog.Action.DOWNLOAD_NOTICE)
