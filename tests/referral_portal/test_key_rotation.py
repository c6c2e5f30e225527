"""A whole key rotation (docs/key-rotation.md): new field-encryption and blind-index keys made
active, reencrypt_fields and reindex_blind_indexes run, the old keys removed from the settings,
and then every account still signs in with its app and its recovery codes, every referral field
and file still reads, and lookups by blind index still find the rows."""

import base64
import os
import subprocess
import sys
from io import StringIO

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from referral_portal import checks, crypto, private_storage
from referral_portal.settings import development_keys
from referrals import services
from referrals.models import Attachment, Referral
from tests.accounts.conftest import sign_in
from tests.conftest import ROOT
from tests.factories import PASSWORD, UserFactory
from tests.referrals.builders import draft, submitted
from tests.security import production

pytestmark = pytest.mark.django_db

NEW_FIELD_KEY_ID = "k2027"
NEW_BLIND_KEY_ID = "b2027"
ATTACHMENT = b"%PDF-1.4\nsigned consent\n"


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def run(command, *args) -> str:
    output = StringIO()
    call_command(command, *args, stdout=output)
    return output.getvalue()


def secrets_key_ids() -> set[str]:
    """The key id of every encrypted string in allauth's authenticator data."""
    found = set()

    def walk(data):
        if isinstance(data, dict):
            for value in data.values():
                walk(value)
        elif isinstance(data, list):
            for value in data:
                walk(value)
        elif crypto.is_sealed(data):
            found.add(crypto.key_id_of(data))

    for data in Authenticator.objects.values_list("data", flat=True):
        walk(data)
    return found


@pytest.fixture
def people():
    """Two people with an authenticator app and recovery codes (`user.recovery_codes`)."""
    users = [UserFactory(), UserFactory()]
    for user in users:
        user.recovery_codes = RecoveryCodes.activate(user).generate_codes()
    return users


@pytest.fixture
def same_person(people, settings, tmp_path):
    """Two submitted referrals of one person (linked as possible duplicates), one with a file."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    first = submitted(people[0])
    second = submitted(
        people[1], legal_name=first.legal_name.upper(), date_of_birth=first.date_of_birth
    )
    assert list(second.possible_duplicates.all()) == [first]
    attachment = Attachment(
        referral=first,
        kind="other",
        original_name="consent.pdf",
        content_type="application/pdf",
        size=len(ATTACHMENT),
        uploaded_by=first.created_by,
    )
    attachment.stored_name = private_storage.save_encrypted(
        ATTACHMENT, context=attachment.storage_context
    )
    attachment.save()
    return first, second, attachment


def rotate_to_new_keys(settings) -> dict[str, str]:
    """Step 1 of the procedure: the new keys beside the old ones, and active."""
    keys = {"field": new_key(), "blind": new_key()}
    settings.FIELD_ENCRYPTION_KEYS = {
        **settings.FIELD_ENCRYPTION_KEYS,
        NEW_FIELD_KEY_ID: keys["field"],
    }
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = NEW_FIELD_KEY_ID
    settings.BLIND_INDEX_KEYS = {NEW_BLIND_KEY_ID: keys["blind"]}
    settings.BLIND_INDEX_ACTIVE_KEY = NEW_BLIND_KEY_ID
    assert checks.encryption_keys(None) == []
    return keys


def remove_old_keys(settings, keys) -> None:
    """The last step: only the new keys are configured."""
    settings.FIELD_ENCRYPTION_KEYS = {NEW_FIELD_KEY_ID: keys["field"]}
    settings.BLIND_INDEX_KEY = ""
    assert crypto.blind_index_keys() == {NEW_BLIND_KEY_ID: keys["blind"]}
    assert checks.encryption_keys(None) == []


def signed_in_user(client):
    return client.get(reverse("home")).context["user"]


def test_after_a_full_rotation_without_the_old_keys_everything_still_works(
    people, same_person, settings
):
    first, second, attachment = same_person
    compared = ["legal_name", "date_of_birth", "narrative", "address", "phone"]
    # Read now, under the old keys: fields decrypt when first read (referral_portal/fields.py).
    plaintext = {
        referral.pk: {
            name: getattr(Referral.objects.get(pk=referral.pk), name) for name in compared
        }
        for referral in same_person[:2]
    }
    keys = rotate_to_new_keys(settings)

    field_output = run("reencrypt_fields")
    index_output = run("reindex_blind_indexes")
    remove_old_keys(settings, keys)

    # Two TOTP secrets and two recovery-code seeds, each rewritten under the new key.
    assert "mfa_authenticator secrets: 4" in field_output
    assert "referrals_attachment files: 1" in field_output
    assert "referrals_referral: 2" in index_output
    assert secrets_key_ids() == {NEW_FIELD_KEY_ID}
    assert set(Referral.objects.values_list("blind_index_key", flat=True)) == {NEW_BLIND_KEY_ID}
    for person in people:
        client = Client()
        response = sign_in(client, person)
        assert response.status_code == 302
        assert signed_in_user(client) == person
    by_recovery_code = Client()
    by_recovery_code.post(
        reverse("account_login"), {"login": people[0].username, "password": PASSWORD}
    )
    response = by_recovery_code.post(
        reverse("mfa_authenticate"), {"code": people[0].recovery_codes[0]}
    )
    assert response.status_code == 302
    assert signed_in_user(by_recovery_code) == people[0]
    for pk, before in plaintext.items():
        after = Referral.objects.get(pk=pk)
        assert {name: getattr(after, name) for name in compared} == before
    assert Attachment.objects.get(pk=attachment.pk).original_name == "consent.pdf"
    assert (
        private_storage.read_decrypted(attachment.stored_name, context=attachment.storage_context)
        == ATTACHMENT
    )
    third = submitted(UserFactory(), legal_name=first.legal_name, date_of_birth=first.date_of_birth)
    assert set(third.possible_duplicates.all()) == {first, second}


def test_between_switching_keys_and_reindexing_lookups_find_rows_under_either_key(
    same_person, settings
):
    first, second, _ = same_person
    rotate_to_new_keys(settings)

    third = submitted(UserFactory(), legal_name=first.legal_name, date_of_birth=first.date_of_birth)

    assert third.blind_index_key == NEW_BLIND_KEY_ID
    assert first.blind_index_key == second.blind_index_key == ""
    assert set(third.possible_duplicates.all()) == {first, second}


def test_dry_runs_count_and_change_nothing_and_second_runs_find_nothing_left(
    people, same_person, settings
):
    rotate_to_new_keys(settings)
    stored = list(Authenticator.objects.order_by("pk").values_list("data", flat=True))

    assert "mfa_authenticator secrets: 4" in run("reencrypt_fields", "--dry-run")
    assert "2 rows would be reindexed" in run("reindex_blind_indexes", "--dry-run")
    assert list(Authenticator.objects.order_by("pk").values_list("data", flat=True)) == stored
    assert set(Referral.objects.values_list("blind_index_key", flat=True)) == {""}

    run("reencrypt_fields")
    run("reindex_blind_indexes")
    assert "0 values re-encrypted" in run("reencrypt_fields")
    assert "0 rows reindexed" in run("reindex_blind_indexes")


def test_a_used_recovery_code_stays_used_through_the_rotation(people, settings):
    person = people[0]
    client = Client()
    client.post(reverse("account_login"), {"login": person.username, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": person.recovery_codes[0]})
    assert signed_in_user(client) == person
    keys = rotate_to_new_keys(settings)

    run("reencrypt_fields")
    remove_old_keys(settings, keys)

    again = Client()
    again.post(reverse("account_login"), {"login": person.username, "password": PASSWORD})
    refused = again.post(reverse("mfa_authenticate"), {"code": person.recovery_codes[0]})
    assert refused.status_code == 200
    assert not signed_in_user(again).is_authenticated


def test_a_draft_without_a_name_is_reindexed_to_empty_indexes(people, settings):
    empty = draft(people[0], legal_name="", date_of_birth=None)
    rotate_to_new_keys(settings)

    run("reindex_blind_indexes")

    empty.refresh_from_db()
    assert (empty.name_index, empty.dob_index, empty.blind_index_key) == ("", "", NEW_BLIND_KEY_ID)
    assert services.link_possible_duplicates(empty) == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"BLIND_INDEX_KEYS": {"b1": new_key()}, "BLIND_INDEX_ACTIVE_KEY": "b2"}, "portal.E006"),
        ({"BLIND_INDEX_KEYS": {"b 1": new_key()}, "BLIND_INDEX_ACTIVE_KEY": "b 1"}, "portal.E007"),
        ({"BLIND_INDEX_KEYS": {"b1": "c2hvcnQ="}, "BLIND_INDEX_ACTIVE_KEY": "b1"}, "portal.E003"),
    ],
)
def test_blind_index_keys_are_checked(settings, changes, expected):
    for name, value in changes.items():
        setattr(settings, name, value)

    assert {problem.id for problem in checks.encryption_keys(None)} == {expected}


def test_a_blind_index_key_may_not_repeat_an_encryption_key(settings):
    settings.BLIND_INDEX_KEYS = {"b1": settings.FIELD_ENCRYPTION_KEYS["dev1"]}
    settings.BLIND_INDEX_ACTIVE_KEY = "b1"

    assert {problem.id for problem in checks.encryption_keys(None)} == {"portal.E004"}


def test_a_development_key_among_the_blind_index_keys_is_refused(settings):
    settings.DEBUG = False
    settings.ALLOW_DEVELOPMENT_KEYS = False
    settings.SECRET_KEY = new_key()
    settings.FIELD_ENCRYPTION_KEYS = {"k1": new_key()}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "k1"
    settings.BLIND_INDEX_KEY = ""
    settings.BLIND_INDEX_KEYS = {"b1": development_keys.BLIND_INDEX_KEY}
    settings.BLIND_INDEX_ACTIVE_KEY = "b1"

    assert [problem.id for problem in checks.development_keys(None)] == ["portal.E005"]


def test_recovery_codes_migrated_from_elsewhere_survive_the_rotation(settings):
    """allauth keeps imported codes as a list of encrypted strings rather than a seed."""
    person = UserFactory()
    imported = ["12345678", "87654321"]
    adapter = get_mfa_adapter()
    Authenticator.objects.create(
        user=person,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"migrated_codes": [adapter.encrypt(code) for code in imported], "used_mask": 0},
    )
    keys = rotate_to_new_keys(settings)

    assert "mfa_authenticator secrets: 3" in run("reencrypt_fields")
    remove_old_keys(settings, keys)

    client = Client()
    client.post(reverse("account_login"), {"login": person.username, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": imported[1]})
    assert response.status_code == 302
    assert signed_in_user(client) == person


def _production_check(**changes) -> subprocess.CompletedProcess:
    env = {**production.environment(), **changes}
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_takes_either_form_of_blind_index_key_and_refuses_neither():
    named = _production_check(
        BLIND_INDEX_KEY=None, BLIND_INDEX_KEYS=f"b1={new_key()}", BLIND_INDEX_ACTIVE_KEY="b1"
    )
    neither = _production_check(BLIND_INDEX_KEY=None)

    assert named.returncode == 0, named.stderr[-2000:]
    assert neither.returncode != 0
    assert "BLIND_INDEX_KEY" in neither.stderr
