"""Idempotency-Key records are kept API_IDEMPOTENCY_DAYS, then the daily beat task deletes
them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from api.models import IdempotencyRecord
from api.tasks import forget_old_idempotency_records

pytestmark = pytest.mark.django_db


def record(client, key, age):
    return IdempotencyRecord.objects.create(
        client=client,
        key=key,
        fingerprint="0" * 64,
        status_code=201,
        body={},
        created_at=timezone.now() - age,
    )


def test_records_older_than_the_setting_are_deleted_by_the_daily_task(referrer_api, settings):
    settings.API_IDEMPOTENCY_DAYS = 7
    record(referrer_api.client, "old-key-0001", timedelta(days=7, hours=1))
    record(referrer_api.client, "new-key-0001", timedelta(days=6, hours=23))

    result = forget_old_idempotency_records.apply()

    assert result.get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new-key-0001"]


def test_the_task_is_on_the_beat_schedule_once_a_day():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "api.tasks.forget_old_idempotency_records"
    ]
    assert entry["schedule"] == 24 * 3600.0
