"""Every URL's access rule, in one table. Deny by default: a URL with no rule is a 404, and
tests/security/test_url_matrix.py fails when a URL has no entry here."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .roles import Role


@dataclass(frozen=True)
class Rule:
    public: bool = False
    roles: frozenset[str] | None = None  # None: any signed-in person
    closed: bool = False  # a URL a library provides that this portal does not use

    def allows(self, user) -> bool:
        if self.closed:
            return False
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return self.allows_role(user.role)

    def allows_role(self, role: str | None) -> bool:
        """Whether a signed-in person with this role (None: anonymous) passes the rule."""
        if self.closed:
            return False
        if self.public:
            return True
        return role is not None and (self.roles is None or role in self.roles)


PUBLIC = Rule(public=True)
CLOSED = Rule(closed=True)
SIGNED_IN = Rule()


def only(*roles: str) -> Rule:
    return Rule(roles=frozenset(roles))


ADMINS = only(Role.ADMINISTRATOR)
ORG_ADMINS = only(Role.ORG_ADMIN, Role.ADMINISTRATOR)

# URL name (with namespace) -> rule. A name ending in ":*" covers a whole namespace.
RULES: dict[str, Rule] = {
    "healthz": PUBLIC,
    "home": PUBLIC,
    "accessibility": PUBLIC,
    "privacy": PUBLIC,
    "session_keepalive": SIGNED_IN,
    # sign-in, password reset and MFA (django-allauth)
    "account_login": PUBLIC,
    "account_logout": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "account_reauthenticate": SIGNED_IN,
    "account_signup": CLOSED,  # accounts come from invitations only
    "account_email": CLOSED,
    "account_email_verification_sent": CLOSED,
    "account_confirm_email": CLOSED,
    "account_request_reauthentication_code": CLOSED,
    "account_confirm_reauthentication_code": CLOSED,
    "account_confirm_login_code": CLOSED,
    "account_inactive": PUBLIC,
    "mfa_authenticate": PUBLIC,  # the second step of sign-in, before the session is complete
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_index": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": SIGNED_IN,
    "mfa_view_recovery_codes": SIGNED_IN,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_download_recovery_codes": SIGNED_IN,
    "usersessions_list": SIGNED_IN,
    "admin:*": ADMINS,
    # --- accounts: onboarding, staff, organizations (issue 3) ---
    "accounts:apply": PUBLIC,
    "accounts:apply_received": PUBLIC,
    "accounts:invitation_link": PUBLIC,  # holds the invitation's secret; see accounts.views
    "accounts:accept_invitation": PUBLIC,
    "accounts:organization_list": ADMINS,
    "accounts:organization_status": ADMINS,  # verify, decline, suspend, reinstate
    # Organization administrators reach only their own organization and people (selectors).
    "accounts:organization_detail": ORG_ADMINS,
    "accounts:invite": ORG_ADMINS,
    "accounts:invitation_resend": ORG_ADMINS,
    "accounts:invitation_revoke": ORG_ADMINS,
    "accounts:person_detail": ORG_ADMINS,
    "accounts:person_deactivate": ORG_ADMINS,
    "accounts:person_reactivate": ORG_ADMINS,
    "accounts:person_release_lockout": ORG_ADMINS,
    "accounts:person_end_sessions": ORG_ADMINS,
    # --- referrals: submission, drafts, attachments, referrer views (issue 4) ---
    # Referrers and their organization administrators submit and follow their referrals;
    # state staff and administrators may also open a submitted referral and its files (the
    # selectors decide which records: another organization's referral is a 404).
    "referrals:list": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:start": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:step": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:attachment_remove": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:review": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:discard": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:submitted": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:withdraw": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:answer": only(Role.REFERRER, Role.ORG_ADMIN),
    "referrals:detail": only(
        Role.REFERRER,
        Role.ORG_ADMIN,
        Role.STATE_REVIEWER,
        Role.STATE_SUPERVISOR,
        Role.ADMINISTRATOR,
    ),  # fmt: skip
    "referrals:attachment": only(
        Role.REFERRER,
        Role.ORG_ADMIN,
        Role.STATE_REVIEWER,
        Role.STATE_SUPERVISOR,
        Role.ADMINISTRATOR,
    ),  # fmt: skip
    "referrals:notice": only(
        Role.REFERRER,
        Role.ORG_ADMIN,
        Role.STATE_REVIEWER,
        Role.STATE_SUPERVISOR,
        Role.ADMINISTRATOR,
    ),  # fmt: skip
    # --- confirmations: review queue, decisions, notices, appeals (issue 5) ---
    # State reviewers, supervisors and administrators see the queue and every case; only
    # reviewers and supervisors act on one (confirmations.services checks who is assigned).
    "confirmations:queue": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR, Role.ADMINISTRATOR),
    "confirmations:case": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR, Role.ADMINISTRATOR),
    "confirmations:claim": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR),
    "confirmations:release": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR, Role.ADMINISTRATOR),
    "confirmations:reassign": only(Role.STATE_SUPERVISOR, Role.ADMINISTRATOR),
    "confirmations:request_information": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR),
    "confirmations:consultation": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR),
    "confirmations:extension": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR),
    "confirmations:confirm": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR),
    "confirmations:decline": only(Role.STATE_REVIEWER, Role.STATE_SUPERVISOR),
    # The referring organization appeals a decline (another organization's referral: 404).
    "confirmations:appeal": only(Role.REFERRER, Role.ORG_ADMIN),
    # --- routing: directory, deliveries, receiving agencies (issue 6) ---
    # Receiving agencies see only cases routed to their organization (routing.selectors).
    "routing:case_list": only(Role.RECEIVING_AGENCY),
    "routing:case_detail": only(Role.RECEIVING_AGENCY),
    "routing:acknowledge": only(Role.RECEIVING_AGENCY),
    "routing:report_outcome": only(Role.RECEIVING_AGENCY),
    "routing:notice_download": only(Role.RECEIVING_AGENCY),
    "routing:delivery_list": ADMINS,
    "routing:delivery_resend": ADMINS,
    # --- security: access log, history, administration (issue 7) ---
    "security:access_log": ADMINS,
    "security:access_log_export": ADMINS,
    # --- reports ---
}


def rule_for(view_name: str) -> Rule | None:
    if view_name in RULES:
        return RULES[view_name]
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else None
    return RULES.get(f"{namespace}:*") if namespace else None


class AccessRuleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name.startswith("djdt"):
            return None
        rule = rule_for(match.view_name)
        if rule is None or rule.closed:
            if settings.DEBUG:
                raise LookupError(f"URL {match.view_name!r} has no access rule")
            raise Http404
        if rule.allows(request.user):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
