"""Administrators' access-log search and export (issue 7). Rules: referral_portal/access.py."""

import uuid
from datetime import UTC, datetime, time, timedelta

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from referral_portal.exports import csv_response
from referral_portal.paging import CappedPaginator
from referral_portal.query_strings import without

from .forms import AccessLogFilterForm
from .models import AccessLog
from .services import record_access

EXPORT_HEADER = [
    "Time (UTC)",
    "Username",
    "Person",
    "Role",
    "Organization",
    "Action",
    "Outcome",
    "Object type",
    "Object id",
    "Referral reference",
    "Referral id",
    "IP address",
    "User agent",
    "Request id",
    "Detail",
]


# Entries the search page lists for one set of filters; the CSV export has them all.
LISTED = 1000


def _start_of(day):
    # A range on `at`, not `at::date`, so the index on `at` serves it (the same local day).
    return timezone.make_aware(datetime.combine(day, time.min))


def _organization(value: str):
    value = value.strip()
    try:
        return {"organization__public_id": uuid.UUID(value)}
    except ValueError:
        return {"organization__name__iexact": value}


def _filtered(form):
    entries = AccessLog.objects.select_related("user", "organization")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["person"]:
        entries = entries.filter(user__username__iexact=data["person"].strip())
    if data["organization"]:
        entries = entries.filter(**_organization(data["organization"]))
    if data["reference"]:
        entries = entries.filter(referral_reference__iexact=data["reference"].strip())
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["date_from"]:
        entries = entries.filter(at__gte=_start_of(data["date_from"]))
    if data["date_to"]:
        entries = entries.filter(at__lt=_start_of(data["date_to"] + timedelta(days=1)))
    return entries


def _summary(form, count: int) -> str:
    return f"access_log filters={','.join(form.used_filters()) or 'none'} rows={count}"


# The columns the search page shows (the export writes every one).
SEARCH_COLUMNS = (
    "at",
    "role",
    "action",
    "outcome",
    "object_type",
    "referral_reference",
    "ip_address",
    "request_id",
    "user__username",
    "user__first_name",
    "user__last_name",
    "organization__name",
)


@require_GET
def search(request):
    form = AccessLogFilterForm(request.GET)  # no filters: the most recent entries
    entries = _filtered(form).only(*SEARCH_COLUMNS)
    page = CappedPaginator(entries, settings.ACCESS_LOG_PAGE_SIZE, cap=LISTED).get_page(
        request.GET.get("page")
    )
    # Read the page before this search adds its own entry, so count and rows agree.
    page.object_list = list(page.object_list)
    # Reading the access log is itself an access to audit data (CJIS AU-2).
    record_access(
        request=request,
        action=AccessLog.Action.SEARCH,
        object_type="access_log",
        detail=_summary(form, page.paginator.count),
    )
    # The filters the links carry, also the key the template caches the filter form under.
    filters = without(request.GET, "page")
    return render(
        request, "access_log/search.html", {"form": form, "page": page, "filters": filters}
    )


def _export_rows(entries):
    for entry in entries.iterator(chunk_size=2000):
        user = entry.user
        yield [
            entry.at.astimezone(UTC).isoformat(timespec="seconds"),
            user.username if user else "",
            user.get_full_name() if user else "",
            entry.role,
            entry.organization.name if entry.organization else "",
            entry.get_action_display(),
            entry.get_outcome_display(),
            entry.object_type,
            entry.object_public_id or "",
            entry.referral_reference,
            entry.referral_public_id or "",
            entry.ip_address or "",
            entry.user_agent,
            entry.request_id,
            entry.detail,
        ]


@require_GET
@reauthentication_required
def export(request):
    """The filtered entries as CSV, after a fresh password check (CJIS IA-11)."""
    form = AccessLogFilterForm(request.GET)
    entries = _filtered(form)[: settings.ACCESS_LOG_EXPORT_LIMIT]
    count = entries.count()
    record_access(
        request=request,
        action=AccessLog.Action.EXPORT,
        object_type="access_log",
        detail=_summary(form, count),
    )
    filename = f"access-log-{timezone.now():%Y%m%d-%H%M%S}.csv"
    return csv_response(filename, EXPORT_HEADER, _export_rows(entries))
