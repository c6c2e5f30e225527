"""Templates ask the access rules and the named role sets, never a role's string. After
{% load access_tags %}:

- {% if user|may:"confirmations:queue" %}: the access table lets them reach that URL (use it
  for a link to the URL);
- {% if user|in_role_set:"STATE_STAFF" %}: their role is in that set of referral_portal.roles
  (use it for anything else that depends on the role).
"""

from django import template

from referral_portal import access, roles

register = template.Library()


@register.filter
def may(user, view_name: str) -> bool:
    """Whether the access table lets this person reach the URL named `view_name`. A name
    without a rule is a template mistake, not a silent "no"."""
    rule = access.rule_for(view_name)
    if rule is None:
        raise template.TemplateSyntaxError(f"URL {view_name!r} has no access rule")
    return rule.allows(user)


@register.filter
def in_role_set(user, name: str) -> bool:
    """Whether this person's role is in the named set of referral_portal.roles."""
    try:
        role_set = roles.ROLE_SETS[name]
    except KeyError:
        raise template.TemplateSyntaxError(f"{name!r} is not a role set") from None
    return roles.in_role_set(user, role_set)
