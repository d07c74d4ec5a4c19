"""Written consultations: circulating a draft to the member states, answering for a state,
extending the deadline, closing under the silence or the explicit procedure, and telling the
focal points (exactly once, see sending.py).

Every rule lives here or on the models, so that the pages, the admin, the API and the daily
sweep share it. Operations on one consultation lock its row (SELECT … FOR UPDATE) and check
its status and deadline under that lock: an answer racing the closing either lands before it
or is refused, and closing twice records nothing twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from d8portal.clock import secretariat_today
from d8portal.mail import render_email
from memberstates.models import FocalPoint, MemberState

from .models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationNotice,
    ConsultationNotOpen,
    DeadlineExtension,
)
from .sending import claim, claimable, send_each
from .tasks import send_consultation_notices

MANAGE_PERMISSION = "actionplans.change_consultation"


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
    send_consultation_notices.delay_on_commit()
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
            f"The new deadline must be after the current one ({locked.deadline:%Y-%m-%d})."
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
    send_consultation_notices.delay_on_commit()
    return extension


@transaction.atomic
def consultation_answer(
    *, consultation, user, state, position, reasons="", comments=(), today=None
):
    """Record the state's answer, or replace its earlier one, while the consultation is open.

    Only a focal point of a consulted state answers for it. `comments` are dicts with `text`
    and either `item` (an action item of the circulated plan) or `section` (a typed
    reference). A revision keeps the comments it repeats, with any response to them.
    """
    locked = _locked(consultation)
    consulted = locked.states.filter(pk=state.pk).exists()
    if not consulted or not MemberState.objects.of_focal_point(user).filter(pk=state.pk).exists():
        raise PermissionDenied("Only a focal point of a consulted state answers for it.")
    # Today is read under the lock: a request waiting for the closing sees the closed status.
    locked.check_takes_answers(today or secretariat_today())
    reasons = reasons.strip()
    comments = _checked_comments(locked, comments)
    ConsultationAnswer.validate_answer(position, reasons, len(comments))

    answer = ConsultationAnswer.objects.filter(consultation=locked, state=state).first()
    answer = answer or ConsultationAnswer(consultation=locked, state=state)
    answer.position, answer.reasons, answer.answered_by = position, reasons, user
    answer.save()
    _replace_comments(answer, comments)
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
    send_consultation_notices.delay_on_commit()
    return True


# --- Notices to focal points ------------------------------------------------------------------


def _focal_point_emails(state_ids):
    """{state id: set of e-mails of the state's active focal points}."""
    emails = defaultdict(set)
    active = FocalPoint.objects.filter(is_active=True, body__state__in=state_ids).exclude(email="")
    for state_id, email in active.values_list("body__state_id", "email"):
        emails[state_id].add(email.lower())
    return emails


def _notices_record(consultation, kind):
    """Record one notice of this kind per focal point of every consulted state."""
    state_ids = list(consultation.states.values_list("pk", flat=True))
    emails = _focal_point_emails(state_ids)
    ConsultationNotice.objects.bulk_create(
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
        ignore_conflicts=True,
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
    emails = _focal_point_emails({state_id for _, state_id in silent})
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


@dataclass
class NoticeDelivery:
    """One e-mail: its template, recipient, and the (consultation, state) pairs it is about.

    Reminders are gathered in one digest per recipient; the other notices go one e-mail per
    consultation.
    """

    email: str
    recipient: str
    kind: str
    entries: list = field(default_factory=list)

    @property
    def consultations(self):
        seen = {}
        for consultation, _ in self.entries:
            seen.setdefault(consultation.pk, consultation)
        return list(seen.values())


def _rows_with_consultations():
    answers = ConsultationAnswer.objects.select_related("state").prefetch_related("comments")
    return ConsultationNotice.objects.select_related(
        "state", "consultation__plan", "consultation__document__meeting"
    ).prefetch_related(
        Prefetch("consultation__answers", queryset=answers),
        "consultation__extensions",
    )


def _deliveries(rows):
    groups = {}
    ordered = sorted(rows, key=lambda r: (r.consultation.deadline, r.consultation_id, r.state.name))
    for row in ordered:
        digest = row.kind == ConsultationNotice.Kind.REMINDER
        key = (row.kind, row.recipient, None if digest else row.consultation_id)
        if key not in groups:
            groups[key] = NoticeDelivery(EMAIL_OF_KIND[row.kind], row.recipient, row.kind)
        if (row.consultation, row.state) not in groups[key].entries:
            groups[key].entries.append((row.consultation, row.state))
    order = list(EMAIL_OF_KIND)
    return sorted(groups.values(), key=lambda d: (order.index(d.kind), d.recipient))


def _message(delivery, *, today):
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
    return render_email(delivery.email, context, to=[delivery.recipient])


def consultation_notices_send(*, today=None):
    """Send every unsent consultation notice still worth sending, each once. Returns the
    deliveries sent; a failed e-mail leaves its notices for the next sweep."""
    token = claim(_sendable(), now=timezone.now())
    if token is None:
        return []
    today = today or secretariat_today()
    rows = list(_rows_with_consultations().filter(claim_token=token))
    return send_each(
        _deliveries(rows),
        rows=lambda d: ConsultationNotice.objects.filter(
            claim_token=token,
            recipient=d.recipient,
            kind=d.kind,
            consultation__in=[c.pk for c in d.consultations],
        ),
        message=lambda d: _message(d, today=today),
    )


@dataclass
class ConsultationSweep:
    closed: list
    deliveries: list


def consultation_sweep(*, today):
    """The consultations' part of the daily sweep: close those past their deadline, record
    the reminders owed, and send every unsent notice (results included)."""
    closed = consultations_close_due(today=today)
    ConsultationNotice.objects.bulk_create(
        consultation_reminders_owed(today=today), ignore_conflicts=True
    )
    return ConsultationSweep(closed=closed, deliveries=consultation_notices_send(today=today))


def consultation_sweep_planned(*, today):
    """What the sweep of `today` would close and send, without writing or sending anything.

    Results of the consultations it would close are left out: they are known only once the
    silent states are recorded.
    """
    keys = ("consultation_id", "state_id", "recipient", "kind", "step", "deadline")
    owed = consultation_reminders_owed(today=today)
    recorded = set(
        ConsultationNotice.objects.filter(
            consultation__in={n.consultation_id for n in owed}
        ).values_list(*keys)
    )
    new = [n for n in owed if tuple(getattr(n, k) for k in keys) not in recorded]
    states = MemberState.objects.in_bulk({n.state_id for n in new})
    for notice in new:
        notice.state = states[notice.state_id]
    waiting = _rows_with_consultations().filter(
        claimable(timezone.now()), pk__in=_sendable().values("pk")
    )
    return ConsultationSweep(
        closed=list(Consultation.objects.past_deadline(today).order_by("deadline", "pk")),
        deliveries=_deliveries([*new, *waiting]),
    )
