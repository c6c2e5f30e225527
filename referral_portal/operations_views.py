"""The operator's page (issue 10): are outbox, deliveries, workers and beat keeping up?
Administrators only (referral_portal/access.py); the figures come from operations.figures()."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import operations


@require_GET
def operations_page(request):
    figures = operations.figures()
    context = {
        "figures": figures,
        "heartbeat_stale_minutes": int(operations.HEARTBEAT_STALE_AFTER.total_seconds() // 60),
        "pending_stale_minutes": int(operations.PENDING_STALE_AFTER.total_seconds() // 60),
        "heartbeat_window_minutes": int(operations.HEARTBEAT_WINDOW.total_seconds() // 60),
    }
    return render(request, "security/operations.html", context)
