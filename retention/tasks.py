"""Beat tasks for retention (daily). Thin: each calls a service and returns its counts."""

from celery import shared_task

from . import services


@shared_task(name="retention.tasks.purge_expired_referrals", ignore_result=True)
def purge_expired_referrals() -> int:
    return services.purge_due_referrals()


@shared_task(name="retention.tasks.clean_up_drafts", ignore_result=True)
def clean_up_drafts() -> dict[str, int]:
    return services.clean_up_drafts()
