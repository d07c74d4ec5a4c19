"""The list of the D-8's action plans: open ones by default, each with its progress, in pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import ActionItem, ActionPlan
from tests.factories import ActionItemFactory, ActionPlanFactory, AgreementFactory

pytestmark = pytest.mark.django_db

Status = ActionPlan.Status


def test_the_list_shows_open_plans_with_their_progress_and_links(client, nigeria):
    running = ActionPlanFactory(
        title="Abuja SME centre plan", status=Status.IN_IMPLEMENTATION, proposed_by=nigeria
    )
    ActionItemFactory(plan=running, lead_state=nigeria, percent_complete=40, weight=1)
    ActionItemFactory(plan=running, lead_state=nigeria, percent_complete=80, weight=1)
    ActionPlanFactory(title="Old mentoring plan", status=Status.COMPLETED)

    response = client.get("/action-plans/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="{running.get_absolute_url()}">Abuja SME centre plan</a>' in page
    assert f'<a href="{nigeria.get_absolute_url()}">Nigeria</a>' in page
    assert "60%" in page
    assert "Old mentoring plan" not in page


@pytest.mark.parametrize(
    ("shown", "present", "absent"),
    [
        ("closed", "Old mentoring plan", "Abuja SME centre plan"),
        ("all", "Old mentoring plan", None),
        ("open", "Abuja SME centre plan", "Old mentoring plan"),
    ],
)
def test_the_filter_shows_closed_or_all_plans(client, shown, present, absent):
    ActionPlanFactory(title="Abuja SME centre plan", status=Status.ADOPTED)
    ActionPlanFactory(title="Old mentoring plan", status=Status.SUPERSEDED)

    page = client.get("/action-plans/", {"shown": shown}).content.decode()

    assert present in page
    if absent:
        assert absent not in page


def test_an_unknown_filter_value_is_an_error_and_the_open_plans_are_shown(client):
    ActionPlanFactory(title="Abuja SME centre plan", status=Status.ADOPTED)

    response = client.get("/action-plans/", {"shown": "everything"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Select a valid choice" in page
    assert "Abuja SME centre plan" in page


def test_the_plans_of_agreements_with_partners_are_not_listed(client):
    ActionPlanFactory(title="Abuja SME centre plan", status=Status.ADOPTED)
    partner_plan = ActionPlanFactory(title="Cooperation plan", status=Status.ADOPTED)
    AgreementFactory(plan=partner_plan)

    page = client.get("/action-plans/").content.decode()

    assert "Abuja SME centre plan" in page
    assert "Cooperation plan" not in page


@pytest.mark.parametrize("plans", [3, 30])
def test_the_list_runs_the_same_queries_for_any_number_of_plans(client, nigeria, plans):
    for _ in range(plans):
        plan = ActionPlanFactory(status=Status.ADOPTED, proposed_by=nigeria)
        ActionItemFactory(plan=plan, lead_state=nigeria, status=ActionItem.Status.IN_PROGRESS)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/action-plans/")

    assert response.status_code == 200
    # The count, the page of plans with their proposers, and the progress of that page.
    assert len(queries) == 3


def test_the_list_is_paged(client):
    for n in range(30):
        ActionPlanFactory(title=f"Plan {n:02}", status=Status.ADOPTED)

    first = client.get("/action-plans/").content.decode()
    second = client.get("/action-plans/", {"page": 2}).content.decode()

    assert "Plan 24" in first and "Plan 25" not in first
    assert "Plan 25" in second and "Page 2 of 2" in second


def test_home_links_to_the_list_of_plans(client):
    ActionPlanFactory(status=Status.ADOPTED)

    assert 'href="/action-plans/"' in client.get("/").content.decode()
