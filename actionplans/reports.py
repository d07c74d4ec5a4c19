"""The progress report of an action plan, rendered by the same PDF machinery as meetings',
and the compilation of comments of a consultation (PDF and XLSX).

The progress report shows what the plan's page shows the reader: every item's summary
(states, due date, status, percent) is public; the progress history and narratives only for
the items the reader may see (ActionItem.objects.visible_to).
"""

import io

from django.db.models import Prefetch
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from d8portal.clock import secretariat_today
from d8portal.pdf import render_pdf

from .models import ActionItem, ActionPlan, Consultation, ConsultationComment, ProgressUpdate

TEMPLATE = "reports/action_plan_report.html"


def action_plan_report_context(plan, *, user, today=None):
    today = today or secretariat_today()
    plan = (
        ActionPlan.objects.with_progress()
        .select_related("proposed_by", "tabled_at__task_force", "adopted_at__task_force")
        .get(pk=plan.pk)
    )
    visible = ActionItem.objects.visible_to(user).filter(plan=plan)
    items = list(
        plan.items.select_related("lead_state", "outcome__meeting__task_force").prefetch_related(
            "supporting_states",
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(item__in=visible),
                to_attr="visible_updates",
            ),
        )
    )
    visible_ids = set(visible.values_list("pk", flat=True))
    for item in items:
        item.may_see_progress = item.pk in visible_ids
        item.latest_update = item.visible_updates[0] if item.visible_updates else None
    return {
        "plan": plan,
        "items": items,
        "detailed": [item for item in items if item.may_see_progress],
        "overdue": [item for item in items if item.is_overdue(today)],
        "report_date": today,
        "today": today,
    }


def action_plan_report_render(*, plan, user):
    """Render the plan's progress report for this reader; returns a RenderedPDF."""
    return render_pdf(render_to_string(TEMPLATE, action_plan_report_context(plan, user=user)))


# --- Compilation of comments of a consultation -------------------------------------------------

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
        cell = sheet.cell(row=sheet.max_row, column=column, value=value)
        if isinstance(value, str):
            # Text as typed by a state: never a formula, whatever it starts with.
            cell.data_type = "s"
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
            f"closed {consultation.closed_at:%Y-%m-%d}, deadline {consultation.deadline:%Y-%m-%d}"
        )
    if consultation.is_open:
        return (
            f"Open · {consultation.get_procedure_display()} · "
            f"deadline {consultation.deadline:%Y-%m-%d}"
        )
    return f"Draft · {consultation.get_procedure_display()}"
