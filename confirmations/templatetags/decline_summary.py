"""{% decline_summary referral %}: on the referrer's page of a declined referral, the reasons
the reviewer recorded and the last day to appeal, so that the referrer need not open the notice
to learn either. A tag, because the referrals app's page may not import the review app."""

from django import template

from confirmations.decisions import appeal_open_until
from confirmations.models import Decision

register = template.Library()


@register.inclusion_tag("confirmations/includes/decline_summary.html")
def decline_summary(referral):
    decline = (
        Decision.objects.filter(referral=referral, outcome=Decision.Outcome.DECLINED)
        .only("decline_reasons", "decided_at")
        .order_by("-decided_at")
        .first()
    )
    return {
        "referral": referral,
        "reasons": decline.get_decline_reasons_display() if decline else [],
        "last_day": appeal_open_until(referral),
    }
