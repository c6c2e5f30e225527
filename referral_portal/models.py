import uuid

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A side effect (e-mail, delivery, notice) written in the same transaction as the change
    that causes it, and carried out by Celery. Payloads hold ids only, never personal data."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DISPATCHED = "dispatched", "Sent to a worker"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    available_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "available_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.kind} {self.id} ({self.status})"


class WorkerHeartbeat(models.Model):
    """Written by a Celery worker: proof that a worker can reach the database."""

    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The operator's page and /healthz/detail read the latest beats; the beat task prunes
        # old ones. Both filter on the time.
        indexes = [models.Index(fields=["at"], name="heartbeat_at_idx")]

    def __str__(self):
        return f"{self.hostname} at {self.at:%Y-%m-%d %H:%M:%S}"


class PeriodicTaskRun(models.Model):
    """When each task of the beat schedule last started and finished, one row per task name,
    written by Celery signals in the worker (referral_portal/operations.py)."""

    task = models.CharField(max_length=200, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)

    def __str__(self):
        return f"{self.task} ({self.last_status or 'never run'})"


class County(models.Model):
    """One of New York's 62 counties; loaded by a data migration."""

    fips = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "counties"

    def __str__(self):
        return self.name
