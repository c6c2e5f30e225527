"""API clients with real tokens from the real token endpoint, and an HTTP helper that speaks
the API's rules (JSON, bearer token, Idempotency-Key on POST)."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organization
from api import scopes, services
from referral_portal.roles import Role
from tests.factories import OrganizationFactory, UserFactory
from tests.referrals.builders import police_organization
from tests.routing.factories import district

TOKEN_URL = "/api/oauth/token/"


def org_admin(organization):
    return UserFactory(role=Role.ORG_ADMIN, organization=organization)


def new_client(organization, chosen_scopes=None, *, days=30, name=None):
    issued = services.create_client(
        actor=org_admin(organization),
        organization=organization,
        name=name or f"System {uuid.uuid4().hex[:6]}",
        chosen_scopes=chosen_scopes or scopes.allowed_for(organization),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return issued


def token_response(client_id, secret, scope=None):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return Client().post(TOKEN_URL, data, HTTP_AUTHORIZATION=f"Basic {basic}")


class Api:
    """One agency system: its client, a token from the token endpoint, and requests."""

    def __init__(self, issued, scope=None):
        self.issued = issued
        self.client = issued.client
        response = token_response(issued.client_id, issued.client_secret, scope)
        assert response.status_code == 200, response.content
        self.token = response.json()["access_token"]
        self.http = Client()

    def headers(self, key=None, **extra):
        headers = {"Authorization": f"Bearer {self.token}", **extra}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path, params=None, **headers):
        return self.http.get(path, params or {}, headers=self.headers(**headers))

    def post(self, path, body=None, *, key=None, **headers):
        key = key or f"key-{uuid.uuid4().hex}"
        return self.http.post(
            path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers(key, **headers),
        )

    def patch(self, path, body, **headers):
        return self.http.patch(
            path,
            json.dumps(body),
            content_type="application/json",
            headers=self.headers(**headers),
        )


def provider_organization():
    return OrganizationFactory(kind=Organization.Kind.SOCIAL_SERVICES_PROVIDER)


@pytest.fixture
def referrer_api(db):
    return Api(new_client(provider_organization()))


@pytest.fixture
def police_api(db):
    return Api(new_client(police_organization()))


@pytest.fixture
def albany_api(db):
    """The Albany County district's system (a local department of social services)."""
    return Api(new_client(district().organization))
