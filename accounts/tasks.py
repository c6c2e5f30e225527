"""Thin Celery tasks of the accounts app."""

from celery import shared_task

from . import services, signin_delays


@shared_task(name="accounts.tasks.disable_inactive_accounts", ignore_result=True)
def disable_inactive_accounts() -> int:
    """Beat, every 6 hours: disable accounts unused for ACCOUNT_INACTIVITY_DISABLE_DAYS."""
    return services.disable_inactive_accounts()


@shared_task(name="accounts.tasks.forget_old_sign_in_failures", ignore_result=True)
def forget_old_sign_in_failures() -> int:
    """Beat, hourly: delete sign-in failure counts that no longer delay anyone."""
    return signin_delays.forget_old_failures()
