"""The submission wizard: start, the data steps, attachments, review and submit, discard.

Every step saves the draft. "Save and continue" and "Back" both keep what was typed; a step
with badly formed input is shown again with the messages next to the fields. The review step
runs every rule again and links to whatever is missing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from referral_portal.ratelimits import rate_limited

from . import selectors, services
from .followup_forms import AttachmentForm
from .forms import FORM_STEPS, STEP_BY_SLUG, checked_step, submission_problems
from .models import Status
from .upload_handlers import accepts_uploads


@dataclass(frozen=True)
class Step:
    slug: str
    title: str


STEPS = [Step(form.slug, form.title) for form in FORM_STEPS] + [
    Step("attachments", "Attachments"),
    Step("review", "Review and submit"),
]
SLUGS = [step.slug for step in STEPS]


def _neighbours(slug):
    index = SLUGS.index(slug)
    previous = SLUGS[index - 1] if index > 0 else None
    following = SLUGS[index + 1] if index + 1 < len(SLUGS) else None
    return previous, following


def _step_url(referral, slug):
    if slug == "review":
        return reverse("referrals:review", args=[referral.public_id])
    return reverse("referrals:step", args=[referral.public_id, slug])


def _wizard_context(referral, slug, **extra):
    index = SLUGS.index(slug)
    return {
        "referral": referral,
        "steps": [
            {"slug": s.slug, "title": s.title, "url": _step_url(referral, s.slug)} for s in STEPS
        ],
        "current": STEPS[index],
        "step_number": index + 1,
        "step_count": len(STEPS),
        **extra,
    }


def _after_save(request, referral, slug):
    previous, following = _neighbours(slug)
    action = request.POST.get("action", "next")
    if action == "back" and previous:
        return redirect(_step_url(referral, previous))
    if action == "exit":
        messages.success(request, "Your draft is saved. You can come back to it at any time.")
        return redirect("referrals:list")
    return redirect(_step_url(referral, following or slug))


@require_http_methods(["GET", "POST"])
@rate_limited(key="user", rate=settings.REFERRAL_DRAFTS_PER_HOUR, group="referral_start")
def start(request):
    if not services.may_refer(request.user):
        raise PermissionDenied
    if request.method == "POST":
        referral = services.start_draft(user=request.user)
        return redirect(_step_url(referral, SLUGS[0]))
    return render(request, "referrals/start.html", {"steps": STEPS})


@require_http_methods(["GET", "POST"])
@rate_limited(key="user", rate=settings.REFERRAL_STEP_POSTS_PER_HOUR, group="referral_step")
@accepts_uploads(max_files=1)  # the attachments step: one file at a time
def step(request, public_id, slug):
    if slug not in STEP_BY_SLUG:
        if slug == "attachments":
            return attachments(request, public_id)
        raise Http404
    referral = selectors.own_draft(request.user, public_id)
    form_class = STEP_BY_SLUG[slug]
    if request.method == "POST":
        form = form_class(request.POST, referral=referral)
        if form.is_valid():
            referral = services.save_draft_step(referral=referral, user=request.user, form=form)
            return _after_save(request, referral, slug)
        status = 400
    elif request.GET.get("check"):
        form, status = checked_step(form_class, referral), 200
    else:
        form, status = form_class(referral=referral), 200
    context = _wizard_context(referral, slug, form=form)
    return render(request, f"referrals/wizard/{slug}.html", context, status=status)


def attachments(request, public_id):
    referral = selectors.own_draft(request.user, public_id)
    status = 200
    form = AttachmentForm()
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "upload":
            form = AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    services.add_attachment(
                        referral=referral,
                        user=request.user,
                        kind=form.cleaned_data["kind"],
                        upload=form.cleaned_data["file"],
                    )
                except services.TooManyAttachments as refused:
                    form.add_error("file", str(refused))
                except services.NotAllowed:
                    form.add_error("file", "Together, this referral's files would be too large.")
                else:
                    messages.success(request, "The file is attached.")
                    return redirect(_step_url(referral, "attachments"))
            status = 400
        else:
            return _after_save(request, referral, "attachments")
    context = _wizard_context(
        referral,
        "attachments",
        form=form,
        attachments=referral.attachments.all(),
        max_files=settings.REFERRAL_UPLOAD_MAX_FILES,
    )
    return render(request, "referrals/wizard/attachments.html", context, status=status)


@require_POST
def remove_attachment(request, public_id, attachment_id):
    referral = selectors.own_draft(request.user, public_id)
    attachment = referral.attachments.filter(public_id=attachment_id).first()
    if attachment is None:
        raise Http404
    services.remove_attachment(attachment=attachment, user=request.user)
    messages.success(request, "The file is removed.")
    return redirect(_step_url(referral, "attachments"))


@require_http_methods(["GET", "POST"])
def review(request, public_id):
    referral = selectors.referral_for(request.user, public_id)
    if referral.status != Status.DRAFT:
        # A second click on "Submit" or the back button after submitting: show the result.
        return redirect("referrals:submitted", public_id=referral.public_id)
    if referral.created_by_id != request.user.pk:
        raise Http404
    status = 200
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.submit_referral(referral=referral, user=request.user, expected_version=version)
        except services.SubmissionIncomplete:
            status = 400
        except services.StaleReferral:
            messages.error(request, "This draft changed in another window. Check it again.")
            status = 409
        else:
            return redirect("referrals:submitted", public_id=referral.public_id)
        referral.refresh_from_db()
    # Read once for the checked steps and the summary, not once for each.
    prefetch_related_objects([referral], "trafficking_counties")
    problems = submission_problems(referral)
    problem_links = [
        {
            "step": STEP_BY_SLUG[slug].title,
            "message": message,
            "url": f"{_step_url(referral, slug)}?check=1#div_id_{field}"
            if field != "__all__"
            else f"{_step_url(referral, slug)}?check=1",
        }
        for slug, fields in problems.items()
        for field, errors in fields.items()
        for message in errors
    ]
    context = _wizard_context(
        referral,
        "review",
        problems=problem_links,
        attachments=referral.attachments.all(),
        counties=referral.trafficking_counties.all(),  # prefetched above
        business_days=settings.REFERRAL_DECISION_BUSINESS_DAYS,
    )
    return render(request, "referrals/wizard/review.html", context, status=status)


@require_http_methods(["GET", "POST"])
def discard(request, public_id):
    referral = selectors.own_draft(request.user, public_id)
    if request.method == "POST":
        services.discard_draft(referral=referral, user=request.user)
        messages.success(request, "The draft is deleted.")
        return redirect("referrals:list")
    return render(request, "referrals/discard.html", {"referral": referral})
