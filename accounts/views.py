"""Onboarding and organization administration pages. Thin: parse, call a selector or a
service, render. Access by role is decided in referral_portal/access.py; which organization
and person a signed-in person can reach is decided by accounts.selectors (others are 404)."""

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from referral_portal import ratelimits

from . import policy, selectors, services
from .forms import (
    AcceptInvitationForm,
    ApplicationForm,
    InvitationForm,
    OrganizationDecisionForm,
    OrganizationFilterForm,
    ReasonForm,
)
from .models import Organization

INVITATION_SESSION_KEY = "accounts_invitation_token"


# --- public: applying and accepting an invitation -----------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only complete applications count; the rate is read per request (a setting).
        refused = ratelimits.limit(
            request, key="ip", rate=settings.ACCOUNTS_APPLY_RATE, group="accounts.apply"
        )
        if refused is not None:
            return refused
        organization = services.apply_for_access(
            organization=form.save(commit=False), **form.administrator()
        )
        request.session["accounts_applied"] = organization.name
        return redirect("accounts:apply_received")
    return render(request, "accounts/apply.html", {"form": form})


@require_GET
def apply_received(request):
    return render(
        request,
        "accounts/apply_received.html",
        {"organization_name": request.session.pop("accounts_applied", "")},
    )


@require_GET
def invitation_link(request, token):
    """The e-mailed link. The secret is moved into the session at once and the person is sent
    to a page whose address holds nothing, so it cannot leak through history or Referer."""
    if selectors.usable_invitation(token) is None:
        return render(request, "accounts/invitation_invalid.html")
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("accounts:accept_invitation")


@require_http_methods(["GET", "POST"])
def accept_invitation(request):
    token = request.session.get(INVITATION_SESSION_KEY, "")
    invitation = selectors.usable_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html")
    if request.user.is_authenticated:
        return render(request, "accounts/invitation_signed_in.html")
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token=token, password=form.cleaned_data["password1"])
        except services.AccountRuleError as error:
            form.add_error(None, str(error))
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            # Signed in as allauth's own form would do it (the password was just typed), so
            # enrolling the authenticator needs no second password prompt.
            return perform_password_login(
                request,
                {"username": user.username},
                Login(user=user, redirect_url=reverse("mfa_activate_totp")),
            )
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


# --- administrators: organizations ----------------------------------------------------------


@require_GET
def organization_list(request):
    filters = OrganizationFilterForm(request.GET or None)
    status = query = ""
    if filters.is_valid():
        status, query = filters.cleaned_data["status"], filters.cleaned_data["q"]
    rows = selectors.organizations_for_review(request.user, status=status, query=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organization_list.html",
        {"filters": filters, "page": page, "waiting": Organization.Status.APPLIED},
    )


@require_GET
def organization_detail(request, public_id):
    organization = selectors.organization_for(request.user, public_id)
    is_admin = policy.is_acting_administrator(request.user)
    decisions = services.decisions_for(organization) if is_admin else []
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "staff": selectors.staff_of(organization),
            "invitations": selectors.open_invitations_of(organization),
            "applicant": selectors.first_administrator_application(organization),
            "events": selectors.audit_trail(organization=organization, limit=15),
            "decision_form": OrganizationDecisionForm(decisions=decisions) if decisions else None,
            "may_invite": organization.is_active
            and bool(policy.grantable_roles(request.user, organization)),
        },
    )


@require_http_methods(["GET", "POST"])
def organization_status(request, public_id):
    organization = selectors.organization_for(request.user, public_id)
    decisions = services.decisions_for(organization)
    form = OrganizationDecisionForm(request.POST or None, decisions=decisions)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.decide_organization(
                organization=organization,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except services.AccountRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{organization.name} is now {organization.get_status_display().lower()}."
            )
            return redirect("accounts:organization_detail", public_id=organization.public_id)
    return render(
        request,
        "accounts/organization_status.html",
        {"organization": organization, "form": form, "decisions": decisions},
    )


@require_http_methods(["GET", "POST"])
def invite(request, public_id):
    organization = selectors.organization_for(request.user, public_id)
    roles = policy.grantable_roles(request.user, organization)
    if not organization.is_active or not roles:
        messages.error(request, "People can be invited only into a verified organization.")
        return redirect("accounts:organization_detail", public_id=organization.public_id)
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_person(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except services.AccountRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Invitation sent. The link works once, for 72 hours.")
            return redirect("accounts:organization_detail", public_id=organization.public_id)
    return render(request, "accounts/invite.html", {"organization": organization, "form": form})


@require_POST
def invitation_resend(request, public_id):
    invitation = selectors.invitation_for(request.user, public_id)
    _run(request, services.resend_invitation, "A new link was sent.", invitation=invitation)
    return redirect("accounts:organization_detail", public_id=invitation.organization.public_id)


@require_POST
def invitation_revoke(request, public_id):
    invitation = selectors.invitation_for(request.user, public_id)
    _run(request, services.revoke_invitation, "Invitation withdrawn.", invitation=invitation)
    return redirect("accounts:organization_detail", public_id=invitation.organization.public_id)


# --- people ------------------------------------------------------------------------------


@require_GET
def person_detail(request, public_id):
    person = selectors.person_for(request.user, public_id)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "locked_out": selectors.is_locked_out(person),
            "may_manage": policy.may_manage_person(request.user, person),
            "events": selectors.audit_trail(person=person, limit=15),
            "reason_form": ReasonForm(),
        },
    )


def _person_change(request, public_id, *, service, template, done, label):
    person = selectors.person_for(request.user, public_id)
    form = ReasonForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        try:
            service(person=person, actor=request.user, reason=form.cleaned_data["reason"])
        except services.AccountRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("accounts:person_detail", public_id=person.public_id)
    return render(request, template, {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def person_deactivate(request, public_id):
    return _person_change(
        request,
        public_id,
        service=services.deactivate_person,
        template="accounts/person_deactivate.html",
        done="Account deactivated. Any open sessions were ended.",
        label="Why is this account being deactivated?",
    )


@require_http_methods(["GET", "POST"])
def person_reactivate(request, public_id):
    return _person_change(
        request,
        public_id,
        service=services.reactivate_person,
        template="accounts/person_reactivate.html",
        done="Account reactivated.",
        label="Why is this account being reactivated?",
    )


@require_POST
def person_release_lockout(request, public_id):
    person = selectors.person_for(request.user, public_id)
    _run(request, services.release_lockout, "The sign-in pause was ended.", person=person)
    return redirect("accounts:person_detail", public_id=person.public_id)


@require_POST
def person_end_sessions(request, public_id):
    person = selectors.person_for(request.user, public_id)
    _run(request, services.end_sessions, "All sessions were ended.", person=person)
    return redirect("accounts:person_detail", public_id=person.public_id)


def _run(request, service, done: str, **kwargs):
    try:
        service(actor=request.user, **kwargs)
    except services.AccountRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
