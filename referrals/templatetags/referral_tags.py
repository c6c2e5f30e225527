"""The referrer's part of the home page (which belongs to no app, so reads through this tag)."""

from django import template

from referrals import selectors

register = template.Library()


@register.simple_tag
def referrals_needing_answer(user) -> list:
    """The organization's referrals waiting for the referrer's answer, to list first."""
    return list(selectors.needing_answer(user))
