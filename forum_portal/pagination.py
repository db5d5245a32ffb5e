"""Pagination that stays fast deep into a long list."""

from django.core.paginator import Paginator


class DeferredJoinPaginator(Paginator):
    """Fetch a page's primary keys first, then only those rows.

    OFFSET 50,000 over full rows reads and discards 50,000 rows; over the ordering index's keys it is an
    index-only scan, and the page's 50 rows are then fetched by primary key. Needs an ordered queryset whose
    ordering an index covers (with the primary key last).
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.filter(pk__in=keys).order_by().in_bulk() if keys else {}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)
