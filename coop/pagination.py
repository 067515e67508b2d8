from django.core.paginator import Paginator
from django.utils.functional import cached_property


class PageByIds(Paginator):
    """Counts and slices cheap ids, and makes each page ``rows(ids)``: the page's rows picked
    by their ids. With a plain OFFSET the database works out every computed column (a
    correlated count) of the rows it skips as well (bench/README.md). The ids are read first
    and passed as a list: as an IN (subquery … LIMIT) the plan hung on fresh statistics, and
    with stale ones the sorted ids were read again for every member of the cooperative."""

    def __init__(self, ids, per_page, rows, **kwargs):
        super().__init__(ids, per_page, **kwargs)
        self.rows = rows

    def _get_page(self, ids, number, paginator):
        return super()._get_page(self.rows(list(ids)), number, paginator)


class QuerysetByIds(PageByIds):
    """``PageByIds`` over one queryset: its ids in its order, then the page's rows by those ids
    (with the queryset's annotations, joins and prefetches). What a DRF pagination class takes
    as ``django_paginator_class``."""

    def __init__(self, rows, per_page, **kwargs):
        super().__init__(
            rows.values_list("pk", flat=True),
            per_page,
            lambda ids: rows.filter(pk__in=ids),
            **kwargs,
        )


class CappedCount:
    """A paginator that counts no further than it must: up to ``AHEAD`` pages past the one
    asked for (a ``COUNT`` over a LIMITed subquery), so a search that finds half the province
    costs what its page costs. ``more`` says the count stopped there: the page says "more than"
    that number rather than a total it did not count."""

    AHEAD = 10
    MOST_PAGES = 1000  # ?page=10**9 counts no further than this
    asked = 1
    more = False

    def validate_number(self, number):
        try:
            self.asked = min(max(int(number), 1), self.MOST_PAGES)
        except (TypeError, ValueError):
            pass  # Paginator's own check answers for it
        return super().validate_number(number)

    @cached_property
    def count(self):
        # At least the page after the one asked for, so "next" is offered when there is one.
        most = (self.asked + max(self.AHEAD, 1)) * self.per_page
        rows = self.object_list
        # The order does not change how many there are, and without it the database stops at
        # the limit instead of sorting every match first.
        rows = rows.order_by() if hasattr(rows, "order_by") else rows
        found = rows[: most + 1].count()
        self.more = found > most
        return min(found, most)


class CappedPageByIds(CappedCount, PageByIds):
    pass


class CappedPaginator(CappedCount, Paginator):
    pass
