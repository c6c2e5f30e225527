"""Backups that restore: `scripts/backup.sh` against the test database, `scripts/restore.sh` into
a fresh PostgreSQL cluster and an empty storage folder, then a real web process on the restored
system, where a reviewer signs in (password and TOTP) and downloads the same attachment and
notice, decrypted with the same keys. Real pg_dump, pg_restore and processes throughout."""

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.urls import reverse
from faker import Faker

from referral_portal import private_storage
from referral_portal.roles import Role
from referrals import services as referral_services
from referrals.models import AttachmentKind, NoticeKind
from referrals.uploads import CheckedFile
from tests.confirmations import helpers
from tests.e2e.signin import fresh_totp_code
from tests.factories import PASSWORD, UserFactory
from tests.referrals import builders, files
from tests.s3 import Bucket, s3_bucket, s3_endpoint, s3_private_storage  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
fake = Faker("en_US")

pytestmark = pytest.mark.timeout(180)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _test_database_url() -> str:
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )


def _env(database_url: str, run_dir: Path, **extra) -> dict[str, str]:
    """A portal process on that database, keeping its private files under run_dir (the test
    settings put them in PORTAL_RUN_DIR/test-private), with this interpreter (no venv build)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRIVATE_S")}
    env.update(
        DATABASE_URL=database_url,
        PORTAL_RUN_DIR=str(run_dir),
        PORTAL_PYTHON=sys.executable,
        DJANGO_SETTINGS_MODULE="referral_portal.settings.test",
        **extra,
    )
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _lib(*commands: str) -> None:
    subprocess.run(
        ["bash", "-c", f"source scripts/lib.sh; {' '.join(commands)}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def empty_postgres():
    """A fresh cluster with an empty `portal` database, as `make run` creates one. Under the
    project's .run/: PostgreSQL runs as `postgres` (when we are root) and must reach it."""
    (ROOT / ".run").mkdir(exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="restore-", dir=ROOT / ".run"))
    base.chmod(0o755)
    port = _free_port()
    try:
        _lib("start_postgres", str(base / "pg"), str(port))
        yield f"postgres://portal:portal@127.0.0.1:{port}/portal"
    finally:
        _lib("stop_postgres", str(base / "pg"))
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def _web(env: dict[str, str]):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/accounts/login/", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read().decode()[-3000:]
                assert time.monotonic() < deadline, "runserver did not answer within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _sign_in(base: str, user) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{base}/accounts/login/")
    second_step = session.post(login.url, data={
        "csrfmiddlewaretoken": _csrf(login.text), "login": user.username, "password": PASSWORD,
    })  # fmt: skip
    signed_in = session.post(second_step.url, data={
        "csrfmiddlewaretoken": _csrf(second_step.text), "code": fresh_totp_code(user.totp_secret),
    })  # fmt: skip
    assert signed_in.status_code == 200 and "/accounts/" not in signed_in.url, signed_in.url
    return session


def _confirmed_referral_with_attachment(attachment_bytes: bytes):
    reviewer = helpers.reviewer()
    draft = builders.draft(UserFactory(role=Role.REFERRER))
    attachment = referral_services.add_attachment(
        referral=draft,
        user=draft.created_by,
        kind=AttachmentKind.POLICE_REPORT,
        upload=CheckedFile(
            name="report.pdf", content_type="application/pdf", data=attachment_bytes
        ),
    )
    referral = referral_services.submit_referral(referral=draft, user=draft.created_by)
    helpers.assigned(reviewer, referral)
    helpers.consult(referral, reviewer)
    helpers.confirm(referral, reviewer)
    return reviewer, referral, attachment


def test_a_backup_restores_into_an_empty_system_that_serves_the_same_files(
    transactional_db, settings, tmp_path, empty_postgres
):
    source_run, target_run, backup = tmp_path / "source", tmp_path / "target", tmp_path / "backup"
    settings.PRIVATE_STORAGE_ROOT = source_run / "test-private"
    attachment_bytes = files.pdf(fake.sentence())
    reviewer, referral, attachment = _confirmed_referral_with_attachment(attachment_bytes)
    notice = referral.notices.get(kind=NoticeKind.CONFIRMATION_ADULT, language="en")
    notice_bytes = private_storage.read_decrypted(
        notice.stored_name, context=notice.storage_context
    )

    made = _run(["scripts/backup.sh", str(backup)], _env(_test_database_url(), source_run))
    assert made.returncode == 0, made.stderr[-3000:]
    restored = _run(["scripts/restore.sh", str(backup)], _env(empty_postgres, target_run))
    assert restored.returncode == 0, restored.stderr[-3000:]

    # The backup names the keys it needs and holds none of them.
    description = json.loads((backup / "backup.json").read_text())
    assert description["key_ids"] == {
        "active": "dev1", "configured": ["dev1"], "in_database": ["dev1"], "in_files": ["dev1"],
    }  # fmt: skip
    written = b"".join(p.read_bytes() for p in backup.iterdir() if p.suffix == ".json")
    secrets = [
        *settings.FIELD_ENCRYPTION_KEYS.values(),
        settings.BLIND_INDEX_KEY,
        settings.SECRET_KEY,
    ]
    assert [secret for secret in secrets if secret.encode() in written] == []
    # Four files (the attachment; the person's notice in English and in Spanish, their language;
    # the referring organization's notice), stored and copied as ciphertext only.
    restored_files = sorted(p for p in (target_run / "test-private").rglob("*") if p.is_file())
    assert referral.notices.count() == 3
    assert len(restored_files) == 4
    assert all(p.read_bytes().startswith(b"v1:dev1:") for p in restored_files)

    with _web(_env(empty_postgres, target_run)) as base:
        session = _sign_in(base, reviewer)
        case = session.get(base + reverse("confirmations:case", args=[referral.public_id]))
        attachment_url = reverse("referrals:attachment", args=[attachment.public_id])
        notice_url = reverse("referrals:notice", args=[notice.public_id])
        downloaded_attachment = session.get(base + attachment_url)
        downloaded_notice = session.get(base + notice_url)

    assert case.status_code == 200
    assert referral.legal_name in case.text  # an encrypted field, decrypted with the same keys
    assert attachment_url in case.text and notice_url in case.text
    assert downloaded_attachment.status_code == 200
    assert downloaded_attachment.content == attachment_bytes
    assert downloaded_notice.status_code == 200
    assert downloaded_notice.content == notice_bytes


def test_restore_refuses_a_database_with_tables_a_changed_file_and_missing_keys(
    transactional_db, settings, tmp_path
):
    source_run, backup = tmp_path / "source", tmp_path / "backup"
    settings.PRIVATE_STORAGE_ROOT = source_run / "test-private"
    _confirmed_referral_with_attachment(files.pdf(fake.sentence()))
    env = _env(_test_database_url(), source_run)
    assert _run(["scripts/backup.sh", str(backup)], env).returncode == 0
    verify = [sys.executable, "manage.py", "restore_private_files", "--verify-only", str(backup)]
    other_key = base64.urlsafe_b64encode(b"k" * 32).decode()
    without_the_key = _env(
        _test_database_url(),
        tmp_path / "empty",
        FIELD_ENCRYPTION_KEYS=f"k2={other_key}",
        FIELD_ENCRYPTION_ACTIVE_KEY="k2",
    )

    into_full_database = _run(["scripts/restore.sh", str(backup)], env)
    keys_missing = _run(verify, without_the_key)
    changed = next(path for path in (backup / "private").rglob("*") if path.is_file())
    sealed = changed.read_bytes()
    changed.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 0xFF]))  # last byte inverted
    file_changed = _run(verify, _env(_test_database_url(), tmp_path / "empty"))

    database = settings.DATABASES["default"]
    assert into_full_database.returncode == 1
    assert (
        f"Refusing to restore: database {database['NAME']} on 127.0.0.1:{database['PORT']} "
        "already has"
    ) in into_full_database.stderr
    assert keys_missing.returncode == 1
    assert "the backup needs encryption key id(s) dev1, which are not in" in keys_missing.stderr
    assert file_changed.returncode == 1
    name = f"{changed.parent.name}/{changed.name}"
    assert f"1 file(s) missing or changed in the backup, e.g. {name}" in file_changed.stderr


def _objects(bucket: Bucket) -> dict[str, bytes]:
    client = bucket.client
    listing = client.list_objects_v2(Bucket=bucket.name).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket.name, Key=item["Key"])["Body"].read()
        for item in listing
    }


def test_private_files_in_a_bucket_are_copied_out_and_back_into_an_empty_bucket(
    transactional_db, tmp_path, request
):
    # The bucket fixture (tests/s3.py, imported above) asked for by name: a parameter of the
    # same name would shadow the import.
    source = request.getfixturevalue("s3_private_storage")
    _confirmed_referral_with_attachment(files.pdf(fake.sentence()))
    target = Bucket(endpoint=source.endpoint, name=f"{source.name}-restore")
    target.client.create_bucket(Bucket=target.name)
    backup = tmp_path / "backup"

    made = _run(
        ["scripts/backup.sh", str(backup)],
        _env(_test_database_url(), tmp_path, **source.environment()),
    )
    restore = [sys.executable, "manage.py", "restore_private_files", str(backup)]
    into_target = _env(_test_database_url(), tmp_path, **target.environment())
    restored = _run(restore, into_target)
    again = _run(restore, into_target)

    copied = _objects(target)
    for key in copied:
        target.client.delete_object(Bucket=target.name, Key=key)
    target.client.delete_bucket(Bucket=target.name)
    assert made.returncode == 0, made.stderr[-3000:]
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "4 private files restored and verified." in restored.stdout
    assert "without a stored file" not in restored.stderr  # every row finds its file
    originals = _objects(source)
    assert len(originals) == 4  # the attachment and three notices (one in Spanish)
    assert copied == originals
    assert again.returncode == 1
    assert "the private storage already holds files" in again.stderr
