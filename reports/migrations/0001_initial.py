from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("day", models.DateField(primary_key=True, serialize=False)),
                ("is_business_day", models.BooleanField()),
                ("business_index", models.PositiveIntegerField()),
            ],
            options={
                "ordering": ["day"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("is_business_day", True)),
                        fields=["business_index"],
                        name="calendar_business_index_idx",
                    )
                ],
            },
        ),
    ]
