"""Give each timeline event a public id: its encrypted note is bound to it (referral_portal.fields).

Existing rows get a random id here; their notes stay in the column-bound "v1:" format until
`manage.py reencrypt_fields` rewrites them (docs/key-rotation.md).
"""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_preferred_language_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="referralevent",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE referrals_referralevent SET public_id = gen_random_uuid() "
            "WHERE public_id IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
