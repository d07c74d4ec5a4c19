from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from accounts.roles import is_secretariat

from .forms import MeetingFilterForm
from .models import Attendance, Document, Meeting, Outcome
from .reports import meeting_report_current

MEETINGS_PER_PAGE = 20


def meeting_list(request):
    form = MeetingFilterForm(request.GET or None)
    meetings = Meeting.objects.select_related("host_state", "task_force")
    if form.is_bound:
        form.is_valid()  # invalid filters are shown as errors and left out
        if kind := form.cleaned_data.get("kind"):
            meetings = meetings.filter(kind=kind)
        if year := form.cleaned_data.get("year"):
            meetings = meetings.filter(start_date__year=year)
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def meeting_detail(request, slug):
    outcomes = Outcome.objects.visible_to(request.user).select_related("corrects")
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
    """The outcome report as a PDF: public once published, before that the Secretariat's draft."""
    meeting = get_object_or_404(Meeting.objects.select_related("task_force"), slug=slug)
    if not (meeting.outcomes_are_published or is_secretariat(request.user)):
        raise Http404("No such report.")
    report = meeting_report_current(meeting=meeting)
    draft = " DRAFT" if report.is_draft else ""
    filename = f"{meeting.full_title} ({meeting.start_date:%Y}) - outcome report{draft}.pdf"
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=filename)
