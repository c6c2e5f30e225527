"""Every URL's access rule, in one table. Deny by default: a URL with no rule is a 404, and
tests/security/test_url_matrix.py fails when a URL has no entry here."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .roles import (
    ADMINISTRATORS,
    CASE_MANAGERS,
    ORGANIZATION_MANAGERS,
    RECEIVING,
    REFERRING,
    STATE_STAFF,
    STATE_TEAM,
)


@dataclass(frozen=True)
class Rule:
    public: bool = False
    roles: frozenset[str] | None = None  # None: any signed-in person
    closed: bool = False  # a URL a library provides that this portal does not use
    # An API endpoint: the view authenticates an OAuth bearer token and checks its scope
    # (api/base.py); a session never passes it, whatever the person's role (401).
    token: bool = False

    def allows(self, user) -> bool:
        if self.closed:
            return False
        if self.public or self.token:
            return True
        if not user.is_authenticated:
            return False
        return self.allows_role(user.role)

    def allows_role(self, role: str | None) -> bool:
        """Whether a signed-in person with this role (None: anonymous) passes the rule."""
        if self.closed or self.token:
            return False
        if self.public:
            return True
        return role is not None and (self.roles is None or role in self.roles)


PUBLIC = Rule(public=True)
CLOSED = Rule(closed=True)
SIGNED_IN = Rule()
TOKEN = Rule(token=True)


def only(*role_sets: frozenset[str]) -> Rule:
    """The people whose role is in any of the named sets of referral_portal.roles."""
    return Rule(roles=frozenset().union(*role_sets))


ADMINS = only(ADMINISTRATORS)
ORG_ADMINS = only(ORGANIZATION_MANAGERS)

# URL name (with namespace) -> rule. A name ending in ":*" covers a whole namespace.
RULES: dict[str, Rule] = {
    "healthz": PUBLIC,
    # Both answer 404 unless the request carries the METRICS_TOKEN bearer token (the views
    # check it: a scraper has no session).
    "healthz_detail": PUBLIC,
    "metrics": PUBLIC,
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
    # Security keys and passkeys (WebAuthn), a second factor only: no passkey-only sign-in or
    # sign-up (MFA_PASSKEY_LOGIN_ENABLED is off, so those URLs do not exist).
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_add_webauthn": SIGNED_IN,
    "mfa_edit_webauthn": SIGNED_IN,
    "mfa_remove_webauthn": SIGNED_IN,
    "mfa_reauthenticate_webauthn": SIGNED_IN,
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
    # state staff may also open a submitted referral and its files (the selectors decide which
    # records: another organization's referral is a 404). Administrators reach a file only
    # under a break-glass grant for its referral, checked by the selector (no grant: 404);
    # the referrer's detail page is never theirs (docs/decisions/0009).
    "referrals:list": only(REFERRING),
    "referrals:start": only(REFERRING),
    "referrals:step": only(REFERRING),
    "referrals:attachment_remove": only(REFERRING),
    "referrals:review": only(REFERRING),
    "referrals:discard": only(REFERRING),
    "referrals:submitted": only(REFERRING),
    "referrals:withdraw": only(REFERRING),
    "referrals:answer": only(REFERRING),
    "referrals:detail": only(REFERRING, STATE_STAFF),
    "referrals:attachment": only(REFERRING, STATE_TEAM),
    "referrals:notice": only(REFERRING, STATE_TEAM),
    # --- confirmations: review queue, decisions, notices, appeals (issue 5) ---
    # State reviewers and supervisors see the queue and every case; only they act on one
    # (confirmations.services checks who is assigned). Administrators see the queue (reference
    # numbers, no personal data), release and reassign, and open a case only under a
    # break-glass grant that the selectors check (no grant: 404; docs/decisions/0009).
    "confirmations:queue": only(STATE_TEAM),
    "confirmations:case": only(STATE_TEAM),
    "confirmations:break_glass": ADMINS,
    "confirmations:claim": only(STATE_STAFF),
    "confirmations:release": only(STATE_TEAM),
    "confirmations:reassign": only(CASE_MANAGERS),
    "confirmations:request_information": only(STATE_STAFF),
    "confirmations:consultation": only(STATE_STAFF),
    "confirmations:extension": only(STATE_STAFF),
    "confirmations:confirm": only(STATE_STAFF),
    "confirmations:decline": only(STATE_STAFF),
    # The referring organization appeals a decline (another organization's referral: 404).
    "confirmations:appeal": only(REFERRING),
    # Anyone checks a notice with its code and the person's date of birth: no account, rate
    # limited, shows no personal data (confirmations.verification_views).
    "verification:verify": PUBLIC,
    # --- routing: directory, deliveries, receiving agencies (issue 6) ---
    # Receiving agencies see only cases routed to their organization (routing.selectors).
    "routing:case_list": only(RECEIVING),
    "routing:case_detail": only(RECEIVING),
    "routing:acknowledge": only(RECEIVING),
    "routing:report_outcome": only(RECEIVING),
    "routing:notice_download": only(RECEIVING),
    "routing:delivery_list": ADMINS,
    "routing:delivery_resend": ADMINS,
    # --- access log: search and export (issue 7) ---
    "access_log:search": ADMINS,
    "access_log:export": ADMINS,
    # --- operations: the operator's view (issue 10) ---
    "security:operations": ADMINS,
    # --- reports: statistics and scorecards (issue 14) ---
    # The statistics page, its drill-down to cases and its exports are the state team's;
    # everyone signed in may open a scorecard, and reports.scorecards lets each organization
    # see only its own (another organization's id: 404). State staff see any.
    "reports:statistics": only(STATE_TEAM),
    # "Bring up to date now" on the statistics page (POST, rate limited: reports.views).
    "reports:refresh": only(STATE_TEAM),
    "reports:cases": only(STATE_TEAM),
    "reports:export": only(STATE_TEAM),
    "reports:task_force": only(STATE_TEAM),
    "reports:my_scorecard": SIGNED_IN,
    "reports:scorecard": SIGNED_IN,
    # --- api: the REST API for agency systems (issue 15) ---
    # The token endpoint: the client authenticates with its id and secret (api/oauth.py).
    "api:token": PUBLIC,
    # Version 1: bearer tokens only; which records a client sees is the selectors' rule for
    # a person of its organization (another organization's id: 404).
    "api:referrals": TOKEN,
    "api:referral": TOKEN,
    "api:referral_step": TOKEN,
    "api:referral_attachments": TOKEN,
    "api:referral_submit": TOKEN,
    "api:referral_timeline": TOKEN,
    "api:referral_answer": TOKEN,
    "api:referral_withdraw": TOKEN,
    "api:cases": TOKEN,
    "api:case": TOKEN,
    "api:case_notice": TOKEN,
    "api:case_acknowledge": TOKEN,
    "api:case_outcome": TOKEN,
    "api:docs": SIGNED_IN,
    "api:schema": SIGNED_IN,
    # An organization's administrators manage its clients (api.selectors: another's is 404).
    "api:client_list": ORG_ADMINS,
    "api:client_create": ORG_ADMINS,
    "api:client_rotate": ORG_ADMINS,
    "api:client_revoke": ORG_ADMINS,
    "api:client_overview": ADMINS,
}


def rule_for(view_name: str) -> Rule | None:
    if view_name in RULES:
        return RULES[view_name]
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else None
    return RULES.get(f"{namespace}:*") if namespace else None


def _is_debug_toolbar(match) -> bool:
    """django-debug-toolbar's own URLs (namespace exactly "djdt"), on a developer's machine only:
    a name that merely starts with "djdt", or any URL with DEBUG off, gets no exemption."""
    return settings.DEBUG and match.namespace == "djdt"


class AccessRuleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or _is_debug_toolbar(match):
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
