from django.core.paginator import Paginator


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
