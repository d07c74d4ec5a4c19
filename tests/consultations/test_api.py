"""Consultations API: who reads which consultation and answer, and a focal point's answer
under the page's rules (whatever state or id is put in the request), with query counts."""

import datetime
from unittest import mock

import pytest

from consultations.models import ConsultationAnswer, ConsultationComment
from consultations.services import consultation_answer, consultation_close
from tests.api_helpers import field_errors, queries_for
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ConsultationFactory,
    DocumentFactory,
    OpenConsultationFactory,
)

pytestmark = pytest.mark.django_db

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
    plan = ActionPlanFactory(title="SME Centre in Abuja", status="under_refinement")
    ActionItemFactory(plan=plan, reference="NG-CTR-1", lead_state=nigeria)
    return plan


@pytest.fixture
def consultation(plan, nigeria, turkiye):
    return OpenConsultationFactory(
        title="Draft plan for the SME Centre",
        plan=plan,
        deadline=DEADLINE,
        states=[nigeria, turkiye],
    )


def answer_url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/answer/"


def detail_url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/"


def nigerias_answer(consultation, nigeria_focal, nigeria):
    return consultation_answer(
        consultation=consultation,
        user=nigeria_focal,
        state=nigeria,
        position=Position.ACCEPT_WITH_COMMENTS,
        comments=[{"item": None, "section": "Section 2", "text": "Confidential remark."}],
    )


def answers_of(response):
    return {answer["state"]: answer for answer in response.json()["answers"]}


def stored(consultation):
    """Every answer and comment of the consultation, to show that nothing changed."""
    answers = ConsultationAnswer.objects.filter(consultation=consultation)
    comments = ConsultationComment.objects.filter(consultation=consultation)
    return (
        sorted(answers.values_list("state__slug", "position", "reasons", "updated_at")),
        sorted(comments.values_list("pk", "item_id", "section", "text")),
    )


# Reading


def test_anonymous_readers_see_only_closed_consultations(
    api, consultation, plan, nigeria, secretariat
):
    closed = OpenConsultationFactory(plan=plan, states=[nigeria])
    consultation_close(consultation=closed, user=secretariat)
    ConsultationFactory(plan=plan, states=[nigeria])

    listed = api.get("/api/v1/consultations/").json()["results"]

    assert [c["id"] for c in listed] == [closed.pk]
    assert api.get(detail_url(consultation)).status_code == 404


def test_a_focal_point_reads_their_states_answer_but_not_anothers_before_closing(
    api, consultation, nigeria_focal, turkiye_focal, nigeria, turkiye, secretariat
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    consultation_answer(
        consultation=consultation, user=turkiye_focal, state=turkiye, position=Position.ACCEPT
    )

    api.force_login(turkiye_focal)
    seen = api.get(detail_url(consultation))
    assert seen.status_code == 200
    assert list(answers_of(seen)) == ["turkiye"]
    assert "Confidential remark." not in seen.content.decode()
    listed = api.get("/api/v1/consultations/").json()["results"]
    assert [list(answers_of_row(row)) for row in listed] == [["turkiye"]]

    api.force_login(nigeria_focal)
    nigeria_sees = answers_of(api.get(detail_url(consultation)))
    assert nigeria_sees["nigeria"]["comments"][0]["text"] == "Confidential remark."
    assert list(nigeria_sees) == ["nigeria"]


def answers_of_row(row):
    return {answer["state"]: answer for answer in row["answers"]}


def test_the_secretariat_reads_every_answer_at_once_and_drafts(
    api, consultation, nigeria_focal, nigeria, secretariat, plan
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    draft = ConsultationFactory(plan=plan, states=[nigeria])

    api.force_login(secretariat)

    assert list(answers_of(api.get(detail_url(consultation)))) == ["nigeria"]
    assert api.get(detail_url(draft)).json()["status"] == "draft"


def test_everyone_reads_every_answer_once_closed(
    api, consultation, nigeria_focal, nigeria, secretariat
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    consultation_close(consultation=consultation, user=secretariat)

    body = api.get(detail_url(consultation)).json()

    assert body["result"] == "adopted"
    assert body["answers"][0]["comments"][0]["text"] == "Confidential remark."
    assert {a["state"]: a["position"] for a in body["answers"]} == {
        "nigeria": "accept_with_comments",
        "turkiye": "silence",
    }


@pytest.mark.parametrize("persona", ["delegate", "nigeria_focal"])
def test_an_open_consultation_is_404_to_those_not_consulted(api, request, plan, turkiye, persona):
    other = OpenConsultationFactory(plan=plan, states=[turkiye])
    api.force_login(request.getfixturevalue(persona))

    assert api.get(detail_url(other)).status_code == 404
    assert api.post(answer_url(other), {"position": "accept"}).status_code == 404


def test_filters(api, secretariat, consultation, plan, nigeria):
    later = OpenConsultationFactory(
        plan=plan, states=[nigeria], procedure="explicit", deadline=DEADLINE + 30 * DAY
    )
    api.force_login(secretariat)

    def ids(query):
        return [c["id"] for c in api.get(f"/api/v1/consultations/?{query}").json()["results"]]

    assert ids("procedure=explicit") == [later.pk]
    assert ids(f"deadline_after={DEADLINE + DAY:%Y-%m-%d}") == [later.pk]
    assert ids(f"deadline_before={DEADLINE:%Y-%m-%d}") == [consultation.pk]
    assert ids("state=turkiye") == [consultation.pk]
    assert ids("status=closed") == []
    assert api.get("/api/v1/consultations/?deadline_before=31/05/2026").status_code == 400


# Answering


def test_a_focal_point_answers_for_their_state_with_a_comment_on_an_item(
    api, consultation, nigeria_focal, nigeria
):
    item = consultation.plan.items.get()
    api.force_login(nigeria_focal)

    response = api.post(
        answer_url(consultation),
        {
            "position": "accept_with_comments",
            "comments": [
                {"item": item.pk, "text": "Name the host agency."},
                {"section": "Section 3.2", "text": "Add a budget line."},
            ],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["state"] == "nigeria"
    assert [c["item_reference"] for c in response.json()["comments"]] == ["NG-CTR-1", None]
    answer = ConsultationAnswer.objects.get(consultation=consultation, state=nigeria)
    assert answer.answered_by == nigeria_focal
    assert [c.reference for c in answer.comments.all()] == ["NG-CTR-1", "Section 3.2"]


def test_a_revision_before_the_deadline_replaces_the_answer(
    api, consultation, nigeria_focal, nigeria
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    api.force_login(nigeria_focal)

    response = api.post(
        answer_url(consultation),
        {"state": "nigeria", "position": "object", "reasons": "The budget is not agreed."},
    )

    assert response.status_code == 200, response.content
    answer = ConsultationAnswer.objects.get(consultation=consultation, state=nigeria)
    assert (answer.position, answer.reasons) == (Position.OBJECT, "The budget is not agreed.")
    assert not answer.comments.exists()


def test_of_two_first_answers_racing_for_a_state_the_later_is_a_revision(
    api, consultation, nigeria_focal, nigeria
):
    def answered_meanwhile(**arguments):
        # The other request took the lock first: its answer is stored when this one gets it.
        nigerias_answer(consultation, nigeria_focal, nigeria)
        return consultation_answer(**arguments)

    api.force_login(nigeria_focal)
    with mock.patch("consultations.api.consultation_answer", answered_meanwhile):
        response = api.post(answer_url(consultation), {"state": "nigeria", "position": "accept"})

    assert response.status_code == 200, response.content
    assert ConsultationAnswer.objects.get(consultation=consultation).position == Position.ACCEPT


@pytest.mark.parametrize("answered", [False, True])
def test_after_the_deadline_no_answer_is_created_or_changed(
    api, consultation, nigeria_focal, nigeria, today, answered
):
    if answered:
        nigerias_answer(consultation, nigeria_focal, nigeria)
    before = stored(consultation)
    today.set(DEADLINE + DAY)
    api.force_login(nigeria_focal)

    response = api.post(answer_url(consultation), {"position": "accept"})

    assert response.status_code == 409
    assert "deadline" in response.json()["detail"]
    assert stored(consultation) == before


def test_on_the_last_day_the_answer_is_taken(api, consultation, nigeria_focal, today):
    today.set(DEADLINE)
    api.force_login(nigeria_focal)

    assert api.post(answer_url(consultation), {"position": "accept"}).status_code == 201


def test_a_closed_consultation_takes_no_answer(
    api, consultation, nigeria_focal, nigeria, secretariat
):
    consultation_close(consultation=consultation, user=secretariat)
    before = stored(consultation)
    api.force_login(nigeria_focal)

    response = api.post(answer_url(consultation), {"position": "object", "reasons": "Late."})

    assert response.status_code == 409
    assert stored(consultation) == before


def test_another_states_focal_point_cannot_answer_for_or_change_nigerias_answer(
    api, consultation, nigeria_focal, turkiye_focal, nigeria
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    before = stored(consultation)
    api.force_login(turkiye_focal)

    response = api.post(
        answer_url(consultation),
        {"state": "nigeria", "position": "object", "reasons": "Changed by Türkiye."},
    )

    assert response.status_code == 403
    assert stored(consultation) == before


def test_a_focal_point_of_a_state_not_consulted_cannot_answer_by_naming_it(
    api, plan, nigeria_focal, nigeria, turkiye
):
    theirs = OpenConsultationFactory(plan=plan, states=[turkiye])
    # Nigeria's focal point cannot even see it; the answer address is as unknown as a guess.
    api.force_login(nigeria_focal)

    for state in ("nigeria", "turkiye"):
        response = api.post(answer_url(theirs), {"state": state, "position": "accept"})
        assert response.status_code == 404
    assert not ConsultationAnswer.objects.filter(consultation=theirs).exists()


def test_the_secretariat_cannot_answer_for_a_state(api, consultation, secretariat):
    api.force_login(secretariat)

    for data in ({"position": "accept"}, {"state": "nigeria", "position": "accept"}):
        assert api.post(answer_url(consultation), data).status_code == 403
    assert not ConsultationAnswer.objects.filter(consultation=consultation).exists()


def test_anonymous_clients_cannot_answer(api, consultation):
    assert api.post(answer_url(consultation), {"position": "accept"}).status_code == 401


def test_an_empty_objection_is_a_field_error_and_nothing_changes(
    api, consultation, nigeria_focal, nigeria
):
    nigerias_answer(consultation, nigeria_focal, nigeria)
    before = stored(consultation)
    api.force_login(nigeria_focal)

    response = api.post(answer_url(consultation), {"position": "object", "reasons": "  "})

    assert field_errors(response, "reasons") == ["Give the reasons for the objection."]
    assert stored(consultation) == before


def test_a_comment_on_an_item_of_another_plan_is_a_field_error_and_nothing_changes(
    api, consultation, nigeria_focal, nigeria
):
    elsewhere = ActionItemFactory(reference="TR-X-9", lead_state=nigeria)
    api.force_login(nigeria_focal)

    response = api.post(
        answer_url(consultation),
        {
            "position": "accept_with_comments",
            "comments": [
                {"section": "Section 1", "text": "Fine."},
                {"item": elsewhere.pk, "text": "Borrowed item."},
            ],
        },
    )

    errors = field_errors(response, "comments")
    assert errors[0] == {}
    assert list(errors[1]) == ["item"]
    assert not ConsultationAnswer.objects.filter(consultation=consultation).exists()


@pytest.mark.parametrize(
    "comment, field",
    [
        ({"text": "About nothing in particular."}, "section"),
        ({"section": "Section 1", "text": ""}, "text"),
    ],
)
def test_a_comment_without_a_reference_or_text_is_a_field_error(
    api, consultation, nigeria_focal, comment, field
):
    api.force_login(nigeria_focal)

    response = api.post(
        answer_url(consultation), {"position": "accept_with_comments", "comments": [comment]}
    )

    assert field in field_errors(response, "comments")[0]
    assert not ConsultationAnswer.objects.filter(consultation=consultation).exists()


def test_an_empty_comment_is_refused_not_skipped(api, consultation, nigeria_focal):
    api.force_login(nigeria_focal)

    response = api.post(
        answer_url(consultation),
        {"position": "accept_with_comments", "comments": [{"section": "", "text": ""}]},
    )

    assert field_errors(response, "comments")
    assert not ConsultationAnswer.objects.filter(consultation=consultation).exists()


def test_an_item_is_refused_on_a_document_consultation(api, nigeria_focal, nigeria):
    on_a_document = OpenConsultationFactory(
        plan=None, document=DocumentFactory(), deadline=DEADLINE, states=[nigeria]
    )
    item = ActionItemFactory(lead_state=nigeria)
    api.force_login(nigeria_focal)

    response = api.post(
        answer_url(on_a_document),
        {
            "position": "accept_with_comments",
            "comments": [{"item": item.pk, "section": "Article 2", "text": "Reword."}],
        },
    )

    assert "item" in field_errors(response, "comments")[0]
    assert not ConsultationAnswer.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"position": "silence"}, "position"),
        ({"position": "accept_with_comments"}, "comments"),
        ({"position": "accept", "comments": [{"section": "S 1", "text": "Hm."}]}, "position"),
        ({"state": "atlantis", "position": "accept"}, "state"),
    ],
)
def test_bad_answers_are_field_errors(api, consultation, nigeria_focal, data, field):
    api.force_login(nigeria_focal)

    assert field_errors(api.post(answer_url(consultation), data), field)
    assert not ConsultationAnswer.objects.filter(consultation=consultation).exists()


# Query counts


def a_consultation(plan, nigeria, turkiye, nigeria_focal, turkiye_focal):
    consultation = OpenConsultationFactory(plan=plan, states=[nigeria, turkiye])
    nigerias_answer(consultation, nigeria_focal, nigeria)
    consultation_answer(
        consultation=consultation, user=turkiye_focal, state=turkiye, position=Position.ACCEPT
    )
    return consultation


@pytest.mark.parametrize("reader", ["anonymous", "nigeria_focal", "secretariat"])
def test_the_list_runs_a_constant_number_of_queries(
    api, request, reader, plan, nigeria, turkiye, nigeria_focal, turkiye_focal, secretariat
):
    if reader != "anonymous":
        api.force_login(request.getfixturevalue(reader))

    def make(count):
        for _ in range(count):
            made = a_consultation(plan, nigeria, turkiye, nigeria_focal, turkiye_focal)
            if reader == "anonymous":
                consultation_close(consultation=made, user=secretariat)

    make(2)
    small = queries_for(api, "/api/v1/consultations/?page_size=100")
    make(8)
    large = queries_for(api, "/api/v1/consultations/?page_size=100")

    assert large[1] == small[1] + 8
    assert large[0] == small[0]
