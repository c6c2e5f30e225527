"""Outbox handlers of the portal itself."""

import os
import socket

from . import outbox
from .models import WorkerHeartbeat


@outbox.handler("portal.heartbeat")
def heartbeat():
    """Round trip through the outbox, the broker and a worker, proven by a database row."""
    WorkerHeartbeat.objects.create(hostname=socket.gethostname(), pid=os.getpid())
