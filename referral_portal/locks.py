"""One way to lock a row before changing it: `lock_row(Model, pk)` inside `transaction.atomic()`.

The row is read with SELECT ... FOR UPDATE and stays locked until the transaction ends, so a
service reads it, checks its rule, writes and records the event while nobody else can do the same
in between (`referrals/services.py` `withdraw_referral` is the pattern). Outside a transaction
Django refuses the query, so a lock that would end at once cannot be taken by mistake.

Pass a queryset instead of a model to lock a narrower or joined read; with `select_related`
across a nullable relation, `of=("self",)` locks the row itself only (PostgreSQL cannot lock the
empty side of an outer join).
"""

from django.db import models


def _rows(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def lock_row(model_or_queryset, pk, *, of: tuple[str, ...] = (), skip_locked: bool = False):
    """The row with primary key `pk`, locked until the transaction ends. Raises the model's
    DoesNotExist when there is no such row (or, with `skip_locked`, another transaction holds
    it)."""
    rows = _rows(model_or_queryset).select_for_update(of=of, skip_locked=skip_locked)
    return rows.get(pk=pk)


def lock_row_or_none(model_or_queryset, pk, *, of: tuple[str, ...] = (), skip_locked: bool = False):
    """As `lock_row`, but None when the row is gone (or, with `skip_locked`, held elsewhere)."""
    rows = _rows(model_or_queryset).select_for_update(of=of, skip_locked=skip_locked)
    return rows.filter(pk=pk).first()
