import pytest
from playwright.sync_api import expect

from meetings.models import Meeting


@pytest.mark.django_db(transaction=True)
def test_secretariat_records_a_meeting_with_two_outcomes_and_a_delegation(
    page, log_in, secretariat, nigeria
):
    log_in("secretariat")
    page.goto("/admin/meetings/meeting/add/")
    page.select_option("#id_kind", "sme_bodies")
    page.fill("#id_number", "11")
    page.select_option("#id_format", "in_person")
    page.fill("#id_city", "Abuja")
    page.fill("#id_start_date", "2028-04-25")
    page.fill("#id_end_date", "2028-04-26")
    page.fill("#id_slug", "11th-sme-bodies-2028")

    page.locator("#attendances-group .add-row a").click()
    page.locator("#attendances-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Nige")
    page.locator(".select2-results__option", has_text="Nigeria").click()
    page.fill("#id_attendances-0-head_of_delegation", "Director General of SMEDAN")

    for number, text in [(1, "Adopt the action plan."), (2, "Meet again in 2029.")]:
        page.locator("#outcomes-2-group .add-row a").click()
        page.fill(f"#id_outcomes-2-{number - 1}-number", str(number))
        page.fill(f"#id_outcomes-2-{number - 1}-text", text)

    page.click("input[name=_continue]")

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    meeting = Meeting.objects.get(slug="11th-sme-bodies-2028")
    assert page.input_value("#id_attendances-0-head_of_delegation") == (
        "Director General of SMEDAN"
    )
    assert (
        page.locator("#attendances-0 .select2-selection").inner_text().strip().endswith("Nigeria")
    )
    assert page.input_value("#id_outcomes-2-0-text") == "Adopt the action plan."
    assert page.input_value("#id_outcomes-2-1-text") == "Meet again in 2029."
    assert meeting.outcomes.count() == 2
    assert meeting.attendances.get().state == nigeria
