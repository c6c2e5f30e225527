"""Decisions, consultations, extensions and appeals in the Django admin: read-only, for
administrators, without the encrypted notes and statements. Every change goes through the
review's services and pages, which lock the referral and write its timeline."""

from django.contrib import admin

from referral_portal.admin_mixins import ReadOnlyForAdministrators

from .models import Appeal, Consultation, Decision, Extension


@admin.register(Decision)
class DecisionAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("referral", "stage", "outcome", "basis", "decided_by", "decided_at")
    list_filter = ("stage", "outcome", "basis")
    search_fields = ("referral__reference",)
    fields = (
        "referral",
        "stage",
        "outcome",
        "basis",
        "appears_eligible",
        "county_of_residence",
        "minor",
        "add_other_destination",
        "decline_reasons",
        "decided_by",
        "decided_at",
        "referral_version",
    )
    list_select_related = ("referral", "decided_by")


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("referral", "agency", "consulted_with", "consulted_at", "outcome")
    list_filter = ("agency", "outcome")
    search_fields = ("referral__reference",)
    fields = (
        "referral",
        "agency",
        "consulted_with",
        "consulted_at",
        "outcome",
        "recorded_by",
        "recorded_at",
    )
    list_select_related = ("referral",)


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("referral", "previous_due_at", "new_due_at", "granted_by", "granted_at")
    search_fields = ("referral__reference",)
    fields = ("referral", "previous_due_at", "new_due_at", "granted_by", "granted_at")
    list_select_related = ("referral", "granted_by")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("referral", "filed_at", "outcome", "declined_by", "decided_by", "decided_at")
    list_filter = ("outcome",)
    search_fields = ("referral__reference",)
    fields = (
        "referral",
        "filed_by",
        "filed_at",
        "declined_by",
        "outcome",
        "decided_by",
        "decided_at",
    )
    list_select_related = ("referral",)
