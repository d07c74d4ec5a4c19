import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from meetings import reports
from meetings.models import Attendance, Meeting, MeetingReport, MeetingReportFingerprint, Outcome
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MemberStateFactory,
    OutcomeFactory,
)
from tests.pdf_checks import assert_tagged_pdfa
from tests.recording_server import recording_server


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def renders(monkeypatch):
    """Counts PDF renders of meeting reports."""
    calls = []
    real = reports.render_pdf

    def counting(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(reports, "render_pdf", counting)
    return calls


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def get_report(client, meeting, **headers):
    # A render a reader asks for is queued after commit (at once, outside a test's
    # transaction): run it as the worker would, once the "being prepared" page is out.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(reverse("meetings:report", args=[meeting.slug]), headers=headers)


def download(client, meeting, **headers):
    """The report as a browser gets it: asking again while it is being prepared."""
    response = get_report(client, meeting, **headers)
    if response.status_code == 202:
        response = get_report(client, meeting, **headers)
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, content


@pytest.fixture
def ninth_meeting(nigeria, turkiye, smedan, secretariat):
    meeting = MeetingFactory(
        number=9,
        slug="9th-sme-bodies-2026",
        format=Meeting.Format.VIRTUAL,
        city="",
        host_state=nigeria,
        host_body=smedan,
        start_date=datetime.date(2026, 4, 29),
    )
    AttendanceFactory(
        meeting=meeting, state=nigeria, head_of_delegation="Director-General of SMEDAN"
    )
    AttendanceFactory(meeting=meeting, state=turkiye, delegates="Deniz Yılmaz, KOSGEB")
    AttendanceFactory(
        meeting=meeting,
        state=MemberStateFactory(name="Pakistan", iso_code="PK", slug="pakistan"),
        status=Attendance.Status.ABSENT,
    )
    AgendaItemFactory(meeting=meeting, number=1, title="Universal adherence to the MoU")
    first = OutcomeFactory(meeting=meeting, number=1, text="Operationalize the D-8 SME Centre.")
    second = OutcomeFactory(
        meeting=meeting,
        number=2,
        kind=Outcome.Kind.RECOMMENDATION,
        text="Strengthen collaboration with UNIDO.",
    )
    plan = ActionPlanFactory(title="Action Plan for the D-8 SME Centre in Abuja", tabled_at=meeting)
    ActionItemFactory(
        plan=plan,
        outcome=first,
        reference="NG-CTR-1",
        title="Refine the plan",
        lead_state=nigeria,
        due_date=datetime.date(2026, 5, 29),
    )
    ActionItemFactory(
        plan=plan,
        outcome=second,
        reference="TR-UNI-1",
        title="Contact UNIDO",
        lead_state=turkiye,
        due_date=datetime.date(2027, 2, 26),
    )
    meeting.publish_outcomes(by=secretariat)
    return meeting


def test_report_shows_title_states_outcomes_and_action_items_with_due_dates(client, ninth_meeting):
    response, content = download(client, ninth_meeting)
    text = pdf_text(content)

    assert response.status_code == 200
    assert "9th Meeting of the D-8 SME Governmental Bodies" in text
    for state in ("Nigeria", "Türkiye", "Pakistan"):
        assert state in text
    assert "Absent" in text
    assert "Operationalize the D-8 SME Centre." in text
    assert "Strengthen collaboration with UNIDO." in text
    assert "NG-CTR-1" in text and "29 May 2026" in text
    assert "TR-UNI-1" in text and "26 February 2027" in text
    assert "Virtual" in text and "SMEDAN" in text
    assert "DRAFT" not in text


def test_report_has_running_footer_with_page_n_of_n(client, ninth_meeting):
    _, content = download(client, ninth_meeting)
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)

    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert "Report of" in reader.pages[0].extract_text()


def test_annex_lists_open_plans_linked_to_the_meeting_with_overdue_marks(
    client, ninth_meeting, nigeria
):
    ActionPlanFactory(title="Plan adopted elsewhere, unrelated")
    ActionPlanFactory(
        title="Completed plan adopted here",
        adopted_at=ninth_meeting,
        status="completed",
    )
    _, content = download(client, ninth_meeting)
    annex = pdf_text(content).split("Annex: status of open action plans")[-1]

    assert "Action Plan for the D-8 SME Centre in Abuja" in annex
    assert "unrelated" not in annex
    assert "Completed plan" not in annex
    assert "Overdue" in annex and "NG-CTR-1" in annex


def test_annex_names_the_ten_longest_overdue_items_of_a_plan_and_links_to_the_rest(
    nigeria, settings
):
    settings.SITE_URL = "https://portal.d8sme.example.org"
    today = datetime.date(2026, 6, 1)
    meeting = MeetingFactory()
    outcome = OutcomeFactory(meeting=meeting)
    plan = ActionPlanFactory(slug="big-plan", title="A plan with many late items")
    for days in range(1, 13):
        ActionItemFactory(
            plan=plan,
            outcome=outcome,
            lead_state=nigeria,
            reference=f"LATE-{days:02d}",
            due_date=today - datetime.timedelta(days=days),
        )

    html = reports.meeting_report_html(meeting, today=today)
    annex = html.split('id="annex"')[1]

    assert "12 of 12 items" in annex
    assert annex.count('class="overdue-mark">Overdue</span>') == 10
    assert "LATE-12" in annex and "LATE-03" in annex and "LATE-02" not in annex
    assert (
        "the other 2 are on the plan's page: "
        "https://portal.d8sme.example.org/action-plans/big-plan/" in annex
    )


def test_report_of_a_meeting_without_outcomes_renders_sensibly(client, secretariat):
    meeting = MeetingFactory(title="Technical session on SME finance", number=None)
    meeting.publish_outcomes(by=secretariat)

    response, content = download(client, meeting)
    text = pdf_text(content)

    assert response.status_code == 200
    assert "Technical session on SME finance" in text
    assert "This meeting recorded no outcomes." in text
    assert "No action items arise from the outcomes of this meeting." in text
    assert "There are no open action plans linked to this meeting." in text


def test_download_has_a_descriptive_file_name(client, ninth_meeting):
    response, _ = download(client, ninth_meeting)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="9th Meeting of the D-8 SME Governmental Bodies (2026)'
        ' - outcome report.pdf"'
    )


def test_second_download_of_an_unchanged_report_is_not_rendered_again(
    client, ninth_meeting, renders
):
    _, first = download(client, ninth_meeting)
    rendered = len(renders)
    _, second = download(client, ninth_meeting)

    assert len(renders) == rendered
    assert first == second


def test_a_change_to_an_outcome_renders_the_report_again(client, secretariat, renders):
    meeting = MeetingFactory()
    outcome = OutcomeFactory(meeting=meeting, text="First wording.")
    client.force_login(secretariat)
    download(client, meeting)

    outcome.text = "Second wording."
    outcome.save()
    _, content = download(client, meeting)

    assert len(renders) == 2
    assert "Second wording." in pdf_text(content)


def test_a_change_to_an_action_item_renders_the_report_again(client, ninth_meeting, renders):
    download(client, ninth_meeting)
    rendered = len(renders)
    item = ninth_meeting.outcomes.get(number=1).action_items.get()
    item.due_date = datetime.date(2026, 9, 30)
    item.save()

    _, content = download(client, ninth_meeting)

    assert len(renders) > rendered
    assert "30 September 2026" in pdf_text(content)


def test_a_render_replaces_the_stored_file(client, secretariat, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    outcome = OutcomeFactory(meeting=meeting)
    client.force_login(secretariat)
    download(client, meeting)
    old = MeetingReport.objects.get(meeting=meeting).file.name

    outcome.text = "Changed."
    outcome.save()
    with django_capture_on_commit_callbacks(execute=True):
        reports.meeting_report_current(meeting=meeting)
    report = MeetingReport.objects.get(meeting=meeting)

    assert report.file.name != old
    assert not report.file.storage.exists(old)


def test_publishing_renders_the_report_in_the_background(transactional_db, secretariat, renders):
    meeting = MeetingFactory()  # committed: the draft report is rendered in the background
    OutcomeFactory(meeting=meeting)

    meeting.publish_outcomes(by=secretariat)
    reports_ = MeetingReport.objects.filter(meeting=meeting)

    assert [r.is_draft for r in reports_] == [False, False]
    assert "DRAFT" not in renders[-1]
    # Meeting created, outcome added (the draft); outcomes published (both audiences).
    assert len(renders) == 4


def test_many_changes_in_one_transaction_queue_one_render_per_meeting(
    db,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        meeting = MeetingFactory()
        for number in range(1, 6):
            OutcomeFactory(meeting=meeting, number=number)
        AgendaItemFactory(meeting=meeting)

    assert len(callbacks) == 1


def test_an_action_item_change_renders_its_meetings_report_in_the_background(
    transactional_db, nigeria, renders
):
    meeting = MeetingFactory()
    item = ActionItemFactory(outcome=OutcomeFactory(meeting=meeting), lead_state=nigeria)
    before = len(renders)

    item.title = "A better title"
    item.save()

    assert len(renders) == before + 1
    assert "A better title" in renders[-1]


def test_markup_in_an_outcome_fetches_nothing_and_reads_no_file(client, secretariat):
    meeting = MeetingFactory()
    with recording_server() as (base, hits):
        OutcomeFactory(
            meeting=meeting,
            text=(
                f'<img src="{base}/x"> <img src="file:///etc/passwd">'
                f' <link rel="stylesheet" href="{base}/style.css">'
                ' <iframe src="file:///etc/passwd"></iframe>'
                ' <object data="file:///etc/passwd"></object>'
            ),
        )
        meeting.publish_outcomes(by=secretariat)
        _, content = download(client, meeting)

    text = pdf_text(content)
    assert hits == []
    assert "root:" not in text
    assert '<img src="file:///etc/passwd">' in text  # shown as the text it is


def test_unpublished_report_is_hidden_from_everyone_but_the_secretariat(
    client, nigeria_focal, delegate
):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)

    anonymous, _ = download(client, meeting)
    client.force_login(delegate)
    as_delegate, _ = download(client, meeting)
    client.force_login(nigeria_focal)
    as_focal_point, _ = download(client, meeting)

    assert [anonymous.status_code, as_delegate.status_code, as_focal_point.status_code] == [
        404,
        404,
        404,
    ]
    assert not MeetingReport.objects.exists()


def test_secretariat_gets_the_unpublished_report_marked_draft(client, secretariat):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting, text="A draft decision.")
    client.force_login(secretariat)

    response, content = download(client, meeting)
    text = pdf_text(content)

    assert response.status_code == 200
    assert "DRAFT" in response["Content-Disposition"]
    assert "DRAFT" in text and "A draft decision." in text


def test_published_report_leaves_out_corrections_still_in_draft(client, ninth_meeting):
    OutcomeFactory(meeting=ninth_meeting, number=3, text="A correction not yet published.")

    _, content = download(client, ninth_meeting)

    assert "A correction not yet published." not in pdf_text(content)


def test_report_of_an_unknown_meeting_is_404(client, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("meetings:report", args=["no-such-meeting"]))

    assert response.status_code == 404


def test_meeting_page_links_to_the_published_report(client, ninth_meeting):
    response = client.get(ninth_meeting.get_absolute_url())

    assert reverse("meetings:report", args=[ninth_meeting.slug]).encode() in response.content


def test_meeting_page_hides_the_link_to_an_unpublished_report(client, db):
    meeting = MeetingFactory()

    response = client.get(meeting.get_absolute_url())

    assert b"report.pdf" not in response.content


def test_report_html_is_built_in_the_same_number_of_queries_at_any_size(ninth_meeting, nigeria):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            reports.meeting_report_html(Meeting.objects.get(pk=ninth_meeting.pk))
        return len(queries)

    plan = ActionPlanFactory(adopted_at=ninth_meeting)
    ActionItemFactory(plan=plan, lead_state=nigeria)
    small = count_queries()
    for number in range(10, 20):
        outcome = Outcome.objects.create(meeting=ninth_meeting, number=number, text="More.")
        ActionItemFactory(plan=plan, outcome=outcome, lead_state=nigeria)
        AgendaItemFactory(meeting=ninth_meeting, number=number)

    assert count_queries() == small


def test_command_writes_the_report_of_a_meeting_by_slug_or_id(ninth_meeting, tmp_path, capsys):
    by_slug, by_id = tmp_path / "slug.pdf", tmp_path / "id.pdf"

    call_command("meeting_report", ninth_meeting.slug, "-o", str(by_slug))
    call_command("meeting_report", str(ninth_meeting.pk), "--output", str(by_id))

    assert "9th Meeting" in pdf_text(by_slug.read_bytes())
    assert by_slug.read_bytes() == by_id.read_bytes()
    assert capsys.readouterr().out.count("Wrote the") == 2


def test_command_refuses_an_unknown_meeting_and_writes_nothing(db, tmp_path):
    target = tmp_path / "report.pdf"

    with pytest.raises(CommandError, match="No meeting with the id or slug 'nope'"):
        call_command("meeting_report", "nope", "-o", str(target))

    assert not target.exists()


def test_regenerate_action_renders_an_unchanged_report_anew(
    client, ninth_meeting, secretariat, renders, django_capture_on_commit_callbacks
):
    download(client, ninth_meeting)
    rendered = len(renders)
    old = MeetingReport.objects.get(meeting=ninth_meeting, audience="public")
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "regenerate_report", "_selected_action": [ninth_meeting.pk]},
            follow=True,
        )

    assert "1 report(s) are being rendered anew" in response.content.decode()
    assert len(renders) == rendered + 2  # both audiences
    report = MeetingReport.objects.get(meeting=ninth_meeting, audience="public")
    assert report.file.name != old.file.name and report.rendered_at > old.rendered_at


def test_meeting_change_page_shows_the_stored_report(client, ninth_meeting, secretariat):
    client.force_login(secretariat)
    change = reverse("admin:meetings_meeting_change", args=[ninth_meeting.pk])
    assert "Not rendered yet" in client.get(change).content.decode()

    download(client, ninth_meeting)
    page = client.get(change).content.decode()

    assert reverse("meetings:report", args=[ninth_meeting.slug]) in page
    for audience in ("Visitors", "Signed-in readers"):
        assert re.search(
            rf"Download</a> — {audience}, final, \d+ page\(s\), dated \d{{1,2}} \w+ \d{{4}}, "
            r"rendered \d{1,2} \w+ \d{4}, \d\d:\d\d Istanbul time",
            page,
        )


# What the reader may see -------------------------------------------------------------------


def test_visitors_report_leaves_out_heads_of_delegation_and_delegates(client, ninth_meeting):
    response, content = download(client, ninth_meeting)
    text = pdf_text(content)

    assert response.status_code == 200
    assert "Nigeria" in text and "Absent" in text
    assert "Director-General of SMEDAN" not in text
    assert "Deniz Yılmaz" not in text
    assert "Delegation" not in text


def test_signed_in_reader_gets_the_delegations_the_meeting_page_shows(
    client, ninth_meeting, delegate
):
    client.force_login(delegate)

    response, content = download(client, ninth_meeting)
    text = pdf_text(content)
    page = client.get(ninth_meeting.get_absolute_url()).content.decode()

    assert "Director-General of SMEDAN" in page and "Deniz Yılmaz, KOSGEB" in page
    assert "Director-General of SMEDAN" in text and "Deniz Yılmaz, KOSGEB" in text


# Stored reports that stay stored -----------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    """Renders queued for a worker that does not run: the meeting ids."""
    from meetings import tasks

    calls = []
    monkeypatch.setattr(tasks.render_meeting_report, "delay", lambda *args: calls.append(args))
    return calls


def test_a_current_stored_report_is_served_without_rendering_anything(
    client, ninth_meeting, renders, django_assert_max_num_queries
):
    _, first = download(client, ninth_meeting)
    rendered = len(renders)

    with django_assert_max_num_queries(1):  # the current report, with its meeting
        response, second = download(client, ninth_meeting)

    assert response.status_code == 200
    assert len(renders) == rendered
    assert second == first


def test_a_report_not_rendered_yet_is_being_prepared_and_one_render_is_queued(
    client, ninth_meeting, queued
):
    first = get_report(client, ninth_meeting)
    second = get_report(client, ninth_meeting)

    assert [first.status_code, second.status_code] == [202, 202]
    assert "The outcome report is being prepared" in first.content.decode()
    assert first["Retry-After"] == "5"
    assert queued == [(ninth_meeting.pk,)]  # many readers waiting, one render


def test_a_stale_report_is_not_served_while_its_render_is_queued(
    client, ninth_meeting, monkeypatch
):
    download(client, ninth_meeting)
    AgendaItemFactory(meeting=ninth_meeting, number=2, title="Any other business")
    from meetings import tasks

    monkeypatch.setattr(tasks.render_meeting_report, "delay", lambda *args: None)

    response = get_report(client, ninth_meeting)

    assert response.status_code == 202


def test_a_browser_that_has_the_report_gets_not_modified(client, ninth_meeting):
    response, _ = download(client, ninth_meeting)

    again = get_report(client, ninth_meeting, if_none_match=response["ETag"])
    since = get_report(client, ninth_meeting, if_modified_since=response["Last-Modified"])

    assert response["ETag"] and "private" in response["Cache-Control"]
    assert [again.status_code, since.status_code] == [304, 304]
    assert again["ETag"] == response["ETag"]
    assert again.content == b""


def test_a_changed_report_is_sent_again_to_a_browser_that_has_the_old_one(client, ninth_meeting):
    response, _ = download(client, ninth_meeting)
    AgendaItemFactory(meeting=ninth_meeting, number=2, title="Any other business")

    again, content = download(client, ninth_meeting, if_none_match=response["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != response["ETag"]
    assert "Any other business" in pdf_text(content)


def test_visitors_and_signed_in_readers_get_different_versions(client, ninth_meeting, delegate):
    visitor, _ = download(client, ninth_meeting)
    client.force_login(delegate)

    signed_in = get_report(client, ninth_meeting, if_none_match=visitor["ETag"])

    assert signed_in.status_code == 200
    assert "Cookie" in signed_in["Vary"]


def test_a_change_renews_the_fingerprint_in_the_same_transaction(ninth_meeting):
    before = MeetingReportFingerprint.objects.get(meeting=ninth_meeting).fingerprint

    AgendaItemFactory(meeting=ninth_meeting, number=2, title="Any other business")

    assert MeetingReportFingerprint.objects.get(meeting=ninth_meeting).fingerprint != before


def test_report_is_dated_by_the_last_change_it_shows_not_by_the_day_it_is_downloaded(
    client, ninth_meeting, secretariat_clock
):
    MeetingReportFingerprint.objects.filter(meeting=ninth_meeting).update(
        changed_at=datetime.datetime(2026, 4, 30, 9, 0, tzinfo=datetime.UTC)
    )
    secretariat_clock.set(datetime.date(2026, 5, 10))

    _, content = download(client, ninth_meeting)

    assert "Report of 30 April 2026" in pdf_text(content)
    assert MeetingReport.objects.get(audience="public").report_date == datetime.date(2026, 4, 30)


def test_a_stored_report_stays_current_on_the_following_days(
    client, ninth_meeting, secretariat_clock, renders
):
    secretariat_clock.set(datetime.date(2026, 5, 10))
    first, _ = download(client, ninth_meeting)
    rendered = len(renders)

    secretariat_clock.set(datetime.date(2026, 5, 29))  # NG-CTR-1 is due, not yet overdue
    again = get_report(client, ninth_meeting, if_none_match=first["ETag"])

    assert again.status_code == 304
    assert len(renders) == rendered


def test_an_item_falling_overdue_renders_the_report_again_dated_that_day(
    client, ninth_meeting, secretariat_clock, renders
):
    MeetingReportFingerprint.objects.filter(meeting=ninth_meeting).update(
        changed_at=datetime.datetime(2026, 4, 30, 9, 0, tzinfo=datetime.UTC)
    )
    secretariat_clock.set(datetime.date(2026, 5, 10))
    download(client, ninth_meeting)
    rendered = len(renders)

    secretariat_clock.set(datetime.date(2026, 6, 3))  # NG-CTR-1 overdue since 30 May
    response, content = download(client, ninth_meeting)
    text = pdf_text(content)

    assert len(renders) > rendered
    assert "Report of 30 May 2026" in text and "Overdue" in text
    report = MeetingReport.objects.get(audience="public")
    assert report.report_date == datetime.date(2026, 5, 30)
    assert report.current_through == datetime.date(2027, 2, 26)  # TR-UNI-1's due date


def test_publishing_outcomes_queues_one_render(transactional_db, secretariat, monkeypatch):
    from meetings import tasks

    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)
    queued = []
    monkeypatch.setattr(tasks.render_meeting_report, "delay", lambda *args: queued.append(args))

    meeting.publish_outcomes(by=secretariat)

    assert queued == [(meeting.pk,)]


def test_deleting_a_meeting_with_its_agenda_and_attendance_leaves_no_fingerprint(
    ninth_meeting, secretariat
):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting)
    AttendanceFactory(meeting=meeting, state=ninth_meeting.attendances.first().state)

    meeting.delete()
    with connection.cursor() as cursor:  # check the deferred foreign keys now, not at commit
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert not MeetingReportFingerprint.objects.filter(meeting_id=meeting.pk).exists()


def test_the_render_task_has_soft_and_hard_time_limits_beyond_the_render_deadline(settings):
    from meetings.tasks import render_meeting_report

    assert render_meeting_report.soft_time_limit > settings.PDF_RENDER_TIMEOUT
    assert render_meeting_report.soft_time_limit < render_meeting_report.time_limit


# Daily: reports that an item falling overdue made stale are rendered before readers ask


def test_daily_work_queues_a_render_of_reports_an_item_falling_overdue_made_stale(
    ninth_meeting, secretariat_clock, queued
):
    secretariat_clock.set(datetime.date(2026, 5, 10))
    # Current until NG-CTR-1's due date, 29 May.
    reports.meeting_report_render(meeting=ninth_meeting, audience="public")
    other = MeetingFactory()

    planned = reports.daily_meeting_reports_plan(datetime.date(2026, 5, 29))
    with TestCase.captureOnCommitCallbacks(execute=True):
        on_due_date = reports.daily_meeting_reports_run(datetime.date(2026, 5, 29))
        day_after = reports.daily_meeting_reports_run(datetime.date(2026, 5, 30))

    assert planned == on_due_date == []
    assert day_after == [
        f"Queued a render of the outcome report of {ninth_meeting}: an item fell overdue"
    ]
    assert queued == [(ninth_meeting.pk,)]
    assert other.pk not in [args[0] for args in queued]


def test_the_daily_refresh_is_in_beats_schedule(db):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from d8portal.celery import app

    migration = importlib.import_module("meetings.migrations.0008_refresh_reports_schedule")
    migration.create_schedule(apps, None)  # transaction=True tests elsewhere flush its row

    task = PeriodicTask.objects.get(name="Daily meeting report refresh")
    assert task.task in app.tasks

    assert task.task == "meetings.tasks.refresh_meeting_reports"
    assert task.crontab is not None


def test_report_is_tagged_pdfa_with_its_title(client, ninth_meeting):
    response, content = download(client, ninth_meeting)
    assert_tagged_pdfa(content, title=f"{ninth_meeting.full_title} – Outcome report")
