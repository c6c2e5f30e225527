"""The API's OAuth scopes, and which organizations may hold each.

A client's scopes are chosen by the person who creates it, among those its organization's kind
allows: referring organizations write and read referrals, receiving agencies read cases and
report on them. The token endpoint grants a client at most its own scopes (ClientScopes, the
django-oauth-toolkit scopes backend)."""

from accounts.policy import ROLES_FOR_KIND
from referral_portal.roles import Role

REFERRALS_WRITE = "referrals:write"
REFERRALS_READ = "referrals:read"
CASES_READ = "cases:read"
CASES_WRITE = "cases:write"

ALL = {
    REFERRALS_WRITE: "Create, fill, submit and withdraw referrals; answer information requests",
    REFERRALS_READ: "Read the status and timeline of the organization's referrals",
    CASES_READ: "List and read cases routed to the organization; download notices",
    CASES_WRITE: "Acknowledge cases and report contact attempts and outcomes",
}
REFERRAL_SCOPES = (REFERRALS_WRITE, REFERRALS_READ)
CASE_SCOPES = (CASES_READ, CASES_WRITE)


def acting_role(organization) -> str | None:
    """The role a client acts in: a referrer's in an organization whose people refer, a
    receiving agency's in one whose people receive cases (accounts.policy decides which)."""
    roles = ROLES_FOR_KIND.get(organization.kind, ())
    if Role.REFERRER in roles:
        return Role.REFERRER
    if Role.RECEIVING_AGENCY in roles:
        return Role.RECEIVING_AGENCY
    return None


def allowed_for(organization) -> tuple[str, ...]:
    """The scopes a client of this organization may be given (none: it cannot have clients)."""
    role = acting_role(organization)
    if role == Role.REFERRER:
        return REFERRAL_SCOPES
    if role == Role.RECEIVING_AGENCY:
        return CASE_SCOPES
    return ()


class ClientScopes:
    """django-oauth-toolkit's scopes backend: a token carries only its client's scopes."""

    def get_all_scopes(self):
        return dict(ALL)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = getattr(application, "api_client", None)
        return list(client.scope_list) if client is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)
