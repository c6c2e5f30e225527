"""The calendar rows, from 2000 to 2075, written from the portal's own business-day rules
(referral_portal.business_days: the State's public holidays and its Sunday-to-Monday rule).
When the State adds a holiday, change business_days.py and add a migration that calls load()
again: it rewrites every row."""

from datetime import date, timedelta

from django.db import migrations

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2075, 12, 31)


def load(apps, schema_editor):
    from referral_portal.business_days import is_business_day

    CalendarDay = apps.get_model("reports", "CalendarDay")
    rows, index, day = [], 0, FIRST_DAY
    while day <= LAST_DAY:
        business = is_business_day(day)
        index += business
        rows.append(CalendarDay(day=day, is_business_day=business, business_index=index))
        day += timedelta(days=1)
    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create(rows, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_business_day_functions")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
