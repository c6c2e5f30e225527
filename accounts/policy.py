"""Who may manage which organization, person and role. Services enforce these rules; views
use them only to decide which buttons to show."""

from referral_portal.roles import (
    ORGANIZATION_ADMINISTRATORS,
    STATE_TEAM,
    Role,
    is_acting_administrator,
    may_act_as,
)

from .models import Organization

Kind = Organization.Kind

# The roles a person in an organization of each kind can hold.
ROLES_FOR_KIND: dict[str, tuple[str, ...]] = {
    Kind.LAW_ENFORCEMENT: (Role.REFERRER, Role.ORG_ADMIN),
    Kind.DISTRICT_ATTORNEY: (Role.REFERRER, Role.ORG_ADMIN),
    Kind.SOCIAL_SERVICES_PROVIDER: (Role.REFERRER, Role.ORG_ADMIN),
    Kind.LEGAL_SERVICES_PROVIDER: (Role.REFERRER, Role.ORG_ADMIN),
    Kind.LOCAL_DSS: (Role.RECEIVING_AGENCY, Role.ORG_ADMIN),
    Kind.RHTP_PROVIDER: (Role.RECEIVING_AGENCY, Role.ORG_ADMIN),
    Kind.STATE_AGENCY: (
        Role.STATE_REVIEWER,
        Role.STATE_SUPERVISOR,
        Role.ADMINISTRATOR,
        Role.ORG_ADMIN,
    ),
}

# Reviewers see every referral and administrators manage everyone: only an administrator
# can open such an account, never an organization's own administrator.
ADMINISTRATOR_GRANTED_ROLES = STATE_TEAM
# "An administrator who may act now" is declared once, in referral_portal.roles
# (is_acting_administrator, imported above); callers may reach it as policy.is_acting_administrator.


def may_manage_organization(actor, organization: Organization) -> bool:
    """Invite people into it, see its staff, deactivate them."""
    if is_acting_administrator(actor):
        return True
    return may_act_as(actor, ORGANIZATION_ADMINISTRATORS) and (
        actor.organization_id == organization.pk
    )


def grantable_roles(actor, organization: Organization) -> list[str]:
    if not may_manage_organization(actor, organization):
        return []
    roles = ROLES_FOR_KIND[organization.kind]
    if is_acting_administrator(actor):
        return list(roles)
    return [role for role in roles if role not in ADMINISTRATOR_GRANTED_ROLES]


def may_manage_person(actor, person) -> bool:
    """Deactivate, reactivate, release a lockout, end sessions. Never oneself, and an
    organization administrator cannot act on an administrator's account."""
    if person.pk == getattr(actor, "pk", None) or person.organization is None:
        return False
    if not may_manage_organization(actor, person.organization):
        return False
    return is_acting_administrator(actor) or person.role not in ADMINISTRATOR_GRANTED_ROLES
