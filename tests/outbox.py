"""The outbox run here and now, through the real relay and process functions of
referral_portal/outbox.py, as the beat relay and a worker would run it. Tests reach this through
the `drain_outbox` fixture (tests/conftest.py); helper modules import `drain`. The worker-process
tests (tests/routing/test_worker.py, tests/referral_portal/test_worker.py) run the same code in a
real Celery worker instead."""

from referral_portal import outbox
from referral_portal.models import OutboxMessage

Status = OutboxMessage.Status


def drain(kind: str | None = None, *, all_done: bool = False, rounds: int = 50) -> int:
    """Relay and process every due message until none is due (handlers may enqueue more).
    With `kind`, only messages of that kind run; the relay hands the others back, pending.
    With `all_done`, every message run must finish done. Returns how many messages ran."""
    ran: list[str] = []

    def send(ids: list[str]) -> None:
        kinds = dict(OutboxMessage.objects.filter(pk__in=ids).values_list("pk", "kind"))
        chosen = [i for i in ids if kind is None or kinds[_pk(i)] == kind]
        outbox._unclaim(set(ids) - set(chosen))
        for message_id in chosen:
            status = outbox.process(message_id)
            assert not all_done or status == Status.DONE, (kinds[_pk(message_id)], status)
            ran.append(message_id)

    for _ in range(rounds):
        before = len(ran)
        outbox.relay(send)
        if len(ran) == before:
            return len(ran)
    raise AssertionError("the outbox never drained")


def _pk(message_id: str):
    return OutboxMessage._meta.pk.to_python(message_id)
