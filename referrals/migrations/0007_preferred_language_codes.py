"""Preferred language becomes a code from a fixed list (referrals.languages), with the name of
"another language" in its own column.

The free text already stored is mapped where it names one of the listed languages (any case,
English or native name, common spellings: "Spanish", "español", "Mandarin", "Kreyol"); anything
else becomes "other" with the text kept as it was typed. The change history's copies are mapped
the same way (their column narrows too). The history triggers are rebuilt to copy the new column;
they are dropped first, so the mapping itself writes no history rows.

Reversible: going back writes the language's English name (or the kept text) into the one column.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

# A frozen copy of the names (this migration must not change when the app's list does).
NAMES = {
    "en": ["english", "eng", "inglés", "ingles"],
    "es": ["spanish", "español", "espanol", "castellano", "castilian", "spanish (latin american)"],
    "zh-hans": ["chinese", "mandarin", "cantonese", "fujianese", "fuzhounese", "taishanese",
                "chinese (mandarin)", "chinese (cantonese)", "中文", "普通话", "普通話", "國語",
                "国语", "广东话", "廣東話", "粤语", "粵語", "汉语", "漢語", "华语", "華語"],
    "ru": ["russian", "русский", "русский язык"],
    "yi": ["yiddish", "yidish", "ייִדיש", "יידיש", "אידיש"],
    "bn": ["bengali", "bangla", "bengla", "বাংলা"],
    "ko": ["korean", "한국어", "조선말", "한국말"],
    "ht": ["haitian creole", "haitian", "creole", "kreyol", "kreyòl", "kreyol ayisyen",
           "kreyòl ayisyen", "haitian kreyol", "haitian kreyòl", "haitian-creole"],
    "it": ["italian", "italiano"],
    "ar": ["arabic", "العربية", "عربي", "عربى"],
    "pl": ["polish", "polski", "język polski"],
    "fr": ["french", "français", "francais"],
    "ur": ["urdu", "اردو"],
    "ase": ["american sign language", "asl", "sign language"],
}  # fmt: skip
CODES = {name: code for code, names in NAMES.items() for name in names}
ENGLISH_NAMES = {
    "en": "English", "es": "Spanish", "zh-hans": "Chinese", "ru": "Russian", "yi": "Yiddish",
    "bn": "Bengali", "ko": "Korean", "ht": "Haitian Creole", "it": "Italian", "ar": "Arabic",
    "pl": "Polish", "fr": "French", "ur": "Urdu", "ase": "American Sign Language",
}  # fmt: skip


def language_code(text: str) -> tuple[str, str]:
    """Free text -> (code, other text)."""
    key = " ".join(text.strip().casefold().split())
    if not key:
        return "", ""
    if key in CODES:
        return CODES[key], ""
    return "other", text.strip()[:100]


def _history_models(apps):
    return [apps.get_model("referrals", "Referral"), apps.get_model("referrals", "ReferralHistory")]


def _check_now(schema_editor):
    # The updates queue deferred constraint checks; run them now, or PostgreSQL refuses the
    # ALTER TABLE that follows in the same transaction ("pending trigger events").
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forwards(apps, schema_editor):
    for model in _history_models(apps):
        texts = model.objects.exclude(preferred_language="")
        for text in set(texts.values_list("preferred_language", flat=True)):
            code, other = language_code(text)
            model.objects.filter(preferred_language=text).update(
                preferred_language=code, preferred_language_other=other
            )
    _check_now(schema_editor)


def backwards(apps, schema_editor):
    for model in _history_models(apps):
        for code, name in ENGLISH_NAMES.items():
            model.objects.filter(preferred_language=code).update(preferred_language=name)
        for row in model.objects.filter(preferred_language="other").only("pk"):
            model.objects.filter(pk=row.pk).update(
                preferred_language=models.F("preferred_language_other")
            )
        model.objects.update(preferred_language_other="")
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_break_glass_grant"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="referral",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="referral",
            name="update_update",
        ),
        migrations.AddField(
            model_name="notice",
            name="language",
            field=models.CharField(
                choices=[
                    ("en", "English"),
                    ("es", "Spanish (Español)"),
                    ("zh-hans", "Chinese (中文)"),
                    ("ru", "Russian (Русский)"),
                    ("yi", "Yiddish (ייִדיש)"),
                    ("bn", "Bengali (বাংলা)"),
                    ("ko", "Korean (한국어)"),
                    ("ht", "Haitian Creole (Kreyòl ayisyen)"),
                    ("it", "Italian (Italiano)"),
                    ("ar", "Arabic (العربية)"),
                    ("pl", "Polish (Polski)"),
                    ("fr", "French (Français)"),
                    ("ur", "Urdu (اردو)"),
                    ("ase", "American Sign Language"),
                    ("other", "Another language"),
                ],
                default="en",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="preferred_language_other",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="referralhistory",
            name="preferred_language_other",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="referral",
            name="preferred_language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("en", "English"),
                    ("es", "Spanish (Español)"),
                    ("zh-hans", "Chinese (中文)"),
                    ("ru", "Russian (Русский)"),
                    ("yi", "Yiddish (ייִדיש)"),
                    ("bn", "Bengali (বাংলা)"),
                    ("ko", "Korean (한국어)"),
                    ("ht", "Haitian Creole (Kreyòl ayisyen)"),
                    ("it", "Italian (Italiano)"),
                    ("ar", "Arabic (العربية)"),
                    ("pl", "Polish (Polski)"),
                    ("fr", "French (Français)"),
                    ("ur", "Urdu (اردو)"),
                    ("ase", "American Sign Language"),
                    ("other", "Another language"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="referralhistory",
            name="preferred_language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("en", "English"),
                    ("es", "Spanish (Español)"),
                    ("zh-hans", "Chinese (中文)"),
                    ("ru", "Russian (Русский)"),
                    ("yi", "Yiddish (ייִדיש)"),
                    ("bn", "Bengali (বাংলা)"),
                    ("ko", "Korean (한국어)"),
                    ("ht", "Haitian Creole (Kreyòl ayisyen)"),
                    ("it", "Italian (Italiano)"),
                    ("ar", "Arabic (العربية)"),
                    ("pl", "Polish (Polski)"),
                    ("fr", "French (Français)"),
                    ("ur", "Urdu (اردو)"),
                    ("ase", "American Sign Language"),
                    ("other", "Another language"),
                ],
                max_length=10,
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="referral",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "referrals_referralhistory" ("assigned_reviewer_id", "consent_date", "consent_given_by", "consent_scopes", "county_of_residence_id", "created_at", "created_by_id", "decided_at", "due_at", "estimated_age", "first_encounter_date", "id", "industry", "industry_other", "interpreter_needed", "labor_trafficking", "legal_hold", "minor_at_referral", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preferred_language", "preferred_language_other", "public_id", "purged_at", "reference", "safe_to_call", "safe_to_text", "services_needed", "services_other", "sex_trafficking", "status", "submitted_at", "submitted_by_id", "trafficking_began", "trafficking_ended", "updated_at", "version") VALUES (NEW."assigned_reviewer_id", NEW."consent_date", NEW."consent_given_by", NEW."consent_scopes", NEW."county_of_residence_id", NEW."created_at", NEW."created_by_id", NEW."decided_at", NEW."due_at", NEW."estimated_age", NEW."first_encounter_date", NEW."id", NEW."industry", NEW."industry_other", NEW."interpreter_needed", NEW."labor_trafficking", NEW."legal_hold", NEW."minor_at_referral", NEW."organization_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."preferred_language", NEW."preferred_language_other", NEW."public_id", NEW."purged_at", NEW."reference", NEW."safe_to_call", NEW."safe_to_text", NEW."services_needed", NEW."services_other", NEW."sex_trafficking", NEW."status", NEW."submitted_at", NEW."submitted_by_id", NEW."trafficking_began", NEW."trafficking_ended", NEW."updated_at", NEW."version"); RETURN NULL;',
                    hash="79dfd13bfc0d960e8f8bcc383eafa6f60410dbac",
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
                    condition='WHEN (OLD."assigned_reviewer_id" IS DISTINCT FROM (NEW."assigned_reviewer_id") OR OLD."consent_date" IS DISTINCT FROM (NEW."consent_date") OR OLD."consent_given_by" IS DISTINCT FROM (NEW."consent_given_by") OR OLD."consent_scopes" IS DISTINCT FROM (NEW."consent_scopes") OR OLD."county_of_residence_id" IS DISTINCT FROM (NEW."county_of_residence_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."decided_at" IS DISTINCT FROM (NEW."decided_at") OR OLD."due_at" IS DISTINCT FROM (NEW."due_at") OR OLD."estimated_age" IS DISTINCT FROM (NEW."estimated_age") OR OLD."first_encounter_date" IS DISTINCT FROM (NEW."first_encounter_date") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."industry" IS DISTINCT FROM (NEW."industry") OR OLD."industry_other" IS DISTINCT FROM (NEW."industry_other") OR OLD."interpreter_needed" IS DISTINCT FROM (NEW."interpreter_needed") OR OLD."labor_trafficking" IS DISTINCT FROM (NEW."labor_trafficking") OR OLD."legal_hold" IS DISTINCT FROM (NEW."legal_hold") OR OLD."minor_at_referral" IS DISTINCT FROM (NEW."minor_at_referral") OR OLD."organization_id" IS DISTINCT FROM (NEW."organization_id") OR OLD."preferred_language" IS DISTINCT FROM (NEW."preferred_language") OR OLD."preferred_language_other" IS DISTINCT FROM (NEW."preferred_language_other") OR OLD."public_id" IS DISTINCT FROM (NEW."public_id") OR OLD."purged_at" IS DISTINCT FROM (NEW."purged_at") OR OLD."reference" IS DISTINCT FROM (NEW."reference") OR OLD."safe_to_call" IS DISTINCT FROM (NEW."safe_to_call") OR OLD."safe_to_text" IS DISTINCT FROM (NEW."safe_to_text") OR OLD."services_needed" IS DISTINCT FROM (NEW."services_needed") OR OLD."services_other" IS DISTINCT FROM (NEW."services_other") OR OLD."sex_trafficking" IS DISTINCT FROM (NEW."sex_trafficking") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."submitted_at" IS DISTINCT FROM (NEW."submitted_at") OR OLD."submitted_by_id" IS DISTINCT FROM (NEW."submitted_by_id") OR OLD."trafficking_began" IS DISTINCT FROM (NEW."trafficking_began") OR OLD."trafficking_ended" IS DISTINCT FROM (NEW."trafficking_ended") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "referrals_referralhistory" ("assigned_reviewer_id", "consent_date", "consent_given_by", "consent_scopes", "county_of_residence_id", "created_at", "created_by_id", "decided_at", "due_at", "estimated_age", "first_encounter_date", "id", "industry", "industry_other", "interpreter_needed", "labor_trafficking", "legal_hold", "minor_at_referral", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preferred_language", "preferred_language_other", "public_id", "purged_at", "reference", "safe_to_call", "safe_to_text", "services_needed", "services_other", "sex_trafficking", "status", "submitted_at", "submitted_by_id", "trafficking_began", "trafficking_ended", "updated_at", "version") VALUES (NEW."assigned_reviewer_id", NEW."consent_date", NEW."consent_given_by", NEW."consent_scopes", NEW."county_of_residence_id", NEW."created_at", NEW."created_by_id", NEW."decided_at", NEW."due_at", NEW."estimated_age", NEW."first_encounter_date", NEW."id", NEW."industry", NEW."industry_other", NEW."interpreter_needed", NEW."labor_trafficking", NEW."legal_hold", NEW."minor_at_referral", NEW."organization_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."preferred_language", NEW."preferred_language_other", NEW."public_id", NEW."purged_at", NEW."reference", NEW."safe_to_call", NEW."safe_to_text", NEW."services_needed", NEW."services_other", NEW."sex_trafficking", NEW."status", NEW."submitted_at", NEW."submitted_by_id", NEW."trafficking_began", NEW."trafficking_ended", NEW."updated_at", NEW."version"); RETURN NULL;',
                    hash="851f1e82218cc084aec17864194e06767dd0f259",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_223e7",
                    table="referrals_referral",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("preferred_language", "other"),
                    ("preferred_language_other", ""),
                    _connector="OR",
                ),
                name="referral_other_language_only_with_other",
            ),
        ),
    ]
