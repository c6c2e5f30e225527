"""Encrypt the facts about a referred person that endanger them, and drop them from history.

Gender, country of birth, immigration status, the signs of force, fraud or coercion, whether the
person will help the police or was arrested, and the law-enforcement agency and its case number
become encrypted columns (text holding ciphertext, like the other personal fields), and the
change history stops copying them: the history triggers are rebuilt without them and their
columns in referrals_referralhistory are dropped, with every value they held (which includes the
copies left behind by drafts that were discarded). PostgreSQL frees the dropped values' space on
disk when the table is next rewritten (VACUUM FULL): docs/security.md says so.

The values already stored are encrypted here by the fields themselves (each row is saved through
the model, so the encryption is exactly what the running code writes).

Reversible: going back decrypts every value into the plain columns again. The history columns
come back empty: the copies dropped here cannot be restored, by design.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

import referral_portal.encrypted_collections
import referral_portal.fields

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
# The columns this migration encrypts; "indicators" was a text array, the others text.
SENSITIVE = [
    "gender",
    "country_of_birth",
    "immigration_status",
    "indicators",
    "willing_to_assist",
    "arrested",
    "law_enforcement_agency",
    "agency_case_number",
]


def _array_items(text: str) -> list[str]:
    """A PostgreSQL array of choice values cast to text, e.g. "{fraud_pay,coercion_debt}". The
    values are identifiers (letters and underscores), never quoted or holding commas."""
    inner = (text or "").strip().removeprefix("{").removesuffix("}")
    return [item for item in inner.split(",") if item]


def encrypt_existing_values(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    table = Referral._meta.db_table
    connection = schema_editor.connection
    columns = ", ".join(connection.ops.quote_name(name) for name in SENSITIVE)
    with connection.cursor() as cursor:
        # Names from this module, not from input.
        cursor.execute(f"SELECT id, {columns} FROM {connection.ops.quote_name(table)}")  # noqa: S608
        rows = cursor.fetchall()
    for pk, *values in rows:
        plain = dict(zip(SENSITIVE, values, strict=True))
        plain["indicators"] = _array_items(plain["indicators"])
        referral = Referral.objects.only("pk", "public_id").get(pk=pk)
        for name, value in plain.items():
            setattr(referral, name, value if value is not None else "")
        referral.save(update_fields=SENSITIVE)


def decrypt_back_to_plain(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Referral._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in SENSITIVE)
    for referral in Referral.objects.only("pk", "public_id", *SENSITIVE):
        plain = [getattr(referral, name) for name in SENSITIVE]
        # The text form of an array, so that the column can be cast back to varchar[].
        plain[SENSITIVE.index("indicators")] = "{" + ",".join(referral.indicators) + "}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [*plain, referral.pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_referral_blind_index_key"),
    ]

    operations = [
        # The triggers copy these columns into the history: rebuilt without them first.
        pgtrigger.migrations.RemoveTrigger(model_name="referral", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="referral", name="update_update"),
        *[migrations.RemoveField(model_name="referralhistory", name=name) for name in SENSITIVE],
        pgtrigger.migrations.AddTrigger(
            model_name="referral",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "referrals_referralhistory" ("assigned_reviewer_id", "consent_date", "consent_given_by", "consent_scopes", "county_of_residence_id", "created_at", "created_by_id", "decided_at", "due_at", "estimated_age", "first_encounter_date", "id", "industry", "industry_other", "interpreter_needed", "labor_trafficking", "legal_hold", "minor_at_referral", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preferred_language", "public_id", "purged_at", "reference", "safe_to_call", "safe_to_text", "services_needed", "services_other", "sex_trafficking", "status", "submitted_at", "submitted_by_id", "trafficking_began", "trafficking_ended", "updated_at", "version") VALUES (NEW."assigned_reviewer_id", NEW."consent_date", NEW."consent_given_by", NEW."consent_scopes", NEW."county_of_residence_id", NEW."created_at", NEW."created_by_id", NEW."decided_at", NEW."due_at", NEW."estimated_age", NEW."first_encounter_date", NEW."id", NEW."industry", NEW."industry_other", NEW."interpreter_needed", NEW."labor_trafficking", NEW."legal_hold", NEW."minor_at_referral", NEW."organization_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."preferred_language", NEW."public_id", NEW."purged_at", NEW."reference", NEW."safe_to_call", NEW."safe_to_text", NEW."services_needed", NEW."services_other", NEW."sex_trafficking", NEW."status", NEW."submitted_at", NEW."submitted_by_id", NEW."trafficking_began", NEW."trafficking_ended", NEW."updated_at", NEW."version"); RETURN NULL;',
                    hash="e3b92be363af08c78fb6284d911600591502fa5d",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_a74c8",
                    table="referrals_referral",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="referral",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."assigned_reviewer_id" IS DISTINCT FROM (NEW."assigned_reviewer_id") OR OLD."consent_date" IS DISTINCT FROM (NEW."consent_date") OR OLD."consent_given_by" IS DISTINCT FROM (NEW."consent_given_by") OR OLD."consent_scopes" IS DISTINCT FROM (NEW."consent_scopes") OR OLD."county_of_residence_id" IS DISTINCT FROM (NEW."county_of_residence_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."decided_at" IS DISTINCT FROM (NEW."decided_at") OR OLD."due_at" IS DISTINCT FROM (NEW."due_at") OR OLD."estimated_age" IS DISTINCT FROM (NEW."estimated_age") OR OLD."first_encounter_date" IS DISTINCT FROM (NEW."first_encounter_date") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."industry" IS DISTINCT FROM (NEW."industry") OR OLD."industry_other" IS DISTINCT FROM (NEW."industry_other") OR OLD."interpreter_needed" IS DISTINCT FROM (NEW."interpreter_needed") OR OLD."labor_trafficking" IS DISTINCT FROM (NEW."labor_trafficking") OR OLD."legal_hold" IS DISTINCT FROM (NEW."legal_hold") OR OLD."minor_at_referral" IS DISTINCT FROM (NEW."minor_at_referral") OR OLD."organization_id" IS DISTINCT FROM (NEW."organization_id") OR OLD."preferred_language" IS DISTINCT FROM (NEW."preferred_language") OR OLD."public_id" IS DISTINCT FROM (NEW."public_id") OR OLD."purged_at" IS DISTINCT FROM (NEW."purged_at") OR OLD."reference" IS DISTINCT FROM (NEW."reference") OR OLD."safe_to_call" IS DISTINCT FROM (NEW."safe_to_call") OR OLD."safe_to_text" IS DISTINCT FROM (NEW."safe_to_text") OR OLD."services_needed" IS DISTINCT FROM (NEW."services_needed") OR OLD."services_other" IS DISTINCT FROM (NEW."services_other") OR OLD."sex_trafficking" IS DISTINCT FROM (NEW."sex_trafficking") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."submitted_at" IS DISTINCT FROM (NEW."submitted_at") OR OLD."submitted_by_id" IS DISTINCT FROM (NEW."submitted_by_id") OR OLD."trafficking_began" IS DISTINCT FROM (NEW."trafficking_began") OR OLD."trafficking_ended" IS DISTINCT FROM (NEW."trafficking_ended") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "referrals_referralhistory" ("assigned_reviewer_id", "consent_date", "consent_given_by", "consent_scopes", "county_of_residence_id", "created_at", "created_by_id", "decided_at", "due_at", "estimated_age", "first_encounter_date", "id", "industry", "industry_other", "interpreter_needed", "labor_trafficking", "legal_hold", "minor_at_referral", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preferred_language", "public_id", "purged_at", "reference", "safe_to_call", "safe_to_text", "services_needed", "services_other", "sex_trafficking", "status", "submitted_at", "submitted_by_id", "trafficking_began", "trafficking_ended", "updated_at", "version") VALUES (NEW."assigned_reviewer_id", NEW."consent_date", NEW."consent_given_by", NEW."consent_scopes", NEW."county_of_residence_id", NEW."created_at", NEW."created_by_id", NEW."decided_at", NEW."due_at", NEW."estimated_age", NEW."first_encounter_date", NEW."id", NEW."industry", NEW."industry_other", NEW."interpreter_needed", NEW."labor_trafficking", NEW."legal_hold", NEW."minor_at_referral", NEW."organization_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."preferred_language", NEW."public_id", NEW."purged_at", NEW."reference", NEW."safe_to_call", NEW."safe_to_text", NEW."services_needed", NEW."services_other", NEW."sex_trafficking", NEW."status", NEW."submitted_at", NEW."submitted_by_id", NEW."trafficking_began", NEW."trafficking_ended", NEW."updated_at", NEW."version"); RETURN NULL;',
                    hash="867b09bfeb7b874f505fd337fda35379ee40c700",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_223e7",
                    table="referrals_referral",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="gender",
            field=referral_portal.fields.EncryptedCharField(
                blank=True,
                choices=[
                    ("female", "Female"),
                    ("male", "Male"),
                    ("nonbinary", "Nonbinary"),
                    ("another", "Another gender"),
                    ("not_known", "Not known or prefers not to say"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="country_of_birth",
            field=referral_portal.fields.EncryptedCharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name="referral",
            name="immigration_status",
            field=referral_portal.fields.EncryptedCharField(
                blank=True,
                choices=[
                    ("us_citizen", "U.S. citizen"),
                    ("lawful_permanent_resident", "Lawful permanent resident"),
                    ("qualified_noncitizen", "Other qualified noncitizen"),
                    ("t_visa", "T visa holder or applicant"),
                    ("continued_presence", "Continued Presence"),
                    ("hhs_letter", "HHS eligibility or interim assistance letter"),
                    ("other_noncitizen", "Other noncitizen status"),
                    ("undocumented", "Undocumented"),
                    ("unknown", "Not known"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="indicators",
            field=referral_portal.encrypted_collections.EncryptedChoiceListField(
                blank=True,
                default=list,
                item_choices=[
                    ("force_physical", "Physical violence or assault"),
                    ("force_sexual", "Sexual violence"),
                    ("force_confinement", "Confinement or locked in"),
                    ("fraud_job", "False promise of a job or the kind of work"),
                    ("fraud_pay", "Lies about pay or working conditions"),
                    ("fraud_immigration", "False promises about immigration or travel"),
                    ("fraud_relationship", "False romantic relationship"),
                    ("coercion_threats", "Threats of harm to the person"),
                    ("coercion_family", "Threats against family or others"),
                    ("coercion_debt", "Debt that cannot be paid off"),
                    ("coercion_documents", "Identity or travel documents taken"),
                    ("coercion_deportation", "Threats of arrest or deportation"),
                    ("coercion_isolation", "Isolation or control of movement and contact"),
                    ("coercion_substances", "Drugs or alcohol used to control"),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="willing_to_assist",
            field=referral_portal.fields.EncryptedCharField(
                blank=True, choices=YES_NO_UNKNOWN, max_length=10
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="arrested",
            field=referral_portal.fields.EncryptedCharField(
                blank=True, choices=YES_NO_UNKNOWN, max_length=10
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="law_enforcement_agency",
            field=referral_portal.fields.EncryptedCharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="referral",
            name="agency_case_number",
            field=referral_portal.fields.EncryptedCharField(blank=True, max_length=100),
        ),
        migrations.RunPython(encrypt_existing_values, decrypt_back_to_plain),
    ]
