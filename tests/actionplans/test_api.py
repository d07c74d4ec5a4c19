"""API of action plans, action items and progress updates: who reads and posts what."""

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from actionplans.models import ActionItem, ProgressUpdate
from core.clock import secretariat_today
from tests.api_helpers import field_errors
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    OutcomeFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

Status = ActionItem.Status
DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def centre_plan(nigeria):
    return ActionPlanFactory(
        title="D-8 SME Centre in Abuja", slug="sme-centre", proposed_by=nigeria
    )


@pytest.fixture
def nigerias_item(centre_plan, nigeria):
    return ActionItemFactory(
        plan=centre_plan,
        reference="AI-NG-01",
        title="Open the SME Centre in Abuja",
        lead_state=nigeria,
        status=Status.IN_PROGRESS,
        percent_complete=30,
        due_date=secretariat_today() + 30 * DAY,
    )


@pytest.fixture
def turkiyes_item(turkiye):
    return ActionItemFactory(
        reference="AI-TR-01",
        title="Run the KOSGEB mentoring programme",
        lead_state=turkiye,
        status=Status.IN_PROGRESS,
        percent_complete=30,
        due_date=secretariat_today() - 3 * DAY,
    )


@pytest.fixture
def supported_item(centre_plan, nigeria, turkiye):
    """Led by Türkiye, supported by Nigeria."""
    item = ActionItemFactory(
        plan=centre_plan,
        reference="AI-TR-02",
        title="Joint trade fair pavilion",
        lead_state=turkiye,
        due_date=secretariat_today() + 90 * DAY,
    )
    item.supporting_states.add(nigeria)
    return item


@pytest.fixture
def items(nigerias_item, turkiyes_item, supported_item):
    return nigerias_item, turkiyes_item, supported_item


def references(response):
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def progress_url(item):
    return f"/api/v1/action-items/{item.pk}/progress-updates/"


def assert_unchanged(item):
    stored = ActionItem.objects.get(pk=item.pk)
    assert (stored.status, stored.percent_complete, stored.updated_at) == (
        item.status,
        item.percent_complete,
        item.updated_at,
    )
    assert not ProgressUpdate.objects.filter(item=item).exists()


def stored_files(media):
    return [path for path in Path(media).rglob("*") if path.is_file()]


# Action plans: public, as their pages


def test_anyone_reads_a_plan_with_its_progress_and_item_summaries(api, items):
    plan = api.get("/api/v1/action-plans/sme-centre/").json()

    assert (plan["title"], plan["proposed_by"], plan["progress"]) == (
        "D-8 SME Centre in Abuja",
        "nigeria",
        15,
    )
    assert [(i["reference"], i["lead_state"], i["supporting_states"]) for i in plan["items"]] == [
        ("AI-NG-01", "nigeria", []),
        ("AI-TR-02", "turkiye", ["nigeria"]),
    ]
    assert "description" not in plan["items"][0]


def test_plans_are_filtered_by_status_and_proposing_state(api, items, turkiye):
    ActionPlanFactory(slug="done", status="completed", proposed_by=turkiye)

    def plans(query):
        return [p["slug"] for p in api.get(f"/api/v1/action-plans/?{query}").json()["results"]]

    assert plans("status=completed") == ["done"]
    assert plans("proposed_by=nigeria") == ["sme-centre"]
    assert field_errors(api.get("/api/v1/action-plans/?status=shelved"), "status")


def test_secretariat_adopts_a_plan_at_a_meeting(api, secretariat, centre_plan):
    from tests.factories import MeetingFactory

    MeetingFactory(slug="9th-sme")
    api.force_login(secretariat)

    response = api.patch(
        "/api/v1/action-plans/sme-centre/", {"status": "adopted", "adopted_at": "9th-sme"}
    )

    assert response.status_code == 200, response.content
    centre_plan.refresh_from_db()
    assert (centre_plan.status, centre_plan.adopted_at.slug) == ("adopted", "9th-sme")


# Action items: the reader's state's, all for the Secretariat


def test_anonymous_clients_get_401_on_action_items(api, items):
    assert api.get("/api/v1/action-items/").status_code == 401
    assert api.get(f"/api/v1/action-items/{items[0].pk}/").status_code == 401


def test_focal_point_lists_the_items_their_state_leads_or_supports(api, nigeria_focal, items):
    api.force_authenticate(nigeria_focal)

    assert references(api.get("/api/v1/action-items/")) == ["AI-NG-01", "AI-TR-02"]


def test_turkish_focal_point_gets_404_on_nigerias_item(api, turkiye_focal, nigerias_item):
    api.force_authenticate(turkiye_focal)

    assert api.get(f"/api/v1/action-items/{nigerias_item.pk}/").status_code == 404


def test_delegate_sees_no_action_items(api, delegate, items):
    api.force_authenticate(delegate)

    assert references(api.get("/api/v1/action-items/")) == []


def test_secretariat_lists_every_item(api, secretariat, items):
    api.force_login(secretariat)

    assert references(api.get("/api/v1/action-items/")) == ["AI-TR-01", "AI-NG-01", "AI-TR-02"]


def test_item_shows_its_rows_fields(api, nigeria_focal, nigerias_item):
    api.force_authenticate(nigeria_focal)

    item = api.get(f"/api/v1/action-items/{nigerias_item.pk}/").json()

    assert item["plan"] == "sme-centre"
    assert (item["status"], item["percent_complete"], item["is_overdue"]) == (
        "in_progress",
        30,
        False,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=nigeria", ["AI-NG-01", "AI-TR-02"]),
        ("state=turkiye", ["AI-TR-01", "AI-TR-02"]),
        ("lead_state=turkiye", ["AI-TR-01", "AI-TR-02"]),
        ("plan=sme-centre", ["AI-NG-01", "AI-TR-02"]),
        ("status=not_started", ["AI-TR-02"]),
        ("overdue=true", ["AI-TR-01"]),
        ("overdue=false", ["AI-NG-01", "AI-TR-02"]),
        ("due_before={today}", ["AI-TR-01"]),
        ("due_after={today}", ["AI-NG-01", "AI-TR-02"]),
        ("due_after={today}&due_before={in_60_days}", ["AI-NG-01"]),
        ("search=pavilion", ["AI-TR-02"]),
        ("ordering=-due_date", ["AI-TR-02", "AI-NG-01", "AI-TR-01"]),
        ("ordering=percent_complete", ["AI-TR-02", "AI-NG-01", "AI-TR-01"]),
    ],
)
def test_secretariat_filters_items(api, secretariat, items, query, expected):
    today = secretariat_today()
    api.force_login(secretariat)
    query = query.format(today=today, in_60_days=today + 60 * DAY)

    assert references(api.get(f"/api/v1/action-items/?{query}")) == expected


def test_filters_narrow_a_focal_points_items_and_never_widen_them(api, nigeria_focal, items):
    api.force_authenticate(nigeria_focal)

    assert references(api.get("/api/v1/action-items/?state=turkiye")) == ["AI-TR-02"]
    assert references(api.get("/api/v1/action-items/?overdue=true")) == []


def test_completed_items_are_never_overdue(api, secretariat, turkiyes_item):
    ActionItem.objects.filter(pk=turkiyes_item.pk).update(
        status=Status.COMPLETED, percent_complete=100
    )
    api.force_login(secretariat)

    assert references(api.get("/api/v1/action-items/?overdue=true")) == []
    assert references(api.get("/api/v1/action-items/?overdue=false")) == ["AI-TR-01"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("due_before=31/12/2026", "due_before"),
        ("due_after=2026-02-30", "due_after"),
        ("due_after=yesterday", "due_after"),
        ("status=finished", "status"),
        ("plan=no-such-plan", "plan"),
        ("state=atlantis", "state"),
        ("overdue=perhaps", "overdue"),
        ("overdue=True", "overdue"),
    ],
)
def test_bad_item_filters_answer_400_naming_the_filter(api, secretariat, items, query, field):
    api.force_login(secretariat)

    assert field_errors(api.get(f"/api/v1/action-items/?{query}"), field)


def test_secretariat_creates_an_item_with_supporting_states(api, secretariat, centre_plan, turkiye):
    outcome = OutcomeFactory()
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/action-items/",
        {
            "plan": "sme-centre",
            "reference": "AI-NG-02",
            "title": "Staff the centre",
            "outcome": outcome.pk,
            "lead_state": "nigeria",
            "supporting_states": ["turkiye"],
            "due_date": "2027-06-30",
        },
    )

    assert response.status_code == 201, response.content
    item = ActionItem.objects.get(reference="AI-NG-02")
    assert [s.slug for s in item.supporting_states.all()] == ["turkiye"]
    assert item.outcome == outcome


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "completed", "percent_complete": 80}, "percent_complete"),
        ({"percent_complete": 101}, "percent_complete"),
        ({"weight": 0}, "weight"),
        ({"reference": "AI-TR-01"}, "reference"),
        ({"lead_state": "atlantis"}, "lead_state"),
        ({"due_date": ""}, "due_date"),
    ],
)
def test_item_against_the_rules_answers_400_and_stays_as_it_was(
    api, secretariat, items, change, field
):
    nigerias_item = items[0]
    api.force_login(secretariat)

    response = api.patch(f"/api/v1/action-items/{nigerias_item.pk}/", change)

    assert field_errors(response, field)
    stored = ActionItem.objects.get(pk=nigerias_item.pk)
    assert (stored.reference, stored.status, stored.percent_complete, stored.weight) == (
        "AI-NG-01",
        Status.IN_PROGRESS,
        30,
        1,
    )


def test_focal_point_cannot_edit_their_own_item_directly(api, nigeria_focal, nigerias_item):
    api.force_authenticate(nigeria_focal)

    response = api.patch(f"/api/v1/action-items/{nigerias_item.pk}/", {"percent_complete": 90})

    assert response.status_code == 403
    assert_unchanged(nigerias_item)


# Posting progress: the browser form's rules, through the same service


def test_focal_point_posts_progress_to_their_states_item(
    api, nigeria_focal, nigerias_item, django_capture_on_commit_callbacks
):
    api.force_authenticate(nigeria_focal)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            progress_url(nigerias_item),
            {"status": "in_progress", "percent_complete": 60, "narrative": "Venue booked."},
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["item"], body["percent_complete"], body["author_state"]) == (
        nigerias_item.pk,
        60,
        "nigeria",
    )
    nigerias_item.refresh_from_db()
    assert (nigerias_item.status, nigerias_item.percent_complete) == (Status.IN_PROGRESS, 60)
    assert ProgressUpdate.objects.get().narrative == "Venue booked."
    assert len(mail.outbox) == 1  # the Secretariat hears of it, as from the browser form


def test_focal_point_of_a_supporting_state_posts_progress(api, nigeria_focal, supported_item):
    api.force_authenticate(nigeria_focal)

    response = api.post(
        progress_url(supported_item), {"status": "in_progress", "narrative": "Stand booked."}
    )

    assert response.status_code == 201
    supported_item.refresh_from_db()
    assert supported_item.percent_complete == 25  # the status's usual figure


def test_completing_an_item_without_a_percent_makes_it_100(api, nigeria_focal, nigerias_item):
    api.force_authenticate(nigeria_focal)

    api.post(progress_url(nigerias_item), {"status": "completed", "narrative": "Opened."})

    nigerias_item.refresh_from_db()
    assert (nigerias_item.status, nigerias_item.percent_complete) == (Status.COMPLETED, 100)


def test_turkish_focal_point_gets_404_posting_to_nigerias_item(api, turkiye_focal, nigerias_item):
    api.force_authenticate(turkiye_focal)

    response = api.post(
        progress_url(nigerias_item), {"status": "completed", "narrative": "Taken over."}
    )

    assert response.status_code == 404
    assert_unchanged(nigerias_item)


def test_delegate_gets_404_posting_progress(api, delegate, nigerias_item):
    api.force_authenticate(delegate)

    response = api.post(progress_url(nigerias_item), {"status": "completed", "narrative": "X"})

    assert response.status_code == 404
    assert_unchanged(nigerias_item)


def test_anonymous_client_gets_401_posting_progress(api, nigerias_item):
    response = api.post(progress_url(nigerias_item), {"status": "completed", "narrative": "X"})

    assert response.status_code == 401
    assert_unchanged(nigerias_item)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "completed", "percent_complete": 80, "narrative": "X"}, "percent_complete"),
        ({"status": "in_progress", "percent_complete": 101, "narrative": "X"}, "percent_complete"),
        (
            {"status": "in_progress", "percent_complete": "half", "narrative": "X"},
            "percent_complete",
        ),
        ({"status": "finished", "narrative": "X"}, "status"),
        ({"narrative": "X"}, "status"),
        ({"status": "in_progress", "narrative": "   "}, "narrative"),
        ({"status": "in_progress"}, "narrative"),
        ({"status": "in_progress", "narrative": "x" * 10_001}, "narrative"),
        ({"status": "in_progress", "narrative": "X", "evidence": "report.pdf"}, "evidence"),
    ],
)
def test_bad_progress_answers_400_with_a_field_message_and_changes_nothing(
    api, nigeria_focal, nigerias_item, data, field
):
    api.force_authenticate(nigeria_focal)

    response = api.post(progress_url(nigerias_item), data)

    assert field_errors(response, field)
    assert_unchanged(nigerias_item)


def test_malformed_json_answers_400(api, nigeria_focal, nigerias_item):
    api.force_authenticate(nigeria_focal)

    response = api.post(progress_url(nigerias_item), '{"status": ', content_type="application/json")

    assert response.status_code == 400
    assert_unchanged(nigerias_item)


def test_progress_with_evidence_is_posted_as_multipart(api, nigeria_focal, nigerias_item, media):
    api.force_authenticate(nigeria_focal)
    evidence = SimpleUploadedFile("Workshop report.pdf", PDF, content_type="application/pdf")

    response = api.post(
        progress_url(nigerias_item),
        {"status": "in_progress", "narrative": "Workshop held.", "evidence": evidence},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get()
    assert update.evidence_name == "Workshop report.pdf"
    assert update.evidence.read() == PDF
    assert response.json()["evidence_url"] == (
        f"http://testserver/action-items/{nigerias_item.pk}/evidence/{update.pk}/"
    )


def test_disguised_evidence_is_refused(api, nigeria_focal, nigerias_item, media):
    api.force_authenticate(nigeria_focal)

    response = api.post(
        progress_url(nigerias_item),
        {
            "status": "in_progress",
            "narrative": "Workshop held.",
            "evidence": SimpleUploadedFile("report.pdf", PNG),
        },
        format="multipart",
    )

    assert "not what its name says" in field_errors(response, "evidence")[0]
    assert_unchanged(nigerias_item)
    assert stored_files(media) == []


def test_evidence_over_the_limit_is_refused_as_a_field_error(
    api, settings, nigeria_focal, nigerias_item, media
):
    settings.UPLOAD_MAX_BYTES = 1024
    api.force_authenticate(nigeria_focal)

    response = api.post(
        progress_url(nigerias_item),
        {
            "status": "in_progress",
            "narrative": "Workshop held.",
            "evidence": SimpleUploadedFile("report.pdf", PDF + b"\x00" * 4096),
        },
        format="multipart",
    )

    assert "larger than" in field_errors(response, "evidence")[0]
    assert_unchanged(nigerias_item)
    assert stored_files(media) == []


def test_request_body_over_the_hard_cap_answers_413(
    api, settings, nigeria_focal, nigerias_item, media
):
    settings.REQUEST_MAX_BYTES = 4096
    api.force_authenticate(nigeria_focal)

    response = api.post(
        progress_url(nigerias_item),
        {
            "status": "in_progress",
            "narrative": "Workshop held.",
            "evidence": SimpleUploadedFile("report.pdf", PDF + b"\x00" * 8192),
        },
        format="multipart",
    )

    assert response.status_code == 413
    assert_unchanged(nigerias_item)


def test_malformed_content_length_answers_400(api, nigeria_focal, nigerias_item):
    api.force_authenticate(nigeria_focal)

    response = api.post(
        progress_url(nigerias_item),
        {"status": "in_progress", "narrative": "X"},
        CONTENT_LENGTH="many",
    )

    assert response.status_code == 400
    assert_unchanged(nigerias_item)


def test_session_clients_must_send_the_csrf_token(nigeria_focal, nigerias_item):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(nigeria_focal)

    response = client.post(progress_url(nigerias_item), {"status": "completed", "narrative": "X"})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert_unchanged(nigerias_item)


def test_progress_cannot_be_posted_by_put_or_patch_on_an_update(api, nigeria_focal, nigerias_item):
    update = ProgressUpdateFactory(item=nigerias_item, author=nigeria_focal)
    api.force_authenticate(nigeria_focal)

    for method in (api.put, api.patch, api.delete):
        response = method(f"/api/v1/progress-updates/{update.pk}/", {"narrative": "Rewritten"})
        assert response.status_code == 405
    assert ProgressUpdate.objects.get().narrative == "Half of the work is done."


# Progress history: visible as the items are


def test_focal_point_reads_the_progress_of_their_states_items_only(
    api, nigeria_focal, turkiye_focal, nigerias_item, turkiyes_item
):
    ProgressUpdateFactory(item=nigerias_item, author=nigeria_focal, narrative="Ours")
    theirs = ProgressUpdateFactory(item=turkiyes_item, author=turkiye_focal, narrative="Theirs")
    api.force_authenticate(nigeria_focal)

    listed = api.get("/api/v1/progress-updates/").json()["results"]

    assert [u["narrative"] for u in listed] == ["Ours"]
    assert api.get(f"/api/v1/progress-updates/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/progress-updates/?item={turkiyes_item.pk}").json()["results"] == []


def test_anonymous_clients_get_401_on_progress_updates(api, nigerias_item):
    assert api.get("/api/v1/progress-updates/").status_code == 401


def test_progress_updates_are_filtered(api, secretariat, nigeria_focal, items):
    nigerias_item, turkiyes_item, supported_item = items
    ProgressUpdateFactory(item=nigerias_item, author=nigeria_focal, narrative="Centre")
    ProgressUpdateFactory(item=turkiyes_item, narrative="Mentoring", status="on_hold")
    ProgressUpdateFactory(item=supported_item, narrative="Pavilion")
    api.force_login(secretariat)
    today = secretariat_today()

    def narratives(query):
        response = api.get(f"/api/v1/progress-updates/?{query}")
        assert response.status_code == 200, response.content
        return sorted(u["narrative"] for u in response.json()["results"])

    assert narratives(f"item={nigerias_item.pk}") == ["Centre"]
    assert narratives("state=nigeria") == ["Centre", "Pavilion"]
    assert narratives("plan=sme-centre") == ["Centre", "Pavilion"]
    assert narratives("status=on_hold") == ["Mentoring"]
    assert narratives(f"posted_after={today - DAY}&posted_before={today + DAY}") == [
        "Centre",
        "Mentoring",
        "Pavilion",
    ]
    assert narratives(f"posted_after={today + 2 * DAY}") == []
    assert narratives("search=pavilion") == ["Pavilion"]
    assert field_errors(api.get("/api/v1/progress-updates/?posted_after=soon"), "posted_after")
    assert field_errors(api.get("/api/v1/progress-updates/?item=first"), "item")


def test_progress_update_names_its_author_and_their_state(api, nigeria_focal, nigerias_item):
    nigeria_focal.first_name, nigeria_focal.last_name = "Amina", "Bello"
    nigeria_focal.save()
    ProgressUpdateFactory(item=nigerias_item, author=nigeria_focal)
    api.force_authenticate(nigeria_focal)

    update = api.get("/api/v1/progress-updates/").json()["results"][0]

    assert (update["author"], update["author_state"], update["evidence_url"]) == (
        "Amina Bello",
        "nigeria",
        None,
    )
