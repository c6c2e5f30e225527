"""Settings shared by every environment. Values come from the environment (django-environ).

Each setting is declared once, here, complete: no later section appends to a list or a dict.
Secrets have development defaults only in dev/test settings; production.py requires them.
Every environment variable read here is listed, with its default, in .env.example.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

from referral_portal.roles import Role

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUN_DIR = Path(env.str("PORTAL_RUN_DIR", default=str(BASE_DIR / ".run")))

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
# Field encryption (referral_portal/crypto.py): key id -> base64 key, and the id new values use.
FIELD_ENCRYPTION_KEYS = env.dict("FIELD_ENCRYPTION_KEYS", default={})
FIELD_ENCRYPTION_ACTIVE_KEY = env("FIELD_ENCRYPTION_ACTIVE_KEY", default="")
# Blind indexes (docs/key-rotation.md): the single BLIND_INDEX_KEY (key id ""), or
# BLIND_INDEX_KEYS (key id -> key) with BLIND_INDEX_ACTIVE_KEY naming the one new indexes use.
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")
BLIND_INDEX_KEYS = env.dict("BLIND_INDEX_KEYS", default={})
BLIND_INDEX_ACTIVE_KEY = env("BLIND_INDEX_ACTIVE_KEY", default="")
# The public development keys are refused whenever DEBUG is off (referral_portal/checks.py);
# only the test settings turn this on. Never read from the environment.
ALLOW_DEVELOPMENT_KEYS = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_ID = 1
SITE_NAME = "Victim Confirmation Referral Portal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "pgtrigger",
    "pghistory",
    # The portal's own apps (docs/architecture.md).
    "referral_portal",
    "accounts",
    "access_log",
    "referrals",
    "retention",
    "routing",
    "confirmations",
    "reports",
    # ArrayField (choice lists on a referral) needs the postgres app for its checks and form
    # fields.
    "django.contrib.postgres",
    # The REST API for agency systems (api/) and what it is built on.
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    "referral_portal.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which is the first to read a POST body: the upload limits must be in place.
    "referrals.upload_handlers.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Change history: pghistory's context (with the request id added) right after
    # authentication, so every history event carries the person and the request.
    "referral_portal.middleware.HistoryContextMiddleware",
    # Clear-Site-Data on every sign-out, outside accounts' session-limit middleware so that
    # timeouts are cleared too.
    "referral_portal.middleware.ClearSiteDataOnLogoutMiddleware",
    "referral_portal.request_body.FormBodyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Not allauth's UserSessionsMiddleware, which writes the UserSession row on every request:
    # SessionPolicyMiddleware records activity once a minute (accounts.activity).
    "accounts.middleware.SessionPolicyMiddleware",
    "accounts.middleware.MandatoryMFAMiddleware",
    "referral_portal.access.AccessRuleMiddleware",
    "referral_portal.middleware.NoStoreMiddleware",
    # Last, so its process_exception is the first to see an unreadable record's error.
    "referral_portal.unreadable.UnreadableRecordMiddleware",
]

ROOT_URLCONF = "referral_portal.urls"
WSGI_APPLICATION = "referral_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "referral_portal.context_processors.portal",
            ],
            # One time format for every template (the |when and |deadline filters).
            "builtins": ["referral_portal.templatetags.portal_time"],
        },
    },
]

_DATABASE = env.db("DATABASE_URL", default="postgres://portal:portal@127.0.0.1:54329/portal")
_DATABASE_OPTIONS = _DATABASE.get("OPTIONS", {})
DATABASES = {
    "default": {
        **_DATABASE,
        # JIT off: an OLTP portal runs short statements, and PostgreSQL's JIT (switched on by
        # cost estimates, not by run time) only adds compile time to them: about 1.4 s on the
        # statistics page at 200,000 referrals, for nothing. Any options in the URL are kept.
        "OPTIONS": {
            **_DATABASE_OPTIONS,
            "options": f"{_DATABASE_OPTIONS.get('options', '')} -c jit=off".strip(),
        },
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Named BROKER_URL, not CELERY_BROKER_URL: Celery reads that variable itself and it would
# override every configured value.
REDIS_URL = env("BROKER_URL", default="redis://127.0.0.1:63790/0")
CACHES = {
    "default": {
        # Redis, or this process's memory while Redis is down (referral_portal/cache.py).
        "BACKEND": "referral_portal.cache.RedisCacheWithLocalFallback",
        "LOCATION": env("CACHE_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/1"),
        "KEY_PREFIX": "portal",
    }
}
# The cache the portal's rate limits count in (referral_portal/ratelimits.py): shared by every
# web process, so a limit holds across them.
RATELIMIT_CACHE = "default"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.VerifiedOrganizationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.ContextWordValidator"},
    {"NAME": "accounts.password_validation.MaximumLengthValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# --- allauth: closed sign-up, mandatory MFA (enforced by accounts.middleware) ---------------
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {"login": "accounts.forms.PortalLoginForm"}
# Failed passwords are counted in PostgreSQL by accounts/signin_delays.py (the adapter's
# pre_authenticate), not by allauth's cache-based "login" and per-login limits, so sign-in keeps
# its limits when Redis is down. "login_failed" still guards the authenticator-code step.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": "10/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_ADAPTER = "accounts.adapters.PortalMFAAdapter"
# Security keys and passkeys (WebAuthn) beside the app. Only as a second factor: passkey-only
# sign-in would skip the password and its sign-in delays. Browsers accept WebAuthn on https and
# on http://localhost only (an IP address is never a valid relying-party id), so
# MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays at its default (off) everywhere.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
# Roles whose second factor must resist phishing: they must register a security key or passkey
# and sign in with it; an app code or recovery code is refused at sign-in (accounts/
# security_keys.py). Off in dev/test settings, where the demo and most tests use app codes.
MFA_REQUIRE_WEBAUTHN_FOR_ROLES = [
    Role.STATE_REVIEWER.value,
    Role.STATE_SUPERVISOR.value,
    Role.ADMINISTRATOR.value,
]
MFA_TOTP_ISSUER = "NYS Referral Portal"
MFA_TRUST_ENABLED = False
MFA_TOTP_TOLERANCE = 1
# The sessions page shows when each was last seen; accounts.activity records it once a minute.
USERSESSIONS_TRACK_ACTIVITY = True

# --- sign-in delays (CJIS AC-7, ASVS V6.3.1; docs/decisions/0008): instead of a hard lock, ---
# failures beyond the free ones make each further attempt wait, doubling up to the maximum.
# Counted per username typed and, separately, per address (an office shares one address, so it
# gets more free failures).
SIGN_IN_FREE_FAILURES_PER_USERNAME = env.int("SIGN_IN_FREE_FAILURES_PER_USERNAME", default=5)
SIGN_IN_FREE_FAILURES_PER_ADDRESS = env.int("SIGN_IN_FREE_FAILURES_PER_ADDRESS", default=20)
SIGN_IN_FIRST_DELAY_SECONDS = env.int("SIGN_IN_FIRST_DELAY_SECONDS", default=30)
SIGN_IN_MAX_DELAY_SECONDS = env.int("SIGN_IN_MAX_DELAY_SECONDS", default=15 * 60)
SIGN_IN_FAILURES_FORGOTTEN_AFTER_HOURS = env.int(
    "SIGN_IN_FAILURES_FORGOTTEN_AFTER_HOURS", default=24
)

# --- sessions: database-backed so they can be listed and ended ------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=15 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING_SECONDS", default=60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
ACCOUNT_INACTIVITY_DISABLE_DAYS = env.int("ACCOUNT_INACTIVITY_DISABLE_DAYS", default=90)
INVITATION_VALID_HOURS = env.int("INVITATION_VALID_HOURS", default=72)

# --- security headers ----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# NYSDS web components carry fixed style="" attributes in their templates; only attributes are
# allowed inline, never <style> elements or scripts (docs/decisions/0003-csp-and-nysds.md).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
# The notices' translations (confirmations.notice_catalogs): one gettext catalog per language.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments and notices: encrypted by the portal, outside the web root, served only through
# views (referral_portal/private_storage.py). In a folder, or, with several machines, in one
# S3-compatible bucket (MinIO, a cloud bucket; the plain S3 API only), still encrypted by the
# portal before upload. Names are random, so replacing an object in place (re-encryption) is the
# only overwrite; objects are private and never linked to.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=RUN_DIR / "private")
if env("PRIVATE_STORAGE", default="filesystem") == "s3":
    _s3_endpoint = env("PRIVATE_S3_ENDPOINT_URL", default="") or None  # empty: AWS itself
    _s3_encryption = env("PRIVATE_S3_SERVER_SIDE_ENCRYPTION", default="")  # AES256, aws:kms
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("PRIVATE_S3_BUCKET"),
            "endpoint_url": _s3_endpoint,
            "access_key": env("PRIVATE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("PRIVATE_S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("PRIVATE_S3_REGION", default="us-east-1"),
            # MinIO and other self-hosted servers want bucket-in-path URLs.
            "addressing_style": "path" if _s3_endpoint else None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
            "object_parameters": {"ServerSideEncryption": _s3_encryption} if _s3_encryption else {},
        },
    }
else:
    _private_storage = {"BACKEND": "referral_portal.private_storage.PrivateFileSystemStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": _private_storage,
}
# Encrypted columns written before values were bound to their row ("v1:"): readable while this
# is on. Turn it off once `manage.py reencrypt_fields` has rewritten them (docs/key-rotation.md).
FIELD_ENCRYPTION_ACCEPT_V1 = env.bool("FIELD_ENCRYPTION_ACCEPT_V1", default=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = False

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env("EMAIL_HOST", default="127.0.0.1"),
            "port": env.int("EMAIL_PORT", default=1025),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@referrals.example.ny.gov")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Portal support's address, given (with whom to ask) to a person whose access is paused
# (account deactivated, organization suspended) and to a declined applicant; empty: not given.
PORTAL_SUPPORT_EMAIL = env("PORTAL_SUPPORT_EMAIL", default="")

# --- Celery: acks late, JSON only, no results, bounded run time -------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
# Longer than any task may run (CELERY_TASK_TIME_LIMIT), so Redis never hands a running task to
# a second worker. Work lost with a killed worker comes back sooner through the outbox (above).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# The outbox (referral_portal/outbox.py). Handlers are idempotent, so a row dispatched to a
# worker that died is simply handed over again: after OUTBOX_STUCK_AFTER_SECONDS, picked up by
# the beat relay that runs every OUTBOX_RELAY_INTERVAL_SECONDS, so within a minute in all.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=45)
OUTBOX_RELAY_INTERVAL_SECONDS = env.int("OUTBOX_RELAY_INTERVAL_SECONDS", default=10)
OUTBOX_RELAY_BATCH_SIZE = env.int("OUTBOX_RELAY_BATCH_SIZE", default=100)
OUTBOX_RELAY_MAX_BATCHES = env.int("OUTBOX_RELAY_MAX_BATCHES", default=50)
# Messages per Celery task: a task's own cost (broker round trips, acknowledgement, the pool
# hand-over: about as much as a message's work) is paid once per batch. Half a relay batch,
# so a backlog still spreads over two worker processes; a batch held up by slow webhooks
# hands its rest back (outbox.process_batch).
OUTBOX_TASK_BATCH_SIZE = env.int("OUTBOX_TASK_BATCH_SIZE", default=50)
# Every periodic task, in one place (referral_portal/beat.py sends them).
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "referral_portal.tasks.relay_outbox",
        "schedule": float(OUTBOX_RELAY_INTERVAL_SECONDS),
    },
    "disable-inactive-accounts": {
        "task": "accounts.tasks.disable_inactive_accounts",
        "schedule": 6 * 3600.0,
    },
    "forget-old-sign-in-failures": {
        "task": "accounts.tasks.forget_old_sign_in_failures",
        "schedule": 3600.0,
    },
    # Reviewers and supervisors: deadline reminders, once a day.
    "confirmations-deadlines": {
        "task": "confirmations.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Receiving agencies: reminders and escalations, once a day.
    "routing-deadlines": {
        "task": "routing.tasks.check_deadlines",
        "schedule": crontab(hour=7, minute=30),
    },
    "routing-resend-stuck": {
        "task": "routing.tasks.resend_stuck_deliveries",
        "schedule": 300.0,
    },
    # Retention (retention/): purges and stale drafts, each run bounded by the batch size.
    "retention-purge-referrals": {
        "task": "retention.tasks.purge_expired_referrals",
        "schedule": crontab(hour=2, minute=15),
    },
    "retention-clean-up-drafts": {
        "task": "retention.tasks.clean_up_drafts",
        "schedule": crontab(hour=2, minute=45),
    },
    # Each minute a worker records a heartbeat (referral_portal/operations.py reads it): fresher
    # than two minutes means some worker is taking tasks and can write to the database.
    "worker-heartbeat": {
        "task": "referral_portal.tasks.record_heartbeat",
        "schedule": 60.0,
    },
    # API Idempotency-Key records older than API_IDEMPOTENCY_DAYS.
    "api-forget-old-idempotency-records": {
        "task": "api.tasks.forget_old_idempotency_records",
        "schedule": 24 * 3600.0,
    },
    # The statistics page as it opens with no filters, computed and stored every minute so the
    # first reader after a quiet spell does not wait for it (reports/freshness.py).
    "reports-default-statistics": {
        "task": "reports.tasks.bring_default_statistics_up_to_date",
        "schedule": 60.0,
    },
}
# Beat may be started on every machine: one holds a PostgreSQL advisory lock and sends the
# periodic tasks, the others wait on standby and take over if it goes (referral_portal/beat.py).
CELERY_BEAT_SCHEDULER = "referral_portal.beat.SingleBeatScheduler"
BEAT_STANDBY_RETRY_SECONDS = env.float("BEAT_STANDBY_RETRY_SECONDS", default=5.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "referral_portal.logging.RequestIdFilter"},
        "redact": {"()": "referral_portal.logging.RedactPersonalDataFilter"},
    },
    "formatters": {"json": {"()": "referral_portal.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django.request records go only to the redacting JSON console handler (no e-mailed
        # reports carrying request bodies).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Error reports never show POST values, cookies or request variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "referral_portal.logging.PortalExceptionReporterFilter"

HOTLINE_TEXT = (
    "If you believe someone is a victim of trafficking: National Human Trafficking Hotline "
    "1-888-373-7888, or text HELP to 233733 (BeFree). In an emergency call 911."
)

# --- accounts (issue 3) ---
# Sign-in delays count the username typed, folded to lower case as sign-in is
# (accounts/signin_delays.py). Releasing a pause also clears allauth's authenticator-code limit.
# Password-reset mail goes only to addresses with an account: otherwise the public form would
# let anyone make the portal e-mail any address. The page shown is the same either way.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Authenticator-code fields with a label and a hint instead of a placeholder.
MFA_FORMS = {
    "authenticate": "accounts.forms.PortalAuthenticateForm",
    "authenticate_webauthn": "accounts.forms.PortalAuthenticateWebAuthnForm",
    "reauthenticate": "accounts.forms.PortalReauthenticateForm",
    "activate_totp": "accounts.forms.PortalActivateTOTPForm",
}
# Change history of Organization and User (pghistory triggers) gets its who-and-which-request
# context from the security section's HistoryContextMiddleware, so none is added here.
# Public "apply for access" form: complete applications per address ("5/h": see
# referral_portal.ratelimits for the syntax).
ACCOUNTS_APPLY_RATE = env("ACCOUNTS_APPLY_RATE", default="5/h")

# --- referrals (issue 4) ---
# Business days (New York State calendar) the State has to decide (9 NYCRR 6174.3).
REFERRAL_DECISION_BUSINESS_DAYS = env.int("REFERRAL_DECISION_BUSINESS_DAYS", default=3)
# Attachments: per file, per referral (all files together), and how many files.
REFERRAL_UPLOAD_MAX_FILE_BYTES = env.int("REFERRAL_UPLOAD_MAX_FILE_BYTES", default=10 * 1024**2)
REFERRAL_UPLOAD_MAX_TOTAL_BYTES = env.int("REFERRAL_UPLOAD_MAX_TOTAL_BYTES", default=40 * 1024**2)
REFERRAL_UPLOAD_MAX_FILES = env.int("REFERRAL_UPLOAD_MAX_FILES", default=10)
# A DOCX is a zip: bound its entries and unpacked size before opening anything (zip bombs).
REFERRAL_DOCX_MAX_ENTRIES = env.int("REFERRAL_DOCX_MAX_ENTRIES", default=1000)
REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES = env.int(
    "REFERRAL_DOCX_MAX_UNCOMPRESSED_BYTES", default=100 * 1024**2
)
# Per person: drafts started and wizard saves (uploads included) per hour (ASVS V2.4.1).
REFERRAL_DRAFTS_PER_HOUR = env.str("REFERRAL_DRAFTS_PER_HOUR", default="30/h")
REFERRAL_STEP_POSTS_PER_HOUR = env.str("REFERRAL_STEP_POSTS_PER_HOUR", default="600/h")
# A whole upload request (files and fields); the default fits the answer form's two files.
REFERRAL_UPLOAD_MAX_REQUEST_BYTES = env.int(
    "REFERRAL_UPLOAD_MAX_REQUEST_BYTES", default=2 * REFERRAL_UPLOAD_MAX_FILE_BYTES + 1024**2
)
# Pictures are measured before they are decoded; Pillow's own bomb warning is an error too.
REFERRAL_IMAGE_MAX_PIXELS = env.int("REFERRAL_IMAGE_MAX_PIXELS", default=50_000_000)
# Files are dropped unread everywhere except views marked @accepts_uploads, which hold them in
# memory (bounded, never in an unencrypted temporary file): referrals/upload_handlers.py.
FILE_UPLOAD_HANDLERS = ["referrals.upload_handlers.FilesNotAcceptedHandler"]
# The most files one form takes (the answer to an information request has two).
DATA_UPLOAD_MAX_NUMBER_FILES = 2

# --- confirmations: review and decision (issue 5) ---
# A decision (confirm or decline) needs a recorded consultation with the other agency.
CONFIRMATIONS_REQUIRE_CONSULTATION = env.bool("CONFIRMATIONS_REQUIRE_CONSULTATION", default=True)
# Whether the decision clock stops while the referrer answers a request for information; when
# on, the due date moves later by the business days spent waiting.
CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION = env.bool(
    "CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION", default=False
)
# Appeals of a decline (18 NYCRR Part 765 names the process, not its time limits): calendar days
# after the decline to appeal, and business days the State has to decide an appeal.
CONFIRMATIONS_APPEAL_PERIOD_DAYS = env.int("CONFIRMATIONS_APPEAL_PERIOD_DAYS", default=30)
CONFIRMATIONS_APPEAL_DECISION_BUSINESS_DAYS = env.int(
    "CONFIRMATIONS_APPEAL_DECISION_BUSINESS_DAYS", default=REFERRAL_DECISION_BUSINESS_DAYS
)
CONFIRMATIONS_QUEUE_PAGE_SIZE = env.int("CONFIRMATIONS_QUEUE_PAGE_SIZE", default=25)
# Online verification of notices (/verify/, public): checks per caller's address, and per code
# whoever asks (a code tried from many addresses still has one budget).
CONFIRMATIONS_VERIFY_RATE_PER_ADDRESS = env("CONFIRMATIONS_VERIFY_RATE_PER_ADDRESS", default="30/h")
CONFIRMATIONS_VERIFY_RATE_PER_CODE = env("CONFIRMATIONS_VERIFY_RATE_PER_CODE", default="10/d")

# --- routing (issue 6) ---
# Deadlines for the receiving agency, in New York State business days from the case's arrival
# (the day of arrival counts as day 1 when it arrives before 5 pm; due at 5 pm).
ROUTING_ACKNOWLEDGE_BUSINESS_DAYS = env.int("ROUTING_ACKNOWLEDGE_BUSINESS_DAYS", default=2)
ROUTING_FIRST_CONTACT_BUSINESS_DAYS = env.int("ROUTING_FIRST_CONTACT_BUSINESS_DAYS", default=5)
# Webhooks: tries before a delivery is marked failed, exponential backoff between tries.
ROUTING_WEBHOOK_MAX_ATTEMPTS = env.int("ROUTING_WEBHOOK_MAX_ATTEMPTS", default=8)
ROUTING_WEBHOOK_RETRY_BASE_SECONDS = env.float("ROUTING_WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
ROUTING_WEBHOOK_RETRY_MAX_SECONDS = env.float("ROUTING_WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)
ROUTING_WEBHOOK_TIMEOUT_SECONDS = env.float("ROUTING_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Plain http:// webhook addresses only for local testing; production wants https.
ROUTING_WEBHOOK_ALLOW_HTTP = env.bool("ROUTING_WEBHOOK_ALLOW_HTTP", default=False)
# Webhooks reach public addresses only (routing/public_addresses.py). True only for the test
# suite's receiver on loopback: never in production.
ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool(
    "ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False
)
# A queued delivery with nothing in the outbox for this long is queued again by the sweep.
ROUTING_STUCK_AFTER_SECONDS = env.int("ROUTING_STUCK_AFTER_SECONDS", default=900)

# --- security: access log, history, retention (issue 7) ---
# How many reverse proxies stand in front of the portal (1 behind the Caddy of
# docker-compose.yml; 0 when reached directly). Each proxy appends the address it was called from
# to X-Forwarded-For, so the caller's address is that many places from the right; what lies to
# its left was written by the caller. One setting for the access log, the portal's rate limits
# and allauth (referral_portal.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCESS_LOG_PAGE_SIZE = 50
ACCESS_LOG_EXPORT_LIMIT = env.int("ACCESS_LOG_EXPORT_LIMIT", default=50_000)
# Retention (retention/): after a referral's final state (confirmed with routing closed, declined
# past the appeal period, withdrawn) its personal data is purged after this many days (7 years),
# never under a legal hold; drafts untouched this many days are deleted, their authors warned
# this many days before. Daily beat tasks; each run purges at most the batch size.
REFERRAL_RETENTION_DAYS = env.int("REFERRAL_RETENTION_DAYS", default=2557)
REFERRAL_PURGE_BATCH_SIZE = env.int("REFERRAL_PURGE_BATCH_SIZE", default=500)
REFERRAL_DRAFT_RETENTION_DAYS = env.int("REFERRAL_DRAFT_RETENTION_DAYS", default=30)
REFERRAL_DRAFT_WARNING_DAYS = env.int("REFERRAL_DRAFT_WARNING_DAYS", default=7)

# --- operations: health, metrics, the operator's page (issues 10 and 11) ---
# Bearer token for /metrics and /healthz/detail (Prometheus: `authorization` in the scrape
# config). Empty: both answer 404, as they do to a wrong or missing token.
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# --- reports: statistics and scorecards (issue 14) ---
# Seconds the statistics and scorecards are served from the cache after they were computed
# (reports/freshness.py); each page and export says when they were. 0: computed on every request.
REPORTS_FIGURES_MAX_AGE_SECONDS = env.int("REPORTS_FIGURES_MAX_AGE_SECONDS", default=60)

# --- api: the REST API for agency systems (issue 15) ---
# OAuth 2.0 client credentials (django-oauth-toolkit): secrets stored hashed, tokens stored as a
# checksum only and valid ten minutes. DRF views authenticate bearer tokens only (api/base.py).
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_TOKEN_SECONDS", default=600),
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.ApiClientValidator",
    "SCOPES_BACKEND_CLASS": "api.scopes.ClientScopes",
    # Every behaviour of the OAuth 2.0 Security BCP (RFC 9700), not only token storage: no
    # implicit or password grant, no tokens in query strings, S256 PKCE only, `iss` in responses,
    # refresh-token replay detection, https redirect URIs. The portal issues client-credentials
    # tokens only, so none of these costs it anything.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# The stock model, named so that api.ApiClient's link to it resolves (it is swappable).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Victim Confirmation Referral Portal API",
    "DESCRIPTION": "For agency systems: referrals in, cases and outcomes out, with the same "
    "rules as the portal's pages.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The signed POST the portal sends to a receiving organization's system (OpenAPI 3.1).
    "WEBHOOKS": ["api.webhooks.CASE_ROUTED"],
}
# Per client: requests (any method) in a fixed window; refused with 429 and Retry-After.
API_REQUESTS_PER_CLIENT = env.str("API_REQUESTS_PER_CLIENT", default="300/m")
API_TOKEN_REQUESTS_PER_MINUTE = env.str("API_TOKEN_REQUESTS_PER_MINUTE", default="30/m")
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_CLIENT_MAX_DAYS = env.int("API_CLIENT_MAX_DAYS", default=366)
# Idempotency-Key records (the first answer to a POST) are kept this many days, then deleted
# by a daily beat task: long enough for any retry, not a second copy of the data for ever.
API_IDEMPOTENCY_DAYS = env.int("API_IDEMPOTENCY_DAYS", default=7)
