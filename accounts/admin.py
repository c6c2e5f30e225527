"""The administrators' Django admin (mounted at /manage/). Every change goes through
accounts.services, so it is checked and recorded like the same change made in the portal;
actions that change status ask for a reason on an intermediate page first."""

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.template.response import TemplateResponse
from django.utils.html import format_html

from referral_portal.admin_mixins import ReadOnlyForAdministrators

from . import policy, selectors, services
from .models import AuditEvent, Invitation, Organization, User

# Roles and their permissions are made by code (accounts/roles.py), never edited by hand; the
# site record and e-mail addresses are configuration, not something to administer here.
for model in (Group, Site, EmailAddress):
    admin.site.unregister(model)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the audit record of this change.",
    )


def reason_action(*, service, subject: str, verb: str, done: str):
    """An admin action that first asks why, then calls `service(<subject>=row, actor=…,
    reason=…)` once per selected row."""

    def action(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            changed, refused = 0, []
            for obj in queryset:
                try:
                    service(
                        **{subject: obj}, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    changed += 1
                except services.AccountRuleError as error:
                    refused.append(f"{obj}: {error}")
            if changed:
                modeladmin.message_user(request, f"{done}: {changed}.", messages.SUCCESS)
            for problem in refused:
                modeladmin.message_user(request, problem, messages.WARNING)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"{verb}: give a reason",
            "verb": verb,
            "objects": queryset,
            "form": form,
            "action_name": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/reason_action.html", context)

    action.short_description = f"{verb} the selected…"
    action.allowed_permissions = ("change",)
    return action


def reason_actions(subject: str, **table):
    """The reason actions of an admin, one per `name=(service, verb, done)`, in that order; each
    calls its service with the selected row as `subject`."""
    actions = []
    for name, (service, verb, done) in table.items():
        action = reason_action(service=service, subject=subject, verb=verb, done=done)
        action.__name__ = name
        actions.append(action)
    return tuple(actions)


def row_action(*, service, subject: str, description: str, permission: str, done="", label=str):
    """An admin action that calls `service(<subject>=row, actor=…)` once per selected row: a
    warning names each row refused (by `label(row)`), then `done` counts the rest (if given)."""

    @admin.action(description=description, permissions=[permission])
    def action(modeladmin, request, queryset):
        changed = 0
        for obj in queryset:
            try:
                service(**{subject: obj}, actor=request.user)
                changed += 1
            except services.AccountRuleError as error:
                modeladmin.message_user(request, f"{label(obj)}: {error}", messages.WARNING)
        if changed and done:
            modeladmin.message_user(request, f"{done}: {changed}.", messages.SUCCESS)

    return action


class ChangeWithReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change", max_length=500, help_text="Kept in the audit record."
    )


def change_form(model, fields):
    """The change form of `model`: its `fields` and the reason for the change."""
    return forms.modelform_factory(model, form=ChangeWithReasonForm, fields=fields)


class ChangedWithReason:
    """A saved change form goes through the app's update service (`update`), with the detail
    fields that changed and the reason given, so it is checked and audited like any change."""

    detail_fields: tuple[str, ...] = ()

    def update(self, obj, **change):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in self.detail_fields
        }
        self.update(
            obj, actor=request.user, reason=form.cleaned_data["change_reason"], changes=changes
        )


# --- organizations -------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(ChangedWithReason, admin.ModelAdmin):
    form = change_form(Organization, services.ORGANIZATION_DETAIL_FIELDS)
    detail_fields = services.ORGANIZATION_DETAIL_FIELDS
    list_display = ("name", "kind", "county", "status", "applied_at", "verified_at")
    list_filter = ("status", "kind", "designating_agency", "county")
    search_fields = ("name", "city", "postal_code")
    list_select_related = ("county",)
    date_hierarchy = "applied_at"
    readonly_fields = ("public_id", "status", "status_reason", "applied_at", "verified_at")
    fieldsets = (
        ("Status", {"fields": readonly_fields}),
        (
            "Details",
            {"fields": (*services.ORGANIZATION_DETAIL_FIELDS, "change_reason")},
        ),
    )
    actions = reason_actions(
        "organization",
        verify=(services.verify_organization, "Verify", "Organizations verified"),
        decline=(services.decline_organization, "Decline", "Applications declined"),
        suspend=(services.suspend_organization, "Suspend", "Organizations suspended"),
        reinstate=(services.reinstate_organization, "Reinstate", "Organizations reinstated"),
    )

    def has_add_permission(self, request):
        return False  # organizations apply through the public form

    def has_delete_permission(self, request, obj=None):
        return False  # referrals and history point at them; suspend instead

    def update(self, obj, **change):
        services.update_organization(organization=obj, **change)


# --- people --------------------------------------------------------------------------------


@admin.register(User)
class PersonAdmin(ChangedWithReason, admin.ModelAdmin):
    form = change_form(User, services.PERSON_DETAIL_FIELDS)
    detail_fields = services.PERSON_DETAIL_FIELDS
    list_display = ("username", "full_name", "organization", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    ordering = ("last_name", "first_name")
    # The account's state: shown, never edited here (the actions change it, with a reason).
    readonly_fields = (
        "public_id",
        "username",
        "is_active",
        "deactivated_reason",
        "date_joined",
        "last_login",
        "reactivated_at",
        "lockout_status",
    )
    fieldsets = (
        ("Account", {"fields": readonly_fields}),
        ("Person and role", {"fields": (*services.PERSON_DETAIL_FIELDS, "change_reason")}),
    )
    deactivate, reactivate, end_sessions, reset_authenticator = reason_actions(
        "person",
        deactivate=(services.deactivate_person, "Deactivate", "Accounts deactivated"),
        reactivate=(services.reactivate_person, "Reactivate", "Accounts reactivated"),
        end_sessions=(services.end_sessions, "End all sessions of", "Sessions ended for accounts"),
        reset_authenticator=(
            services.reset_authenticator,
            "Reset the authenticator app (identity checked) of",
            "Authenticator apps reset",
        ),
    )
    actions = ("deactivate", "reactivate", "end_sessions", "release_lockout", "reset_authenticator")

    release_lockout = row_action(
        service=services.release_lockout,
        subject="person",
        description="End the sign-in pause of the selected…",
        permission="change",
        done="Sign-in pauses ended",
    )

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, person):
        return person.get_full_name()

    @admin.display(description="Sign-in pause")
    def lockout_status(self, person):
        if person.pk and selectors.is_locked_out(person):
            return format_html("<strong>{}</strong>", "Sign-in paused (use the action to end it)")
        return "Not paused"

    def has_add_permission(self, request):
        return False  # accounts come from invitations only

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: their history must stay

    def update(self, obj, **change):
        services.update_person(person=obj, **change)

    def save_related(self, request, form, formsets, change):
        pass  # no inline or many-to-many data here; groups follow the role (accounts/roles.py)


# --- invitations and the audit record ------------------------------------------------------


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("email", "organization", "role", "state_label", "created_at", "expires_at")
    list_filter = ("role", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("email", "last_name", "organization__name")
    list_select_related = ("organization",)
    exclude = ("token_hash",)
    actions = ("resend", "revoke")

    @admin.display(description="State")
    def state_label(self, invitation):
        return invitation.get_state_display()

    resend, revoke = (
        row_action(
            service=service,
            subject="invitation",
            description=description,
            permission="manage",
            label=lambda invitation: invitation.email,
        )
        for service, description in (
            (services.resend_invitation, "Send the selected invitations again"),
            (services.revoke_invitation, "Withdraw the selected invitations"),
        )
    )

    def has_manage_permission(self, request):
        return policy.is_acting_administrator(request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("at", "action", "actor", "organization", "subject", "reason")
    list_filter = ("action", "at")
    search_fields = (
        "reason",
        "actor__username",
        "actor__last_name",
        "subject__username",
        "subject__last_name",
        "organization__name",
    )
    list_select_related = ("actor", "organization", "subject")
    date_hierarchy = "at"
