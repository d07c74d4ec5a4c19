"""SME statistics: saving a state's figures for a data call (one service for the grid, the XLSX
upload and the API), submitting them, the Secretariat's review (validate, return with a
comment, publish), and the reminders to states that have not submitted (through core.outbox).

The deadline lock lives here: after a call's deadline a state changes only the cells the
Secretariat has returned to it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.roles import is_secretariat
from core import outbox
from core.clock import long_date, secretariat_today
from core.deadlines import Deadline
from memberstates.models import FocalPoint, MemberState

from .models import (
    DataCall,
    DataCallNotice,
    DataCallSubmission,
    IndicatorValue,
)

REVIEW_PERMISSION = "indicators.change_indicatorvalue"


@dataclass
class CellInput:
    """One figure as entered: in a grid row, a file row or an API request. `key` names it in
    the errors (the indicator's code on the grid, "Row 4" in a file)."""

    key: str
    indicator: str  # the indicator's code
    value: object
    note: str = ""
    is_estimate: bool = False
    is_provisional: bool = False
    is_break: bool = False


def may_enter(user, state):
    return is_secretariat(user) or state.has_focal_point(user)


def _require_entering(user, state):
    if not may_enter(user, state):
        raise PermissionDenied("You enter the figures of your own state only.")


def _require_reviewer(user):
    if user is None or not user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only the Secretariat validates, returns and publishes figures.")


def stored_values(data_call, state, years):
    """{(indicator id, year): value} of the state for the call's indicators in those years."""
    values = IndicatorValue.objects.filter(
        indicator__in=data_call.indicators.all(), state=state, year__in=years
    )
    return {(v.indicator_id, v.year): v for v in values}


def is_locked(value, *, data_call, user, today):
    """Whether the user may no longer change this cell (None: a cell not yet stored)."""
    if value is not None and value.status != IndicatorValue.Status.DRAFT:
        return True
    if is_secretariat(user) or not data_call.is_past_deadline(today):
        return False
    return value is None or value.returned_at is None


def _check_cell(cell, *, indicators, stored, data_call, user, today):
    """(cleaned fields or None, errors) of one cell."""
    indicator = indicators.get(cell.indicator)
    if indicator is None:
        return None, [f"“{cell.indicator}” is not an indicator of this data call."]
    year = data_call.reference_year
    current = stored.get((indicator.pk, year))
    if is_locked(current, data_call=data_call, user=user, today=today):
        if current is not None and current.status != IndicatorValue.Status.DRAFT:
            return None, [
                f"The value is {current.get_status_display().lower()}: the Secretariat "
                "returns it to you if it needs a change."
            ]
        return None, [f"The deadline ({long_date(data_call.deadline)}) has passed."]
    if cell.value is None or str(cell.value).strip() == "":
        return {"indicator": indicator, "value": None}, []
    try:
        value = indicator.parse(cell.value)
    except ValidationError as exc:
        return None, exc.messages
    note = (cell.note or "").strip()
    if len(note) > 500:
        return None, ["The note is longer than 500 characters."]
    previous = stored.get((indicator.pk, year - 1))
    errors = indicator.check_value(value, previous=previous.value if previous else None, note=note)
    fields = {
        "indicator": indicator,
        "value": value,
        "note": note,
        "is_estimate": bool(cell.is_estimate),
        "is_provisional": bool(cell.is_provisional),
        "is_break": bool(cell.is_break),
    }
    return (None if errors else fields), errors


@transaction.atomic
def values_save(*, data_call, state, user, cells, today=None):
    """Save a state's figures for the data call's reference year, all or nothing.

    Raises ValidationError keyed by each cell's `key` listing every bad cell (not a number,
    out of range, a large change without a note, not in the call, a duplicate, a locked cell)
    and saves nothing then. A blank value removes the draft. Returns the values saved.
    """
    _require_entering(user, state)
    today = today or secretariat_today()
    data_call = DataCall.objects.select_for_update().get(pk=data_call.pk)
    if data_call.status != DataCall.Status.OPEN:
        raise ValidationError("This data call is closed.")
    indicators = {i.code: i for i in data_call.indicators.all()}
    year = data_call.reference_year
    stored = stored_values(data_call, state, [year - 1, year])
    errors = defaultdict(list)
    cleaned = []
    seen = {}
    for cell in cells:
        if cell.indicator in seen:
            errors[cell.key].append(
                f"A second row for “{cell.indicator}” (see {seen[cell.indicator]})."
            )
            continue
        seen[cell.indicator] = cell.key
        fields, cell_errors = _check_cell(
            cell, indicators=indicators, stored=stored, data_call=data_call, user=user, today=today
        )
        errors[cell.key] += cell_errors
        if fields is not None:
            cleaned.append(fields)
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    saved = []
    for fields in cleaned:
        indicator = fields.pop("indicator")
        current = stored.get((indicator.pk, year))
        if fields["value"] is None:
            if current is not None:
                current.delete()
            continue
        if current is None:
            current = IndicatorValue(indicator=indicator, state=state, year=year)
        elif all(getattr(current, name) == value for name, value in fields.items()):
            saved.append(current)
            continue
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        saved.append(current)
    return saved


@transaction.atomic
def data_call_submit(*, data_call, state, user, today=None):
    """Hand the state's draft figures of the call to the Secretariat. Returns how many."""
    _require_entering(user, state)
    today = today or secretariat_today()
    data_call = DataCall.objects.select_for_update().get(pk=data_call.pk)
    if data_call.status != DataCall.Status.OPEN:
        raise ValidationError("This data call is closed.")
    drafts = IndicatorValue.objects.filter(
        indicator__in=data_call.indicators.all(),
        state=state,
        year=data_call.reference_year,
        status=IndicatorValue.Status.DRAFT,
    )
    if data_call.is_past_deadline(today) and not is_secretariat(user):
        drafts = drafts.filter(returned_at__isnull=False)
        if not drafts.exists():
            raise ValidationError(f"The deadline ({long_date(data_call.deadline)}) has passed.")
    now = timezone.now()
    count = 0
    for value in drafts:
        value.status = IndicatorValue.Status.SUBMITTED
        value.submitted_by, value.submitted_at = user, now
        value.returned_at = None
        value.save()
        count += 1
    if not count:
        raise ValidationError("Enter at least one figure before submitting.")
    DataCallSubmission.objects.get_or_create(
        data_call=data_call, state=state, defaults={"submitted_by": user, "submitted_at": now}
    )
    return count


def _locked_value(value):
    return IndicatorValue.objects.select_for_update().select_related("indicator").get(pk=value.pk)


@transaction.atomic
def value_validate(*, value, user):
    """The Secretariat accepts a submitted figure."""
    _require_reviewer(user)
    value = _locked_value(value)
    value.validate(by=user, now=timezone.now())
    value.save()
    return value


@transaction.atomic
def value_return(*, value, user, comment):
    """The Secretariat returns a figure to its state with a comment: it is a draft again, and
    the state may change it even after the deadline."""
    _require_reviewer(user)
    value = _locked_value(value)
    value.send_back(comment=comment, now=timezone.now())
    value.save()
    return value


@transaction.atomic
def value_publish(*, value, user):
    """The Secretariat publishes a validated figure: it is public from now on."""
    _require_reviewer(user)
    value = _locked_value(value)
    value.publish(now=timezone.now())
    value.save()
    return value


# --- Reminders to states that have not submitted ------------------------------------------------


def data_call_reminders_owed(*, today):
    """The reminders the sweep of `today` owes: to the focal points of every state that has not
    submitted to an open call, 7 and 1 days before its deadline."""
    owed = []
    calls = [c for c in DataCall.objects.open() if c.reminder_step(today) is not None]
    if not calls:
        return owed
    submitted = set(
        DataCallSubmission.objects.filter(data_call__in=calls).values_list(
            "data_call_id", "state_id"
        )
    )
    emails = FocalPoint.objects.emails_by_state()
    states = list(MemberState.objects.all())
    for call in calls:
        for state in states:
            if (call.pk, state.pk) in submitted:
                continue
            owed += [
                DataCallNotice(
                    data_call=call,
                    state=state,
                    recipient=recipient,
                    step=call.reminder_step(today),
                    deadline=call.deadline,
                )
                for recipient in sorted(emails[state.pk])
            ]
    return owed


def _sendable():
    """Unsent reminders still worth sending: the call open, its deadline unchanged, the state
    still silent."""
    return (
        DataCallNotice.objects.filter(sent_at__isnull=True, data_call__status=DataCall.Status.OPEN)
        .filter(deadline=F("data_call__deadline"))
        .unsubmitted()
    )


def _rows():
    return DataCallNotice.objects.select_related("data_call", "state")


def _deliveries(rows):
    ordered = sorted(rows, key=lambda r: (r.data_call.deadline, r.data_call_id, r.state.name))
    return outbox.group(
        ordered, email=lambda row: "data-call-reminder", order=["data-call-reminder"]
    )


def _context(delivery, *, today):
    entries = list(dict.fromkeys((row.data_call, row.state) for row in delivery.rows))
    return {
        "recipient": delivery.recipient,
        "entries": [
            {"data_call": call, "state": state, "days_left": (call.deadline - today).days}
            for call, state in entries
        ],
    }


def data_call_sweep(*, today):
    """Record the reminders owed today and send every unsent one still worth sending."""
    outbox.record(DataCallNotice, data_call_reminders_owed(today=today))
    return outbox.send(
        _sendable(),
        rows=_rows(),
        deliveries=_deliveries,
        context=lambda d: _context(d, today=today),
    )


def data_call_sweep_planned(*, today):
    owed = data_call_reminders_owed(today=today)
    new, waiting = outbox.planned(
        owed,
        recorded=DataCallNotice.objects.filter(data_call__in={n.data_call_id for n in owed}),
        keys=("data_call_id", "state_id", "recipient", "kind", "step", "deadline"),
        waiting=_rows().filter(pk__in=_sendable().values("pk")),
    )
    return _deliveries([*new, *waiting])


def _lines(deliveries, verb):
    lines = []
    for delivery in deliveries:
        calls = ", ".join(dict.fromkeys(str(row.data_call) for row in delivery.rows))
        lines.append(f"{verb} {delivery.email} to {delivery.recipient}: {calls}")
    return lines


def daily_data_calls_run(today):
    return _lines(data_call_sweep(today=today), "sent")


def daily_data_calls_plan(today):
    return _lines(data_call_sweep_planned(today=today), "would send")


def data_call_deadlines(user):
    """The deadlines of the open data calls, for the focal points of states that have not
    submitted yet (every open call for the Secretariat)."""
    if is_secretariat(user):
        calls = DataCall.objects.open()
    else:
        states = MemberState.objects.of_focal_point(user)
        done = DataCallSubmission.objects.filter(data_call=OuterRef("pk"), state__in=states)
        calls = DataCall.objects.open().filter(Exists(states)).exclude(Exists(done))
    return [
        Deadline(
            uid=f"data-call-{call.pk}-deadline",
            title=f"{call}: figures due",
            date=call.deadline,
            path=call.get_absolute_url(),
            description=f"Enter and submit your state's SME figures for {call.reference_year}.",
        )
        for call in calls
    ]
