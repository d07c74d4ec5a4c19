"""The compilation of the comments of a consultation, as a PDF through the report machinery
and as an XLSX workbook."""

import io

from django.db.models import Prefetch
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.clock import long_date, secretariat_today
from core.pdf import render_pdf
from core.spreadsheets import formula_safe

from .models import Consultation, ConsultationComment

COMPILATION_TEMPLATE = "reports/consultation_compilation.html"


def consultation_compilation_context(consultation, *, today=None):
    """The table bodies circulate after a consultation: each state's position, then every
    comment with its reference and the Secretariat's response. States yet to answer are
    listed while the consultation is open."""
    today = today or secretariat_today()
    consultation = (
        Consultation.objects.with_counts()
        .select_related("plan__proposed_by", "document__meeting")
        .prefetch_related("extensions", "states")
        .get(pk=consultation.pk)
    )
    comments = ConsultationComment.objects.select_related("item").order_by("pk")
    answers = list(
        consultation.answers.select_related("state").prefetch_related(
            Prefetch("comments", queryset=comments)
        )
    )
    answered = {answer.state_id for answer in answers}
    return {
        "consultation": consultation,
        "answers": answers,
        "waiting": [state for state in consultation.states.all() if state.pk not in answered],
        "objections": [answer for answer in answers if answer.is_objection],
        "comments": [comment for answer in answers for comment in answer.comments.all()],
        "report_date": today,
        "today": today,
    }


def consultation_compilation_render(*, consultation):
    """The compilation of comments as a PDF; returns a RenderedPDF."""
    context = consultation_compilation_context(consultation)
    return render_pdf(render_to_string(COMPILATION_TEMPLATE, context))


def _write_row(sheet, values, *, bold=False):
    sheet.append([None] * len(values))
    for column, value in enumerate(values, start=1):
        # Text as typed by a state: never a formula, whatever it starts with.
        cell = sheet.cell(row=sheet.max_row, column=column, value=formula_safe(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def consultation_compilation_workbook(*, consultation):
    """The compilation of comments as an XLSX workbook (bytes): a sheet of comments with the
    Secretariat's responses, and a sheet of each state's position."""
    context = consultation_compilation_context(consultation)
    consultation = context["consultation"]
    workbook = Workbook()
    comments = workbook.active
    comments.title = "Comments"
    _write_row(comments, [consultation.title], bold=True)
    _write_row(comments, [_status_line(consultation)])
    _write_row(comments, [])
    _write_row(
        comments,
        ["Member state", "Reference", "Comment", "Secretariat's response", "Reason"],
        bold=True,
    )
    for comment in context["comments"]:
        _write_row(
            comments,
            [
                comment.answer.state.name,
                comment.reference,
                comment.text,
                comment.get_response_display() or "Pending",
                comment.response_reason,
            ],
        )
    for column, width in zip("ABCDE", [16, 14, 60, 20, 40], strict=True):
        comments.column_dimensions[column].width = width
    comments.freeze_panes = "A5"

    positions = workbook.create_sheet("Positions")
    _write_row(positions, ["Member state", "Position", "Reasons", "Comments"], bold=True)
    for answer in context["answers"]:
        _write_row(
            positions,
            [
                answer.state.name,
                answer.get_position_display(),
                answer.reasons,
                len(answer.comments.all()),
            ],
        )
    for state in context["waiting"]:
        _write_row(positions, [state.name, "No answer yet", "", 0])
    for column, width in zip("ABCD", [16, 22, 60, 10], strict=True):
        positions.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _status_line(consultation):
    if consultation.is_closed:
        return (
            f"{consultation.get_result_display()} · {consultation.get_procedure_display()} · "
            f"closed {long_date(consultation.closed_at)}, "
            f"deadline {long_date(consultation.deadline)}"
        )
    if consultation.is_open:
        return (
            f"Open · {consultation.get_procedure_display()} · "
            f"deadline {long_date(consultation.deadline)}"
        )
    return f"Draft · {consultation.get_procedure_display()}"
