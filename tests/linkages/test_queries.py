"""Lists run the same number of queries whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory, InterestExpressionFactory, OpportunityFactory


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_event_list_runs_the_same_queries_at_two_sizes(client, iran, isipo):
    url = reverse("linkages:events")
    EventFactory(host_state=iran, host_body=isipo)
    few = _count(client, url)
    EventFactory.create_batch(6, host_state=iran, host_body=isipo)
    assert _count(client, url) == few


def test_the_interest_list_runs_the_same_queries_at_two_sizes(
    client, turkiye_focal, turkiye, kosgeb, nigeria
):
    client.force_login(turkiye_focal)
    url = reverse("linkages:interests")

    def one_more():
        InterestExpressionFactory(
            opportunity=OpportunityFactory(state=turkiye, body=kosgeb), state=nigeria
        )

    one_more()
    few = _count(client, url)
    for _ in range(6):
        one_more()
    assert _count(client, url) == few


def test_our_opportunities_run_the_same_queries_at_two_sizes(
    client, turkiye_focal, turkiye, kosgeb
):
    client.force_login(turkiye_focal)
    url = reverse("linkages:our-opportunities")
    OpportunityFactory(state=turkiye, body=kosgeb)
    few = _count(client, url)
    OpportunityFactory.create_batch(6, state=turkiye, body=kosgeb, status="draft")
    assert _count(client, url) == few
