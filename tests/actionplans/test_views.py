"""Action item pages: who may see and post what, the upload rules, filters and query counts."""

import datetime
import io
import zipfile
from pathlib import Path, PurePath

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from actionplans.models import ActionItem, ProgressUpdate
from core.clock import secretariat_today
from meetings.models import Meeting
from memberstates.models import FocalPoint, MemberState
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ActivityFactory,
    AgreementFactory,
    MeetingFactory,
    MemberStateFactory,
    MoUAccessionFactory,
    MoUFactory,
    OutcomeFactory,
    ProgressUpdateFactory,
    SMEBodyFactory,
)

Status = ActionItem.Status
DAY = datetime.timedelta(days=1)
MY_ITEMS = "/action-items/"

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
TEXT = b"Minutes of the meeting, typed as plain text.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 16


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = zip_bytes("[Content_Types].xml", "word/document.xml")
XLSX = zip_bytes("[Content_Types].xml", "xl/workbook.xml")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def small_upload_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024


@pytest.fixture
def nigerias_item(nigeria):
    return ActionItemFactory(
        reference="AI-NG-01",
        title="Open the SME Centre in Abuja",
        lead_state=nigeria,
        status=Status.IN_PROGRESS,
        percent_complete=30,
    )


@pytest.fixture
def turkiyes_item(turkiye):
    return ActionItemFactory(
        reference="AI-TR-01",
        title="Run the KOSGEB mentoring programme",
        lead_state=turkiye,
        status=Status.IN_PROGRESS,
        percent_complete=30,
    )


@pytest.fixture
def supported_item(nigeria, turkiye):
    """Led by Türkiye, supported by Nigeria."""
    item = ActionItemFactory(
        reference="AI-TR-02",
        title="Joint trade fair pavilion",
        lead_state=turkiye,
        status=Status.NOT_STARTED,
        percent_complete=0,
    )
    item.supporting_states.add(nigeria)
    return item


@pytest.fixture
def nigerias_evidence(media, nigerias_item, nigeria_focal):
    return ProgressUpdateFactory(
        item=nigerias_item,
        author=nigeria_focal,
        evidence=ContentFile(PDF, name="report.pdf"),
        evidence_name="Workshop report.pdf",
    )


@pytest.fixture
def turkiyes_evidence(media, turkiyes_item, turkiye_focal):
    return ProgressUpdateFactory(
        item=turkiyes_item,
        author=turkiye_focal,
        evidence=ContentFile(PDF, name="mentoring.pdf"),
        evidence_name="Mentoring report.pdf",
    )


def progress(**changes):
    data = {"status": Status.IN_PROGRESS, "percent_complete": 50, "narrative": "Venue booked."}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_progress(client, item, **changes):
    return client.post(item.get_absolute_url(), progress(**changes))


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


def listed(response):
    return [item.reference for item in response.context["page"].object_list]


def download(response):
    return b"".join(response.streaming_content)


# Who may open an item and post to it


def test_turkish_focal_point_gets_404_on_nigerias_item_page(client, turkiye_focal, nigerias_item):
    client.force_login(turkiye_focal)

    assert client.get(nigerias_item.get_absolute_url()).status_code == 404


def test_turkish_focal_point_gets_404_when_posting_to_nigerias_item(
    client, turkiye_focal, nigerias_item
):
    client.force_login(turkiye_focal)

    assert post_progress(client, nigerias_item).status_code == 404


def test_turkish_focal_points_post_to_nigerias_item_changes_nothing(
    client, turkiye_focal, nigerias_item
):
    client.force_login(turkiye_focal)

    post_progress(client, nigerias_item, status=Status.COMPLETED, percent_complete=100)

    assert_unchanged(nigerias_item)


def test_turkish_focal_point_gets_404_on_nigerias_evidence(
    client, turkiye_focal, nigerias_evidence
):
    client.force_login(turkiye_focal)

    assert client.get(nigerias_evidence.get_evidence_url()).status_code == 404


def test_focal_point_cannot_reach_other_states_evidence_through_their_own_item(
    client, nigeria_focal, nigerias_item, turkiyes_evidence
):
    client.force_login(nigeria_focal)
    url = f"/action-items/{nigerias_item.pk}/evidence/{turkiyes_evidence.pk}/"

    assert client.get(url).status_code == 404


def test_focal_point_gets_404_on_a_missing_item(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    assert client.get(f"/action-items/{nigerias_item.pk + 1000}/").status_code == 404


def test_nigerian_focal_point_opens_nigerias_item(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = client.get(nigerias_item.get_absolute_url())

    assert response.status_code == 200
    assert "Open the SME Centre in Abuja" in response.content.decode()


def test_supporting_states_focal_point_can_open_the_item(client, nigeria_focal, supported_item):
    client.force_login(nigeria_focal)

    response = client.get(supported_item.get_absolute_url())

    assert response.status_code == 200
    assert "Joint trade fair pavilion" in response.content.decode()


def test_supporting_states_focal_point_can_post_progress(client, nigeria_focal, supported_item):
    client.force_login(nigeria_focal)

    response = post_progress(client, supported_item, percent_complete=40)

    assert response.status_code == 302
    assert response["Location"] == supported_item.get_absolute_url()
    update = ProgressUpdate.objects.get(item=supported_item)
    assert (update.author, update.percent_complete) == (nigeria_focal, 40)
    supported_item.refresh_from_db()
    assert (supported_item.status, supported_item.percent_complete) == (Status.IN_PROGRESS, 40)


def test_posted_progress_appears_in_the_items_history(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = client.post(
        nigerias_item.get_absolute_url(), progress(narrative="Lease signed."), follow=True
    )

    page = response.content.decode()
    assert "Your progress update was recorded." in page
    assert "Lease signed." in page


def test_supporting_states_focal_point_can_download_evidence(
    client, turkiye_focal, media, nigeria_focal, supported_item
):
    update = ProgressUpdateFactory(
        item=supported_item,
        author=nigeria_focal,
        evidence=ContentFile(PDF, name="x.pdf"),
        evidence_name="Pavilion plan.pdf",
    )
    client.force_login(turkiye_focal)

    response = client.get(update.get_evidence_url())

    assert response.status_code == 200
    assert download(response) == PDF


def test_delegate_gets_404_on_an_item_page(client, delegate, nigerias_item):
    client.force_login(delegate)

    assert client.get(nigerias_item.get_absolute_url()).status_code == 404


def test_delegates_post_to_an_item_gets_404_and_changes_nothing(client, delegate, nigerias_item):
    client.force_login(delegate)

    response = post_progress(client, nigerias_item)

    assert response.status_code == 404
    assert_unchanged(nigerias_item)


def test_delegate_gets_404_on_evidence(client, delegate, nigerias_evidence):
    client.force_login(delegate)

    assert client.get(nigerias_evidence.get_evidence_url()).status_code == 404


def test_delegate_gets_403_on_the_action_item_list(client, delegate, nigerias_item):
    client.force_login(delegate)

    assert client.get(MY_ITEMS).status_code == 403


def test_former_focal_point_gets_403_on_the_list_and_404_on_the_item(
    client, nigeria_focal, nigerias_item
):
    FocalPoint.objects.filter(user=nigeria_focal).update(is_active=False)
    client.force_login(nigeria_focal)

    assert client.get(MY_ITEMS).status_code == 403
    assert client.get(nigerias_item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("page", ["list", "item", "evidence"])
def test_anonymous_visitor_is_redirected_to_login(client, nigerias_evidence, page):
    url = {
        "list": MY_ITEMS,
        "item": nigerias_evidence.item.get_absolute_url(),
        "evidence": nigerias_evidence.get_evidence_url(),
    }[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_post_to_an_item_is_redirected_to_login_and_changes_nothing(
    client, nigerias_item
):
    response = post_progress(client, nigerias_item)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert_unchanged(nigerias_item)


def test_secretariat_opens_any_states_item(client, secretariat, nigerias_item, turkiyes_item):
    client.force_login(secretariat)

    assert client.get(nigerias_item.get_absolute_url()).status_code == 200
    assert client.get(turkiyes_item.get_absolute_url()).status_code == 200


def test_secretariat_posts_progress_to_any_states_item(client, secretariat, turkiyes_item):
    client.force_login(secretariat)

    response = post_progress(client, turkiyes_item, percent_complete=70)

    assert response.status_code == 302
    turkiyes_item.refresh_from_db()
    assert turkiyes_item.percent_complete == 70
    assert ProgressUpdate.objects.get(item=turkiyes_item).author == secretariat


def test_secretariat_downloads_any_states_evidence(client, secretariat, turkiyes_evidence):
    client.force_login(secretariat)

    response = client.get(turkiyes_evidence.get_evidence_url())

    assert response.status_code == 200
    assert download(response) == PDF


# CSRF still guards the item page, though its outer view is exempt to cap uploads first


def csrf_token_of(client, item):
    client.get(item.get_absolute_url())
    return client.cookies["csrftoken"].value


def test_post_without_a_csrf_token_is_refused_and_changes_nothing(nigeria_focal, nigerias_item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item)

    assert response.status_code == 403
    assert_unchanged(nigerias_item)


def test_post_with_a_csrf_token_is_recorded(nigeria_focal, nigerias_item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nigeria_focal)
    token = csrf_token_of(client, nigerias_item)

    response = post_progress(client, nigerias_item, csrfmiddlewaretoken=token)

    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(item=nigerias_item).exists()


def test_oversized_evidence_with_a_csrf_token_is_a_field_error_not_a_csrf_failure(
    nigeria_focal, nigerias_item, media, small_upload_limit
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nigeria_focal)
    token = csrf_token_of(client, nigerias_item)
    evidence = SimpleUploadedFile("report.pdf", PDF + b"\x00" * 2048)

    response = post_progress(client, nigerias_item, evidence=evidence, csrfmiddlewaretoken=token)

    assert_field_error(response, "evidence", "The file is larger than 1.0")
    assert_unchanged(nigerias_item)


def test_malformed_content_length_is_not_a_server_error(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)
    client.raise_request_exception = False

    response = client.post(
        nigerias_item.get_absolute_url(), progress(), CONTENT_LENGTH="not-a-number"
    )

    assert response.status_code < 500
    assert_unchanged(nigerias_item)


# The list of items: a focal point sees only their state's


def test_focal_points_list_shows_only_items_their_state_leads_or_supports(
    client, nigeria_focal, nigerias_item, supported_item, turkiyes_item
):
    client.force_login(nigeria_focal)

    response = client.get(MY_ITEMS)

    assert sorted(listed(response)) == ["AI-NG-01", "AI-TR-02"]
    assert "AI-TR-01" not in response.content.decode()


def test_state_filter_is_not_offered_to_a_focal_point(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = client.get(MY_ITEMS)

    assert "state" not in response.context["form"].fields
    assert 'name="state"' not in response.content.decode()


def test_focal_point_asking_for_another_states_items_still_sees_only_their_own(
    client, nigeria_focal, nigerias_item, turkiyes_item
):
    client.force_login(nigeria_focal)

    response = client.get(MY_ITEMS, {"state": "turkiye"})

    assert response.status_code == 200
    assert listed(response) == ["AI-NG-01"]
    assert "AI-TR-01" not in response.content.decode()


def test_secretariat_list_shows_every_states_items(
    client, secretariat, nigerias_item, supported_item, turkiyes_item
):
    client.force_login(secretariat)

    response = client.get(MY_ITEMS)

    assert sorted(listed(response)) == ["AI-NG-01", "AI-TR-01", "AI-TR-02"]


def test_secretariat_filters_items_by_responsible_state(
    client, secretariat, nigerias_item, supported_item, turkiyes_item
):
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"state": "nigeria"})

    assert sorted(listed(response)) == ["AI-NG-01", "AI-TR-02"]


# Filters of the list


def test_plan_filter_shows_only_that_plans_items(client, secretariat, nigeria):
    abuja, mentoring = ActionPlanFactory(), ActionPlanFactory()
    ActionItemFactory(plan=abuja, reference="AI-A", lead_state=nigeria)
    ActionItemFactory(plan=mentoring, reference="AI-B", lead_state=nigeria)
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"plan": abuja.pk})

    assert listed(response) == ["AI-A"]


def test_status_filter_shows_only_items_with_that_status(client, secretariat, nigeria):
    ActionItemFactory(reference="AI-A", lead_state=nigeria, status=Status.IN_PROGRESS)
    ActionItemFactory(
        reference="AI-B", lead_state=nigeria, status=Status.COMPLETED, percent_complete=100
    )
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"status": "completed"})

    assert listed(response) == ["AI-B"]


def test_overdue_filter_shows_only_open_items_past_their_due_date(client, secretariat, nigeria):
    today = secretariat_today()
    ActionItemFactory(reference="AI-LATE", lead_state=nigeria, due_date=today - DAY)
    ActionItemFactory(
        reference="AI-DONE-LATE",
        lead_state=nigeria,
        due_date=today - DAY,
        status=Status.COMPLETED,
        percent_complete=100,
    )
    ActionItemFactory(reference="AI-TODAY", lead_state=nigeria, due_date=today)
    ActionItemFactory(reference="AI-LATER", lead_state=nigeria, due_date=today + 10 * DAY)
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"overdue": "on"})

    assert listed(response) == ["AI-LATE"]


def test_overdue_items_are_marked_in_the_list(client, secretariat, nigeria):
    ActionItemFactory(reference="AI-LATE", lead_state=nigeria, due_date=secretariat_today() - DAY)
    client.force_login(secretariat)

    page = client.get(MY_ITEMS).content.decode()

    assert 'class="is-overdue"' in page
    assert '<span class="overdue">Overdue</span>' in page


def test_due_within_filter_shows_open_items_due_in_that_many_days(client, secretariat, nigeria):
    today = secretariat_today()
    ActionItemFactory(reference="AI-LATE", lead_state=nigeria, due_date=today - DAY)
    ActionItemFactory(reference="AI-TODAY", lead_state=nigeria, due_date=today)
    ActionItemFactory(reference="AI-WEEK", lead_state=nigeria, due_date=today + 7 * DAY)
    ActionItemFactory(reference="AI-MONTH", lead_state=nigeria, due_date=today + 30 * DAY)
    ActionItemFactory(
        reference="AI-DONE",
        lead_state=nigeria,
        due_date=today + DAY,
        status=Status.COMPLETED,
        percent_complete=100,
    )
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"due_within": 7})

    assert listed(response) == ["AI-TODAY", "AI-WEEK"]


def test_role_lead_shows_the_items_the_focal_points_state_leads(
    client, nigeria_focal, nigerias_item, supported_item
):
    client.force_login(nigeria_focal)

    response = client.get(MY_ITEMS, {"role": "lead"})

    assert listed(response) == ["AI-NG-01"]


def test_role_supporting_shows_the_items_the_focal_points_state_supports(
    client, nigeria_focal, nigerias_item, supported_item
):
    client.force_login(nigeria_focal)

    response = client.get(MY_ITEMS, {"role": "supporting"})

    assert listed(response) == ["AI-TR-02"]


@pytest.fixture
def three_items(nigeria):
    today = secretariat_today()
    ActionItemFactory(
        reference="AI-C", lead_state=nigeria, due_date=today + DAY, percent_complete=80
    )
    ActionItemFactory(
        reference="AI-A", lead_state=nigeria, due_date=today + 3 * DAY, percent_complete=10
    )
    ActionItemFactory(
        reference="AI-B", lead_state=nigeria, due_date=today + 2 * DAY, percent_complete=50
    )


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["AI-C", "AI-B", "AI-A"]),
        ("due_date", ["AI-C", "AI-B", "AI-A"]),
        ("-due_date", ["AI-A", "AI-B", "AI-C"]),
        ("percent_complete", ["AI-A", "AI-B", "AI-C"]),
        ("reference", ["AI-A", "AI-B", "AI-C"]),
    ],
)
def test_sort_orders_the_list(client, secretariat, three_items, sort, order):
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"sort": sort})

    assert listed(response) == order


def test_sort_by_recent_update_puts_the_last_updated_item_first(client, secretariat, three_items):
    ActionItem.objects.get(reference="AI-B").save()
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"sort": "-updated_at"})

    assert listed(response)[0] == "AI-B"


def test_list_is_paginated_by_25(client, secretariat, nigeria):
    today = secretariat_today()
    for n in range(26):
        ActionItemFactory(reference=f"AI-{n:02d}", lead_state=nigeria, due_date=today + n * DAY)
    client.force_login(secretariat)

    first, second = client.get(MY_ITEMS), client.get(MY_ITEMS, {"page": 2})

    assert len(listed(first)) == 25
    assert listed(second) == ["AI-25"]
    assert "Page 1 of 2" in first.content.decode()
    assert "26 items." in first.content.decode()


def test_next_page_link_keeps_the_filters(client, secretariat, nigeria):
    for n in range(26):
        ActionItemFactory(reference=f"AI-{n:02d}", lead_state=nigeria)
    client.force_login(secretariat)

    page = client.get(MY_ITEMS, {"status": "not_started"}).content.decode()

    assert 'href="?status=not_started&amp;page=2" rel="next"' in page


def test_list_shows_the_number_of_items_per_status(client, secretariat, nigeria):
    for reference in ["AI-A", "AI-B"]:
        ActionItemFactory(reference=reference, lead_state=nigeria, status=Status.IN_PROGRESS)
    ActionItemFactory(
        reference="AI-C", lead_state=nigeria, status=Status.COMPLETED, percent_complete=100
    )
    client.force_login(secretariat)

    page = client.get(MY_ITEMS).content.decode()

    assert "<li><strong>2</strong> in progress</li>" in page
    assert "<li><strong>1</strong> completed</li>" in page
    assert "<li><strong>0</strong> on hold</li>" in page


def test_status_counts_cover_only_the_focal_points_own_items(
    client, nigeria_focal, nigerias_item, turkiyes_item
):
    client.force_login(nigeria_focal)

    page = client.get(MY_ITEMS).content.decode()

    assert "<li><strong>1</strong> in progress</li>" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"due_within": "abc"}, "due_within", "Enter a whole number."),
        ({"due_within": "-1"}, "due_within", "greater than or equal to 0"),
        ({"status": "bogus"}, "status", "Select a valid choice."),
        ({"plan": "999999"}, "plan", "Select a valid choice."),
        ({"sort": "author__password"}, "sort", "Select a valid choice."),
        ({"role": "owner"}, "role", "Select a valid choice."),
    ],
)
def test_bad_filter_value_is_shown_as_an_error_and_ignored(
    client, secretariat, nigerias_item, turkiyes_item, query, field, message
):
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert sorted(listed(response)) == ["AI-NG-01", "AI-TR-01"]


def test_a_page_number_that_is_not_a_number_shows_the_first_page(
    client, secretariat, nigerias_item
):
    client.force_login(secretariat)

    response = client.get(MY_ITEMS, {"page": "abc"})

    assert response.status_code == 200
    assert listed(response) == ["AI-NG-01"]


# Form errors change nothing and are shown in the page


def assert_field_error(response, field, message):
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()


def test_percent_over_100_is_refused(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, percent_complete=150)

    assert_field_error(response, "percent_complete", "less than or equal to 100")
    assert_unchanged(nigerias_item)


def test_negative_percent_is_refused(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, percent_complete=-5)

    assert_field_error(response, "percent_complete", "greater than or equal to 0")
    assert_unchanged(nigerias_item)


@pytest.mark.parametrize("narrative", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_progress_without_a_narrative_is_refused(client, nigeria_focal, nigerias_item, narrative):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, narrative=narrative)

    assert response.status_code == 200
    assert "narrative" in response.context["form"].errors
    assert 'id="id_narrative_error"' in response.content.decode()
    assert_unchanged(nigerias_item)


def test_completed_at_40_percent_is_refused(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, status=Status.COMPLETED, percent_complete=40)

    assert_field_error(response, "percent_complete", "A completed item is 100% complete.")
    assert_unchanged(nigerias_item)


def test_unknown_status_is_refused(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, status="abandoned")

    assert_field_error(response, "status", "Select a valid choice.")
    assert_unchanged(nigerias_item)


def test_evidence_over_the_upload_limit_is_refused(
    client, nigeria_focal, nigerias_item, media, small_upload_limit
):
    client.force_login(nigeria_focal)
    evidence = SimpleUploadedFile("report.pdf", PDF + b"\x00" * 2048)

    response = post_progress(client, nigerias_item, evidence=evidence)

    assert_field_error(response, "evidence", "The file is larger than 1.0")
    assert_unchanged(nigerias_item)
    assert stored_files(media) == []


def test_a_30_mb_evidence_file_is_refused_with_the_default_limit(
    client, nigeria_focal, nigerias_item, media
):
    assert django_settings.UPLOAD_MAX_BYTES < 30 * 1024 * 1024
    client.force_login(nigeria_focal)
    evidence = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + bytes(30 * 1024 * 1024))

    response = post_progress(client, nigerias_item, evidence=evidence)

    assert_field_error(response, "evidence", "The file is larger than 10.0")
    assert_unchanged(nigerias_item)
    assert stored_files(media) == []


def test_a_request_body_over_the_hard_cap_is_refused_before_it_is_read(
    client, settings, nigeria_focal, nigerias_item, media
):
    settings.REQUEST_MAX_BYTES = 4096
    client.force_login(nigeria_focal)
    evidence = SimpleUploadedFile("report.pdf", PDF + b"\x00" * 8192)

    response = post_progress(client, nigerias_item, evidence=evidence)

    assert response.status_code == 413
    assert_unchanged(nigerias_item)


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", PNG), ("report.pdf", TEXT), ("setup.exe", EXE), ("setup.exe", PDF)],
    ids=["png-named-pdf", "text-named-pdf", "exe", "pdf-named-exe"],
)
def test_disguised_evidence_is_refused(client, nigeria_focal, nigerias_item, media, name, content):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, evidence=SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert 'id="id_evidence_error"' in response.content.decode()
    assert_unchanged(nigerias_item)
    assert stored_files(media) == []


VALID_EVIDENCE = [
    ("Workshop report.pdf", PDF),
    ("Fair photo.png", PNG),
    ("Minutes.docx", DOCX),
    ("Budget.xlsx", XLSX),
]


@pytest.mark.parametrize(("name", "content"), VALID_EVIDENCE)
def test_valid_evidence_is_accepted(client, nigeria_focal, nigerias_item, media, name, content):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, evidence=SimpleUploadedFile(name, content))

    assert response.status_code == 302
    update = ProgressUpdate.objects.get(item=nigerias_item)
    assert update.evidence_name == name
    with update.evidence.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(("name", "content"), VALID_EVIDENCE)
def test_evidence_is_stored_under_a_generated_name_in_media(
    client, nigeria_focal, nigerias_item, media, name, content
):
    client.force_login(nigeria_focal)

    post_progress(client, nigerias_item, evidence=SimpleUploadedFile(name, content))

    update = ProgressUpdate.objects.get(item=nigerias_item)
    stored = PurePath(update.evidence.name)
    assert stored.parent == PurePath("actionplans/evidence")
    assert stored.suffix == PurePath(name).suffix.lower()
    assert PurePath(name).stem not in stored.name
    path = Path(update.evidence.path).resolve()
    assert path.is_relative_to(Path(media).resolve())
    assert not path.is_relative_to((Path(django_settings.BASE_DIR) / "static").resolve())
    assert not path.is_relative_to(Path(django_settings.STATIC_ROOT).resolve())


def test_evidence_download_returns_the_file_to_a_responsible_focal_point(
    client, nigeria_focal, nigerias_evidence
):
    client.force_login(nigeria_focal)

    response = client.get(nigerias_evidence.get_evidence_url())

    assert response.status_code == 200
    assert download(response) == PDF


def test_evidence_is_downloaded_as_an_attachment_under_its_uploaded_name(
    client, nigeria_focal, nigerias_evidence
):
    client.force_login(nigeria_focal)

    response = client.get(nigerias_evidence.get_evidence_url())

    assert response["Content-Disposition"] == 'attachment; filename="Workshop report.pdf"'


def test_evidence_whose_file_is_missing_is_404(client, nigeria_focal, nigerias_evidence):
    nigerias_evidence.evidence.storage.delete(nigerias_evidence.evidence.name)
    client.force_login(nigeria_focal)

    assert client.get(nigerias_evidence.get_evidence_url()).status_code == 404


def test_evidence_link_is_shown_in_the_items_history(client, nigeria_focal, nigerias_evidence):
    client.force_login(nigeria_focal)

    page = client.get(nigerias_evidence.item.get_absolute_url()).content.decode()

    assert f'href="{nigerias_evidence.get_evidence_url()}"' in page
    assert "Evidence: Workshop report.pdf" in page


# The plan page


def test_plan_page_lists_every_item_but_links_only_those_the_viewer_may_open(
    client, nigeria_focal, nigeria, turkiye
):
    plan = ActionPlanFactory(slug="sme-centre")
    own = ActionItemFactory(plan=plan, reference="AI-NG-01", lead_state=nigeria)
    other = ActionItemFactory(plan=plan, reference="AI-TR-01", lead_state=turkiye)
    client.force_login(nigeria_focal)

    page = client.get("/action-plans/sme-centre/").content.decode()

    assert f'href="{own.get_absolute_url()}"' in page
    assert "AI-TR-01" in page
    assert f'href="{other.get_absolute_url()}"' not in page


def test_plan_page_links_no_item_for_an_anonymous_visitor(client, nigeria):
    plan = ActionPlanFactory(slug="sme-centre")
    item = ActionItemFactory(plan=plan, reference="AI-NG-01", lead_state=nigeria)

    response = client.get("/action-plans/sme-centre/")

    assert response.status_code == 200
    assert "AI-NG-01" in response.content.decode()
    assert f'href="{item.get_absolute_url()}"' not in response.content.decode()


def test_unknown_plan_is_404(client, db):
    assert client.get("/action-plans/no-such-plan/").status_code == 404


# Every record the item pages name is a link


def test_item_list_links_each_items_plan_and_responsible_states(
    client, nigeria_focal, nigeria, turkiye
):
    plan = ActionPlanFactory(title="Action Plan for the D-8 SME Centre in Abuja", slug="abuja")
    item = ActionItemFactory(plan=plan, lead_state=nigeria)
    item.supporting_states.add(turkiye)
    client.force_login(nigeria_focal)

    page = client.get(MY_ITEMS).content.decode()

    assert '<a href="/action-plans/abuja/">Action Plan for the D-8 SME Centre in Abuja</a>' in page
    assert (
        '<strong><a href="/member-states/nigeria/">Nigeria</a></strong> '
        '<span class="muted">(lead)</span>, <a href="/member-states/turkiye/">Türkiye</a>'
    ) in page


def test_item_list_links_an_agreements_activity_to_the_agreement(client, nigeria_focal, smedan):
    activity = ActivityFactory(agreement=AgreementFactory(body=smedan, title="MoU with KOSGEB"))
    agreement = activity.item.plan.agreement
    client.force_login(nigeria_focal)

    page = client.get(MY_ITEMS).content.decode()

    assert f'<a href="{agreement.get_absolute_url()}">MoU with KOSGEB</a>' in page
    assert activity.item.plan.get_absolute_url() not in page


def test_item_page_links_its_plan_outcome_and_the_authors_state(client, nigeria_focal, nigeria):
    plan = ActionPlanFactory(title="Action Plan for the D-8 SME Centre in Abuja", slug="abuja")
    meeting = MeetingFactory(number=9, slug="9th-sme-bodies")
    outcome = OutcomeFactory(meeting=meeting, number=4, status="final")
    item = ActionItemFactory(plan=plan, outcome=outcome, lead_state=nigeria)
    ProgressUpdateFactory(item=item, author=nigeria_focal)
    client.force_login(nigeria_focal)

    page = client.get(item.get_absolute_url()).content.decode()

    assert (
        '<dt>Action plan</dt><dd><a href="/action-plans/abuja/">'
        "Action Plan for the D-8 SME Centre in Abuja</a></dd>"
    ) in page
    assert '<a href="/meetings/9th-sme-bodies/#outcome-4">Decision 4</a> of the' in page
    assert '(<a href="/member-states/nigeria/">Nigeria</a>)</p>' in page


# Query counts stay the same at two sizes


def new_states(n):
    used = set(MemberState.objects.values_list("iso_code", flat=True))
    codes = [code for code, _ in countries if code not in used][:n]
    return [MemberStateFactory(iso_code=code) for code in codes]


def add_items(n, *, lead, supporting, plan=None):
    plan = plan or ActionPlanFactory()
    for _ in range(n):
        item = ActionItemFactory(
            plan=plan,
            lead_state=lead,
            outcome=OutcomeFactory(),
            status=Status.IN_PROGRESS,
            due_date=secretariat_today() - DAY,
        )
        item.supporting_states.add(*supporting)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["nigeria_focal", "secretariat"])
def test_action_item_list_runs_the_same_queries_for_3_and_30_items(
    client, request, nigeria, turkiye, persona
):
    client.force_login(request.getfixturevalue(persona))
    others = new_states(2)
    add_items(3, lead=nigeria, supporting=[turkiye, *others])
    small = queries_for(client, MY_ITEMS)

    add_items(27, lead=turkiye, supporting=[nigeria, *others])
    large = queries_for(client, MY_ITEMS)

    assert small == large


@pytest.mark.parametrize("persona", [None, "nigeria_focal", "secretariat"])
def test_plan_page_runs_the_same_queries_for_3_and_30_items(
    client, request, nigeria, turkiye, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    plan = ActionPlanFactory(slug="sme-centre", proposed_by=nigeria, adopted_at=MeetingFactory())
    add_items(3, plan=plan, lead=nigeria, supporting=[turkiye])
    small = queries_for(client, "/action-plans/sme-centre/")

    add_items(27, plan=plan, lead=turkiye, supporting=[nigeria])
    large = queries_for(client, "/action-plans/sme-centre/")

    assert small == large


def add_updates(item, n, authors):
    for i in range(n):
        ProgressUpdateFactory(item=item, author=authors[i % len(authors)])


def test_item_page_runs_the_same_queries_for_3_and_30_progress_updates(
    client, nigeria_focal, secretariat, turkiye, nigerias_item
):
    nigerias_item.supporting_states.add(turkiye, *new_states(2))
    client.force_login(nigeria_focal)
    add_updates(nigerias_item, 3, [nigeria_focal, secretariat])
    small = queries_for(client, nigerias_item.get_absolute_url())

    add_updates(nigerias_item, 27, [nigeria_focal, secretariat])
    large = queries_for(client, nigerias_item.get_absolute_url())

    assert small == large


def add_home_content(n):
    today = secretariat_today()
    states = new_states(n)
    mou = MoUFactory()
    for state in states:
        SMEBodyFactory(state=state)
        MoUAccessionFactory(mou=mou, state=state)
        MeetingFactory(
            host_state=state,
            status=Meeting.Status.PLANNED,
            start_date=today + 30 * DAY,
        )
        MeetingFactory(host_state=state, status=Meeting.Status.HELD, start_date=today - 30 * DAY)
        ActionItemFactory(plan=ActionPlanFactory(proposed_by=state), lead_state=state)


@pytest.mark.parametrize("persona", [None, "nigeria_focal", "secretariat"])
def test_home_page_runs_the_same_queries_for_3_and_30_of_everything(client, request, db, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    add_home_content(3)
    small = queries_for(client, "/")

    add_home_content(27)
    large = queries_for(client, "/")

    assert small == large


def test_evidence_with_a_name_over_200_characters_keeps_its_ending_and_type(
    client, nigeria_focal, nigerias_item, media
):
    client.force_login(nigeria_focal)
    long_name = "Workshop report " + "x" * 230 + ".pdf"
    post_progress(client, nigerias_item, evidence=SimpleUploadedFile(long_name, PDF))
    update = ProgressUpdate.objects.get()

    response = client.get(update.get_evidence_url())

    assert len(update.evidence_name) == 200
    assert update.evidence_name.startswith("Workshop report xxx")
    assert update.evidence_name.endswith("x.pdf")
    assert response["Content-Type"] == "application/pdf"


def test_update_lowering_the_percent_asks_for_confirmation_and_changes_nothing(
    client, nigeria_focal, nigerias_item
):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, percent_complete=10)

    assert response.status_code == 200
    page = response.content.decode()
    assert "lowers the progress from 30% to 10%" in page
    assert 'type="checkbox" name="lower_percent"' in page
    assert page.count("<title>Error: ") == 1
    assert_unchanged(nigerias_item)


def test_confirmed_update_lowering_the_percent_is_recorded(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    response = post_progress(client, nigerias_item, percent_complete=10, lower_percent="on")

    assert response.status_code == 302
    nigerias_item.refresh_from_db()
    assert nigerias_item.percent_complete == 10


def test_status_whose_usual_figure_lowers_the_percent_asks_for_confirmation(
    client, nigeria_focal, nigerias_item
):
    client.force_login(nigeria_focal)

    response = post_progress(
        client, nigerias_item, status=Status.NOT_STARTED, percent_complete=None
    )

    assert "lowers the progress from 30% to 0%" in response.content.decode()
    assert_unchanged(nigerias_item)


def test_progress_form_names_each_statuss_usual_percent(client, nigeria_focal, nigerias_item):
    client.force_login(nigeria_focal)

    page = client.get(nigerias_item.get_absolute_url()).content.decode()

    assert "Not started 0%; In progress 25%; On hold keeps the current figure" in page


def test_invalid_update_shows_an_error_summary_linked_to_the_field(
    client, nigeria_focal, nigerias_item
):
    client.force_login(nigeria_focal)

    page = post_progress(client, nigerias_item, narrative=" ").content.decode()

    assert 'class="error-summary"' in page
    assert '<a href="#id_narrative">What was done: ' in page
    assert "<title>Error: " in page
