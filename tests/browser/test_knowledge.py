import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from knowledge.models import BestPractice, ExchangeRequest
from tests.factories import BestPracticeFactory, ThemeFactory


@pytest.mark.django_db(transaction=True)
def test_a_practice_goes_from_a_focal_point_through_the_secretariat_to_a_visitors_compendium(
    page, log_in, nigeria_focal, secretariat, smedan
):
    # Transactional tests flush the themes the data migration made.
    ThemeFactory(name="Clusters", slug="clusters")

    # A Nigerian focal point writes a practice and submits it.
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.get_by_role("link", name="Best practices").first.click()
    page.get_by_role("link", name="Write a practice").click()
    page.get_by_label("Title").fill("Shared agro-processing centres")
    page.get_by_label("Pillar of the Call to Action").select_option(label="Green transition")
    page.get_by_label("Clusters").check()
    page.get_by_label("Kind of instrument").select_option(label="Programme")
    page.get_by_label("Summary").fill("Small processors share solar-powered equipment.")
    page.get_by_label("Description").fill(
        "Cooperatives of cassava processors run common facilities with solar dryers."
    )
    page.get_by_label("Start year").fill("2019")
    page.get_by_role("button", name="Save and submit to the Secretariat").click()
    expect(page.get_by_role("status")).to_have_text(
        "The practice was submitted to the Secretariat."
    )
    practice = BestPractice.objects.get(title="Shared agro-processing centres")
    assert practice.status == BestPractice.Status.SUBMITTED

    # The Secretariat publishes it in the admin.
    page.context.clear_cookies()
    log_in("secretariat")
    page.goto("/admin/knowledge/bestpractice/?status__exact=submitted")
    page.locator(f"input.action-select[value='{practice.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 practice(s) published.")

    # A visitor finds it by a word of its description, and by its pillar.
    page.context.clear_cookies()
    page.goto("/best-practices/")
    page.get_by_role("textbox", name="Search").fill("cassava")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Shared agro-processing centres")).to_be_visible()

    page.goto("/best-practices/")
    page.get_by_role("combobox", name="Pillar").select_option(label="Green transition")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Shared agro-processing centres")).to_be_visible()

    page.get_by_role("link", name="Shared agro-processing centres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared agro-processing centres")
    expect(page.get_by_text("Cooperatives of cassava processors")).to_be_visible()

    page.goto("/best-practices/?pillar=green_transition")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the compendium").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Shared agro-processing centres" in text
    assert "Green transition" in text


@pytest.mark.django_db(transaction=True)
def test_a_focal_point_asks_for_an_exchange_and_the_owning_state_answers_it(
    page, log_in, nigeria_focal, turkiye_focal, kosgeb, mailoutbox
):
    practice = BestPracticeFactory(state=kosgeb.state, body=kosgeb, title="SME financing model")

    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto(practice.get_absolute_url())
    page.get_by_label("Your message").fill("Could we learn how the interest support works?")
    page.get_by_role("button", name="Ask for an exchange").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your request was sent to the focal points of Türkiye."
    )
    assert [m.to for m in mailoutbox] == [[turkiye_focal.focal_point.email]]

    page.context.clear_cookies()
    log_in("focal.turkiye", login_path="/accounts/login/")
    page.goto("/exchanges/")
    page.get_by_role("link", name="SME financing model").click()
    page.get_by_label("Your answer").fill("Gladly: a call on 3 December?")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status")).to_have_text("Your answer was sent.")
    expect(page.get_by_text("Gladly: a call on 3 December?")).to_be_visible()
    assert ExchangeRequest.objects.get().status == ExchangeRequest.Status.ANSWERED
    assert mailoutbox[-1].to == [nigeria_focal.focal_point.email]
