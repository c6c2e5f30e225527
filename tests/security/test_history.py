"""Change history (django-pghistory): database triggers record every change to a tracked model,
with who and which request through the portal's context middleware, and copy the stored value,
so encrypted columns stay ciphertext in history (CJIS AU-2, AU-3; ASVS V16.2.1)."""

import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from faker import Faker

from accounts.models import Organization
from referral_portal.fields import EncryptedFieldMixin
from referral_portal.middleware import HistoryContextMiddleware
from referral_portal.roles import Role
from tests.factories import OrganizationFactory, UserFactory

fake = Faker()
pytestmark = pytest.mark.django_db


def test_history_events_carry_the_person_the_url_and_the_request_id():
    organization = OrganizationFactory()
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    request = RequestFactory().post(f"/organizations/{organization.public_id}/suspend/")
    request.user = administrator
    request.request_id = uuid.uuid4().hex

    def rename(request):
        organization.name = fake.company()
        organization.save()
        return HttpResponse()

    HistoryContextMiddleware(rename)(request)

    event = Organization.pgh_event_models["update"].objects.latest("pgh_id")
    assert event.pgh_obj_id == organization.pk and event.name == organization.name
    metadata = event.pgh_context.metadata
    assert metadata["user"] == administrator.pk
    assert metadata["request_id"] == request.request_id
    assert metadata["url"] == request.path


def test_the_middleware_is_installed_after_authentication(settings):
    middleware = settings.MIDDLEWARE
    assert "referral_portal.middleware.HistoryContextMiddleware" in middleware
    assert middleware.index("referral_portal.middleware.HistoryContextMiddleware") > (
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    )


def _encrypted_columns(model):
    return [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]


def _rows_as_text(table):
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(table)  # a name from model metadata, not input
        cursor.execute(f"SELECT row_to_json(t)::text FROM {quoted} t")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _column_values(table, column):
    with connection.cursor() as cursor:
        quoted_column = connection.ops.quote_name(column)  # names from model metadata
        quoted_table = connection.ops.quote_name(table)
        cursor.execute(f"SELECT {quoted_column} FROM {quoted_table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall() if row[0]]


def test_encrypted_referral_fields_stay_ciphertext_in_history():
    referral_model = apps.get_model("referrals", "Referral")
    events = getattr(referral_model, "pgh_event_models", None)
    assert events, "referrals.Referral must be tracked by pghistory"
    from tests.referrals.builders import draft

    name, narrative = fake.name(), fake.paragraph()
    referral = draft(legal_name=name, narrative=narrative)
    referral.narrative = narrative + " " + fake.sentence()
    referral.save()

    columns = _encrypted_columns(referral_model)
    assert "legal_name" in columns and "narrative" in columns
    for event_model in set(events.values()):
        table = event_model._meta.db_table
        rows = _rows_as_text(table)
        assert rows, "no history was written"
        # Whether a personal field is copied (as ciphertext) or left out, no plaintext is there.
        assert not any(name in row or narrative in row for row in rows)
        event_columns = {f.column for f in event_model._meta.fields}
        for column in set(columns) & event_columns:
            assert all(str(v).startswith("v2:") for v in _column_values(table, column))
