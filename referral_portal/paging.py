"""Pages of lists that grow without end (the access log, the deliveries): counted up to a cap.

An exact COUNT(*) reads every row the filters match, so its cost grows with the table; past
a few hundred thousand rows it took longer than drawing the page. Counting up to `cap` + 1
rows costs the same whatever the size. Beyond the cap the page says "more than", and the
filters narrow the list; the newest rows are read from an index either way.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
