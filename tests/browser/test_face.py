"""The portal's face in a browser: the phone's menu, the error summary, comment rows added in
place, the confirmation of a lowered percent and the admin's "Make final"."""

import datetime

import pytest
from playwright.sync_api import expect

from actionplans.models import ActionItem
from consultations.models import ConsultationAnswer
from meetings.models import Outcome
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    MeetingFactory,
    OpenConsultationFactory,
    OutcomeFactory,
)


@pytest.fixture
def seventy_percent_item(nigeria):
    return ActionItemFactory(
        reference="NG-CTR-1", lead_state=nigeria, status="in_progress", percent_complete=70
    )


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_navigation_opens_from_the_menu_button(page, log_in, nigeria_focal):
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/meetings/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")

    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="My action items")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_the_navigation_shows_without_a_menu_button(page):
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_failing_form_shows_the_error_summary_with_the_focus_on_it(
    page, log_in, nigeria_focal, seventy_percent_item
):
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto(seventy_percent_item.get_absolute_url())
    page.get_by_role("button", name="Post update").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert page.title().startswith("Error: ")
    summary.get_by_role("link", name="What was done").click()
    expect(page.locator("#id_narrative")).to_be_focused()


@pytest.mark.django_db(transaction=True)
def test_lowering_the_percent_asks_for_confirmation_before_it_is_recorded(
    page, log_in, nigeria_focal, seventy_percent_item
):
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto(seventy_percent_item.get_absolute_url())
    page.fill("#id_percent_complete", "40")
    page.fill("#id_narrative", "The venue fell through.")
    page.get_by_role("button", name="Post update").click()

    expect(page.locator(".error-summary")).to_contain_text("from 70% to 40%")
    assert ActionItem.objects.get().percent_complete == 70
    assert page.input_value("#id_narrative") == "The venue fell through."
    page.get_by_label("Yes, lower the progress").check()
    page.get_by_role("button", name="Post update").click()

    expect(page.get_by_text("Your progress update was recorded.")).to_be_visible()
    assert ActionItem.objects.get().percent_complete == 40


@pytest.mark.django_db(transaction=True)
def test_comment_rows_are_added_in_place_keeping_what_was_typed(
    page, log_in, nigeria_focal, nigeria, secretariat_clock
):
    secretariat_clock.set(datetime.date(2026, 5, 10))
    consultation = OpenConsultationFactory(
        plan=ActionPlanFactory(status="under_refinement"), states=[nigeria]
    )
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto(f"/consultations/{consultation.pk}/answer/nigeria/")
    page.get_by_label("Accept with comments").check()
    page.fill("#id_comments-0-section", "Section 1")
    page.fill("#id_comments-0-text", "Name a coordinator.")
    url = page.url

    page.get_by_role("button", name="Add more comment rows").click()

    expect(page.locator(".comment-row")).to_have_count(4)  # the typed row and three empty
    assert page.url == url  # in place: no new page
    assert page.input_value("#id_comments-0-text") == "Name a coordinator."
    expect(page.locator("#id_comments-1-text")).to_be_focused()
    assert page.get_by_label("Accept with comments").is_checked()
    page.fill("#id_comments-3-section", "Section 6")
    page.fill("#id_comments-3-text", "Add a budget line.")
    page.get_by_role("button", name="Send the answer of Nigeria").click()

    expect(page.get_by_text("was recorded")).to_be_visible()
    texts = [c.text for c in ConsultationAnswer.objects.get().comments.order_by("pk")]
    assert texts == ["Name a coordinator.", "Add a budget line."]


@pytest.mark.django_db(transaction=True)
def test_make_final_on_an_outcome_asks_then_makes_the_meetings_drafts_final(
    page, log_in, secretariat
):
    meeting = MeetingFactory()
    outcome = OutcomeFactory(meeting=meeting, number=1, text="Adopt the plan.")
    log_in("secretariat")
    page.goto(f"/admin/meetings/outcome/{outcome.pk}/change/")

    page.get_by_role("link", name="Make final").click()
    expect(page.get_by_text("These 1 draft outcome become final")).to_be_visible()
    assert Outcome.objects.get().status == Outcome.Status.DRAFT
    page.get_by_role("button", name="Yes, make final").click()

    expect(page.locator(".messagelist")).to_contain_text("1 outcome(s) made final")
    assert Outcome.objects.get().status == Outcome.Status.FINAL
