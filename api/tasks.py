"""Thin Celery tasks of the api app."""

from celery import shared_task

from . import idempotency


@shared_task(name="api.tasks.forget_old_idempotency_records", ignore_result=True)
def forget_old_idempotency_records() -> int:
    """Beat, daily: delete Idempotency-Key records older than API_IDEMPOTENCY_DAYS."""
    return idempotency.forget_old_records()
