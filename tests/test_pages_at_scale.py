"""Long lists a page at a time, capped counts, compressed answers with validators."""

import gzip

import pytest
from django.urls import reverse

from knowledge import views as knowledge_views
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    BestPracticeFactory,
    MeetingFactory,
    OutcomeFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_an_items_history_is_shown_twenty_updates_a_page(client, nigeria, nigeria_focal):
    item = ActionItemFactory(lead_state=nigeria)
    for n in range(25):
        ProgressUpdateFactory(item=item, author=nigeria_focal, narrative=f"Report number {n}.")
    client.force_login(nigeria_focal)

    first = client.get(item.get_absolute_url()).content.decode()
    second = client.get(item.get_absolute_url() + "?page=2").content.decode()

    assert first.count("Report number") == 20 and "25 updates" in first
    assert second.count("Report number") == 5
    assert "Report number 0." in second  # the oldest last


def test_a_plans_items_are_shown_fifty_a_page(client, nigeria):
    plan = ActionPlanFactory(slug="big-plan")
    for n in range(55):
        ActionItemFactory(plan=plan, lead_state=nigeria, reference=f"BIG-{n:02d}")

    first = client.get(plan.get_absolute_url()).content.decode()
    second = client.get(plan.get_absolute_url() + "?page=2").content.decode()

    assert first.count("BIG-") == 50 and "Page 1 of 2" in first
    assert second.count("BIG-") == 5


def test_the_state_page_lists_twelve_practices_and_links_to_all(client, nigeria):
    for n in range(15):
        BestPracticeFactory(state=nigeria, title=f"Practice number {n}", status="published")

    page = client.get(nigeria.get_absolute_url()).content.decode()

    assert page.count("Practice number") == 12
    assert "All 15 practices of Nigeria" in page


def test_the_catalogue_counts_up_to_its_cap(client, nigeria, monkeypatch):
    monkeypatch.setattr(knowledge_views, "SEARCH_COUNT_CAP", 5)
    for n in range(8):
        BestPracticeFactory(state=nigeria, title=f"Training scheme {n}", status="published")

    page = client.get(reverse("knowledge:catalogue"), {"q": "training"}).content.decode()

    assert "5+ practices" in page


def test_the_meetings_api_list_links_to_items_instead_of_nesting_them(api, nigeria):
    meeting = MeetingFactory(slug="9th-sme")
    outcome = OutcomeFactory(meeting=meeting, number=1, status="final")
    ActionItemFactory(reference="SME-9-1", outcome=outcome, lead_state=nigeria)
    ActionItemFactory(reference="OTHER-1", lead_state=nigeria)

    listed = api.get("/api/v1/meetings/").json()["results"][0]

    assert "action_items" not in listed["outcomes"][0]
    linked = api.get(listed["action_items_url"])
    assert linked.status_code in (401, 403)  # items need a signed-in reader
    assert listed["action_items_url"].endswith("/api/v1/action-items/?meeting=9th-sme")


def test_the_action_items_api_filters_by_meeting(api, secretariat, nigeria):
    outcome = OutcomeFactory(meeting=MeetingFactory(slug="9th-sme"), number=1, status="final")
    ActionItemFactory(reference="SME-9-1", outcome=outcome, lead_state=nigeria)
    ActionItemFactory(reference="OTHER-1", lead_state=nigeria)
    api.force_login(secretariat)

    found = api.get("/api/v1/action-items/", {"meeting": "9th-sme"}).json()["results"]

    assert [item["reference"] for item in found] == ["SME-9-1"]


def test_the_home_page_shows_a_posted_progress_at_once(client, nigeria, nigeria_focal):
    plan = ActionPlanFactory(title="Centre plan", status="in_implementation")
    item = ActionItemFactory(plan=plan, lead_state=nigeria)
    assert "0% complete" in client.get("/").content.decode()
    client.force_login(nigeria_focal)
    client.post(
        item.get_absolute_url(),
        {"status": "in_progress", "percent_complete": 60, "narrative": "Venue booked."},
    )

    assert "60% complete" in client.get("/").content.decode()


def test_the_home_page_shows_twelve_open_plans_and_counts_them_all(client):
    for n in range(14):
        ActionPlanFactory(title=f"Plan number {n:02d}", status="adopted")

    page = client.get("/").content.decode()

    assert page.count("Plan number") == 12
    assert "12 of 14 open plans shown" in page


def test_pages_are_compressed_for_clients_that_accept_it(client, nigeria):
    response = client.get(nigeria.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert b"Nigeria" in gzip.decompress(response.content)


def test_a_client_with_the_same_page_gets_304(client, nigeria):
    first = client.get(nigeria.get_absolute_url())

    again = client.get(nigeria.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
