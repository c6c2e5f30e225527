"""|when, |deadline and |time_left for every template (registered as a builtin in settings
TEMPLATES)."""

from django import template
from django.utils.html import format_html

from referral_portal import times

register = template.Library()
register.filter("when", times.when)
register.filter("deadline", times.deadline)


@register.filter
def time_left(value) -> str:
    """One referral's time left in words (business_days.TimeLeft; empty for None). Overdue is
    said in text, and also marked. A filter rather than an included template: the queue shows
    one in every row, and an include cost several times as much."""
    if not value:
        return ""
    if value.overdue:
        return format_html('<strong class="review-overdue">{}</strong>', value.text)
    if value.paused:
        return format_html('<span class="review-paused">{}</span>', value.text)
    return value.text
