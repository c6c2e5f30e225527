"""/metrics: the operator's figures in the Prometheus text format, for a scraper that sends
`Authorization: Bearer <METRICS_TOKEN>`.

Without the setting, or without the right token, the answer is a plain 404, so the endpoint
does not advertise itself. The access table lists it as public because this view checks the
token itself. Label values are host names, task names and states: nothing personal.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache

from .operations import Figures, figures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def has_metrics_token(request) -> bool:
    """Whether the request carries the configured bearer token (never, when none is set)."""
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def require_metrics_token(request) -> None:
    if not has_metrics_token(request):
        raise Http404


def _escape(value: str) -> str:
    # The exposition format's label escapes: backslash, double quote and line feed.
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(round(float(value), 3))


class _Exposition:
    def __init__(self):
        self.lines: list[str] = []

    def gauge(self, name: str, help_text: str, samples: list[tuple[dict[str, str], float]]):
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
        for labels, value in samples:
            rendered = ",".join(f'{key}="{_escape(text)}"' for key, text in labels.items())
            self.lines.append(
                f"{name}{{{rendered}}} {_number(value)}" if rendered else f"{name} {_number(value)}"
            )

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def exposition(data: Figures) -> str:
    # One sample per task name, even if two schedule entries were to run the same task.
    tasks = {task.task: task for task in data.periodic_tasks}.values()
    out = _Exposition()
    out.gauge(
        "portal_outbox_messages",
        "Outbox messages not yet done, by status.",
        [
            ({"status": "pending"}, data.outbox_pending),
            ({"status": "dispatched"}, data.outbox_dispatched),
            ({"status": "failed"}, data.outbox_failed),
        ],
    )
    out.gauge(
        "portal_outbox_oldest_pending_seconds",
        "Age of the oldest pending outbox message that is due (0 when none is).",
        [({}, data.oldest_pending_seconds or 0)],
    )
    out.gauge(
        "portal_routing_deliveries",
        "Routing deliveries by state.",
        [({"state": state}, count) for state, count in data.deliveries.items()],
    )
    out.gauge(
        "portal_worker_heartbeat_age_seconds",
        "Seconds since each worker host's latest heartbeat (hosts seen in the last 10 minutes).",
        [({"hostname": beat.hostname}, beat.age_seconds) for beat in data.heartbeats],
    )
    out.gauge(
        "portal_broker_up",
        "Whether the Celery broker answered within a second (1) or not (0).",
        [({}, int(data.queue_length is not None))],
    )
    out.gauge(
        "portal_celery_queue_length",
        "Task messages waiting in the default Celery queue (absent when the broker is down).",
        [({}, data.queue_length)] if data.queue_length is not None else [],
    )
    out.gauge(
        "portal_periodic_task_last_run_timestamp_seconds",
        "When each scheduled task last started, as a Unix time (absent before its first run).",
        [
            ({"task": task.task}, task.last_started_at.timestamp())
            for task in tasks
            if task.last_started_at
        ],
    )
    out.gauge(
        "portal_periodic_task_stale",
        "Whether each scheduled task has missed two scheduled runs in a row (1) or not (0).",
        [({"task": task.task}, int(task.stale)) for task in tasks],
    )
    return out.text()


@never_cache
def metrics(request):
    require_metrics_token(request)
    return HttpResponse(exposition(figures()), content_type=CONTENT_TYPE)
