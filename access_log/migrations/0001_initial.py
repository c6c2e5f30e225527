# The access log moved here from referral_portal (its 0003, 0005 and 0006 made the table). The
# table, its indexes and its constraints stay as they are: the model is created in the state
# only. Only the append-only trigger is installed again, under the id pgtrigger derives from the
# new app label; referral_portal 0007 then drops the old one, so the table is never unprotected.

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0005_organization_status_state_machine"),
        ("referral_portal", "0006_access_log_verify_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccessLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("role", models.CharField(blank=True, max_length=20)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("view_referral", "Viewed a referral"),
                                    ("view_case", "Viewed a case"),
                                    ("download_attachment", "Downloaded an attachment"),
                                    ("download_notice", "Downloaded a notice"),
                                    ("print", "Printed"),
                                    ("search", "Searched"),
                                    ("export", "Exported"),
                                    ("break_glass", "Opened a case under break-glass access"),
                                    ("verify_notice", "Verified a notice online"),
                                ],
                                max_length=30,
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[("allowed", "Allowed"), ("denied", "Denied")],
                                default="allowed",
                                max_length=10,
                            ),
                        ),
                        ("object_type", models.CharField(blank=True, max_length=40)),
                        ("object_public_id", models.UUIDField(blank=True, null=True)),
                        ("referral_public_id", models.UUIDField(blank=True, null=True)),
                        ("referral_reference", models.CharField(blank=True, max_length=40)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("user_agent", models.CharField(blank=True, max_length=200)),
                        ("request_id", models.CharField(blank=True, max_length=64)),
                        ("detail", models.CharField(blank=True, max_length=200)),
                        (
                            "organization",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "referral_portal_accesslog",
                        "ordering": ["-at", "-id"],
                        "indexes": [
                            models.Index(fields=["-at"], name="accesslog_at_idx"),
                            models.Index(fields=["user", "-at"], name="accesslog_user_at_idx"),
                            models.Index(
                                fields=["organization", "-at"], name="accesslog_org_at_idx"
                            ),
                            models.Index(
                                fields=["referral_public_id", "-at"],
                                name="accesslog_referral_at_idx",
                            ),
                            models.Index(
                                fields=["referral_reference"], name="accesslog_reference_idx"
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "action__in",
                                        [
                                            "view_referral",
                                            "view_case",
                                            "download_attachment",
                                            "download_notice",
                                            "print",
                                            "search",
                                            "export",
                                            "break_glass",
                                            "verify_notice",
                                        ],
                                    )
                                ),
                                name="accesslog_action_known",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("outcome__in", ["allowed", "denied"])),
                                name="accesslog_outcome_known",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="accesslog",
            trigger=pgtrigger.compiler.Trigger(
                name="access_log_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="33d55f5cb94531e717954547fe598be08de65e59",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_access_log_append_only_29b0b",
                    table="referral_portal_accesslog",
                    when="BEFORE",
                ),
            ),
        ),
    ]
