"""An S3-compatible server for the storage tests: the one `make test` started (its address in
TEST_S3_ENDPOINT_URL), or else moto's standalone server started here on a free loopback port, so
plain `pytest` works too. Each test gets a bucket of its own."""

import os
import runpy
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE_SETTINGS = ROOT / "referral_portal" / "settings" / "base.py"
ACCESS_KEY, SECRET_KEY, REGION = "portal-test", "portal-test-secret", "us-east-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_endpoint():
    if os.environ.get("TEST_S3_ENDPOINT_URL"):
        yield os.environ["TEST_S3_ENDPOINT_URL"]
        return
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not _answers(port):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("moto's S3 server did not start")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@dataclass
class Bucket:
    endpoint: str
    name: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def environment(self) -> dict[str, str]:
        """What a portal process is given to keep its private files in this bucket."""
        return {
            "PRIVATE_STORAGE": "s3",
            "PRIVATE_S3_BUCKET": self.name,
            "PRIVATE_S3_ENDPOINT_URL": self.endpoint,
            "PRIVATE_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "PRIVATE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "PRIVATE_S3_REGION": REGION,
        }

    def storage_setting(self, monkeypatch) -> dict:
        """The `private` entry of STORAGES exactly as settings/base.py builds it from that
        environment (evaluated afresh, so the settings code itself is what is tested)."""
        for name, value in self.environment().items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE_SETTINGS))["STORAGES"]["private"]

    def raw(self, stored_name: str) -> bytes:
        key = f"{stored_name[:2]}/{stored_name}"
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def object_keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return [item["Key"] for item in listing.get("Contents", [])]


@pytest.fixture
def s3_bucket(s3_endpoint):
    bucket = Bucket(endpoint=s3_endpoint, name=f"portal-test-{secrets.token_hex(6)}")
    client = bucket.client
    client.create_bucket(Bucket=bucket.name)
    yield bucket
    for key in bucket.object_keys():
        client.delete_object(Bucket=bucket.name, Key=key)
    client.delete_bucket(Bucket=bucket.name)


@pytest.fixture
def s3_private_storage(s3_bucket, settings, monkeypatch):
    """This test process keeps its private files in the test's bucket."""
    settings.STORAGES = {**settings.STORAGES, "private": s3_bucket.storage_setting(monkeypatch)}
    return s3_bucket
