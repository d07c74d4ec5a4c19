"""Consultation pages: a focal point's consultations and answer form, who may read and change
which answer whatever id is put in the URL or the form, bad input, the public page of a closed
consultation, the compilation downloads, and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from consultations.models import Consultation, ConsultationAnswer, ConsultationComment
from consultations.services import consultation_answer, consultation_close
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ConsultationAnswerFactory,
    ConsultationFactory,
    FocalPointFactory,
    MemberStateFactory,
    OpenConsultationFactory,
    SMEBodyFactory,
)

TODAY = datetime.date(2026, 5, 20)
DEADLINE = datetime.date(2026, 5, 31)
DAY = datetime.timedelta(days=1)
Position = ConsultationAnswer.Position


@pytest.fixture(autouse=True)
def today(secretariat_clock):
    secretariat_clock.set(TODAY)
    return secretariat_clock


@pytest.fixture
def plan(nigeria):
    plan = ActionPlanFactory(
        title="Action Plan for the D-8 SME Centre in Abuja", status="under_refinement"
    )
    ActionItemFactory(plan=plan, reference="NG-CTR-1", lead_state=nigeria)
    ActionItemFactory(plan=plan, reference="NG-CTR-2", lead_state=nigeria)
    return plan


@pytest.fixture
def consultation(plan, nigeria, turkiye):
    return OpenConsultationFactory(
        title="Draft plan for the SME Centre",
        plan=plan,
        deadline=DEADLINE,
        states=[nigeria, turkiye],
    )


def url(consultation, state=None):
    if state is None:
        return f"/consultations/{consultation.pk}/"
    return f"/consultations/{consultation.pk}/answer/{state.slug}/"


def item_pk(reference):
    from actionplans.models import ActionItem

    return ActionItem.objects.get(reference=reference).pk


def answer_data(position="accept", reasons="", comments=()):
    data = {
        "position": position,
        "reasons": reasons,
        "comments-TOTAL_FORMS": str(max(3, len(comments))),
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "100",
    }
    for number, comment in enumerate(comments):
        for key, value in comment.items():
            data[f"comments-{number}-{key}"] = value
    return data


def nigerias_answer(consultation, nigeria_focal, nigeria, **kwargs):
    return consultation_answer(
        consultation=consultation,
        user=nigeria_focal,
        state=nigeria,
        position=Position.ACCEPT_WITH_COMMENTS,
        comments=[{"item": None, "section": "Section 2", "text": "Confidential remark."}],
        **kwargs,
    )


# Answering on the page


def test_focal_point_answers_with_a_comment_on_an_item(
    client, nigeria_focal, nigeria, consultation
):
    client.force_login(nigeria_focal)
    response = client.post(
        url(consultation, nigeria),
        answer_data(
            "accept_with_comments",
            comments=[{"item": item_pk("NG-CTR-2"), "text": "Add a staffing table."}],
        ),
    )
    assert response.status_code == 302
    assert response.url == url(consultation)
    answer = ConsultationAnswer.objects.get()
    assert (answer.state, answer.position, answer.answered_by) == (
        nigeria,
        Position.ACCEPT_WITH_COMMENTS,
        nigeria_focal,
    )
    assert [(c.reference, c.text) for c in answer.comments.all()] == [
        ("NG-CTR-2", "Add a staffing table.")
    ]


def test_adding_comment_rows_keeps_what_was_typed_and_saves_nothing(
    client, nigeria_focal, nigeria, consultation
):
    client.force_login(nigeria_focal)
    data = answer_data(
        "accept_with_comments",
        reasons="Mostly agreed.",
        comments=[
            {"section": "Section 1", "text": "One."},
            {"section": "Section 2", "text": "Two."},
            {"section": "Section 3", "text": "Three."},
        ],
    )
    response = client.post(url(consultation, nigeria), {**data, "add_rows": "1"})

    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 6
    assert [f.initial.get("text") for f in formset.forms[:3]] == ["One.", "Two.", "Three."]
    assert response.context["form"].initial["reasons"] == "Mostly agreed."
    assert "Mostly agreed." in response.content.decode()
    assert not ConsultationAnswer.objects.exists()


def test_the_answer_form_offers_only_the_items_of_the_circulated_plan(
    client, nigeria_focal, nigeria, consultation
):
    ActionItemFactory(reference="AZ-MOU-1", lead_state=nigeria)
    client.force_login(nigeria_focal)
    page = client.get(url(consultation, nigeria)).content.decode()
    assert "NG-CTR-2" in page
    assert "AZ-MOU-1" not in page


def test_the_answer_form_shows_the_current_answer_for_revision(
    client, nigeria_focal, nigeria, consultation
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    client.force_login(nigeria_focal)
    response = client.get(url(consultation, nigeria))
    assert response.context["form"].initial["position"] == "accept_with_comments"
    assert response.context["formset"].initial == [
        {"item": None, "section": "Section 2", "text": "Confidential remark."}
    ]


def test_a_revision_replaces_the_answer(client, nigeria_focal, nigeria, consultation):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    client.force_login(nigeria_focal)
    client.post(url(consultation, nigeria), answer_data("object", reasons="On reflection, no."))
    answer = ConsultationAnswer.objects.get()
    assert (answer.position, answer.reasons) == (Position.OBJECT, "On reflection, no.")
    assert not answer.comments.exists()


@pytest.mark.parametrize("reasons", ["", "   "])
def test_an_empty_objection_is_a_field_error_and_nothing_changes(
    client, turkiye_focal, turkiye, consultation, reasons
):
    client.force_login(turkiye_focal)
    response = client.post(url(consultation, turkiye), answer_data("object", reasons=reasons))
    assert response.status_code == 200
    assert response.context["form"].errors["reasons"] == ["Give the reasons for the objection."]
    assert not ConsultationAnswer.objects.exists()


def test_an_item_of_another_plan_is_a_field_error_and_nothing_changes(
    client, nigeria_focal, nigeria, consultation
):
    other = ActionItemFactory(reference="AZ-MOU-1", lead_state=nigeria)
    client.force_login(nigeria_focal)
    response = client.post(
        url(consultation, nigeria),
        answer_data("accept_with_comments", comments=[{"item": other.pk, "text": "Misplaced."}]),
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert "item" in errors and "valid choice" in errors["item"][0]
    assert not ConsultationAnswer.objects.exists()


@pytest.mark.parametrize(
    "comment, field, message",
    [
        ({"text": "About what?"}, "section", "Say which action item or section"),
        ({"item": "NG-CTR-1", "section": "3.2", "text": "Both."}, "section", "not both"),
        ({"section": "3.2"}, "text", "Write the comment."),
    ],
)
def test_a_comment_without_one_reference_or_text_is_a_field_error(
    client, nigeria_focal, nigeria, consultation, comment, field, message
):
    if "item" in comment:
        comment = {**comment, "item": item_pk(comment["item"])}
    client.force_login(nigeria_focal)
    response = client.post(
        url(consultation, nigeria), answer_data("accept_with_comments", comments=[comment])
    )
    assert message in response.context["formset"].forms[0].errors[field][0]
    assert not ConsultationAnswer.objects.exists()


def test_accepting_with_comments_but_none_is_an_error(client, nigeria_focal, nigeria, consultation):
    client.force_login(nigeria_focal)
    response = client.post(url(consultation, nigeria), answer_data("accept_with_comments"))
    assert "Add at least one comment" in response.content.decode()
    assert not ConsultationAnswer.objects.exists()


def test_an_unknown_position_is_a_field_error(client, nigeria_focal, nigeria, consultation):
    client.force_login(nigeria_focal)
    response = client.post(url(consultation, nigeria), answer_data("silence"))
    assert "position" in response.context["form"].errors
    assert not ConsultationAnswer.objects.exists()


# The deadline on the page


def test_after_the_deadline_the_form_is_gone_and_a_post_changes_nothing(
    client, nigeria_focal, nigeria, consultation, today
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    today.set(DEADLINE + DAY)
    client.force_login(nigeria_focal)

    page = client.get(url(consultation, nigeria))
    assert "can no longer be given or changed" in page.content.decode()
    assert '<form method="post" class="answer-form"' not in page.content.decode()

    response = client.post(url(consultation, nigeria), answer_data("object", reasons="Late."))
    assert "can no longer be given or changed" in response.content.decode()
    assert ConsultationAnswer.objects.get().position == Position.ACCEPT_WITH_COMMENTS


def test_on_the_last_day_the_answer_is_taken(client, nigeria_focal, nigeria, consultation, today):
    today.set(DEADLINE)
    client.force_login(nigeria_focal)
    client.post(url(consultation, nigeria), answer_data("accept"))
    assert ConsultationAnswer.objects.get().position == Position.ACCEPT


def test_the_answer_page_of_a_closed_consultation_leads_to_its_result(
    client, nigeria_focal, nigeria, consultation, secretariat
):
    consultation_close(consultation=consultation, user=secretariat)
    client.force_login(nigeria_focal)
    response = client.post(url(consultation, nigeria), answer_data("object", reasons="Late."))
    assert response.status_code == 302
    assert response.url == url(consultation)
    assert ConsultationAnswer.objects.get(state=nigeria).position == Position.ACCEPTED_BY_SILENCE


# Who may read and change what, whatever the URL says


def test_turkish_focal_point_gets_404_on_nigerias_answer_page(
    client, turkiye_focal, nigeria, consultation
):
    client.force_login(turkiye_focal)
    assert client.get(url(consultation, nigeria)).status_code == 404


def test_turkish_focal_points_post_as_nigeria_is_404_and_changes_nothing(
    client, turkiye_focal, nigeria_focal, nigeria, consultation
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    client.force_login(turkiye_focal)
    response = client.post(url(consultation, nigeria), answer_data("object", reasons="Hijack."))
    assert response.status_code == 404
    answer = ConsultationAnswer.objects.get()
    assert (answer.state, answer.position) == (nigeria, Position.ACCEPT_WITH_COMMENTS)


def test_a_form_field_naming_another_state_changes_nothing(
    client, turkiye_focal, turkiye, nigeria, consultation
):
    client.force_login(turkiye_focal)
    data = {**answer_data("accept"), "state": nigeria.pk, "state_id": nigeria.pk}
    client.post(url(consultation, turkiye), data)
    assert list(ConsultationAnswer.objects.values_list("state", flat=True)) == [turkiye.pk]


def test_turkish_focal_point_cannot_read_nigerias_answer_before_closing(
    client, turkiye_focal, nigeria_focal, nigeria, consultation
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    client.force_login(turkiye_focal)
    page = client.get(url(consultation)).content.decode()
    assert "Confidential remark." not in page
    assert "answers of the other states are shown when the consultation closes" in page


def test_everyone_reads_every_answer_once_closed(
    client, nigeria_focal, nigeria, consultation, secretariat
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    consultation_close(consultation=consultation, user=secretariat)
    page = client.get(url(consultation)).content.decode()
    assert "Confidential remark." in page
    assert "Result: Adopted." in page
    assert "Türkiye: Accepted by silence" in page
    assert "Nigeria: Accept with comments" in page


def test_the_secretariat_reads_answers_at_once(
    client, secretariat, nigeria_focal, nigeria, consultation
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    client.force_login(secretariat)
    assert "Confidential remark." in client.get(url(consultation)).content.decode()


def test_the_secretariat_cannot_answer_for_a_state(client, secretariat, nigeria, consultation):
    client.force_login(secretariat)
    assert client.post(url(consultation, nigeria), answer_data("accept")).status_code == 404
    assert not ConsultationAnswer.objects.exists()


@pytest.mark.parametrize("persona", [None, "delegate", "turkiye_focal"])
def test_an_open_consultation_is_404_to_those_not_consulted(
    client, request, plan, nigeria, persona
):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(url(consultation)).status_code == 404


def test_a_draft_is_404_to_a_consulted_focal_point(client, nigeria_focal, plan, nigeria):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    client.force_login(nigeria_focal)
    assert client.get(url(draft)).status_code == 404
    assert client.get(url(draft, nigeria)).status_code == 404


def test_a_guessed_consultation_id_is_404(client, nigeria_focal, nigeria, consultation):
    client.force_login(nigeria_focal)
    missing = Consultation.objects.order_by("-pk").first().pk + 1
    assert client.get(f"/consultations/{missing}/").status_code == 404
    assert client.get(f"/consultations/{missing}/answer/nigeria/").status_code == 404


def test_anonymous_visitor_is_sent_to_log_in_to_answer(client, nigeria, consultation):
    response = client.post(url(consultation, nigeria), answer_data("accept"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not ConsultationAnswer.objects.exists()


# Every record the consultation page names is a link


def test_consultation_page_links_the_consulted_states_and_the_plans_proposer(
    client, secretariat, nigeria, consultation
):
    consultation.plan.proposed_by = nigeria
    consultation.plan.save()
    client.force_login(secretariat)

    page = client.get(url(consultation)).content.decode()

    assert (
        '<dd><a href="/member-states/nigeria/">Nigeria</a>, '
        '<a href="/member-states/turkiye/">Türkiye</a></dd>'
    ) in page
    assert '(proposed by <a href="/member-states/nigeria/">Nigeria</a>)' in page


def answer_on_an_item(consultation, nigeria_focal, nigeria):
    from actionplans.models import ActionItem

    item = ActionItem.objects.get(reference="NG-CTR-2")
    consultation_answer(
        consultation=consultation,
        user=nigeria_focal,
        state=nigeria,
        position=Position.ACCEPT_WITH_COMMENTS,
        comments=[{"item": item, "section": "", "text": "Add a staffing table."}],
    )
    return item


@pytest.mark.parametrize("persona", ["nigeria_focal", "secretariat"])
def test_a_comments_item_is_linked_for_readers_who_may_open_it(
    client, request, nigeria_focal, nigeria, consultation, persona
):
    item = answer_on_an_item(consultation, nigeria_focal, nigeria)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(url(consultation)).content.decode()

    assert f'<td><a href="/action-items/{item.pk}/">NG-CTR-2</a></td>' in page


@pytest.mark.parametrize("persona", [None, "turkiye_focal"])
def test_a_comments_item_is_named_without_a_link_for_readers_who_may_not_open_it(
    client, request, nigeria_focal, nigeria, consultation, secretariat, persona
):
    item = answer_on_an_item(consultation, nigeria_focal, nigeria)
    consultation_close(consultation=consultation, user=secretariat)
    if persona:
        client.force_login(request.getfixturevalue(persona))

    page = client.get(url(consultation)).content.decode()

    assert "<td>NG-CTR-2</td>" in page
    assert f"/action-items/{item.pk}/" not in page


# The compilation downloads


@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_the_compilation_is_the_secretariats_while_open(
    client, secretariat, nigeria_focal, consultation, suffix
):
    path = f"/consultations/{consultation.pk}/compilation.{suffix}"
    client.force_login(nigeria_focal)
    assert client.get(path).status_code == 404
    client.force_login(secretariat)
    response = client.get(path)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_the_compilation_is_public_once_closed(client, secretariat, consultation, suffix):
    consultation_close(consultation=consultation, user=secretariat)
    response = client.get(f"/consultations/{consultation.pk}/compilation.{suffix}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] in (b"%PDF", b"PK\x03\x04")


def test_a_compilation_past_its_render_deadline_is_stopped_and_answers_503(
    client, secretariat, consultation, settings
):
    settings.PDF_RENDER_TIMEOUT = 0.01
    client.force_login(secretariat)

    response = client.get(f"/consultations/{consultation.pk}/compilation.pdf")

    assert response.status_code == 503
    assert "took too long to render" in response.content.decode()


# Lists


def test_my_consultations_lists_the_open_ones_with_the_states_answer(
    client, nigeria_focal, nigeria, consultation, plan, turkiye
):
    ConsultationAnswerFactory(consultation=consultation, state=nigeria, position="accept")
    OpenConsultationFactory(title="Not for Nigeria", plan=plan, deadline=DEADLINE, states=[turkiye])
    client.force_login(nigeria_focal)
    response = client.get("/consultations/mine/")
    page = response.content.decode()
    assert [row["consultation"] for row in response.context["open_rows"]] == [consultation]
    assert "Your answer: <strong>Accept</strong>" in page
    assert "Revise the answer of Nigeria" in page
    assert "Not for Nigeria" not in page
    assert "11 days left" in page


def test_my_consultations_is_for_focal_points(client, delegate, secretariat):
    client.force_login(delegate)
    assert client.get("/consultations/mine/").status_code == 403
    client.force_login(secretariat)
    assert client.get("/consultations/mine/").url == "/consultations/"


def test_navigation_leads_a_focal_point_to_their_consultations(client, nigeria_focal):
    client.force_login(nigeria_focal)
    assert 'href="/consultations/mine/"' in client.get("/").content.decode()


def test_consultation_list_shows_the_public_what_is_closed(
    client, consultation, plan, nigeria, secretariat
):
    closed = OpenConsultationFactory(
        title="Closed one", plan=plan, deadline=DEADLINE, states=[nigeria]
    )
    consultation_close(consultation=closed, user=secretariat)
    page = client.get("/consultations/").content.decode()
    assert "Closed one" in page
    assert "Draft plan for the SME Centre" not in page


_codes = iter(code for code, _ in countries if code not in {"NG", "TR"})


def _consulted_state():
    state = MemberStateFactory(iso_code=next(_codes))
    FocalPointFactory(body=SMEBodyFactory(state=state))
    return state


def _consultations(n, nigeria, secretariat):
    for number in range(n):
        states = [nigeria, _consulted_state()]
        open_one = OpenConsultationFactory(
            plan=ActionPlanFactory(proposed_by=states[1], status="draft"),
            deadline=DEADLINE,
            states=states,
        )
        ConsultationAnswerFactory(consultation=open_one, state=nigeria)
        closed = OpenConsultationFactory(deadline=DEADLINE, states=states)
        ConsultationAnswerFactory(
            consultation=closed, state=states[1], position="object", reasons=f"No {number}."
        )
        consultation_close(consultation=closed, user=secretariat)


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["secretariat", "nigeria_focal", None])
def test_consultation_list_runs_the_same_queries_for_3_and_30(
    client, request, nigeria, secretariat, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    client.get("/consultations/")
    _consultations(3, nigeria, secretariat)
    with_3 = _queries(client, "/consultations/")
    _consultations(27, nigeria, secretariat)
    assert _queries(client, "/consultations/") == with_3


def test_my_consultations_runs_the_same_queries_for_3_and_30(
    client, nigeria_focal, nigeria, secretariat
):
    client.force_login(nigeria_focal)
    client.get("/consultations/mine/")
    _consultations(3, nigeria, secretariat)
    with_3 = _queries(client, "/consultations/mine/")
    _consultations(27, nigeria, secretariat)
    assert _queries(client, "/consultations/mine/") == with_3


def test_closed_consultation_page_runs_the_same_queries_for_3_and_30_states(
    client, plan, secretariat
):
    def make(n):
        consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE)
        states = [_consulted_state() for _ in range(n)]
        consultation.states.set(states)
        for state in states[:-1]:
            answer = ConsultationAnswerFactory(
                consultation=consultation, state=state, position="accept_with_comments"
            )
            ConsultationComment.objects.create(answer=answer, section="1", text="A comment.")
        consultation_close(consultation=consultation, user=secretariat)
        return url(consultation)

    client.get(make(1))
    assert _queries(client, make(3)) == _queries(client, make(30))
