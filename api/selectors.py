"""Reads of API clients that depend on who asks: an organization's administrators see its
clients, the portal's administrators see every client (another organization's: 404)."""

from datetime import timedelta

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization
from accounts.policy import is_acting_administrator, may_manage_organization
from referral_portal.business_days import NEW_YORK

from .models import ApiClient

USAGE_DAYS = 30


def manageable_organization(actor, public_id) -> Organization:
    organization = Organization.objects.filter(public_id=public_id).first()
    if organization is None or not may_manage_organization(actor, organization):
        raise Http404("No such organization")
    return organization


def clients_of(actor, organization) -> QuerySet[ApiClient]:
    if not may_manage_organization(actor, organization):
        return ApiClient.objects.none()
    return _with_usage(ApiClient.objects.filter(organization=organization))


def client_for(actor, public_id) -> ApiClient:
    client = (
        ApiClient.objects.select_related("organization", "application")
        .filter(public_id=public_id)
        .first()
    )
    if client is None or not may_manage_organization(actor, client.organization):
        raise Http404("No such client")
    return client


def _with_usage(clients: QuerySet[ApiClient]) -> QuerySet[ApiClient]:
    """Requests and errors over the last USAGE_DAYS days (today included, New York days)."""
    since = timezone.now().astimezone(NEW_YORK).date() - timedelta(days=USAGE_DAYS - 1)
    recent = Q(usage_days__day__gte=since)
    return clients.select_related("organization").annotate(
        requests_30d=Coalesce(Sum("usage_days__requests", filter=recent), 0),
        errors_30d=Coalesce(Sum("usage_days__errors", filter=recent), 0),
    )


def all_clients(actor) -> QuerySet[ApiClient]:
    if not is_acting_administrator(actor):
        return ApiClient.objects.none()
    return _with_usage(ApiClient.objects.all()).order_by("organization__name", "name")
