"""The routing directory in the Django admin (/manage/), for administrators only.

Administrators keep districts, RHTP regions and providers and the county map current, replace
the demo values shipped with the portal, and configure webhooks. Deliveries are read-only here;
sending one again goes through routing.services (the "Send again" action).
"""

from django import forms
from django.contrib import admin, messages

from referral_portal.admin_mixins import AdministratorsOnly

from . import services
from .models import (
    CountyCoverage,
    District,
    RhtpProvider,
    RhtpRegion,
    RoutingDelivery,
    RoutingEndpoint,
)

INTAKE_FIELDS = (
    "intake_phone",
    "intake_email",
    "intake_address",
    "intake_hours",
    "contact_is_demo",
)


@admin.register(District)
class DistrictAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("name", "organization", "intake_phone", "intake_email", "contact_is_demo")
    list_filter = ("contact_is_demo",)
    search_fields = ("name", "organization__name", "intake_email", "counties__county__name")
    fields = ("name", "organization", *INTAKE_FIELDS)


@admin.register(RhtpRegion)
class RhtpRegionAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("name", "provider", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("name", "counties__county__name")
    list_select_related = ("provider__organization",)


@admin.register(RhtpProvider)
class RhtpProviderAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("organization", "region", "intake_phone", "intake_email", "contact_is_demo")
    list_filter = ("contact_is_demo", "region")
    search_fields = ("organization__name", "region__name", "intake_email")
    list_select_related = ("organization", "region")
    fields = ("region", "organization", *INTAKE_FIELDS)


@admin.register(CountyCoverage)
class CountyCoverageAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The county map. Edit regions in the list itself to replace the demo map quickly."""

    can_add = False  # one row per county, loaded with the counties
    list_display = ("county", "district", "rhtp_region", "region_is_demo")
    list_editable = ("rhtp_region", "region_is_demo")
    list_filter = ("region_is_demo", "rhtp_region")
    search_fields = ("county__name", "district__name", "rhtp_region__name")
    list_select_related = ("county", "district", "rhtp_region")
    readonly_fields = ("county",)
    list_per_page = 100


class EndpointForm(forms.ModelForm):
    """The secret is write-only: it is never shown again once saved."""

    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        min_length=32,
        help_text="At least 32 characters. Leave empty to keep the current secret.",
    )

    class Meta:
        model = RoutingEndpoint
        fields = ("organization", "url", "secret", "is_active")

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if not secret and not (self.instance.pk and self.instance.secret):
            raise forms.ValidationError("Enter a shared secret.")
        return secret or self.instance.secret


@admin.register(RoutingEndpoint)
class RoutingEndpointAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = EndpointForm
    can_delete = True
    list_display = ("organization", "url", "is_active", "updated_at")
    list_filter = ("is_active", "organization__kind")
    search_fields = ("organization__name", "url")
    list_select_related = ("organization",)


@admin.register(RoutingDelivery)
class RoutingDeliveryAdmin(AdministratorsOnly, admin.ModelAdmin):
    can_add = False
    list_display = (
        "referral",
        "organization",
        "destination",
        "state",
        "attempts",
        "routed_at",
        "acknowledged_at",
        "first_outcome_at",
    )
    list_filter = ("state", "destination", "child_welfare_pathway")
    search_fields = ("referral__reference", "organization__name")
    list_select_related = ("referral", "organization")
    date_hierarchy = "routed_at"
    actions = ["send_again"]
    fields = (
        "referral",
        "organization",
        "destination",
        "state",
        "attempts",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "portal_delivered_at",
        "receivers_notified_at",
        "delivered_at",
        "acknowledge_due_at",
        "acknowledged_at",
        "first_contact_due_at",
        "first_outcome_at",
        "acknowledge_escalated_at",
        "contact_escalated_at",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.action(description="Send the selected deliveries again")
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset.exclude(state=RoutingDelivery.State.DELIVERED):
            services.resend_delivery(delivery=delivery, actor=request.user)
            sent += 1
        self.message_user(request, f"{sent} deliveries will be sent again.", messages.SUCCESS)
