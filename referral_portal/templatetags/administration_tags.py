"""The administrator's part of the home page (which belongs to no app, so reads through this
tag): what waits for them, each a count that links to its filtered list."""

from django import template

from accounts.models import Organization
from accounts.selectors import organizations_visible_to
from routing.models import DeliveryState
from routing.selectors import deliveries_for_administrators

register = template.Library()


@register.simple_tag
def administrators_work(user) -> dict:
    """Two count queries, however many organizations and deliveries there are."""
    return {
        "waiting_organizations": organizations_visible_to(user)
        .filter(status=Organization.Status.APPLIED)
        .count(),
        "failed_deliveries": deliveries_for_administrators(DeliveryState.FAILED).count(),
        "applied": Organization.Status.APPLIED,
        "failed": DeliveryState.FAILED,
    }
