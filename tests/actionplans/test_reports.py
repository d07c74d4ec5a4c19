import datetime
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from actionplans import reports
from tests.factories import ActionItemFactory, ActionPlanFactory, ProgressUpdateFactory
from tests.pdf_checks import assert_tagged_pdfa


@pytest.fixture
def plan(nigeria, turkiye, secretariat):
    plan = ActionPlanFactory(title="Action Plan for the D-8 SME Centre in Abuja", slug="centre")
    nigerian = ActionItemFactory(
        plan=plan,
        reference="NG-CTR-1",
        title="Refine the plan",
        lead_state=nigeria,
        due_date=datetime.date(2026, 5, 29),
    )
    turkish = ActionItemFactory(
        plan=plan,
        reference="TR-CTR-2",
        title="Share KOSGEB's model",
        lead_state=turkiye,
        due_date=datetime.date(2027, 2, 26),
    )
    ProgressUpdateFactory(item=nigerian, author=secretariat, narrative="Nigeria's narrative.")
    ProgressUpdateFactory(item=turkish, author=secretariat, narrative="Türkiye's narrative.")
    return plan


def report_text(client, plan):
    response = client.get(reverse("actionplans:plan-report", args=[plan.slug]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return response, "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_report_lists_every_item_with_its_due_date_to_everyone(client, plan):
    response, text = report_text(client, plan)

    assert "Action Plan for the D-8 SME Centre in Abuja" in text
    assert "NG-CTR-1" in text and "29 May 2026" in text
    assert "TR-CTR-2" in text and "26 February 2027" in text
    assert response["Content-Disposition"].startswith(
        'attachment; filename="Action Plan for the D-8 SME Centre in Abuja - progress report'
    )


def test_anonymous_reader_sees_no_progress_narratives(client, plan):
    _, text = report_text(client, plan)

    assert "Nigeria's narrative." not in text
    assert "Türkiye's narrative." not in text


def test_focal_point_sees_narratives_of_their_states_items_only(client, plan, nigeria_focal):
    client.force_login(nigeria_focal)

    _, text = report_text(client, plan)

    assert "Nigeria's narrative." in text
    assert "Türkiye's narrative." not in text


def test_secretariat_sees_every_items_progress_history(client, plan, secretariat):
    client.force_login(secretariat)

    _, text = report_text(client, plan)

    assert "Nigeria's narrative." in text and "Türkiye's narrative." in text
    assert "1 update in all." in text


def test_plan_page_links_to_its_progress_report(client, plan):
    response = client.get(plan.get_absolute_url())

    assert reverse("actionplans:plan-report", args=[plan.slug]).encode() in response.content


def test_report_of_an_unknown_plan_is_404(client, db):
    response = client.get(reverse("actionplans:plan-report", args=["no-such-plan"]))

    assert response.status_code == 404


def test_a_report_past_its_render_deadline_is_stopped_and_answers_503(client, plan, settings):
    settings.PDF_RENDER_TIMEOUT = 0.01

    response = client.get(reverse("actionplans:plan-report", args=[plan.slug]))

    assert response.status_code == 503
    assert "took too long to render" in response.content.decode()


def test_report_is_tagged_pdfa_with_its_title(client, plan):
    response = client.get(reverse("actionplans:plan-report", args=[plan.slug]))
    content = b"".join(response.streaming_content)
    assert_tagged_pdfa(content, title=f"{plan.title} – Progress report")


def test_an_items_five_latest_updates_are_shown_and_its_page_has_the_rest(
    plan, secretariat, settings
):
    settings.SITE_URL = "https://portal.d8sme.example.org"
    item = plan.items.get(reference="NG-CTR-1")
    for n in range(6):
        ProgressUpdateFactory(item=item, author=secretariat, narrative=f"Report number {n}.")

    html = render_to_string(
        reports.TEMPLATE, reports.action_plan_report_context(plan, user=secretariat)
    )
    detail = html.split("NG-CTR-1 Refine the plan</h3>")[1].split("</article>")[0]

    assert detail.count("<td>Report number") == 5
    assert "Report number 5." in detail and "Report number 0." not in detail
    assert (
        "7 updates in all, the 5 latest shown; the item's page has every one: "
        f"https://portal.d8sme.example.org/action-items/{item.pk}/." in detail
    )
