import pytest
from django.core.management import call_command

from tests.factories import ActionItemFactory, ActionPlanFactory


@pytest.mark.django_db
def test_home_lists_states_meetings_and_plans(client):
    call_command("load_demo", no_accounts=True)
    page = client.get("/").content.decode()
    assert "Türkiye" in page
    assert "10th Meeting of the D-8 SME Governmental Bodies" in page
    assert "Action Plan for the D-8 SME Centre in Abuja" in page
    assert "6 of 9" in page


@pytest.mark.django_db
@pytest.mark.parametrize("plans", [2, 20])
def test_home_runs_a_constant_number_of_queries(client, django_assert_num_queries, plans):
    for _ in range(plans):
        ActionItemFactory(plan=ActionPlanFactory())
    with django_assert_num_queries(7):
        client.get("/")


@pytest.mark.django_db
def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_links_each_open_plans_proposing_state(client, nigeria):
    ActionPlanFactory(proposed_by=nigeria)

    page = client.get("/").content.decode()

    assert 'proposed by <a href="/member-states/nigeria/">Nigeria</a>' in page
