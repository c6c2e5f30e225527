"""Reads that depend on who asks. A case routed to another organization is a 404 here, never a
403 that would confirm it exists."""

from django.db.models import Prefetch
from django.http import Http404

from referral_portal.roles import RECEIVING, is_acting_administrator, may_act_as
from referrals.models import Notice, NoticeKind

from .models import (
    CASE_ORDER,
    REACHED_PORTAL,
    ContactAttempt,
    DeliveryState,
    OutcomeReport,
    RoutingDelivery,
)

# The notices a receiving agency may download: the confirmation itself, which the person may
# need to show to get benefits. The notice to the referring organization stays with them.
RECEIVING_AGENCY_NOTICE_KINDS = (NoticeKind.CONFIRMATION_ADULT, NoticeKind.CONFIRMATION_MINOR)


def cases_for(user):
    """The cases routed to the person's organization that have reached the portal."""
    if not may_act_as(user, RECEIVING):
        return RoutingDelivery.objects.none()
    return (
        RoutingDelivery.objects.filter(REACHED_PORTAL, organization_id=user.organization_id)
    ).select_related("referral", "referral__county_of_residence")


def case_list_for(user):
    """Cases needing action first: not yet acknowledged, then no outcome yet, by deadline."""
    return cases_for(user).order_by(*CASE_ORDER)  # read in order: delivery_agency_cases_idx


def case_for(user, public_id) -> RoutingDelivery:
    reports = OutcomeReport.objects.select_related("reported_by").prefetch_related(
        Prefetch("attempts", queryset=ContactAttempt.objects.order_by("attempted_on", "id"))
    )
    notices = Notice.objects.filter(kind__in=RECEIVING_AGENCY_NOTICE_KINDS)
    delivery = (
        cases_for(user)
        .select_related("organization", "acknowledged_by", "district", "rhtp_provider")
        .prefetch_related(
            Prefetch("outcome_reports", queryset=reports),
            Prefetch("referral__notices", queryset=notices, to_attr="agency_notices"),
        )
        .filter(public_id=public_id)
        .first()
    )
    if delivery is None:
        raise Http404("No such case")
    return delivery


def notice_for(user, delivery_public_id, notice_public_id) -> Notice:
    delivery = cases_for(user).filter(public_id=delivery_public_id).first()
    notice = (
        Notice.objects.filter(
            referral_id=getattr(delivery, "referral_id", None),
            public_id=notice_public_id,
            kind__in=RECEIVING_AGENCY_NOTICE_KINDS,
        ).first()
        if delivery is not None
        else None
    )
    if notice is None:
        raise Http404("No such notice")
    return notice


# The columns of the deliveries page. Of the referral, whose row holds the person's encrypted
# details, only its reference (and the status its state machine reads on loading).
DELIVERY_LIST_COLUMNS = (
    "public_id",
    "routed_at",
    "state",
    "attempts",
    "last_error",
    "acknowledged_at",
    "acknowledge_due_at",
    "referral__reference",
    "referral__status",
    "organization__name",
)


def deliveries_for_administrators(state: str | None = None):
    deliveries = RoutingDelivery.objects.select_related("referral", "organization").only(
        *DELIVERY_LIST_COLUMNS
    )
    if state in DeliveryState.values:
        deliveries = deliveries.filter(state=state)
    return deliveries.order_by("-routed_at", "-id")


def delivery_for_administrators(user, public_id) -> RoutingDelivery:
    if not is_acting_administrator(user):
        raise Http404("No such delivery")
    delivery = RoutingDelivery.objects.filter(public_id=public_id).first()
    if delivery is None:
        raise Http404("No such delivery")
    return delivery


def deliveries_of_referral(referral):
    """Where a referral went and what happened there, for state staff (the review app)."""
    return (
        RoutingDelivery.objects.filter(referral=referral)
        .select_related("organization", "acknowledged_by")
        .prefetch_related("outcome_reports")  # the case page shows each outcome and its date
        .order_by("routed_at", "id")
    )
