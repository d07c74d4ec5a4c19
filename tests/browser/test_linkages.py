import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from linkages.models import Event, InterestExpression, Nomination, Opportunity
from memberstates.models import FocalPoint
from tests.factories import FocalPointFactory, MemberStateFactory, SMEBodyFactory, UserFactory


@pytest.fixture
def iran_focal(db):
    iran = MemberStateFactory(name="Iran", slug="iran", iso_code="IR")
    isipo = SMEBodyFactory(state=iran, acronym="ISIPO", name="Iran Small Industries Organization")
    user = UserFactory(username="focal.iran")
    FocalPointFactory(body=isipo, user=user, full_name="Reza Karimi", role=FocalPoint.Role.PRIMARY)
    return user


def _as(page, log_in, username):
    page.context.clear_cookies()
    if username == "secretariat":
        log_in("secretariat")
    else:
        log_in(username, login_path="/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_an_opportunity_finds_an_interested_state_and_a_workshop_fills_its_places(
    page, log_in, turkiye_focal, nigeria_focal, iran_focal, secretariat, kosgeb, mailoutbox
):
    # Türkiye's focal point submits an opportunity.
    _as(page, log_in, "focal.turkiye")
    page.get_by_role("link", name="Opportunities").first.click()
    page.get_by_role("link", name="Share an opportunity").click()
    page.get_by_label("Title").fill("Joint venture in textile machinery")
    page.get_by_label("Sector (ISIC section)").select_option("C")
    page.get_by_label("Kind").select_option(label="Joint venture")
    page.get_by_label("Location").fill("Bursa")
    page.get_by_label("Indicative size from (USD)").fill("250000")
    page.get_by_label("Indicative size to (USD)").fill("1500000")
    page.get_by_label("Description").fill("A Bursa maker of looms seeks a partner to assemble.")
    page.get_by_label("Contact name").fill("Ayşe Demir")
    page.get_by_label("Contact email").fill("ayse.demir@kosgeb.example")
    page.get_by_label("Valid until").fill("2031-06-30")
    page.get_by_role("button", name="Submit to the Secretariat").click()
    expect(page.get_by_role("status")).to_have_text(
        "The opportunity was submitted to the Secretariat."
    )
    opportunity = Opportunity.objects.get()

    # The Secretariat publishes it.
    _as(page, log_in, "secretariat")
    page.goto("/admin/linkages/opportunity/?status__exact=submitted")
    page.locator(f"input.action-select[value='{opportunity.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("published")

    # Nigeria's focal point finds it by search and expresses interest.
    _as(page, log_in, "focal.nigeria")
    page.goto("/opportunities/")
    page.get_by_role("textbox", name="Search").fill("looms")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Joint venture in textile machinery").click()
    page.get_by_label("Your message").fill("Nigerian textile SMEs would like to talk.")
    page.get_by_role("button", name="Express interest").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your interest was sent to the focal points of Türkiye."
    )
    assert [m.to for m in mailoutbox] == [[turkiye_focal.focal_point.email]]

    # Türkiye's focal point answers.
    _as(page, log_in, "focal.turkiye")
    page.goto("/interests/")
    page.get_by_role("link", name="Joint venture in textile machinery").click()
    page.get_by_label("Your message").fill("Welcome: shall we meet in Bursa?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Welcome: shall we meet in Bursa?")).to_be_visible()
    assert InterestExpression.objects.get().messages.count() == 2
    assert mailoutbox[-1].to == [nigeria_focal.focal_point.email]

    # The Secretariat creates a workshop hosted by Iran with two places per state.
    _as(page, log_in, "secretariat")
    page.goto("/admin/linkages/event/add/")
    page.select_option("select[name=kind]", "workshop")
    page.fill("input[name=title]", "Workshop on SME Market Development Models")
    page.fill("input[name=slug]", "market-development-workshop")
    page.select_option("select[name=host_kind]", "member_state")
    page.select_option("select[name=host_state]", label="Iran")
    page.select_option("select[name=time_zone]", "Asia/Tehran")
    page.fill("input[name=start_0]", "2030-05-10")
    page.fill("input[name=start_1]", "09:00:00")
    page.fill("input[name=end_0]", "2030-05-11")
    page.fill("input[name=end_1]", "17:00:00")
    page.fill("input[name=city]", "Tehran")
    page.fill("input[name=registration_deadline]", "2030-04-30")
    page.fill("input[name=places_per_state]", "2")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    event = Event.objects.get()
    assert event.local_start.hour == 9

    # Nigeria nominates two participants; a third is refused for the quota.
    _as(page, log_in, "focal.nigeria")
    page.goto("/events/")
    page.get_by_role("link", name="Workshop on SME Market Development Models").click()
    for name, email in [
        ("Chinedu Okafor", "chinedu@okafor.example"),
        ("Funmi Adebayo", "funmi@adebayo.example"),
        ("Third Person", "third@example.org"),
    ]:
        page.get_by_label("Name").fill(name)
        page.get_by_label("Organisation").fill("Lagos Textiles Ltd")
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Nominate").click()
    expect(page.get_by_text("Nigeria has used its 2 place(s) for this event.")).to_be_visible()
    assert Nomination.objects.count() == 2

    # Iran's host confirms one and declines one.
    _as(page, log_in, "focal.iran")
    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="Confirm Chinedu Okafor").click()
    expect(page.get_by_role("status")).to_have_text(
        "The nomination of Chinedu Okafor was confirmed."
    )
    page.get_by_label("Reason to decline Funmi Adebayo").fill("The profile does not fit.")
    page.get_by_role("button", name="Decline Funmi Adebayo").click()
    expect(page.get_by_role("status")).to_have_text("The nomination of Funmi Adebayo was declined.")
    assert mailoutbox[-1].to == ["chinedu@okafor.example"]

    # The participant list names the confirmed participant only.
    with page.expect_download() as download:
        page.get_by_role("link", name="Participant list (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Chinedu Okafor" in text
    assert "Funmi Adebayo" not in text
