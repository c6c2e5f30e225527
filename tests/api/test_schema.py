"""The committed OpenAPI document is what the code generates, and it is valid OpenAPI 3.1.
After changing the API: python manage.py spectacular --file docs/api/openapi.yaml"""

import json
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.test import Client
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

from api import schema
from routing import webhooks
from tests.factories import UserFactory

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_the_committed_schema_is_what_the_code_generates():
    assert COMMITTED.read_bytes().decode() == schema.as_yaml().decode()


def test_the_committed_schema_is_valid_openapi_3_1():
    document = yaml.safe_load(COMMITTED.read_text())
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


@pytest.mark.django_db
def test_signed_in_people_read_the_documentation_and_anonymous_callers_do_not():
    person = UserFactory()
    browser = Client()
    browser.force_login(person)

    page = browser.get("/api/docs/")
    document = browser.get("/api/docs/openapi.yaml")

    assert page.status_code == 200
    assert "POST /api/v1/referrals/{public_id}/submit/" in page.content.decode()
    assert "<code>case.routed</code>: A confirmed case was routed" in page.content.decode()
    assert document.content == COMMITTED.read_bytes()
    assert Client().get("/api/docs/").status_code == 302


def test_the_webhook_is_described_with_the_fields_the_portal_sends():
    # routing/webhooks.py reads only these attributes of a delivery.
    delivery = SimpleNamespace(
        public_id=uuid.uuid4(),
        destination="district",
        referral=SimpleNamespace(public_id=uuid.uuid4(), reference="NY-2026-00001"),
        organization=SimpleNamespace(public_id=uuid.uuid4()),
    )
    sent = json.loads(webhooks.body_for(delivery))
    document = yaml.safe_load(COMMITTED.read_text())

    body = document["webhooks"]["case.routed"]["post"]["requestBody"]["content"]
    reference = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    described = document["components"]["schemas"][reference]

    assert sorted(described["properties"]) == sorted(sent)
    assert sorted(described["required"]) == sorted(sent)
