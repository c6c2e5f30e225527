"""The statistics count business days by joining the calendar table (reports/sql.py), so the
SQL functions of migration 0002 are no longer used: a function that reads a table cannot be
inlined, and PostgreSQL ran one call per case. Reversing this migration creates them again."""

from importlib import import_module

from django.db import migrations

functions = import_module("reports.migrations.0002_business_day_functions")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_load_calendar")]

    operations = [migrations.RunSQL(functions.DROP, functions.FUNCTIONS)]
