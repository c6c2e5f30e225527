"""The portal's roles. A person has exactly one; the role decides what they can do, their
organization decides which records they can see.

The named sets below are the one vocabulary for "who may do what": the access table
(referral_portal/access.py), the selectors, the services and the templates (the
`in_role_set` filter of referral_portal/templatetags/access_tags.py) all use them, never a
role's string or a tuple of roles written out again."""

from django.db import models


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    ORG_ADMIN = "org_admin", "Organization administrator"
    STATE_REVIEWER = "state_reviewer", "State reviewer"
    STATE_SUPERVISOR = "state_supervisor", "State supervisor"
    RECEIVING_AGENCY = "receiving_agency", "Receiving-agency user"
    ADMINISTRATOR = "administrator", "Administrator"


# The State's reviewers and their supervisors: they review and decide referrals.
STATE_STAFF = frozenset({Role.STATE_REVIEWER, Role.STATE_SUPERVISOR})
# State supervisors alone: told about appeals and break-glass access, may extend any deadline.
SUPERVISORS = frozenset({Role.STATE_SUPERVISOR})
# The portal's administrators.
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
# The State team: state staff and administrators (the review queue, statistics, every
# scorecard). Only an administrator can open an account with one of these roles.
STATE_TEAM = STATE_STAFF | ADMINISTRATORS
# Who reassigns a case someone else holds.
CASE_MANAGERS = SUPERVISORS | ADMINISTRATORS
# An organization's own administrators.
ORGANIZATION_ADMINISTRATORS = frozenset({Role.ORG_ADMIN})
# Who manages an organization's people: its administrators and the portal's.
ORGANIZATION_MANAGERS = ORGANIZATION_ADMINISTRATORS | ADMINISTRATORS
# People of a referring organization: they submit and follow referrals, and appeal.
REFERRING = frozenset({Role.REFERRER, Role.ORG_ADMIN})
# People of a receiving agency: they see the cases routed to their organization.
RECEIVING = frozenset({Role.RECEIVING_AGENCY})
# People of a partner organization (referring or receiving): each sees its own scorecard.
PARTNERS = REFERRING | RECEIVING

# The sets by name, for templates (`user|in_role_set:"STATE_STAFF"`).
ROLE_SETS: dict[str, frozenset[str]] = {
    "STATE_STAFF": STATE_STAFF,
    "SUPERVISORS": SUPERVISORS,
    "ADMINISTRATORS": ADMINISTRATORS,
    "STATE_TEAM": STATE_TEAM,
    "CASE_MANAGERS": CASE_MANAGERS,
    "ORGANIZATION_ADMINISTRATORS": ORGANIZATION_ADMINISTRATORS,
    "ORGANIZATION_MANAGERS": ORGANIZATION_MANAGERS,
    "REFERRING": REFERRING,
    "RECEIVING": RECEIVING,
    "PARTNERS": PARTNERS,
}


def in_role_set(user, roles: frozenset[str]) -> bool:
    """Whether a signed-in person's role is one of `roles` (anonymous: never)."""
    return bool(user is not None and user.is_authenticated and user.role in roles)


def may_act_as(user, roles: frozenset[str]) -> bool:
    """A signed-in, active person of an active organization whose role is one of `roles`."""
    return in_role_set(user, roles) and bool(user.may_act)


def is_acting_administrator(user) -> bool:
    """The one test of "an administrator who may act now": signed in, active, in an active
    organization, with the administrator's role. The Django admin, the accounts policy and
    every service that only administrators may call ask this."""
    return may_act_as(user, ADMINISTRATORS)
