"""Preferred language as a code: the wizard's choice, "another language" with its name, and the
data migration that maps the free text stored before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from referrals.models import Referral, ReferralHistory
from tests.referrals import builders
from tests.referrals.steps import step_data

BEFORE = [("referrals", "0006_break_glass_grant")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate_to_the_latest():
    """Every app's newest migration: going back to BEFORE also took back the migrations of other
    apps that build on it, and the tests after this one need the whole schema."""
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def _person_step(client, referral, **values):
    data = {**step_data()["person"], **values, "action": "next"}
    return client.post(f"/referrals/{referral.public_id}/edit/person/", data)


def test_the_wizard_stores_a_code_and_another_language_by_name(client, referrer):
    client.force_login(referrer)
    referral = builders.draft(referrer)

    assert _person_step(client, referral, preferred_language="ko").status_code == 302
    referral.refresh_from_db()
    assert (referral.preferred_language, referral.preferred_language_other) == ("ko", "")
    assert referral.preferred_language_label == "Korean (한국어)"

    response = _person_step(
        client, referral, preferred_language="other", preferred_language_other="Tigrinya"
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.preferred_language_label == "Another language: Tigrinya"


def test_another_language_needs_its_name_and_only_then(client, referrer):
    client.force_login(referrer)
    referral = builders.draft(referrer)

    missing = _person_step(client, referral, preferred_language="other")
    extra = _person_step(
        client, referral, preferred_language="es", preferred_language_other="Tigrinya"
    )
    unknown = _person_step(client, referral, preferred_language="Spanish")

    assert "Write which language they prefer." in missing.content.decode()
    assert "choose \u201cAnother language\u201d above" in extra.content.decode()
    assert "Select a valid choice." in unknown.content.decode()
    referral.refresh_from_db()
    assert referral.preferred_language == "es"


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_free_text_and_keeps_the_rest_as_other():
    typed = {
        "Spanish": ("es", ""),
        " español ": ("es", ""),
        "MANDARIN": ("zh-hans", ""),
        "Kreyòl": ("ht", ""),
        "bangla": ("bn", ""),
        "اردو": ("ur", ""),
        "ASL": ("ase", ""),
        "Tigrinya": ("other", "Tigrinya"),
        "Mixteco (some Spanish)": ("other", "Mixteco (some Spanish)"),
    }
    referrals = {text: builders.draft() for text in typed}
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for text, referral in referrals.items():
                cursor.execute(
                    "UPDATE referrals_referral SET preferred_language = %s WHERE id = %s",
                    [text, referral.pk],
                )
                cursor.execute(
                    "UPDATE referrals_referralhistory SET preferred_language = %s "
                    "WHERE pgh_obj_id = %s",
                    [text, referral.pk],
                )
    finally:
        _migrate_to_the_latest()

    for text, expected in typed.items():
        row = Referral.objects.get(pk=referrals[text].pk)
        assert (row.preferred_language, row.preferred_language_other) == expected, text
        history = ReferralHistory.objects.filter(pgh_obj_id=row.pk)
        assert set(history.values_list("preferred_language", "preferred_language_other")) == {
            expected
        }, text
