"""Pages of long lists that never count more rows than a person would page through."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (one COUNT over a LIMIT): past the cap the list says
    "1,000+" and offers the pages up to it, as search engines do."""

    def __init__(self, object_list, per_page, *, cap=1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self):
        found = self.object_list[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)

    capped = False


def known_count_paginator(object_list, per_page, count):
    """A paginator whose count is already known (from an aggregate the page ran anyway)."""
    paginator = Paginator(object_list, per_page)
    paginator.count = count
    return paginator
