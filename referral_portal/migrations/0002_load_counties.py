from django.db import migrations

from referral_portal.counties import COUNTIES


def load(apps, schema_editor):
    County = apps.get_model("referral_portal", "County")
    for fips, name in COUNTIES:
        County.objects.update_or_create(fips=fips, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("referral_portal", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
