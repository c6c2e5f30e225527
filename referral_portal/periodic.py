"""The beat schedule as an operator sees it: each entry's task, how often it should run, when
it last ran, and whether it has missed its runs.

Runs are recorded by Celery signals in the worker, for every task whose name appears in
settings.CELERY_BEAT_SCHEDULE (whoever started it: beat, or an administrator by hand). One
upsert per signal, so a task that runs every ten seconds costs two small writes a run.
Imported by ReferralPortalConfig.ready(), so web and worker processes both connect the signals.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import signals
from celery.schedules import crontab
from celery.schedules import schedule as interval_schedule
from django.conf import settings
from django.utils import timezone

from .models import PeriodicTaskRun

logger = logging.getLogger(__name__)


def scheduled_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def _record(task_name: str, **fields) -> None:
    if task_name not in scheduled_task_names():
        return
    try:
        # INSERT ... ON CONFLICT (task) DO UPDATE: one statement, no read first, no race
        # between two workers running the same task.
        PeriodicTaskRun.objects.bulk_create(
            [PeriodicTaskRun(task=task_name, **fields)],
            update_conflicts=True,
            unique_fields=["task"],
            update_fields=list(fields),
        )
    except Exception:  # noqa: BLE001 - monitoring must never stop the work it watches
        logger.warning("could not record a run of periodic task %s", task_name)


@signals.task_prerun.connect(dispatch_uid="portal.periodic.started")
def _task_started(sender=None, **kwargs):
    _record(sender.name, last_started_at=timezone.now(), last_status="started")


@signals.task_postrun.connect(dispatch_uid="portal.periodic.finished")
def _task_finished(sender=None, state=None, **kwargs):
    # task_postrun follows task_failure too and carries the outcome ("SUCCESS", "FAILURE",
    # "RETRY"), so one handler records both ends without a separate failure handler.
    _record(sender.name, last_finished_at=timezone.now(), last_status=(state or "").lower())


@signals.worker_ready.connect(dispatch_uid="portal.periodic.first_heartbeat")
def _first_heartbeat(sender=None, **kwargs):
    """A heartbeat as soon as a worker starts, rather than a minute later when beat asks."""
    try:
        sender.app.send_task("referral_portal.tasks.record_heartbeat")
    except Exception:  # noqa: BLE001 - the scheduled heartbeat follows within a minute
        logger.warning("could not queue the first worker heartbeat")


def _next_run(schedule, after: datetime) -> datetime | None:
    """When the schedule fires next after a given time (None: a kind we cannot predict)."""
    if isinstance(schedule, int | float):
        return after + timedelta(seconds=schedule)
    if isinstance(schedule, timedelta):
        return after + schedule
    if isinstance(schedule, crontab):
        start, delta, _now = schedule.remaining_delta(after)
        return start + delta
    if isinstance(schedule, interval_schedule):
        return after + schedule.run_every
    return None


def _two_runs_after(schedule, after: datetime) -> tuple[datetime, datetime] | None:
    first = _next_run(schedule, after)
    if first is None:
        return None
    return first, _next_run(schedule, first)


def describe(period: timedelta | None) -> str:
    if period is None:
        return "irregular"
    seconds = round(period.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"every {unit}" if count == 1 else f"every {count} {unit}s"
    return f"every {seconds} second{'s' if seconds != 1 else ''}"


@dataclass(frozen=True)
class ScheduledTask:
    entry: str  # the key in CELERY_BEAT_SCHEDULE
    task: str
    period: timedelta | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_status: str
    # Missed two scheduled runs in a row: "not run for twice its interval". A task with no
    # recorded run is not stale (a daily task on a new deployment has simply not come round).
    stale: bool

    @property
    def every(self) -> str:
        return describe(self.period)


def scheduled_tasks(now: datetime) -> list[ScheduledTask]:
    """Every beat schedule entry with its last recorded run, in one query."""
    runs = {
        run.task: run for run in PeriodicTaskRun.objects.filter(task__in=scheduled_task_names())
    }
    tasks = []
    for entry, spec in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        run = runs.get(spec["task"])
        upcoming = _two_runs_after(spec["schedule"], now)
        started = run.last_started_at if run else None
        missed = _two_runs_after(spec["schedule"], started) if started else None
        tasks.append(
            ScheduledTask(
                entry=entry,
                task=spec["task"],
                period=upcoming[1] - upcoming[0] if upcoming else None,
                last_started_at=started,
                last_finished_at=run.last_finished_at if run else None,
                last_status=run.last_status if run else "",
                stale=bool(missed and now > missed[1]),
            )
        )
    return tasks
