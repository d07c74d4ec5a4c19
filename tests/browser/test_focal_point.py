import datetime

import pytest
from playwright.sync_api import expect

from actionplans.models import ActionItem
from actionplans.views import ITEMS_PER_PAGE
from core.clock import secretariat_today
from tests.factories import ActionItemFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def nigeria_items(nigeria):
    today = secretariat_today()
    overdue = ActionItemFactory(
        reference="NG-CTR-1",
        title="Refine the plan in a technical session",
        lead_state=nigeria,
        due_date=today - datetime.timedelta(days=10),
        status=ActionItem.Status.IN_PROGRESS,
        percent_complete=40,
    )
    ActionItemFactory(
        reference="NG-CTR-2",
        title="Staffing model of the Centre",
        lead_state=nigeria,
        due_date=today + datetime.timedelta(days=60),
    )
    return overdue


@pytest.mark.django_db(transaction=True)
def test_focal_point_filters_to_overdue_and_posts_an_update_with_evidence(
    page, log_in, nigeria_focal, nigeria_items, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = tmp_path / "minutes.pdf"
    evidence.write_bytes(PDF)

    log_in("focal.nigeria", login_path="/accounts/login/")
    page.get_by_role("link", name="My action items").click()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="NG-CTR-2")).to_have_count(0)
    expect(page.get_by_role("link", name="NG-CTR-1")).to_be_visible()

    page.get_by_role("link", name="NG-CTR-1").click()
    page.get_by_label("Percent complete").fill("80")
    page.get_by_label("What was done").fill(
        "The technical session met on 20 May; text consolidated."
    )
    page.get_by_label("Evidence file (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Post update").click()

    assert page.get_by_role("status").inner_text() == "Your progress update was recorded."
    history = page.locator("article.update").first
    assert "80%" in history.inner_text()
    assert "text consolidated" in history.inner_text()
    assert history.get_by_role("link", name="Evidence: minutes.pdf").is_visible()
    assert page.locator("dl.facts").get_by_text("80%").is_visible()
    nigeria_items.refresh_from_db()
    assert nigeria_items.percent_complete == 80


@pytest.mark.django_db(transaction=True)
def test_filters_swap_the_results_in_place_and_keep_the_address_under_the_csp(
    page, log_in, nigeria_focal, nigeria_items
):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto("/action-items/")
    page.evaluate("window.sameDocument = true")

    page.get_by_label("Overdue only").check()

    expect(page.get_by_role("link", name="NG-CTR-2")).to_have_count(0)
    expect(page.get_by_role("link", name="NG-CTR-1")).to_be_visible()
    expect(page.get_by_text("1 item.")).to_be_visible()
    assert "overdue=on" in page.url
    assert page.evaluate("window.sameDocument") is True
    page.go_back()
    expect(page.get_by_role("link", name="NG-CTR-2")).to_be_visible()
    assert console_errors == []


@pytest.mark.django_db(transaction=True)
def test_next_page_of_items_is_swapped_in_place(page, log_in, nigeria, nigeria_focal):
    ActionItemFactory.create_batch(ITEMS_PER_PAGE + 1, lead_state=nigeria)
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto("/action-items/")
    page.evaluate("window.sameDocument = true")

    page.get_by_role("link", name="Next").click()

    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.locator("table.items tbody tr")).to_have_count(1)
    assert "page=2" in page.url
    assert page.evaluate("window.sameDocument") is True


@pytest.mark.django_db(transaction=True)
def test_focal_point_of_another_state_gets_404_on_the_item_and_on_posting(
    page, log_in, turkiye_focal, nigeria_items
):
    log_in("focal.turkiye", login_path="/accounts/login/")
    response = page.goto(f"/action-items/{nigeria_items.pk}/")
    assert response.status == 404

    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    posted = page.request.post(
        f"/action-items/{nigeria_items.pk}/",
        form={"status": "completed", "percent_complete": "100", "narrative": "Done."},
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert posted.status == 404
    nigeria_items.refresh_from_db()
    assert nigeria_items.percent_complete == 40
    assert not nigeria_items.progress_updates.exists()
