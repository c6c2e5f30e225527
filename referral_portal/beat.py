"""One active Celery beat, however many are started (CELERY_BEAT_SCHEDULER).

With several machines each may start `celery beat`; only one may send the periodic tasks, or
every deadline reminder and purge would run once per machine. Before each tick the scheduler
holds a PostgreSQL session-level advisory lock on a connection of its own. The beat that gets it
is active; the others log "standby" and try again every BEAT_STANDBY_RETRY_SECONDS. The lock
belongs to the database session, so when the active beat dies (or loses its connection) the
server ends the session, the lock is free, and a standby takes over at its next attempt.

PostgreSQL rather than Redis: the lock lives where the data lives, so a Redis restart cannot
give two beats the lock at once, and a beat that cannot reach the database has nothing useful
to schedule anyway. The periodic tasks are idempotent (outbox rows, row locks), so the short
overlap a network partition could cause before the server drops the old session does no harm.
"""

import contextlib
import glob
import logging
import os

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connections

logger = logging.getLogger(__name__)

# Any fixed 64-bit number, the same for every beat of this portal ("portalbt" in ASCII).
# Advisory locks are per database, so another portal on the same server does not compete.
LOCK_KEY = 0x706F7274616C6274


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self._lock_connection = None
        self._active = None  # unknown until the first attempt; logged on every change
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self._holds_lock():
            self._show_alive()
            return settings.BEAT_STANDBY_RETRY_SECONDS
        return super().tick(*args, **kwargs)

    def close(self):
        self._disconnect()  # releases the lock at once for a standby
        super().close()

    def _holds_lock(self) -> bool:
        try:
            if self._active and self._lock_connection is not None:
                # A session-level lock lasts as long as the session: alive means still ours.
                active = self._lock_connection.is_usable()
                if not active:
                    self._disconnect()
            else:
                active = self._try_lock()  # the standby keeps its connection for the next try
        except DatabaseError:
            self._disconnect()
            active = False
        self._report(active)
        return active

    def _try_lock(self) -> bool:
        if self._lock_connection is None:
            # Not the thread's shared connection: this one must stay open exactly as long as
            # the lock is held, whatever CONN_MAX_AGE does to the others.
            self._lock_connection = connections.create_connection("default")
        with self._lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            return bool(cursor.fetchone()[0])

    def _show_alive(self):
        # The container health check (deploy/healthcheck.py) reads the schedule file's age as
        # beat's heartbeat; a standby sends nothing, so it touches the file to show it is alive.
        for path in glob.glob(glob.escape(self.schedule_filename) + "*"):
            with contextlib.suppress(OSError):
                os.utime(path)

    def _disconnect(self):
        if self._lock_connection is not None:
            with contextlib.suppress(DatabaseError):
                self._lock_connection.close()
            self._lock_connection = None

    def _report(self, active: bool):
        if active == self._active:
            return
        self._active = active
        if active:
            logger.info("beat lock: active, this beat sends the periodic tasks")
        else:
            logger.info(
                "beat lock: standby, another beat is active (or the database is unreachable); "
                "retrying every %s s",
                settings.BEAT_STANDBY_RETRY_SECONDS,
            )
