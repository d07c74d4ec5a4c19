"""A written consultation from circulation to result, in the browser: the Secretariat
circulates a draft plan in the admin, Nigeria's focal point accepts with comments, Türkiye's
focal point objects, the deadline passes, the daily sweep closes the consultation, and the
compilation of comments carries both states' comments."""

import datetime
import io

import pytest
from pypdf import PdfReader

from consultations import tasks
from consultations.models import Consultation
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    FocalPointFactory,
    MemberStateFactory,
    SMEBodyFactory,
)

CIRCULATED = datetime.date(2026, 5, 4)
DEADLINE = datetime.date(2026, 6, 4)


@pytest.fixture
def draft_plan(nigeria):
    plan = ActionPlanFactory(
        title="Action Plan for the D-8 SME Centre in Abuja",
        proposed_by=nigeria,
        status="under_refinement",
    )
    ActionItemFactory(
        plan=plan, reference="NG-CTR-1", title="Technical session", lead_state=nigeria
    )
    ActionItemFactory(
        plan=plan, reference="NG-CTR-2", title="Staffing of the Centre", lead_state=nigeria
    )
    return plan


@pytest.fixture
def pakistan(db):
    state = MemberStateFactory(name="Pakistan", slug="pakistan", iso_code="PK")
    FocalPointFactory(body=SMEBodyFactory(state=state, acronym="SMEDA"))
    return state


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def new_page():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield new_page
    for context in contexts:
        context.close()


def log_in(page, username, path="/accounts/login/"):
    page.goto(path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery")
    page.click("input[type=submit], button[type=submit]")


def pdf_text(content):
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.django_db(transaction=True)
def test_a_consultation_from_circulation_to_the_compilation_of_comments(
    new_page,
    secretariat_clock,
    secretariat,
    nigeria_focal,
    turkiye_focal,
    pakistan,
    draft_plan,
    mailoutbox,
):
    secretariat_clock.set(CIRCULATED)

    # The Secretariat drafts the consultation and circulates it.
    admin = new_page()
    log_in(admin, "secretariat", "/admin/login/")
    admin.goto("/admin/consultations/consultation/add/")
    admin.get_by_label("Title").fill("Draft plan for the D-8 SME Centre")
    admin.get_by_label("Plan").select_option(label=draft_plan.title)
    for state in ["Nigeria", "Pakistan", "Türkiye"]:
        assert admin.get_by_label(state).is_checked()  # all states by default
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.get_by_role("checkbox", name="Select this object for an action").first.check()
    admin.get_by_role("combobox", name="Action").select_option(
        label="Circulate the selected drafts to their member states"
    )
    admin.get_by_role("button", name="Go").click()
    assert "answers are due by 4 June 2026" in admin.locator("ul.messagelist").inner_text()
    consultation = Consultation.objects.get()
    assert consultation.deadline == DEADLINE

    # Nigeria's focal point accepts with two comments.
    nigerian = new_page()
    log_in(nigerian, "focal.nigeria")
    nigerian.get_by_role("link", name="My consultations").click()
    nigerian.get_by_role("link", name="Answer for Nigeria").click()
    nigerian.get_by_label("Accept with comments").check()
    first = nigerian.get_by_role("group", name="Comment 1")
    first.get_by_label("Action item").select_option(label="NG-CTR-2 Staffing of the Centre")
    first.get_by_label("Comment").fill("Add a staffing table for the first year.")
    second = nigerian.get_by_role("group", name="Comment 2")
    second.get_by_label("or section").fill("Section 4")
    second.get_by_label("Comment").fill("Name SMEDAN as the host agency.")
    nigerian.get_by_role("button", name="Send the answer of Nigeria").click()
    assert "The answer of Nigeria was recorded" in nigerian.get_by_role("status").inner_text()

    # Türkiye's focal point objects, first forgetting the reasons.
    turkish = new_page()
    log_in(turkish, "focal.turkiye")
    turkish.get_by_role("link", name="My consultations").click()
    turkish.get_by_role("link", name="Answer for Türkiye").click()
    turkish.get_by_label("Object").check()
    turkish.get_by_role("button", name="Send the answer of Türkiye").click()
    assert "Give the reasons for the objection." in turkish.locator(".errorlist").inner_text()
    turkish.get_by_label("Reasons").fill("The funding model leaves the host state alone.")
    first = turkish.get_by_role("group", name="Comment 1")
    first.get_by_label("or section").fill("Section 5 (funding)")
    first.get_by_label("Comment").fill("Share the running costs among the member states.")
    turkish.get_by_role("button", name="Send the answer of Türkiye").click()
    assert "The answer of Türkiye was recorded" in turkish.get_by_role("status").inner_text()
    # Before closing, Türkiye does not see Nigeria's comments.
    assert "staffing table" not in turkish.content()

    # The deadline passes; the daily sweep closes the consultation.
    secretariat_clock.set(DEADLINE + datetime.timedelta(days=1))
    tasks.consultation_sweep()

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.result == Consultation.Result.NOT_ADOPTED
    positions = dict(consultation.answers.values_list("state__name", "position"))
    assert positions == {
        "Nigeria": "accept_with_comments",
        "Pakistan": "silence",
        "Türkiye": "object",
    }
    assert any("not adopted" in m.subject for m in mailoutbox)

    # Anyone reads the result and downloads the compilation.
    visitor = new_page()
    visitor.goto(f"/consultations/{consultation.pk}/")
    result = visitor.locator("#result").inner_text()
    assert "Result: Not adopted." in result and "Türkiye objects." in result
    assert visitor.get_by_role("heading", name="Pakistan: Accepted by silence").is_visible()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="PDF").click()
    text = pdf_text(download.value.path().read_bytes())
    assert "Add a staffing table for the first year." in text
    assert "Name SMEDAN as the host agency." in text
    assert "Share the running costs among the member states." in text
    assert "The funding model leaves the host state alone." in text
    assert "Not adopted" in text


@pytest.mark.django_db(transaction=True)
def test_the_answer_form_fits_a_phone_screen(
    new_page, secretariat_clock, nigeria_focal, nigeria, turkiye, draft_plan
):
    from tests.factories import OpenConsultationFactory

    secretariat_clock.set(CIRCULATED)
    consultation = OpenConsultationFactory(
        plan=draft_plan, deadline=DEADLINE, states=[nigeria, turkiye]
    )
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "focal.nigeria")
    page.goto(f"/consultations/{consultation.pk}/answer/nigeria/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.get_by_role("button", name="Send the answer of Nigeria").is_visible()
