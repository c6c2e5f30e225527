"""Figures as of a minute ago: the statistics and the scorecards are computed at most once a
minute for each set of filters and kept in the cache (Redis, referral_portal/cache.py), so that
a crowd of readers costs one computation rather than one each.

A stored result is served for REPORTS_FIGURES_MAX_AGE_SECONDS after the moment it was computed.
After that the first request to ask takes a short lock (`cache.add`) and computes; requests that
arrive meanwhile are served the previous result (stale while it is brought up to date) rather
than each computing again. Every page, scorecard and export says when its figures were computed
(`Figures.note`, `Figures.as_of`), and an export serves the figures of the page it came from.
0 seconds: nothing is stored, every request computes.

A result is keyed by what it shows: the filters (period and its label, places, referrer kind)
and the scope, the state team's statistics or one organization's scorecard. Who may see a
scope is decided before the store is asked (referral_portal/access.py, reports.scorecards), so
the store never chooses an organization. The drill-down lists cases live and is not stored.
"""

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from referral_portal import times
from referral_portal.periodic import describe

from . import scorecards
from .filters import ReportFilterForm, ReportFilters
from .statistics import statistics as compute_statistics

# Part of every key: change it when the stored objects change shape, so that a new release
# never reads what an old one stored.
FORMAT = 2
# A result is kept this long (in Redis time) to serve while it is being brought up to date;
# whether it is fresh is decided by the moment it was computed, not by this.
KEEP_SECONDS = 24 * 3600
# A computation that died frees its lock after this.
LOCK_SECONDS = 60
# With nothing stored at all, a request waits this long for the one computing before it
# computes itself.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1
STATISTICS = "statistics"


@dataclass(frozen=True)
class Figures:
    """A computed result (a Statistics, or a scorecard's table and rows) and when it was."""

    value: object
    computed_at: datetime
    # Names this one computation: the statistics page keeps its drawn tables under it.
    computation: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def as_of(self) -> str:
        """The moment, in the portal's time format: the time alone on the day it was computed
        ("10:32 a.m."), the date too after that."""
        if timezone.localdate(self.computed_at) == timezone.localdate():
            return times.when(self.computed_at, "time")
        return times.when(self.computed_at)

    @property
    def note(self) -> str:
        as_of = self.as_of  # "10:32 a.m." ends its own sentence
        return f"Figures as of {as_of}{'' if as_of.endswith('.') else '.'} {every()}"


def max_age() -> int:
    return settings.REPORTS_FIGURES_MAX_AGE_SECONDS


def every() -> str:
    """How often figures are brought up to date, in words."""
    seconds = max_age()
    if seconds <= 0:
        return "They are computed each time the page is opened."
    return f"They are brought up to date {describe(timedelta(seconds=seconds))}."


def scorecard_scope(organization, kind: str) -> str:
    return f"scorecard:{kind}:{organization.pk}"


def key(scope: str, filters: ReportFilters) -> str:
    described = f"{FORMAT}|{scope}|{filters.period_label}|{filters.for_log()}"
    return f"reports:figures:{hashlib.sha256(described.encode()).hexdigest()[:40]}"


def _lock(cache_key: str) -> str:
    return f"{cache_key}:computing"


def _fresh(stored: Figures | None) -> bool:
    if stored is None:
        return False
    age = timezone.now() - stored.computed_at
    return timedelta(0) <= age < timedelta(seconds=max_age())


def _compute(compute: Callable[[datetime], object]) -> Figures:
    now = timezone.now()
    return Figures(compute(now), now)


def _compute_and_store(cache_key: str, compute) -> Figures:
    figures = _compute(compute)
    cache.set(cache_key, figures, timeout=KEEP_SECONDS)
    return figures


def _wait_for(cache_key: str) -> Figures | None:
    for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
        time.sleep(POLL_SECONDS)
        stored = cache.get(cache_key)
        if stored is not None:
            return stored
        if cache.get(_lock(cache_key)) is None:  # the computation ended without a result
            return None
    return None


def figures(scope: str, filters: ReportFilters, compute) -> Figures:
    """The stored result while fresh; else compute it (one request at a time per key) and
    store it. `compute(now)` returns the result as of `now`."""
    if max_age() <= 0:
        return _compute(compute)
    cache_key = key(scope, filters)
    stored = cache.get(cache_key)
    if _fresh(stored):
        return stored
    if cache.add(_lock(cache_key), 1, timeout=LOCK_SECONDS):
        try:
            return _compute_and_store(cache_key, compute)
        finally:
            cache.delete(_lock(cache_key))
    if stored is not None:
        return stored  # another request is bringing it up to date
    return _wait_for(cache_key) or _compute_and_store(cache_key, compute)


def refresh(scope: str, filters: ReportFilters, compute) -> Figures:
    """Compute now and store, whatever is stored ("Bring up to date now", the beat task)."""
    if max_age() <= 0:
        return _compute(compute)
    return _compute_and_store(key(scope, filters), compute)


# --- what is stored ----------------------------------------------------------------------------
def _statistics(filters: ReportFilters):
    return lambda now: compute_statistics(filters, now)


def statistics(filters: ReportFilters) -> Figures:
    """The statistics page's tables (also its exports and the Task Force PDF)."""
    return figures(STATISTICS, filters, _statistics(filters))


def refresh_statistics(filters: ReportFilters) -> Figures:
    return refresh(STATISTICS, filters, _statistics(filters))


def default_filters() -> ReportFilters:
    """The statistics page opened with no filters: the current year."""
    return ReportFilterForm().filters()


def scorecard(organization, kind: str, filters: ReportFilters) -> Figures:
    """One organization's scorecard (its table and released rows), stored for it alone."""

    def compute(now):
        if kind == scorecards.RECEIVING:
            return scorecards.receiving_scorecard(organization, filters, now)
        return scorecards.referring_scorecard(organization, filters)

    return figures(scorecard_scope(organization, kind), filters, compute)
