"""API of meetings with their agenda, delegations and outcomes."""

import datetime

import pytest

from meetings.models import AgendaItem, Attendance, Meeting, Outcome
from tests.api_helpers import field_errors
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    OutcomeFactory,
    TaskForceFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def ninth(nigeria, smedan, turkiye):
    """The 9th meeting of the SME bodies, held virtually, hosted by SMEDAN."""
    meeting = MeetingFactory(
        slug="9th-sme",
        number=9,
        host_state=nigeria,
        host_body=smedan,
        format=Meeting.Format.VIRTUAL,
        city="",
        start_date=datetime.date(2026, 4, 28),
    )
    AgendaItemFactory(meeting=meeting, number=1, title="Opening")
    AttendanceFactory(
        meeting=meeting, state=turkiye, head_of_delegation="Deniz Yılmaz", delegates="A, B"
    )
    final = OutcomeFactory(meeting=meeting, number=1, text="Adopt the plan.")
    OutcomeFactory(meeting=meeting, number=2, text="Draft decision.")
    Outcome.objects.filter(pk=final.pk).update(status=Outcome.Status.FINAL)
    ActionItemFactory(outcome=final, lead_state=nigeria, reference="SME-9-1")
    return meeting


@pytest.fixture
def meetings(ninth, turkiye):
    wgic = MeetingFactory(
        slug="4th-wgic",
        kind=Meeting.Kind.WGIC,
        number=4,
        city="Bali",
        start_date=datetime.date(2008, 6, 10),
    )
    planned = MeetingFactory(
        slug="10th-sme",
        number=10,
        host_state=turkiye,
        status=Meeting.Status.PLANNED,
        start_date=datetime.date(2027, 5, 4),
    )
    return ninth, wgic, planned


def test_anyone_reads_a_meeting_with_agenda_delegations_and_final_outcomes(api, ninth):
    meeting = api.get("/api/v1/meetings/9th-sme/").json()

    assert meeting["full_title"] == "9th Meeting of the D-8 SME Governmental Bodies"
    assert (meeting["host_state"], meeting["host_body"], meeting["place"]) == (
        "nigeria",
        "SMEDAN",
        "Virtual",
    )
    assert [a["title"] for a in meeting["agenda_items"]] == ["Opening"]
    assert [(o["number"], o["action_items"]) for o in meeting["outcomes"]] == [(1, ["SME-9-1"])]
    assert meeting["delegations"] == [
        {
            "id": Attendance.objects.get().pk,
            "meeting": "9th-sme",
            "state": "turkiye",
            "status": "present",
            "head_of_delegation": None,
            "delegates": None,
        }
    ]


def test_signed_in_users_see_who_was_in_a_delegation(api, delegate, ninth):
    api.force_authenticate(delegate)

    delegation = api.get("/api/v1/meetings/9th-sme/").json()["delegations"][0]

    assert (delegation["head_of_delegation"], delegation["delegates"]) == ("Deniz Yılmaz", "A, B")


def test_the_secretariat_also_sees_draft_outcomes(api, secretariat, ninth):
    api.force_login(secretariat)

    outcomes = api.get("/api/v1/meetings/9th-sme/").json()["outcomes"]

    assert [(o["number"], o["status"]) for o in outcomes] == [(1, "final"), (2, "draft")]


def test_focal_point_cannot_read_a_draft_outcome_by_its_id(api, nigeria_focal, ninth):
    draft = Outcome.objects.get(status=Outcome.Status.DRAFT)
    api.force_authenticate(nigeria_focal)

    assert api.get(f"/api/v1/outcomes/{draft.pk}/").status_code == 404
    assert [o["number"] for o in api.get("/api/v1/outcomes/").json()["results"]] == [1]


def test_report_link_appears_once_outcomes_are_published(api, secretariat, ninth):
    assert api.get("/api/v1/meetings/9th-sme/").json()["report_url"] is None

    ninth.publish_outcomes(by=secretariat)

    assert api.get("/api/v1/meetings/9th-sme/").json()["report_url"] == (
        "http://testserver/meetings/9th-sme/report.pdf"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=wgic", ["4th-wgic"]),
        ("host_state=turkiye", ["10th-sme"]),
        ("year=2026", ["9th-sme"]),
        ("status=planned", ["10th-sme"]),
        ("meeting_format=virtual", ["9th-sme"]),
        ("search=bali", ["4th-wgic"]),
        ("ordering=start_date", ["4th-wgic", "9th-sme", "10th-sme"]),
        ("", ["10th-sme", "9th-sme", "4th-wgic"]),
    ],
)
def test_meetings_are_filtered_searched_and_ordered(api, meetings, query, expected):
    assert slugs(api.get(f"/api/v1/meetings/?{query}")) == expected


def test_meetings_are_filtered_by_task_force(api, meetings):
    task_force = TaskForceFactory(slug="smes")
    MeetingFactory(slug="tf-meeting", kind=Meeting.Kind.TASK_FORCE, task_force=task_force)

    assert slugs(api.get("/api/v1/meetings/?task_force=smes")) == ["tf-meeting"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=summit", "kind"),
        ("year=twenty", "year"),
        ("year=2026.5", "year"),
        ("year=99999999999", "year"),
        ("host_state=atlantis", "host_state"),
        ("status=postponed", "status"),
    ],
)
def test_bad_meeting_filters_answer_400_naming_the_filter(api, meetings, query, field):
    assert field_errors(api.get(f"/api/v1/meetings/?{query}"), field)


def test_unknown_query_parameters_are_ignored(api, meetings):
    assert len(slugs(api.get("/api/v1/meetings/?colour=green"))) == 3


def test_agenda_items_and_delegations_are_filtered_by_meeting(api, meetings):
    ninth, wgic, _ = meetings
    AgendaItemFactory(meeting=wgic, number=1, title="Review of task forces")

    agenda = api.get("/api/v1/agenda-items/?meeting=4th-wgic").json()["results"]
    delegations = api.get("/api/v1/delegations/?meeting=9th-sme&state=turkiye").json()["results"]

    assert [a["title"] for a in agenda] == ["Review of task forces"]
    assert [d["state"] for d in delegations] == ["turkiye"]


def test_secretariat_records_a_meeting(api, secretariat, nigeria, smedan):
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/meetings/",
        {
            "slug": "10th-sme",
            "kind": "sme_bodies",
            "number": 10,
            "host_state": "nigeria",
            "host_body": "SMEDAN",
            "format": "in_person",
            "city": "Abuja",
            "start_date": "2027-05-04",
            "end_date": "2027-05-05",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["full_title"] == "10th Meeting of the D-8 SME Governmental Bodies"
    assert Meeting.objects.get(slug="10th-sme").city == "Abuja"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2026-04-01"}, "non_field_errors"),
        ({"format": "in_person", "city": ""}, "non_field_errors"),
        ({"host_state": "turkiye"}, "host_body"),
        ({"number": None, "title": ""}, "non_field_errors"),
        ({"start_date": "28/04/2026"}, "start_date"),
        ({"number": 70000}, "number"),
    ],
)
def test_meeting_against_the_rules_answers_400_and_stays_as_it_was(
    api, secretariat, ninth, change, field
):
    api.force_login(secretariat)

    response = api.patch("/api/v1/meetings/9th-sme/", change, format="json")

    assert field_errors(response, field)
    ninth.refresh_from_db()
    assert (ninth.end_date, ninth.host_state.slug, ninth.number) == (
        datetime.date(2026, 4, 28),
        "nigeria",
        9,
    )


def test_second_meeting_with_the_same_number_answers_400(api, secretariat, meetings):
    api.force_login(secretariat)

    response = api.patch("/api/v1/meetings/10th-sme/", {"number": 9})

    assert field_errors(response, "non_field_errors")


def test_secretariat_adds_agenda_items_delegations_and_draft_outcomes(api, secretariat, ninth):
    api.force_login(secretariat)

    agenda = api.post("/api/v1/agenda-items/", {"meeting": "9th-sme", "number": 2, "title": "AOB"})
    delegation = api.post(
        "/api/v1/delegations/", {"meeting": "9th-sme", "state": "nigeria", "status": "excused"}
    )
    outcome = api.post(
        "/api/v1/outcomes/",
        {"meeting": "9th-sme", "number": 3, "text": "Meet again.", "status": "final"},
    )

    assert (agenda.status_code, delegation.status_code, outcome.status_code) == (201, 201, 201)
    assert AgendaItem.objects.filter(meeting=ninth).count() == 2
    assert Attendance.objects.get(state__slug="nigeria").status == "excused"
    # Outcomes become final by publication only.
    assert Outcome.objects.get(number=3).status == Outcome.Status.DRAFT


def test_absent_delegation_with_delegates_answers_400(api, secretariat, ninth):
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/delegations/",
        {"meeting": "9th-sme", "state": "nigeria", "status": "absent", "delegates": "Someone"},
    )

    assert "present" in field_errors(response, "non_field_errors")[0]
    assert not Attendance.objects.filter(state__slug="nigeria").exists()


def test_changing_a_final_outcome_answers_400_and_changes_nothing(api, secretariat, ninth):
    final = Outcome.objects.get(status=Outcome.Status.FINAL)
    api.force_login(secretariat)

    response = api.patch(f"/api/v1/outcomes/{final.pk}/", {"text": "Something else."})

    assert "final" in " ".join(field_errors(response, "non_field_errors"))
    final.refresh_from_db()
    assert final.text == "Adopt the plan."


def test_secretariat_corrects_a_final_outcome_with_a_new_one(api, secretariat, ninth):
    final = Outcome.objects.get(status=Outcome.Status.FINAL)
    draft = Outcome.objects.get(status=Outcome.Status.DRAFT)
    api.force_login(secretariat)

    corrects_draft = api.post(
        "/api/v1/outcomes/",
        {"meeting": "9th-sme", "number": 3, "text": "Fix.", "corrects": draft.pk},
    )
    corrects_final = api.post(
        "/api/v1/outcomes/",
        {"meeting": "9th-sme", "number": 3, "text": "Fix.", "corrects": final.pk},
    )

    assert field_errors(corrects_draft, "corrects")
    assert corrects_final.status_code == 201


def test_focal_point_cannot_record_outcomes(api, nigeria_focal, ninth):
    api.force_authenticate(nigeria_focal)

    response = api.post("/api/v1/outcomes/", {"meeting": "9th-sme", "number": 3, "text": "X"})

    assert response.status_code == 403
    assert Outcome.objects.count() == 2
