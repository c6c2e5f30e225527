"""|when and |deadline for every template (registered as a builtin in settings TEMPLATES)."""

from django import template

from referral_portal import times

register = template.Library()
register.filter("when", times.when)
register.filter("deadline", times.deadline)
