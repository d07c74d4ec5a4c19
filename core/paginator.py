"""Pages of long lists that never count more rows than a person would page through."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class KeysFirstPaginator(Paginator):
    """Reads a page of a queryset keys first: its order (a search ranking every match) is worked
    out on the keys alone, then only the page's rows are read, with their joins and prefetches.
    One query more, and the dear one reads narrow rows."""

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            keys = list(object_list.values_list("pk", flat=True))
            rows = self.object_list.order_by().in_bulk(keys)
            # A row changed between the two reads so that it left the list is left out.
            object_list = [rows[key] for key in keys if key in rows]
        return super()._get_page(object_list, number, paginator)


class CappedPaginator(KeysFirstPaginator):
    """Counts at most `cap` rows (one COUNT over a LIMIT): past the cap the list says
    "1,000+" and offers the pages up to it, as search engines do."""

    def __init__(self, object_list, per_page, *, cap=1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self):
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # How many there are does not depend on their order, and ordering every match
            # (ranking a search for a common word) only to count them is the dear part.
            rows = rows.order_by()
        found = rows[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)

    capped = False


def known_count_paginator(object_list, per_page, count):
    """A paginator whose count is already known (from an aggregate the page ran anyway)."""
    paginator = Paginator(object_list, per_page)
    paginator.count = count
    return paginator


def first_rows(queryset, size):
    """The first `size` rows of a list another record's page shows an excerpt of, and whether
    there are more (for a link to the whole list), in one query: it reads one row more."""
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size
