"""The three reminder e-mails: subject, plain text and HTML, links, reasons, escaped text."""

import datetime

import pytest

from actionplans.services import reminder_sweep
from core.mail import render_email
from tests.factories import ActionItemFactory, OutcomeFactory

DUE = datetime.date(2026, 12, 31)


@pytest.fixture
def item(nigeria, turkiye):
    item = ActionItemFactory(
        reference="NG-CTR-2",
        title="Staffing <script>alert(1)</script> & funding",
        lead_state=nigeria,
        due_date=DUE,
        outcome=OutcomeFactory(),
    )
    item.supporting_states.add(turkiye)
    return item


def context(item, nigeria_focal, today):
    return {
        "entries": [
            {
                "item": item,
                "days_left": (item.due_date - today).days,
                "days_overdue": (today - item.due_date).days,
            }
        ],
        "focal_points": [nigeria_focal.focal_point],
        "recipient": "x@example.org",
        "meetings": [item.outcome.meeting],
        "today": today,
    }


@pytest.mark.parametrize("name", ["reminder-digest", "escalation", "publication"])
def test_each_e_mail_has_text_and_html_with_a_link_to_the_item(item, nigeria_focal, settings, name):
    settings.SITE_URL = "https://portal.d8sme.example.org"
    message = render_email(name, context(item, nigeria_focal, DUE), to=["x@example.org"])
    link = f"https://portal.d8sme.example.org/action-items/{item.pk}/"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in message.body
    assert f'href="{link}"' in html
    assert "You receive this because" in message.body
    assert "You receive this because" in html
    assert message.subject and "\n" not in message.subject


@pytest.mark.parametrize("name", ["reminder-digest", "escalation", "publication"])
def test_each_e_mail_escapes_the_item_title_in_html(item, nigeria_focal, name):
    message = render_email(name, context(item, nigeria_focal, DUE), to=["x@example.org"])
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "Staffing &lt;script&gt;alert(1)&lt;/script&gt; &amp; funding" in html
    assert "Staffing <script>alert(1)</script> & funding" in message.body


def test_digest_says_which_state_the_focal_point_answers_for(item, nigeria_focal, mailoutbox):
    reminder_sweep(today=DUE - datetime.timedelta(days=7))
    [message] = mailoutbox
    assert "because you are a focal point of Nigeria (SMEDAN)" in message.body
    assert message.subject == "Reminder: 1 action item due or overdue for Nigeria"


def test_escalation_names_the_responsible_states(item, nigeria_focal):
    message = render_email(
        "escalation",
        context(item, nigeria_focal, DUE + datetime.timedelta(days=14)),
        to=["x@example.org"],
    )
    assert "overdue by 14 days" in message.body
    assert "Responsible: Nigeria (lead), Türkiye" in message.body


# Consultation e-mails


@pytest.fixture
def consultation_context(nigeria, turkiye, nigeria_focal, secretariat):
    from consultations.models import DeadlineExtension
    from consultations.services import consultation_close
    from tests.factories import ConsultationAnswerFactory, OpenConsultationFactory

    consultation = OpenConsultationFactory(
        title="Draft <script>alert(1)</script> & plan", states=[nigeria, turkiye]
    )
    ConsultationAnswerFactory(
        consultation=consultation, state=turkiye, position="object", reasons="No <b>budget</b>."
    )
    extension = DeadlineExtension.objects.create(
        consultation=consultation,
        previous_deadline=consultation.deadline,
        new_deadline=consultation.deadline + datetime.timedelta(days=14),
        reason="The session asked for <more> time.",
    )
    consultation_close(consultation=consultation, user=secretariat)
    consultation.refresh_from_db()
    answers = list(consultation.answers.select_related("state"))
    return {
        "consultation": consultation,
        "states": [nigeria],
        "entries": [{"consultation": consultation, "state": nigeria, "days_left": 1}],
        "extension": extension,
        "answers": answers,
        "objections": [a for a in answers if a.is_objection],
        "recipient": "x@example.org",
        "today": consultation.deadline,
    }


CONSULTATION_EMAILS = [
    "consultation-circulated",
    "consultation-reminder",
    "consultation-extended",
    "consultation-result",
]


@pytest.mark.parametrize("name", CONSULTATION_EMAILS)
def test_each_consultation_e_mail_has_text_and_html_with_a_link(
    consultation_context, settings, name
):
    settings.SITE_URL = "https://portal.d8sme.example.org"
    message = render_email(name, consultation_context, to=["x@example.org"])
    pk = consultation_context["consultation"].pk
    link = (
        f"https://portal.d8sme.example.org/consultations/{pk}/"
        if name == "consultation-result"
        else f"https://portal.d8sme.example.org/consultations/{pk}/answer/nigeria/"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in message.body
    assert f'href="{link}"' in html
    assert "You receive this because your address is listed as a focal point of Nigeria" in (
        message.body
    )
    assert message.subject and "\n" not in message.subject


@pytest.mark.parametrize("name", CONSULTATION_EMAILS)
def test_each_consultation_e_mail_escapes_the_title_in_html(consultation_context, name):
    message = render_email(name, consultation_context, to=["x@example.org"])
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "Draft &lt;script&gt;alert(1)&lt;/script&gt; &amp; plan" in html
    assert "Draft <script>alert(1)</script> & plan" in message.body


def test_result_e_mail_gives_the_objection_and_its_reasons(consultation_context):
    message = render_email("consultation-result", consultation_context, to=["x@example.org"])
    assert "Result: NOT ADOPTED: 1 member state objects." in message.body
    assert "- Türkiye: No <b>budget</b>." in message.body
    assert "No &lt;b&gt;budget&lt;/b&gt;." in message.alternatives[0][0]
    assert "- Nigeria: Accepted by silence" in message.body


def test_extension_e_mail_escapes_the_reason(consultation_context):
    message = render_email("consultation-extended", consultation_context, to=["x@example.org"])
    assert "The session asked for <more> time." in message.body
    assert "The session asked for &lt;more&gt; time." in message.alternatives[0][0]
