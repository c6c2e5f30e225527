import pytest
from django.db import connection

from referrals.models import Referral
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_draft_keeps_its_personal_fields_encrypted_in_the_row():
    user = UserFactory()
    referral = Referral.objects.create(
        organization=user.organization, created_by=user, legal_name="Zelda Quintero"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM referrals_referral WHERE id = %s", [referral.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1:") and "Zelda" not in raw
    assert Referral.objects.get(pk=referral.pk).legal_name == "Zelda Quintero"
