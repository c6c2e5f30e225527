"""SQL functions over the calendar table (reports.models.CalendarDay).

reports_business_days(start, finish): the New York State business days after the day of
`start` up to and including the day of `finish`, both read as New York dates. Same day: 0;
Friday to Monday: 1; a holiday in between is not counted. NULL when either is NULL.

reports_clock_due(received, n): when the decision clock started at `received` ran out, as the
referrals app computes it (referral_portal.business_days.add_business_days): day 1 is the day of
receipt if that is a business day and it is before 5 pm in New York, else the next business day;
due at 5 pm New York time on the n-th business day.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION reports_business_index(d date) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT business_index FROM reports_calendarday WHERE day = d
$$;

CREATE OR REPLACE FUNCTION reports_business_days(start timestamptz, finish timestamptz)
RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN start IS NULL OR finish IS NULL THEN NULL ELSE greatest(
        reports_business_index((finish AT TIME ZONE 'America/New_York')::date)
        - reports_business_index((start AT TIME ZONE 'America/New_York')::date),
        0) END
$$;

CREATE OR REPLACE FUNCTION reports_clock_due(received timestamptz, n integer)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (due.day + time '17:00') AT TIME ZONE 'America/New_York'
    FROM reports_calendarday AS arrival, reports_calendarday AS due
    WHERE arrival.day = (received AT TIME ZONE 'America/New_York')::date
      AND due.is_business_day
      AND due.business_index = arrival.business_index + n - 1 + CASE
          WHEN arrival.is_business_day
               AND (received AT TIME ZONE 'America/New_York')::time < time '17:00' THEN 0
          ELSE 1 END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS reports_clock_due(timestamptz, integer);
DROP FUNCTION IF EXISTS reports_business_days(timestamptz, timestamptz);
DROP FUNCTION IF EXISTS reports_business_index(date);
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
