"""The SQL the figures need beyond Django's built-ins: business-day counts (functions created
by migrations/0002 over the calendar table) and percentiles (PERCENTILE_CONT)."""

from django.db.models import Aggregate, DateTimeField, FloatField, Func, IntegerField, Value


class BusinessDays(Func):
    """Business days after the New York date of `start` up to and including that of `finish`."""

    function = "reports_business_days"
    output_field = IntegerField()

    def __init__(self, start, finish):
        super().__init__(start, finish)


class ClockDue(Func):
    """When a decision clock of `days` business days started at `received` ran out."""

    function = "reports_clock_due"
    output_field = DateTimeField()

    def __init__(self, received, days: int):
        super().__init__(received, Value(int(days)))


class Percentile(Aggregate):
    """The continuous percentile (0.5: the median) of an expression, NULLs left out."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)
