from pathlib import PurePath

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_vary_headers,
)
from django.utils.http import http_date, quote_etag

from accounts.roles import is_secretariat

from .forms import MeetingFilterForm
from .models import Attendance, Document, Meeting, MeetingReport, Outcome
from .reports import meeting_report_request, meeting_report_stored

MEETINGS_PER_PAGE = 20
# Seconds a reader waits before asking again for a report being prepared.
REPORT_RETRY_AFTER = 5


def meeting_list(request):
    form = MeetingFilterForm(request.GET or None)
    meetings = Meeting.objects.select_related("host_state", "task_force")
    if form.is_bound:
        form.is_valid()  # invalid filters are shown as errors and left out
        if kind := form.cleaned_data.get("kind"):
            meetings = meetings.filter(kind=kind)
        if year := form.cleaned_data.get("year"):
            meetings = meetings.filter(start_date__year=year)
        if host := form.cleaned_data.get("host"):
            meetings = meetings.filter(host_state=host)
        if task_force := form.cleaned_data.get("task_force"):
            meetings = meetings.filter(task_force=task_force)
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {"form": form, "page": page},
    )


def meeting_detail(request, slug):
    outcomes = Outcome.objects.visible_to(request.user).select_related("corrects__meeting")
    meeting = get_object_or_404(
        Meeting.objects.select_related("host_state", "host_body", "task_force").prefetch_related(
            "agenda_items",
            Prefetch("attendances", queryset=Attendance.objects.select_related("state")),
            Prefetch("outcomes", queryset=outcomes.prefetch_related("action_items__lead_state")),
            Prefetch("documents", queryset=Document.objects.visible_to(request.user)),
        ),
        slug=slug,
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {"meeting": meeting, "documents": meeting.documents.all()},
    )


def document(request, slug, pk):
    """A document's file, to whoever may read it (Document.objects.visible_to)."""
    doc = get_object_or_404(
        Document.objects.visible_to(request.user).exclude(file=""), meeting__slug=slug, pk=pk
    )
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The document's file is missing.") from exc
    return FileResponse(handle, as_attachment=True, filename=f"{doc.title}{doc.file_ending}")


def meeting_report(request, slug):
    """The outcome report as a PDF: public once published, before that the Secretariat's draft.

    Only a stored, current report is served (with validators: a browser that has it gets a
    304); when none is, a render is queued and the reader is told it is being prepared.
    """
    audience = MeetingReport.Audience.of(request.user)
    report = meeting_report_stored(slug=slug, audience=audience)
    if report is not None:
        meeting = report.meeting
    else:
        meeting = get_object_or_404(Meeting.objects.select_related("task_force"), slug=slug)
    if not (meeting.outcomes_are_published or is_secretariat(request.user)):
        raise Http404("No such report.")
    if report is None:
        meeting_report_request(meeting=meeting)
        # Without a broker the render ran just now, in this request.
        report = meeting_report_stored(meeting=meeting, audience=audience)
    if report is None:
        response = render(
            request,
            "meetings/report_preparing.html",
            {"meeting": meeting, "retry_after": REPORT_RETRY_AFTER},
            status=202,
        )
        response["Retry-After"] = str(REPORT_RETRY_AFTER)
        response["Refresh"] = str(REPORT_RETRY_AFTER)
        add_never_cache_headers(response)
        return response
    # A new file name per render: the name is the version.
    etag = quote_etag(PurePath(report.file.name).stem)
    last_modified = int(report.rendered_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        draft = " DRAFT" if report.is_draft else ""
        filename = f"{meeting.full_title} ({meeting.start_date:%Y}) - outcome report{draft}.pdf"
        response = FileResponse(report.file.open("rb"), as_attachment=True, filename=filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Which report a reader gets depends on being signed in: browsers keep it, and ask.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response
