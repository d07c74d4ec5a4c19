"""Every page people use, walked in Chromium over the demo: axe-core finds no critical or serious
violation, nothing scrolls sideways on a 390 px phone and the console stays free of errors
(content-policy violations included). One demo load per walk keeps the suite's CPU bill small."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from actionplans.models import ActionItem, ActionPlan
from consultations.models import Consultation
from d8portal.permissions import ensure_secretariat_group
from indicators.models import DataCall, Indicator, IndicatorValue, NationalDefinition, Target
from knowledge.models import BestPractice
from linkages.models import Event, InterestExpression, Opportunity
from meetings.models import Meeting, Outcome
from memberstates.models import MemberState, MoUAccession
from partners.models import Activity, Agreement, Partner
from taskforces.models import TaskForce

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
PHONE = {"width": 390, "height": 844}


def problems_on(page, path, errors, status=200):
    """The serious accessibility violations, sideways scroll and console errors of one page."""
    found = []
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        errors.clear()
        page.set_viewport_size(viewport)
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        if response.status != status:
            found.append(f"{path}: HTTP {response.status}")
            errors.clear()
        elif status != 200:
            errors.clear()  # the browser logs the error status itself
        # What the page itself logged; axe's own probing of the page is not the page's.
        logged = list(errors)
        # Evaluated through the browser's debugging protocol, which the page's policy does not bind.
        page.evaluate(AXE + ";\ntrue")
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'critical' || v.impact === 'serious')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
                    .map(n => n.target.join(' ')).join(' | '))"""
        )
        found += [f"{path} @{viewport['width']}: {v}" for v in violations]
        if viewport == PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                found.append(f"{path} @390: scrolls sideways to {width} px")
        found += [f"{path} @{viewport['width']}: console: {e}" for e in logged]
    return found


def assert_clean(found):
    assert not found, "\n".join(found)


def walk(page, paths):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    found = []
    for path in paths:
        path, status = path if isinstance(path, tuple) else (path, 200)
        found += problems_on(page, path, errors, status)
    return found


@pytest.fixture
def demo(transactional_db):
    # The demo refuses its well-known accounts with DEBUG off, as the tests run; allow them here.
    # Transactional tests flush the group the data migration made: re-create it first.
    ensure_secretariat_group()
    with override_settings(DEBUG=True):
        call_command("load_demo")


@pytest.mark.django_db(transaction=True)
def test_public_pages_have_no_serious_violation_sideways_scroll_or_console_error(page, demo):
    practice = BestPractice.objects.filter(status="published").first()
    paths = [
        "/",
        "/meetings/",
        Meeting.objects.filter(status="held").first().get_absolute_url(),
        "/task-forces/",
        f"/task-forces/{TaskForce.objects.first().slug}/",
        "/member-states/",
        f"/member-states/{MemberState.objects.get(slug='nigeria').slug}/",
        "/best-practices/",
        f"/best-practices/{practice.pk}/",
        "/action-plans/",
        ActionPlan.objects.first().get_absolute_url(),
        "/consultations/",
        "/accounts/login/",
        ("/no-such-page/", 404),
        "/api/docs/",
    ]
    assert_clean(walk(page, paths))


@pytest.mark.django_db(transaction=True)
def test_focal_point_pages_have_no_serious_violation_sideways_scroll_or_console_error(
    page, log_in, demo
):
    log_in("focal.nigeria", password="d8-demo-2026", login_path="/accounts/login/")
    nigeria = MemberState.objects.get(slug="nigeria")
    item = ActionItem.objects.filter(lead_state=nigeria).first()
    consultation = Consultation.objects.filter(states=nigeria).first()
    paths = [
        # The state's page with its items, progress and positions, and a meeting page whose
        # action items the focal point may open, linked.
        nigeria.get_absolute_url(),
        Meeting.objects.get(slug="9th-sme-bodies-2026").get_absolute_url(),
        "/action-items/",
        item.get_absolute_url(),
        "/consultations/mine/",
        f"/consultations/{consultation.pk}/",
        "/my-state/",
        "/best-practices/ours/",
        "/best-practices/new/",
        "/exchanges/",
        "/accounts/tokens/",
        "/accounts/password_change/",
    ]
    assert_clean(walk(page, paths))


@pytest.mark.django_db(transaction=True)
def test_daily_admin_pages_have_no_serious_violation_sideways_scroll_or_console_error(
    page, log_in, demo
):
    log_in("secretariat", password="d8-demo-2026")
    paths = ["/admin/"]
    for model, label in [
        (Meeting, "meetings/meeting"),
        (Outcome, "meetings/outcome"),
        (ActionItem, "actionplans/actionitem"),
        (Consultation, "consultations/consultation"),
        (BestPractice, "knowledge/bestpractice"),
        (MoUAccession, "memberstates/mouaccession"),
    ]:
        paths += [f"/admin/{label}/", f"/admin/{label}/{model.objects.first().pk}/change/"]
    assert_clean(walk(page, paths))


# The statistics, business linkages and partners, as each reader opens them.


@pytest.mark.django_db(transaction=True)
def test_statistics_linkages_and_partners_pages_have_no_serious_violation_for_the_public(
    page, demo
):
    opportunity = Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED).first()
    partner = Partner.objects.filter(agreements__is_published=True).first()
    agreement = Agreement.objects.filter(is_published=True, kind="bilateral").first()
    paths = [
        "/statistics/",
        Indicator.objects.get(code="sme-employment-share").get_absolute_url(),
        Indicator.objects.filter(level="d8").first().get_absolute_url(),
        Target.objects.first().get_absolute_url(),
        "/opportunities/",
        "/opportunities/?state=turkiye&q=textile",
        opportunity.get_absolute_url(),
        "/events/",
        Event.objects.get(slug="international-msme-day-2027-green-msmes").get_absolute_url(),
        "/partners/",
        partner.get_absolute_url(),
        agreement.get_absolute_url(),
        f"/member-states/{MemberState.objects.get(slug='turkiye').slug}/",
    ]
    assert_clean(walk(page, paths))


@pytest.mark.django_db(transaction=True)
def test_statistics_linkages_and_partners_pages_have_no_serious_violation_for_a_focal_point(
    page, log_in, demo
):
    log_in("focal.turkiye", password="d8-demo-2026", login_path="/accounts/login/")
    agreement = Agreement.objects.filter(body__acronym="KOSGEB", kind="bilateral").first()
    activity = Activity.objects.filter(item__plan=agreement.plan).first()
    interest = InterestExpression.objects.first()
    paths = [
        "/statistics/",
        DataCall.objects.first().get_absolute_url(),
        "/opportunities/ours/",
        "/opportunities/new/",
        Opportunity.objects.filter(state__slug="turkiye").first().get_absolute_url(),
        "/interests/",
        interest.get_absolute_url(),
        "/events/",
        # Open for nominations: the page has the nomination form.
        Event.objects.get(slug="unido-undesa-capacity-building-webinar-2027").get_absolute_url(),
        agreement.get_absolute_url(),
        "/agreements/new/",
        f"/agreements/{agreement.pk}/edit/",
        f"/agreements/{agreement.pk}/activities/new/",
        f"/agreements/{agreement.pk}/activities/{activity.pk}/",
        "/my-state/",
        "/accounts/calendar-feeds/",
    ]
    assert_clean(walk(page, paths))


@pytest.mark.django_db(transaction=True)
def test_statistics_linkages_and_partners_admin_has_no_serious_violation(page, log_in, demo):
    log_in("secretariat", password="d8-demo-2026")
    paths = []
    for model, label in [
        (Indicator, "indicators/indicator"),
        (IndicatorValue, "indicators/indicatorvalue"),
        (DataCall, "indicators/datacall"),
        (Target, "indicators/target"),
        (NationalDefinition, "indicators/nationaldefinition"),
        (Opportunity, "linkages/opportunity"),
        (Event, "linkages/event"),
        (InterestExpression, "linkages/interestexpression"),
        (Partner, "partners/partner"),
        (Agreement, "partners/agreement"),
        (Activity, "partners/activity"),
    ]:
        paths += [f"/admin/{label}/", f"/admin/{label}/{model.objects.first().pk}/change/"]
    paths += ["/admin/linkages/nomination/", "/admin/partners/agreement/add/"]
    assert_clean(walk(page, paths))
