"""Pages of long lists: a capped count that does not order, and pages read keys first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paginator import CappedPaginator, KeysFirstPaginator
from memberstates.models import SMEBody
from tests.factories import SMEBodyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies():
    return [SMEBodyFactory(acronym=f"BODY-{n:02d}") for n in range(7)]


def _bodies():
    return SMEBody.objects.select_related("state").order_by("-acronym")


def test_a_page_keeps_the_lists_order_and_its_joins(bodies):
    page = KeysFirstPaginator(_bodies(), 3).page(2)

    with CaptureQueriesContext(connection) as queries:
        shown = [(body.acronym, body.state.name) for body in page]

    assert [acronym for acronym, _ in shown] == ["BODY-03", "BODY-02", "BODY-01"]
    assert len(queries) == 0  # the states came with the rows


def _read_first_page(per_page):
    paginator = KeysFirstPaginator(_bodies(), per_page)
    assert paginator.count == 7
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(1))
    return queries


def test_a_page_is_read_in_two_queries_whatever_its_size(bodies):
    small, large = _read_first_page(2), _read_first_page(7)

    assert len(small) == len(large) == 2
    assert "ORDER BY" not in large[1]["sql"]  # the rows come by key; the keys were ordered


def test_the_capped_count_does_not_order_the_rows(bodies):
    paginator = CappedPaginator(_bodies(), 3, cap=5)

    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5

    assert paginator.capped
    assert "ORDER BY" not in queries[0]["sql"]


def test_a_list_under_the_cap_is_counted_whole(bodies):
    paginator = CappedPaginator(_bodies(), 3, cap=7)

    assert paginator.count == 7
    assert not paginator.capped
    assert paginator.num_pages == 3
