"""Written consultations: circulating a draft to the member states, answering for a state,
extending the deadline, closing under the silence or the explicit procedure, and telling the
focal points (exactly once, through core.outbox).

Every rule lives here or on the models, so that the pages, the admin, the API and the daily
sweep share it. Operations on one consultation lock its row (SELECT … FOR UPDATE) and check
its status and deadline under that lock: an answer racing the closing either lands before it
or is refused, and closing twice records nothing twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from core import outbox
from core.clock import long_date, secretariat_today
from core.deadlines import Deadline
from core.queue import enqueue_on_commit
from memberstates.models import FocalPoint, MemberState

from .models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationNotice,
    ConsultationNotOpen,
    DeadlineExtension,
)
from .tasks import send_consultation_notices

MANAGE_PERMISSION = "consultations.change_consultation"


def _require_secretariat(user):
    if user is None or not user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied("Only the Secretariat circulates, extends and closes consultations.")


def _locked(consultation):
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


@transaction.atomic
def consultation_circulate(*, consultation, user, today=None):
    """Circulate a draft to the consulted states from today and tell their focal points.

    The deadline is the one set on the draft, or one month after circulation.
    """
    _require_secretariat(user)
    locked = _locked(consultation)
    if not locked.states.exists():
        raise ValidationError({"states": "Choose the member states to consult."})
    locked.circulate(by=user, today=today or secretariat_today())
    _notices_record(locked, ConsultationNotice.Kind.CIRCULATION)
    enqueue_on_commit(send_consultation_notices)
    return locked


@transaction.atomic
def consultation_extend(*, consultation, user, deadline, reason, today=None):
    """Move an open consultation's deadline later, recording who, when and why.

    Only before the deadline has passed: after it, the consultation is due to close and no
    answer may change. The focal points of the consulted states hear of the new deadline.
    """
    _require_secretariat(user)
    locked = _locked(consultation)
    if not locked.takes_answers(today or secretariat_today()):
        raise ConsultationNotOpen(
            "Only an open consultation whose deadline has not passed can be extended."
        )
    errors = {}
    if deadline <= locked.deadline:
        errors["deadline"] = (
            f"The new deadline must be after the current one ({long_date(locked.deadline)})."
        )
    if not reason.strip():
        errors["reason"] = "Say why the deadline is extended."
    if errors:
        raise ValidationError(errors)
    extension = DeadlineExtension.objects.create(
        consultation=locked,
        previous_deadline=locked.deadline,
        new_deadline=deadline,
        reason=reason.strip(),
        extended_by=user,
    )
    locked.deadline = deadline
    locked.save(update_fields=["deadline"])
    _notices_record(locked, ConsultationNotice.Kind.EXTENSION)
    enqueue_on_commit(send_consultation_notices)
    return extension


@transaction.atomic
def consultation_answer(
    *, consultation, user, state, position, reasons="", comments=(), today=None
):
    """Record the state's answer, or replace its earlier one, while the consultation is open.

    Only a focal point of a consulted state answers for it. `comments` are dicts with `text`
    and either `item` (an action item of the circulated plan) or `section` (a typed
    reference). A revision keeps the comments it repeats, with any response to them. The
    answer returned says whether it `revised` one the state had given.
    """
    locked = _locked(consultation)
    consulted = locked.states.filter(pk=state.pk).exists()
    if not consulted or not state.has_focal_point(user):
        raise PermissionDenied("Only a focal point of a consulted state answers for it.")
    # Today is read under the lock: a request waiting for the closing sees the closed status.
    locked.check_takes_answers(today or secretariat_today())
    reasons = reasons.strip()
    comments = _checked_comments(locked, comments)
    ConsultationAnswer.validate_answer(position, reasons, len(comments))

    # Read under the lock: of two answers racing for one state, the second revises the first.
    answer = ConsultationAnswer.objects.filter(consultation=locked, state=state).first()
    revised = answer is not None
    answer = answer or ConsultationAnswer(consultation=locked, state=state)
    answer.position, answer.reasons, answer.answered_by = position, reasons, user
    answer.save()
    _replace_comments(answer, comments)
    answer.revised = revised
    return answer


def _checked_comments(consultation, comments):
    checked, errors = [], []
    for number, comment in enumerate(comments, start=1):
        item = comment.get("item")
        section = (comment.get("section") or "").strip()
        text = (comment.get("text") or "").strip()
        try:
            ConsultationComment.validate_reference(consultation, item, section)
            if not text:
                raise ValidationError("Write the comment.")
        except ValidationError as error:
            errors += [f"Comment {number}: {message}" for message in error.messages]
            continue
        checked.append((item, section, text))
    if errors:
        raise ValidationError({"comments": errors})
    return checked


def _replace_comments(answer, comments):
    earlier = defaultdict(list)
    for comment in answer.comments.all():
        earlier[(comment.item_id, comment.section, comment.text)].append(comment)
    for item, section, text in comments:
        if earlier[(item.pk if item else None, section, text)]:
            earlier[(item.pk if item else None, section, text)].pop(0)
            continue
        ConsultationComment.objects.create(answer=answer, item=item, section=section, text=text)
    for dropped in [comment for kept in earlier.values() for comment in kept]:
        dropped.delete()


@transaction.atomic
def consultation_comment_respond(*, comment, user, response, reason=""):
    """Record the Secretariat's response to a state's comment, with who responded and when.

    A comment not fully accepted needs the reason.
    """
    _require_secretariat(user)
    comment.response, comment.response_reason = response, reason.strip()
    comment.full_clean(exclude=["item"])
    comment.responded_by, comment.responded_at = user, timezone.now()
    comment.save()
    return comment


def consultation_close(*, consultation, user):
    """Close an open consultation now, at the Secretariat's request, before its deadline.

    Returns True when this call closed it, False when it was closed already.
    """
    _require_secretariat(user)
    return _close(consultation, by=user)


def consultations_close_due(*, today):
    """Close every open consultation whose deadline is before `today`: the daily sweep's
    part. Returns the consultations this call closed."""
    closed = []
    for consultation in Consultation.objects.past_deadline(today).order_by("deadline", "pk"):
        if _close(consultation, by=None, past_deadline_on=today):
            closed.append(Consultation.objects.get(pk=consultation.pk))
    return closed


@transaction.atomic
def _close(consultation, *, by, past_deadline_on=None):
    locked = _locked(consultation)
    if locked.is_closed:
        return False
    if locked.status == Consultation.Status.DRAFT:
        raise ConsultationNotOpen("A consultation that was never circulated cannot be closed.")
    if past_deadline_on is not None and locked.deadline >= past_deadline_on:
        return False  # extended since the sweep listed it
    locked.record_closing(by=by, now=timezone.now())
    _notices_record(locked, ConsultationNotice.Kind.RESULT)
    enqueue_on_commit(send_consultation_notices)
    return True


# --- Notices to focal points ------------------------------------------------------------------


def _notices_record(consultation, kind):
    """Record one notice of this kind per focal point of every consulted state."""
    state_ids = list(consultation.states.values_list("pk", flat=True))
    emails = FocalPoint.objects.emails_by_state(state_ids)
    outbox.record(
        ConsultationNotice,
        [
            ConsultationNotice(
                consultation=consultation,
                state_id=state_id,
                recipient=recipient,
                kind=kind,
                deadline=consultation.deadline,
            )
            for state_id in state_ids
            for recipient in sorted(emails[state_id])
        ],
    )


def consultation_reminders_owed(*, today):
    """The reminders the sweep of `today` owes: to the focal points of each consulted state
    that has not answered, 7 and 1 days before the deadline."""
    horizon = today + datetime.timedelta(days=max(Consultation.REMINDER_DAYS))
    due = {
        c.pk: c
        for c in Consultation.objects.open().filter(deadline__gte=today, deadline__lte=horizon)
    }
    answered = ConsultationAnswer.objects.filter(
        consultation=OuterRef("consultation"), state=OuterRef("memberstate")
    )
    silent = list(
        Consultation.states.through.objects.filter(consultation__in=list(due))
        .exclude(Exists(answered))
        .values_list("consultation_id", "memberstate_id")
    )
    emails = FocalPoint.objects.emails_by_state({state_id for _, state_id in silent})
    owed = []
    for consultation_id, state_id in silent:
        consultation = due[consultation_id]
        step = consultation.reminder_step(today)
        if step is None:
            continue
        owed += [
            ConsultationNotice(
                consultation=consultation,
                state_id=state_id,
                recipient=recipient,
                kind=ConsultationNotice.Kind.REMINDER,
                step=step,
                deadline=consultation.deadline,
            )
            for recipient in sorted(emails[state_id])
        ]
    return owed


def _sendable():
    """Unsent notices still worth sending: a reminder only while its state has not answered
    and the deadline is the one it was about; a result once the consultation is closed."""
    answered = ConsultationAnswer.objects.filter(
        consultation=OuterRef("consultation"), state=OuterRef("state")
    )
    is_open = Q(consultation__status=Consultation.Status.OPEN)
    current = Q(deadline=F("consultation__deadline"))
    Kind = ConsultationNotice.Kind
    return ConsultationNotice.objects.filter(sent_at__isnull=True).filter(
        Q(kind=Kind.CIRCULATION) & is_open
        | Q(kind=Kind.EXTENSION) & is_open & current
        | Q(kind=Kind.REMINDER) & is_open & current & ~Exists(answered)
        | Q(kind=Kind.RESULT, consultation__status=Consultation.Status.CLOSED)
    )


EMAIL_OF_KIND = {
    ConsultationNotice.Kind.CIRCULATION: "consultation-circulated",
    ConsultationNotice.Kind.REMINDER: "consultation-reminder",
    ConsultationNotice.Kind.EXTENSION: "consultation-extended",
    ConsultationNotice.Kind.RESULT: "consultation-result",
}


class NoticeDelivery(outbox.Delivery):
    """Reminders are gathered in one digest per recipient; the other notices go one e-mail per
    consultation."""

    @property
    def kind(self):
        return self.rows[0].kind

    @property
    def entries(self):
        """The (consultation, state) pairs the e-mail is about, once each."""
        return list(dict.fromkeys((row.consultation, row.state) for row in self.rows))

    @property
    def consultations(self):
        return list(dict.fromkeys(consultation for consultation, _ in self.entries))


def _rows_with_consultations():
    answers = ConsultationAnswer.objects.select_related("state").prefetch_related("comments")
    return ConsultationNotice.objects.select_related(
        "state", "consultation__plan", "consultation__document__meeting"
    ).prefetch_related(
        Prefetch("consultation__answers", queryset=answers),
        "consultation__extensions",
    )


def _one_email_per_consultation(row):
    return None if row.kind == ConsultationNotice.Kind.REMINDER else row.consultation_id


def _deliveries(rows):
    ordered = sorted(rows, key=lambda r: (r.consultation.deadline, r.consultation_id, r.state.name))
    return outbox.group(
        ordered,
        email=lambda row: EMAIL_OF_KIND[row.kind],
        order=list(EMAIL_OF_KIND.values()),
        key=_one_email_per_consultation,
        delivery=NoticeDelivery,
    )


def _context(delivery, *, today):
    consultation = delivery.entries[0][0]
    context = {
        "recipient": delivery.recipient,
        "today": today,
        "consultation": consultation,
        "states": list(dict.fromkeys(state for _, state in delivery.entries)),
        "entries": [
            {"consultation": c, "state": s, "days_left": c.days_left(today)}
            for c, s in delivery.entries
        ],
    }
    if delivery.kind == ConsultationNotice.Kind.EXTENSION:
        context["extension"] = list(consultation.extensions.all())[-1]
    if delivery.kind == ConsultationNotice.Kind.RESULT:
        answers = list(consultation.answers.all())
        context["answers"] = answers
        context["objections"] = [a for a in answers if a.is_objection]
    return context


def consultation_notices_send(*, today=None):
    """Send every unsent consultation notice still worth sending, each once. Returns the
    deliveries sent; a failed e-mail leaves its notices for the next sweep."""
    today = today or secretariat_today()
    return outbox.send(
        _sendable(),
        rows=_rows_with_consultations(),
        deliveries=_deliveries,
        context=lambda d: _context(d, today=today),
    )


@dataclass
class ConsultationSweep:
    closed: list
    deliveries: list


def consultation_sweep(*, today):
    """The consultations' part of the daily sweep: close those past their deadline, record
    the reminders owed, and send every unsent notice (results included)."""
    closed = consultations_close_due(today=today)
    outbox.record(ConsultationNotice, consultation_reminders_owed(today=today))
    return ConsultationSweep(closed=closed, deliveries=consultation_notices_send(today=today))


def consultation_sweep_planned(*, today):
    """What the sweep of `today` would close and send, without writing or sending anything.

    Results of the consultations it would close are left out: they are known only once the
    silent states are recorded.
    """
    owed = consultation_reminders_owed(today=today)
    new, waiting = outbox.planned(
        owed,
        recorded=ConsultationNotice.objects.filter(
            consultation__in={n.consultation_id for n in owed}
        ),
        keys=("consultation_id", "state_id", "recipient", "kind", "step", "deadline"),
        waiting=_rows_with_consultations().filter(pk__in=_sendable().values("pk")),
    )
    states = MemberState.objects.in_bulk({n.state_id for n in new})
    for notice in new:
        notice.state = states[notice.state_id]
    return ConsultationSweep(
        closed=list(Consultation.objects.past_deadline(today).order_by("deadline", "pk")),
        deliveries=_deliveries([*new, *waiting]),
    )


def _sweep_lines(sweep, *, dry_run):
    lines = []
    for consultation in sweep.closed:
        if dry_run:
            lines.append(f"would close consultation “{consultation}”")
        else:
            result = consultation.get_result_display().lower()
            lines.append(f"closed consultation “{consultation}”: {result}")
    verb = "would send" if dry_run else "sent"
    for delivery in sweep.deliveries:
        titles = ", ".join(str(c) for c in delivery.consultations)
        lines.append(f"{verb} {delivery.email} to {delivery.recipient}: {titles}")
    return lines


def daily_consultations_run(today):
    """The consultations' daily work, as lines for the sweep command."""
    return _sweep_lines(consultation_sweep(today=today), dry_run=False)


def daily_consultations_plan(today):
    return _sweep_lines(consultation_sweep_planned(today=today), dry_run=True)


def consultation_deadlines(user):
    """The deadlines of the open consultations the user's state is consulted on (every open
    one for the Secretariat), for the personal calendar."""
    consultations = Consultation.objects.visible_to(user).open()
    return [
        Deadline(
            uid=f"consultation-{consultation.pk}-deadline",
            title=f"Consultation closes: {consultation.title}",
            date=consultation.deadline,
            path=consultation.get_absolute_url(),
        )
        for consultation in consultations
    ]
