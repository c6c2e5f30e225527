"""Thin Celery tasks of the reports app."""

from celery import shared_task

from . import freshness


@shared_task(name="reports.tasks.bring_default_statistics_up_to_date", ignore_result=True)
def bring_default_statistics_up_to_date() -> None:
    """Beat, every minute: compute the statistics page as it opens with no filters (the current
    year) and store it, so that the first reader after a quiet spell does not wait for it."""
    if freshness.max_age() > 0:
        freshness.refresh_statistics(freshness.default_filters())
