import io

import pytest
from pypdf import PdfReader

from meetings import reports, tasks
from tests.factories import AttendanceFactory, MeetingFactory, OutcomeFactory


@pytest.mark.django_db(transaction=True)
def test_visitor_waits_while_the_report_is_prepared_then_gets_it_without_delegates(
    page, secretariat, turkiye, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # No worker: renders queued by the changes and by the visitor wait.
    monkeypatch.setattr(tasks.render_meeting_report, "delay", lambda *args: None)
    meeting = MeetingFactory(title="Technical session on SME finance", number=None)
    AttendanceFactory(meeting=meeting, state=turkiye, delegates="Deniz Yılmaz, KOSGEB")
    OutcomeFactory(meeting=meeting, text="Share the credit-guarantee schemes.")
    meeting.publish_outcomes(by=secretariat)

    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Download the outcome report (PDF)").click()
    page.get_by_role("heading", name="The outcome report is being prepared").wait_for()

    reports.meeting_report_render(meeting=meeting, audience="public")  # the worker's turn
    with page.expect_download(timeout=15_000) as download:  # the page asks again by itself
        pass
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)

    assert "Share the credit-guarantee schemes." in text
    assert "Türkiye" in text and "Deniz Yılmaz" not in text
