"""Page numbers over a list that grows for ever (decision 0035).

A ``Paginator`` counts every row to number its pages: on an archive of millions of closed
cases that count is the page's cost. ``CappedPaginator`` counts at most ``cap`` rows past
the first; beyond them the page says "more than" and the person narrows the list with its
filters instead of paging to the millionth row."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        """At most ``cap`` + 1: the ``LIMIT`` inside the count stops the scan there."""
        rows: Any = self.object_list  # a queryset (``Paginator`` types it as any sequence)
        return rows.order_by()[: self.cap + 1].count()  # any cap + 1 rows: no order to follow

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.count > self.cap

    @property
    def pages_counted(self) -> int:
        """The whole pages within the rows counted (what "more than" refers to)."""
        return self.cap // self.per_page
