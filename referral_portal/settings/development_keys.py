"""The keys the development settings fall back on when the environment gives none.

They are in the repository, so they protect nothing: referral_portal/checks.py refuses them
whenever DEBUG is off (a deployment), except under the test settings, which say so with
ALLOW_DEVELOPMENT_KEYS.
"""

SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
FIELD_ENCRYPTION_KEYS = {"dev1": "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMSE="}
FIELD_ENCRYPTION_ACTIVE_KEY = "dev1"
BLIND_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgtaG1hYy1rZXktMDE="

ALL = frozenset({SECRET_KEY, BLIND_INDEX_KEY, *FIELD_ENCRYPTION_KEYS.values()})
