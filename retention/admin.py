"""Retention in the Django admin, for administrators only: referrals with their legal hold and
purge date (never their personal fields), the "place / lift legal hold" actions (with a
reason), and the read-only records of purges, draft deletions and hold changes."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from referral_portal.admin_mixins import ReadOnlyForAdministrators

from . import services
from .forms import LegalHoldForm
from .models import DraftDeletion, LegalHoldChange, PurgeRecord, RetainedReferral


class LegalHoldChangeInline(ReadOnlyForAdministrators, admin.TabularInline):
    model = LegalHoldChange
    fk_name = "referral"
    fields = ("changed_at", "placed", "reason", "changed_by")
    readonly_fields = fields
    extra = 0


@admin.register(RetainedReferral)
class RetainedReferralAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "organization",
        "submitted_at",
        "decided_at",
        "legal_hold",
        "purged_at",
    )
    list_filter = ("legal_hold", "status", ("purged_at", admin.EmptyFieldListFilter))
    search_fields = ("reference",)
    list_select_related = ("organization",)
    date_hierarchy = "submitted_at"
    # Statistics and workflow only: the personal fields never reach the admin.
    fields = (
        "reference",
        "public_id",
        "status",
        "organization",
        "created_at",
        "submitted_at",
        "decided_at",
        "minor_at_referral",
        "sex_trafficking",
        "labor_trafficking",
        "county_of_residence",
        "legal_hold",
        "purged_at",
    )
    inlines = [LegalHoldChangeInline]
    actions = ["place_legal_hold", "lift_legal_hold"]

    def get_queryset(self, request):
        return super().get_queryset(request).only(*self.fields, "organization__name")

    @admin.action(description="Place a legal hold on the selected referrals")
    def place_legal_hold(self, request, queryset):
        return self._change_holds(request, queryset, place=True)

    @admin.action(description="Lift the legal hold from the selected referrals")
    def lift_legal_hold(self, request, queryset):
        return self._change_holds(request, queryset, place=False)

    def _change_holds(self, request, queryset, *, place: bool):
        form = LegalHoldForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Place a legal hold" if place else "Lift the legal hold",
                "opts": self.model._meta,
                "form": form,
                "referrals": queryset,
                "action": "place_legal_hold" if place else "lift_legal_hold",
                "place": place,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/retention/legal_hold.html", context)
        change = services.place_legal_hold if place else services.lift_legal_hold
        changed, refused = 0, []
        for referral in queryset:
            try:
                change(referral=referral, actor=request.user, reason=form.cleaned_data["reason"])
            except services.HoldRefused:
                refused.append(str(referral))
                continue
            changed += 1
            self.log_change(
                request, referral, "Legal hold placed." if place else "Legal hold lifted."
            )
        verb = "placed on" if place else "lifted from"
        self.message_user(request, f"Legal hold {verb} {changed} referral(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"Not changed (already in that state, or purged): {', '.join(refused)}.",
                messages.WARNING,
            )
        return None


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = (
        "reference",
        "status",
        "final_at",
        "purged_at",
        "referral_fields_cleared",
        "related_values_cleared",
        "attachments_deleted",
        "notices_deleted",
    )
    search_fields = ("reference",)
    date_hierarchy = "purged_at"
    fields = (
        "reference",
        "referral_public_id",
        "status",
        "final_at",
        "retention_days",
        "purged_at",
        "referral_fields_cleared",
        "related_values_cleared",
        "attachments_deleted",
        "notices_deleted",
        "history_rows_scrubbed",
        "duplicate_links_removed",
    )


@admin.register(DraftDeletion)
class DraftDeletionAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = (
        "draft_public_id",
        "organization",
        "author",
        "last_activity_at",
        "warned_at",
        "deleted_at",
        "attachments_deleted",
    )
    list_select_related = ("organization", "author")
    date_hierarchy = "deleted_at"
    fields = (
        "draft_public_id",
        "organization",
        "author",
        "draft_created_at",
        "last_activity_at",
        "warned_at",
        "deleted_at",
        "attachments_deleted",
    )


@admin.register(LegalHoldChange)
class LegalHoldChangeAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("referral_public_id", "placed", "reason", "changed_by", "changed_at")
    list_filter = ("placed",)
    list_select_related = ("changed_by",)
    date_hierarchy = "changed_at"
    fields = ("referral_public_id", "placed", "reason", "changed_by", "changed_at")
