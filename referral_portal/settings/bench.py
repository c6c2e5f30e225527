"""`make bench`: the portal as production runs it (DEBUG off, persistent database connections,
cached templates, hashed and compressed static files), on the throwaway PostgreSQL and Redis
that scripts/bench.sh starts and the public development keys. Mail is discarded: the benchmark
measures the portal, not an SMTP server."""

from pathlib import Path

from .test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
PRIVATE_STORAGE_ROOT = Path(env("BENCH_SCRATCH", default=str(RUN_DIR))) / "private"  # noqa: F405
