# The id of the blind-index key that computed a referral's name and date-of-birth indexes, so
# the key can rotate (referral_portal/blind_indexes.py). Existing rows keep "": the single
# BLIND_INDEX_KEY that computed them.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_queue_filter_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="blind_index_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=16),
        ),
    ]
