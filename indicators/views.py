import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import is_secretariat
from core.clock import secretariat_today
from core.pdf import RenderTimedOut
from memberstates.models import MemberState

from . import scoreboard as board
from .forms import SelectionForm, UploadForm
from .models import DataCall, DataCallSubmission, Indicator, IndicatorValue, Target
from .reports import ScoreboardTooLarge, scoreboard_render
from .services import CellInput, data_call_submit, is_locked, stored_values, values_save
from .spreadsheets import export_csv, export_xlsx, read_template, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_index(request):
    """The indicators by pillar, the targets, the open data calls of the reader's state."""
    my_state = MemberState.objects.of_focal_point(request.user).first()
    calls = list(DataCall.objects.open()) if my_state or is_secretariat(request.user) else []
    context = {
        "indicators": Indicator.objects.all(),
        "targets": Target.objects.select_related("indicator"),
        "calls": calls,
        "my_state": my_state,
        "form": SelectionForm(),
    }
    return render(request, "indicators/index.html", context)


def scoreboard(request, code):
    indicator = get_object_or_404(Indicator, code=code)
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        return HttpResponse("The year is a number.", status=400, content_type="text/plain")
    context = board.indicator_board(indicator, year=year)
    return render(request, "indicators/scoreboard.html", context)


def scoreboard_pdf(request):
    try:
        rendered = scoreboard_render()
    except ScoreboardTooLarge as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    except RenderTimedOut:
        return HttpResponse(
            "The scoreboard took too long to render.", status=503, content_type="text/plain"
        )
    filename = f"D-8 SME scoreboard {secretariat_today():%Y-%m-%d}.pdf"
    return FileResponse(io.BytesIO(rendered.content), as_attachment=True, filename=filename)


def target_detail(request, pk):
    target = get_object_or_404(Target.objects.select_related("indicator", "state"), pk=pk)
    return render(request, "indicators/target.html", board.target_board(target))


# --- The data-call grid of a focal point's state ----------------------------------------------


def _grid_state(request, data_call):
    """The state whose figures the user enters: their own; 404 for anyone else."""
    state = MemberState.objects.of_focal_point(request.user).first()
    if state is None:
        raise Http404("Only focal points enter their state's figures.")
    return state


def grid_rows(data_call, state, user, today):
    year = data_call.reference_year
    stored = stored_values(data_call, state, [year - 1, year])
    rows = []
    for indicator in data_call.indicators.all():
        value = stored.get((indicator.pk, year))
        rows.append(
            {
                "indicator": indicator,
                "value": value,
                "previous": stored.get((indicator.pk, year - 1)),
                "locked": is_locked(value, data_call=data_call, user=user, today=today),
            }
        )
    return rows


def _posted_cells(post, rows):
    return [
        CellInput(
            key=row["indicator"].code,
            indicator=row["indicator"].code,
            value=post.get(f"{row['indicator'].code}-value", ""),
            note=post.get(f"{row['indicator'].code}-note", ""),
            is_estimate=f"{row['indicator'].code}-estimate" in post,
            is_provisional=f"{row['indicator'].code}-provisional" in post,
            is_break=f"{row['indicator'].code}-break" in post,
        )
        for row in rows
        if not row["locked"]
    ]


def _render_grid(
    request, data_call, state, *, errors=None, posted=None, upload_form=None, status=200
):
    today = secretariat_today()
    rows = grid_rows(data_call, state, request.user, today)
    errors = dict(errors or {})
    general_errors = errors.pop("__all__", [])
    for row in rows:
        code = row["indicator"].code
        row["errors"] = errors.get(code, [])
        if posted is not None and not row["locked"]:
            row["entered"] = {
                "value": posted.get(f"{code}-value", ""),
                "note": posted.get(f"{code}-note", ""),
                "estimate": f"{code}-estimate" in posted,
                "provisional": f"{code}-provisional" in posted,
                "break": f"{code}-break" in posted,
            }
        elif row["value"] is not None:
            value = row["value"]
            row["entered"] = {
                "value": f"{value.value.normalize():f}",
                "note": value.note,
                "estimate": value.is_estimate,
                "provisional": value.is_provisional,
                "break": value.is_break,
            }
        else:
            row["entered"] = {"value": "", "note": ""}
    context = {
        "data_call": data_call,
        "state": state,
        "rows": rows,
        "errors": errors,
        "general_errors": general_errors,
        "submission": DataCallSubmission.objects.filter(data_call=data_call, state=state).first(),
        "past_deadline": data_call.is_past_deadline(today),
        "editable": any(not row["locked"] for row in rows),
        "drafts": sum(
            1 for r in rows if r["value"] and r["value"].status == IndicatorValue.Status.DRAFT
        ),
        "upload_form": upload_form or UploadForm(),
    }
    problems = _problems(rows, general_errors, upload_form)
    if problems:
        context["problems"] = problems
        context["summary_note"] = "Nothing was saved."
    return render(request, "indicators/data_call.html", context, status=status)


def _problems(rows, general_errors, upload_form):
    """The grid's errors for the page's error summary, each linked to its input."""
    problems = [{"text": error} for error in general_errors]
    for row in rows:
        field_id = None if row["locked"] else f"id_{row['indicator'].code}-value"
        problems += [
            {"text": f"{row['indicator']}: {e}", "field_id": field_id} for e in row["errors"]
        ]
    if upload_form is not None:
        field = upload_form["file"]
        problems += [
            {"text": f"{field.label}: {e}", "field_id": field.id_for_label} for e in field.errors
        ]
    return problems


@login_required
def data_call_grid(request, pk):
    data_call = get_object_or_404(DataCall, pk=pk)
    state = _grid_state(request, data_call)
    if request.method != "POST":
        return _render_grid(request, data_call, state)
    rows = grid_rows(data_call, state, request.user, secretariat_today())
    try:
        values_save(
            data_call=data_call,
            state=state,
            user=request.user,
            cells=_posted_cells(request.POST, rows),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _render_grid(
            request, data_call, state, errors=errors, posted=request.POST, status=400
        )
    messages.success(request, "Your figures are saved as drafts. Submit them when complete.")
    return redirect(data_call.get_absolute_url())


@login_required
@require_POST
def data_call_submit_view(request, pk):
    data_call = get_object_or_404(DataCall, pk=pk)
    state = _grid_state(request, data_call)
    try:
        count = data_call_submit(data_call=data_call, state=state, user=request.user)
    except ValidationError as exc:
        return _render_grid(request, data_call, state, errors={"__all__": exc.messages}, status=400)
    messages.success(request, f"{count} figure(s) submitted to the Secretariat.")
    return redirect(data_call.get_absolute_url())


@login_required
def data_call_template(request, pk):
    data_call = get_object_or_404(DataCall, pk=pk)
    state = _grid_state(request, data_call)
    rows = grid_rows(data_call, state, request.user, secretariat_today())
    content = template_workbook(data_call=data_call, state=state, rows=rows)
    filename = f"D-8 SME statistics {data_call.reference_year} - {state.slug}.xlsx"
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX
    )


@login_required
@require_POST
def data_call_upload(request, pk):
    data_call = get_object_or_404(DataCall, pk=pk)
    state = _grid_state(request, data_call)
    form = UploadForm(request.POST, request.FILES, too_large=request.too_large_uploads)
    if not form.is_valid():
        return _render_grid(request, data_call, state, upload_form=form, status=400)
    try:
        cells = read_template(form.cleaned_data["file"])
        saved = values_save(data_call=data_call, state=state, user=request.user, cells=cells)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            problems = [f"{key}: {m}" for key, ms in exc.message_dict.items() for m in ms]
        else:
            problems = exc.messages
        for problem in problems:
            form.add_error("file", problem)
        return _render_grid(request, data_call, state, upload_form=form, status=400)
    messages.success(request, f"{len(saved)} figure(s) read from the file and saved as drafts.")
    return redirect(data_call.get_absolute_url())


# --- Exports -------------------------------------------------------------------------------------


def _selection(request):
    form = SelectionForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in form.errors.items())
        raise ValidationError(errors)
    values = IndicatorValue.objects.visible_to(request.user)
    if not is_secretariat(request.user):
        values = values.published()
    return (
        form.apply(values)
        .for_listing()
        .order_by("indicator__position", "indicator__code", "state__name", "year")
    )


def export_csv_view(request):
    try:
        values = _selection(request)
    except ValidationError as exc:
        return HttpResponse(
            f"Invalid selection. {exc.messages[0]}", status=400, content_type="text/plain"
        )

    buffer = io.StringIO()
    export_csv(values, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="d8-sme-statistics.csv"'
    return response


def export_xlsx_view(request):
    try:
        values = _selection(request)
    except ValidationError as exc:
        return HttpResponse(
            f"Invalid selection. {exc.messages[0]}", status=400, content_type="text/plain"
        )
    content = export_xlsx(values)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename="d8-sme-statistics.xlsx",
        content_type=XLSX,
    )
