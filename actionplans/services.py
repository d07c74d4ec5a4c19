import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q

from core import outbox
from core.clock import secretariat_today
from core.deadlines import Deadline
from core.queue import enqueue_on_commit
from memberstates.models import FocalPoint

from .models import ActionItem, ProgressNotice, ProgressUpdate, Reminder
from .tasks import notify_progress_posted, send_requested_reminders


@transaction.atomic
def progress_update_post(*, item, user, status, narrative, percent_complete=None, evidence=None):
    """Record a progress update and bring the item's status and percent to it, atomically.

    Only the Secretariat and focal points of a responsible state may post. A missing percent
    takes the status's default; a completed item is 100%. The Secretariat is told by e-mail:
    the notice is recorded with the update, and sent after the commit by a worker (or by the
    sweep of pending notices when the broker is down), so that the post never fails once the
    update is stored.
    """
    item = ActionItem.objects.visible_to(user).select_for_update().filter(pk=item.pk).first()
    if item is None:
        raise PermissionDenied("Only focal points of a responsible state can post progress.")
    if percent_complete is None:
        percent_complete = item.percent_for_status(status)
    update = ProgressUpdate(
        item=item,
        author=user,
        status=status,
        percent_complete=percent_complete,
        narrative=narrative,
    )
    if evidence:
        update.evidence = evidence
        update.evidence_name = evidence.name[:200]
    update.full_clean(exclude=["item", "author"])
    update.save()
    item.status = status
    item.percent_complete = percent_complete
    item.full_clean(exclude=["plan", "lead_state", "outcome"])
    item.save(update_fields=["status", "percent_complete", "updated_at"])

    outbox.record(
        ProgressNotice, [ProgressNotice(update=update, recipient=settings.SECRETARIAT_EMAIL)]
    )
    enqueue_on_commit(notify_progress_posted, update.pk)
    return update


def progress_notices_send(*, update_ids=None):
    """Send the unsent progress notices (of these updates only, when given), each once."""
    eligible = ProgressNotice.objects.filter(sent_at__isnull=True)
    if update_ids is not None:
        eligible = eligible.filter(update_id__in=update_ids)
    return outbox.send(
        eligible,
        rows=ProgressNotice.objects.select_related(
            "update__item__plan", "update__item__lead_state", "update__author"
        ),
        deliveries=lambda rows: outbox.group(
            rows,
            email=lambda row: "progress-posted",
            order=["progress-posted"],
            key=lambda row: row.update_id,
        ),
        context=lambda d: {"update": d.rows[0].update, "item": d.rows[0].update.item},
    )


@transaction.atomic
def action_items_create_from_outcomes(*, outcomes, user, plan, lead_state, due_date, prefix):
    """Create one action item per outcome, referenced `prefix` + the outcome's number, all or
    none: any invalid item raises a ValidationError listing every reference that failed."""
    if not user.has_perm("actionplans.add_actionitem"):
        raise PermissionDenied("Only the Secretariat creates action items.")
    items, errors = [], []
    for outcome in outcomes:
        reference = f"{prefix}{outcome.number}"
        try:
            items.append(
                ActionItem.create_from_outcome(
                    outcome,
                    plan=plan,
                    reference=reference,
                    lead_state=lead_state,
                    due_date=due_date,
                )
            )
        except ValidationError as error:
            errors += [f"{reference}: {message}" for message in error.messages]
    if errors:
        raise ValidationError(errors)
    return items


# --- Deadline reminders -------------------------------------------------------------------
#
# Exactly once (see core.outbox): a reminder is first recorded under its unique key (item,
# recipient, kind, step, due date), then claimed by one sender, sent as part of one e-mail
# per recipient, and marked sent.


class ReminderDelivery(outbox.Delivery):
    @property
    def items(self):
        """The items the e-mail lists, once each, in due-date order."""
        found = {row.item_id: row.item for row in self.rows}
        return sorted(found.values(), key=lambda i: (i.due_date, i.reference))


# The three e-mails and the reminder kinds each gathers.
EMAILS = [
    ("reminder-digest", Reminder.DIGEST_KINDS),
    ("escalation", Reminder.ESCALATION_KINDS),
    ("publication", Reminder.PUBLICATION_KINDS),
]
EMAIL_OF_KIND = {kind: name for name, kinds in EMAILS for kind in kinds}


def _recipients_by_item(queryset):
    """{item id: set of e-mails of the active focal points of its responsible states}.

    Three queries for any number of items: the items, their supporting states, focal points.
    """
    items = list(queryset.values_list("pk", "due_date", "lead_state_id"))
    states = defaultdict(set)
    for item_id, _, lead_state_id in items:
        states[item_id].add(lead_state_id)
    supporting = ActionItem.supporting_states.through.objects.filter(
        actionitem__in=queryset.values("pk")
    )
    for item_id, state_id in supporting.values_list("actionitem_id", "memberstate_id"):
        states[item_id].add(state_id)
    emails = FocalPoint.objects.emails_by_state()
    recipients = {
        item_id: set().union(*(emails[state_id] for state_id in states[item_id]))
        for item_id, _, _ in items
    }
    return items, recipients


def reminders_owed(*, today):
    """The reminder rows the sweep of `today` owes, whether or not already recorded."""
    offsets = settings.REMINDER_OFFSETS_DAYS
    horizon = today + datetime.timedelta(days=max(offsets, default=0))
    candidates = ActionItem.objects.followed_up().filter(due_date__lte=horizon)
    items, recipients = _recipients_by_item(candidates)
    secretariat = settings.SECRETARIAT_EMAIL.lower()
    owed = []
    for item_id, due_date, _ in items:
        point = Reminder.focal_point_step(due_date, today, offsets)
        if point is not None:
            kind, step = point
            owed += [
                Reminder(item_id=item_id, recipient=r, kind=kind, step=step, due_date=due_date)
                for r in sorted(recipients[item_id])
            ]
        weeks = Reminder.escalation_step(due_date, today)
        if weeks is not None:
            owed.append(
                Reminder(
                    item_id=item_id,
                    recipient=secretariat,
                    kind=Reminder.Kind.ESCALATION,
                    step=weeks,
                    due_date=due_date,
                )
            )
    return owed


def _unsent(kinds):
    """Unsent reminders of these kinds whose item is still followed up, at the same due date."""
    return Reminder.objects.filter(
        Q(kind=Reminder.Kind.PUBLICATION) | Q(due_date=F("item__due_date")),
        kind__in=kinds,
        sent_at__isnull=True,
        item__in=ActionItem.objects.followed_up(),
    )


def _focal_points_by_email():
    focal_points = defaultdict(list)
    for focal_point in FocalPoint.objects.active().select_related("body__state"):
        focal_points[focal_point.email.lower()].append(focal_point)
    return focal_points


def _entries(items, today):
    """Items in due-date order, each with how far it is from its due date."""
    return [
        {
            "item": item,
            "days_left": (item.due_date - today).days,
            "days_overdue": (today - item.due_date).days,
        }
        for item in items
    ]


def _deliveries(rows):
    """One delivery per (e-mail, recipient), listing each item once."""
    return outbox.group(
        rows,
        email=lambda row: EMAIL_OF_KIND[row.kind],
        order=[name for name, _ in EMAILS],
        delivery=ReminderDelivery,
    )


def _context(delivery, *, today, focal_points):
    context = {
        "entries": _entries(delivery.items, today),
        "recipient": delivery.recipient,
        "focal_points": focal_points.get(delivery.recipient, []),
        "today": today,
    }
    if delivery.email == "publication":
        meetings = {i.outcome.meeting for i in delivery.items if i.outcome_id}
        context["meetings"] = sorted(meetings, key=lambda m: m.start_date)
    return context


def _rows_with_items():
    return Reminder.objects.select_related(
        "item__plan", "item__lead_state", "item__outcome__meeting"
    ).prefetch_related("item__supporting_states")


def reminders_send(*, kinds, today):
    """Send the unsent reminders of these kinds: one e-mail per recipient, each row once.

    Returns the deliveries sent. A failed e-mail releases its claim for the next sweep.
    """
    focal_points = _focal_points_by_email()
    return outbox.send(
        _unsent(kinds),
        rows=_rows_with_items(),
        deliveries=_deliveries,
        context=lambda d: _context(d, today=today, focal_points=focal_points),
    )


def reminders_planned(*, today):
    """What the sweep of `today` would send, without writing or sending anything."""
    new, waiting = outbox.planned(
        reminders_owed(today=today),
        recorded=Reminder.objects.filter(
            item__in=ActionItem.objects.followed_up(), due_date=F("item__due_date")
        ),
        keys=("item_id", "recipient", "kind", "step", "due_date"),
        waiting=_rows_with_items().filter(
            pk__in=_unsent([kind for _, kinds in EMAILS for kind in kinds]).values("pk")
        ),
    )
    items = ActionItem.objects.select_related("plan", "lead_state", "outcome__meeting").in_bulk(
        {r.item_id for r in new}
    )
    for reminder in new:
        reminder.item = items[reminder.item_id]
    return _deliveries([*new, *waiting])


def reminder_sweep(*, today):
    """The daily sweep: record the reminders owed on `today`, then send every unsent one.

    Focal points get one digest each; the Secretariat one escalation summary. Publication
    notices a dead sender left unsent go out too. Returns the deliveries sent.
    """
    outbox.record(Reminder, reminders_owed(today=today))
    return [
        delivery for _, kinds in EMAILS for delivery in reminders_send(kinds=kinds, today=today)
    ]


def reminders_pending():
    """Whether reminders owed are still unsent (held by a sender, or their e-mail failed)."""
    return outbox.pending(_unsent([kind for _, kinds in EMAILS for kind in kinds]))


@dataclass
class RemindersRequested:
    recipients: int
    unreachable: list
    closed: int


def reminders_request(*, items):
    """Remind the focal points of these items now, at the Secretariat's request.

    Each request records one more numbered reminder per item and recipient, so a request
    submitted twice at once sends once; a worker sends them as digests after the commit.
    Closed items (or items of closed plans) and items whose states have no focal point are
    left out and reported.
    """
    followed = items.followed_up()
    found, recipients = _recipients_by_item(followed)
    last_step = {
        (row["item_id"], row["recipient"], row["due_date"]): row["last"]
        for row in Reminder.objects.filter(kind=Reminder.Kind.MANUAL, item__in=followed)
        .values("item_id", "recipient", "due_date")
        .annotate(last=Max("step"))
    }
    rows = [
        Reminder(
            item_id=item_id,
            recipient=recipient,
            kind=Reminder.Kind.MANUAL,
            step=last_step.get((item_id, recipient, due_date), 0) + 1,
            due_date=due_date,
        )
        for item_id, due_date, _ in found
        for recipient in sorted(recipients[item_id])
    ]
    outbox.record(Reminder, rows)
    enqueue_on_commit(send_requested_reminders)
    return RemindersRequested(
        recipients=len({row.recipient for row in rows}),
        unreachable=sorted(
            ActionItem.objects.filter(
                pk__in=[item_id for item_id, _, _ in found if not recipients[item_id]]
            ).values_list("reference", flat=True)
        ),
        closed=items.count() - len(found),
    )


def publication_notice_send(*, outcome_ids):
    """Tell the focal points of the states responsible for items arising from these (newly
    final) outcomes, once, with the items, their due dates and links."""
    arising = ActionItem.objects.followed_up().filter(outcome_id__in=outcome_ids)
    items, recipients = _recipients_by_item(arising)
    outbox.record(
        Reminder,
        [
            Reminder(
                item_id=item_id,
                recipient=recipient,
                kind=Reminder.Kind.PUBLICATION,
                due_date=due_date,
            )
            for item_id, due_date, _ in items
            for recipient in sorted(recipients[item_id])
        ],
    )
    return reminders_send(kinds=Reminder.PUBLICATION_KINDS, today=secretariat_today())


def _delivery_lines(deliveries, verb):
    return [
        f"{verb} {d.email} to {d.recipient}: {', '.join(i.reference for i in d.items)}"
        for d in deliveries
    ]


def daily_reminders_run(today):
    """The action items' daily work, as lines for the sweep command."""
    return _delivery_lines(reminder_sweep(today=today), "sent")


def daily_reminders_plan(today):
    return _delivery_lines(reminders_planned(today=today), "would send")


def item_deadlines(user):
    """The due dates of the open items the user's state is responsible for (every open item's
    for the Secretariat), for the personal calendar."""
    items = (
        ActionItem.objects.visible_to(user)
        .followed_up()
        .only("pk", "reference", "title", "due_date")
    )
    return [
        Deadline(
            uid=f"action-item-{item.pk}-due",
            title=f"Due: {item.reference} {item.title}",
            date=item.due_date,
            path=item.get_absolute_url(),
        )
        for item in items
    ]
