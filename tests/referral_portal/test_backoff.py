"""The one exponential backoff (referral_portal.outbox.backoff), used by the outbox's own retries
and by webhook deliveries (routing.webhooks.backoff, tested in tests/routing/test_services.py)."""

import pytest

from referral_portal.outbox import backoff


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 10), (2, 20), (3, 40), (8, 1280), (9, 2560), (10, 3600), (30, 3600)],
)
def test_outbox_retries_wait_ten_seconds_doubling_up_to_an_hour(attempts, seconds):
    assert backoff(attempts).total_seconds() == seconds


def test_base_ceiling_and_jitter_are_the_callers():
    waits = [backoff(3, base=5, ceiling=15, jitter=0.2).total_seconds() for _ in range(200)]

    assert all(12 <= wait <= 18 for wait in waits)
    assert len(set(waits)) > 1  # spread, not one fixed value
