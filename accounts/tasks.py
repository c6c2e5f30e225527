"""Thin Celery tasks of the accounts app."""

from celery import shared_task

from . import services


@shared_task(name="accounts.tasks.disable_inactive_accounts", ignore_result=True)
def disable_inactive_accounts() -> int:
    """Beat, every 6 hours: disable accounts unused for ACCOUNT_INACTIVITY_DISABLE_DAYS."""
    return services.disable_inactive_accounts()
