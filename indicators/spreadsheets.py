"""Files of figures: a state's XLSX template for a data call and reading it back, and the CSV
and XLSX exports of a selection. Cells a spreadsheet would run as a formula (= + - @ first)
are written with a leading apostrophe."""

import csv
import io

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from core.uploads import sniff_kind

from .models import Indicator
from .services import CellInput

TEMPLATE_HEADER = [
    "Indicator code",
    "Indicator",
    "Unit",
    "Last year",
    "Value",
    "Source note",
    "Estimate (yes/no)",
    "Provisional (yes/no)",
    "Break in series (yes/no)",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 500


def neutralise(cell):
    """A cell as text a spreadsheet shows and never evaluates."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def template_workbook(*, data_call, state, rows):
    """The state's template for the call: one row per indicator, last year's value beside.
    `rows` are the grid's rows (indicators.views.grid_rows)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{state.name} {data_call.reference_year}"[:31]
    sheet.append(TEMPLATE_HEADER)
    for row in rows:
        current, previous = row["value"], row["previous"]
        sheet.append(
            [
                neutralise(row["indicator"].code),
                neutralise(row["indicator"].name),
                neutralise(row["indicator"].unit_label),
                float(previous.value) if previous else None,
                float(current.value) if current else None,
                neutralise(current.note) if current else "",
                "yes" if current and current.is_estimate else "no",
                "yes" if current and current.is_provisional else "no",
                "yes" if current and current.is_break else "no",
            ]
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _yes(raw, *, row, column, errors):
    text = str(raw or "").strip().lower()
    if text in ("", "no", "n", "false", "0"):
        return False
    if text in ("yes", "y", "true", "1"):
        return True
    errors.append(f"Row {row}: “{column}” must be yes or no.")
    return False


def read_template(upload):
    """The cells of an uploaded template as CellInputs keyed "Row N". Raises ValidationError
    listing every row that cannot be read; a file that is not an XLSX by its content is
    refused before it is opened."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(b"PK") or sniff_kind(head, upload) != "xlsx":
        raise ValidationError("The file is not an Excel workbook (.xlsx).", code="not_xlsx")
    upload.seek(0)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationError("The workbook cannot be read.", code="unreadable") from exc
    sheet = book.worksheets[0]
    cells, errors = [], []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS + 1:
            errors.append(f"More than {MAX_ROWS} rows: upload one state's template.")
            break
        values = list(values) + [None] * (len(TEMPLATE_HEADER) - len(values))
        code = str(values[0] or "").strip().lstrip("'")
        if not code and all(v in (None, "") for v in values[4:]):
            continue
        if not code:
            errors.append(f"Row {number}: the indicator code is missing.")
            continue
        note = values[5]
        cells.append(
            CellInput(
                key=f"Row {number}",
                indicator=code,
                value=values[4],
                note="" if note is None else str(note),
                is_estimate=_yes(values[6], row=number, column="Estimate", errors=errors),
                is_provisional=_yes(values[7], row=number, column="Provisional", errors=errors),
                is_break=_yes(values[8], row=number, column="Break in series", errors=errors),
            )
        )
    book.close()
    if errors:
        raise ValidationError(errors)
    return cells


EXPORT_HEADER = [
    "indicator_code",
    "indicator",
    "unit",
    "scope",
    "year",
    "value",
    "status",
    "estimate",
    "provisional",
    "break_in_series",
    "illustrative",
    "source_note",
]


# Read as plain rows, not model instances: an export of thousands of values stays fast.
EXPORT_FIELDS = [
    "indicator__code",
    "indicator__name",
    "indicator__unit",
    "state__name",
    "year",
    "value",
    "status",
    "is_estimate",
    "is_provisional",
    "is_break",
    "is_illustrative",
    "note",
]
UNIT_LABELS = dict(Indicator.Unit.choices)


def _yes_no(flag):
    return "yes" if flag else "no"


def export_rows(values):
    """CSV rows of a queryset of values, in its order, as one query."""
    rows = values.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    for code, name, unit, state, year, value, status, *flags, note in rows:
        yield [
            neutralise(code),
            neutralise(name),
            UNIT_LABELS.get(unit, unit),
            neutralise(state or "D-8"),
            year,
            f"{value:f}",
            status,
            *map(_yes_no, flags),
            neutralise(note),
        ]


def export_csv(values, output):
    writer = csv.writer(output)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(export_rows(values))


def export_xlsx(values):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("SME statistics")
    sheet.append(EXPORT_HEADER)
    for row in export_rows(values):
        row[5] = float(row[5])
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
