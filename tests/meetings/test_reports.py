import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from meetings import reports
from meetings.models import Attendance, Meeting, MeetingReport, Outcome
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


def download(client, meeting):
    response = client.get(reverse("meetings:report", args=[meeting.slug]))
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
    assert "Absent" in text and "Deniz Yılmaz, KOSGEB" in text
    assert "Operationalize the D-8 SME Centre." in text
    assert "Strengthen collaboration with UNIDO." in text
    assert "NG-CTR-1" in text and "29 May 2026" in text
    assert "TR-UNI-1" in text and "26 Feb 2027" in text
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
    _, second = download(client, ninth_meeting)

    assert len(renders) == 1
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
    item = ninth_meeting.outcomes.get(number=1).action_items.get()
    item.due_date = datetime.date(2026, 9, 30)
    item.save()

    _, content = download(client, ninth_meeting)

    assert len(renders) == 2
    assert "30 Sept 2026" in pdf_text(content) or "30 Sep 2026" in pdf_text(content)


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
    report = MeetingReport.objects.get(meeting=meeting)

    assert report.is_draft is False
    assert "DRAFT" not in renders[-1]
    assert len(renders) == 3  # meeting created, outcome added, outcomes published


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
    old = MeetingReport.objects.get(meeting=ninth_meeting)
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "regenerate_report", "_selected_action": [ninth_meeting.pk]},
            follow=True,
        )

    assert "1 report(s) are being rendered anew" in response.content.decode()
    assert len(renders) == 2
    report = MeetingReport.objects.get(meeting=ninth_meeting)
    assert report.file.name != old.file.name and report.rendered_at > old.rendered_at


def test_meeting_change_page_shows_the_stored_report(client, ninth_meeting, secretariat):
    client.force_login(secretariat)
    change = reverse("admin:meetings_meeting_change", args=[ninth_meeting.pk])
    assert "Not rendered yet" in client.get(change).content.decode()

    download(client, ninth_meeting)
    page = client.get(change).content.decode()

    assert reverse("meetings:report", args=[ninth_meeting.slug]) in page
    rendered = r"rendered \d{1,2} \w+ \d{4}, \d\d:\d\d Istanbul time"
    assert re.search(r"Download</a> — final, \d+ page\(s\), " + rendered, page)


def test_report_is_tagged_pdfa_with_its_title(client, ninth_meeting):
    response, content = download(client, ninth_meeting)
    assert_tagged_pdfa(content, title=f"{ninth_meeting.full_title} – Outcome report")
