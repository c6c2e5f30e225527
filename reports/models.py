"""The New York State business-day calendar as a table, so that PostgreSQL can count business
days inside the statistics queries instead of Python looping over rows.

Each day carries `business_index`: how many business days there have been from the start of the
table up to and including that day. The business days after one date up to and including a
later one are then one subtraction (reports/sql.py joins this table to the cases). The rows come
from referral_portal.business_days, the calendar the decision clock itself uses.
"""

from django.db import models


class CalendarDay(models.Model):
    day = models.DateField(primary_key=True)
    is_business_day = models.BooleanField()
    business_index = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]
        indexes = [
            # The n-th business day (a deadline) is found by its index.
            models.Index(
                fields=["business_index"],
                condition=models.Q(is_business_day=True),
                name="calendar_business_index_idx",
            )
        ]

    def __str__(self):
        return f"{self.day} ({'business day' if self.is_business_day else 'closed'})"
