# The portal's image: web (gunicorn), Celery worker and beat, and the one-shot migrate step all
# run from it (docker-compose.yml). docs/operations.md explains the deployment.

# --- build: the pinned dependencies in a virtualenv, copied whole into the final image --------
FROM python:3.13-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml constraints.txt ./
# pyproject.toml declares no packages: this installs the dependencies, exactly as pinned.
RUN /opt/venv/bin/pip install -c constraints.txt .

# --- runtime ----------------------------------------------------------------------------------
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=referral_portal.settings.production \
    STATIC_ROOT=/app/staticfiles
# libmagic1: uploads are identified by their content (python-magic), not by their name.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid/gid so volume ownership stays the same across rebuilds and hosts.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin portal \
    && install -d -o portal -g portal -m 0700 /var/lib/portal /var/lib/portal/beat
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code stays owned by root: the portal user can read it, never change it.
COPY . .
# Static files are collected into the image. The production settings refuse to load without
# their secrets, so this one command gets throwaway values that exist only for its duration:
# they never reach ENV, and the real ones come from the environment at run time.
RUN SECRET_KEY=build-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    FIELD_ENCRYPTION_KEYS=build=YnVpbGQtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE= \
    FIELD_ENCRYPTION_ACTIVE_KEY=build \
    BLIND_INDEX_KEY=YnVpbGQtb25seS1ibGluZC1pbmRleC1ub3Qtc2VjcmV0 \
    METRICS_TOKEN=build-only-not-a-secret \
    TRUSTED_PROXY_COUNT=1 \
    PORTAL_BASE_URL=https://localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py", "web"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "referral_portal.wsgi:application"]
