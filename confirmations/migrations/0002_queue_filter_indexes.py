"""Indexes for the reviewers' queue filters on the referrals table.

The referrals app indexes status with due date (referral_queue_idx), the reviewer with status
(referral_reviewer_idx), the county (its foreign key) and the reference (unique). It has none
for the trafficking kind or the minor flag, so these partial indexes cover the queue's open
statuses only: small, and they keep "minors, by deadline" and "labor trafficking, by deadline"
fast at 100,000 referrals. Raw SQL, because the table belongs to another app: Django's model
state is untouched, so `makemigrations --check` stays clean for both apps.
"""

from django.db import migrations

QUEUE = "status IN ('submitted', 'info_requested', 'info_provided', 'appealed')"
INDEXES = {
    "review_queue_open_idx": "(due_at)",
    "review_queue_county_idx": "(county_of_residence_id, due_at)",
    "review_queue_kind_idx": "(sex_trafficking, labor_trafficking, due_at)",
    "review_queue_minor_idx": "(minor_at_referral, due_at)",
    "review_queue_reviewer_idx": "(assigned_reviewer_id, due_at)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("confirmations", "0001_initial"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON referrals_referral {columns} WHERE {QUEUE}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
