# The access log is now the access_log app's (its 0001 took the model over in the state and put
# its own append-only trigger on the table). Here the old trigger and its function are dropped and
# the model leaves referral_portal's state; the table, its rows, indexes and constraints stay
# untouched.

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("referral_portal", "0006_access_log_verify_notice"),
        ("access_log", "0001_initial"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="accesslog",
            name="access_log_append_only",
        ),
        # pgtrigger drops the trigger but leaves its function; nothing calls it any more.
        migrations.RunSQL(
            "DROP FUNCTION IF EXISTS pgtrigger_access_log_append_only_83b5d();",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AccessLog")],
            database_operations=[],
        ),
    ]
