import datetime
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.clock import secretariat_today
from core.db import statistics_refreshed
from core.deadlines import Deadline
from core.queue import enqueue_on_commit
from core.uploads import upload_name
from memberstates.models import FocalPoint

from .models import ActionItem, ActionPlan, ProgressNotice, ProgressUpdate, Reminder
from .tasks import notify_progress_posted, send_requested_reminders


@transaction.atomic
def progress_update_post(
    *, item, user, status, narrative, percent_complete=None, evidence=None, reported_at=None
):
    """Record a progress update and bring the item's status and percent to it, atomically.

    Only the Secretariat and focal points of a responsible state may post. A missing percent
    takes the status's default; a completed item is 100%. `reported_at` dates progress
    recorded after the fact (a past report, the demo's history), never in the future; it is
    now by default. The Secretariat is told by e-mail: the notice is recorded with the update,
    and sent after the commit by a worker (or by the sweep of pending notices when the broker
    is down), so that the post never fails once the update is stored.
    """
    now = timezone.now()
    if reported_at is not None and reported_at > now:
        raise ValidationError({"reported_at": "Progress cannot be reported in the future."})
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
        created_at=reported_at or now,
    )
    if evidence:
        update.evidence = evidence
        update.evidence_name = upload_name(evidence.name)
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
    rows = ProgressNotice.objects.select_related(
        "update__item__plan", "update__item__lead_state", "update__author"
    )
    return outbox.send(
        eligible,
        rows=rows,
        deliveries=lambda claimed: outbox.group(
            claimed,
            email=lambda row: "progress-posted",
            order=["progress-posted"],
            key=lambda row: row.update_id,
        ),
        context=lambda d: {"update": d.rows[0].update, "item": d.rows[0].update.item},
    )


@transaction.atomic
def action_items_create_from_outcomes(*, outcomes, user, plan, lead_state, due_date, prefix):
    """Create one action item per final outcome, referenced `prefix` + the outcome's number,
    all or none: any invalid item (a draft outcome included) raises a ValidationError listing
    every reference that failed."""
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


# The three e-mails and the reminder kinds each gathers.
EMAILS = [
    ("reminder-digest", Reminder.DIGEST_KINDS),
    ("escalation", Reminder.ESCALATION_KINDS),
    ("publication", Reminder.PUBLICATION_KINDS),
]
EMAIL_OF_KIND = {kind: name for name, kinds in EMAILS for kind in kinds}
KINDS_OF_EMAIL = dict(EMAILS)
# An e-mail lists this many items, the most urgent first; it counts the rest and links to them.
DIGEST_LIMIT = 50


@dataclass
class ReminderDelivery(outbox.Delivery):
    """One e-mail about items: the most urgent of them loaded, all of them counted."""

    items: list = field(default_factory=list)
    total: int = 0
    counts: dict = field(default_factory=dict)  # kind: number of items
    reminders: int = 0  # the rows it was made from

    def selector(self):
        return Q(recipient=self.recipient, kind__in=KINDS_OF_EMAIL[self.email])

    def row_count(self):
        return self.reminders

    @property
    def more(self):
        return self.total - len(self.items)


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


def _owed_select(today):
    """SQL (and its parameters) selecting every reminder the sweep of `today` owes, as rows
    (item_id, recipient, kind, step, due_date, reference), whether or not already recorded.

    Focal points of each responsible state of an open item of a running plan are owed the
    latest reminder point reached by `today`: `REMINDER_OFFSETS_DAYS` days before the due date
    (step: the offset), on it and during the week after (on_due), then every full week overdue
    (step: the weeks). Taking the latest point reached, not only one falling exactly today,
    means a day without a sweep delays a reminder instead of losing it. Items overdue a full
    week or more are escalated to the Secretariat weekly. One statement, whatever the number
    of items: no row is built in Python.
    """
    offsets = sorted({int(days) for days in settings.REMINDER_OFFSETS_DAYS if int(days) > 0})
    horizon = today + datetime.timedelta(days=max(offsets, default=0))
    before_due = "CASE {} END".format(
        " ".join(f"WHEN days_left <= {days} THEN {days}" for days in offsets) or "WHEN 1=0 THEN 0"
    )
    if connection.vendor == "postgresql":
        days_left = "(i.due_date - %s::date)"
    else:
        days_left = "CAST(julianday(i.due_date) - julianday(%s) AS INTEGER)"
    tables = {
        "item": ActionItem._meta.db_table,
        "plan": ActionPlan._meta.db_table,
        "supporting": ActionItem.supporting_states.through._meta.db_table,
        "focal_point": FocalPoint._meta.db_table,
        "body": FocalPoint._meta.get_field("body").related_model._meta.db_table,
    }
    # Only table names of the models and whole numbers are formatted in; values are parameters.
    sql = f"""
        WITH open_items AS (
            SELECT i.id, i.due_date, i.reference, i.lead_state_id, {days_left} AS days_left
            FROM {tables["item"]} i JOIN {tables["plan"]} p ON p.id = i.plan_id
            WHERE i.status NOT IN (%s, %s) AND p.status NOT IN (%s, %s) AND i.due_date <= %s
        ), points AS (
            SELECT id, due_date, reference,
                CASE WHEN days_left <= -7 THEN %s WHEN days_left <= 0 THEN %s ELSE %s END AS kind,
                CASE WHEN days_left <= -7 THEN (-days_left) / 7 WHEN days_left <= 0 THEN 0
                     ELSE {before_due} END AS step
            FROM open_items
        ), responsible AS (
            SELECT id AS item_id, lead_state_id AS state_id FROM open_items
            UNION
            SELECT s.actionitem_id, s.memberstate_id FROM {tables["supporting"]} s
            JOIN open_items o ON o.id = s.actionitem_id
        ), emails AS (
            SELECT DISTINCT b.state_id, LOWER(f.email) AS email
            FROM {tables["focal_point"]} f JOIN {tables["body"]} b ON b.id = f.body_id
            WHERE f.is_active AND f.email <> ''
        )
        SELECT p.id, e.email, p.kind, p.step, p.due_date, p.reference FROM points p
        JOIN responsible r ON r.item_id = p.id JOIN emails e ON e.state_id = r.state_id
        WHERE p.step IS NOT NULL
        UNION ALL
        SELECT id, %s, %s, (-days_left) / 7, due_date, reference FROM open_items
        WHERE days_left <= -7
    """  # noqa: S608
    Kind = Reminder.Kind
    params = [
        today,
        *ActionItem.CLOSED_STATUSES,
        *ActionPlan.CLOSED_STATUSES,
        horizon,
        Kind.OVERDUE,
        Kind.ON_DUE,
        Kind.BEFORE_DUE,
        settings.SECRETARIAT_EMAIL.lower(),
        Kind.ESCALATION,
    ]
    return sql, params


def reminders_record(*, today):
    """Record every reminder the sweep of `today` owes, in one INSERT … SELECT; those already
    recorded (same unique key) are left as they are. Returns the number of new rows."""
    owed, params = _owed_select(today)
    sql = f"""
        INSERT INTO {Reminder._meta.db_table} (item_id, recipient, kind, step, due_date, created_at)
        SELECT id, email, kind, step, due_date, %s FROM ({owed}) AS owed
        WHERE true
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *params])
        recorded = cursor.rowcount
    statistics_refreshed(Reminder, rows_written=recorded)
    return recorded


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
    """One delivery per (e-mail, recipient) from reminder rows given as tuples (item_id,
    recipient, kind, due_date, reference): every item counted, the most urgent loaded."""
    groups = {}
    reminders = defaultdict(int)
    for item_id, recipient, kind, due_date, reference in rows:
        key = (EMAIL_OF_KIND[kind], recipient)
        items, kinds = groups.setdefault(key, ({}, defaultdict(set)))
        items[item_id] = (due_date, reference)
        kinds[kind].add(item_id)
        reminders[key] += 1
    deliveries = [
        ReminderDelivery(
            email,
            recipient,
            items=sorted(items, key=items.get)[:DIGEST_LIMIT],
            total=len(items),
            counts={kind: len(ids) for kind, ids in kinds.items()},
            reminders=reminders[email, recipient],
        )
        for (email, recipient), (items, kinds) in groups.items()
    ]
    loaded = (
        ActionItem.objects.select_related("plan", "lead_state", "outcome__meeting")
        .prefetch_related("supporting_states")
        .in_bulk({item_id for delivery in deliveries for item_id in delivery.items})
    )
    for delivery in deliveries:
        delivery.items = [loaded[item_id] for item_id in delivery.items]
    order = [name for name, _ in EMAILS]
    return sorted(deliveries, key=lambda d: (order.index(d.email), d.recipient))


def _row_tuples(reminders):
    return reminders.values_list(
        "item_id", "recipient", "kind", "item__due_date", "item__reference"
    )


def _context(delivery, *, today, focal_points):
    context = {
        "entries": _entries(delivery.items, today),
        "total": delivery.total,
        "more": delivery.more,
        "counts": [
            (label, delivery.counts[kind])
            for kind, label in Reminder.Kind.choices
            if delivery.counts.get(kind)
        ],
        "list_url": reverse("actionplans:my-items")
        + ("?overdue=on" if delivery.email == "escalation" else ""),
        "recipient": delivery.recipient,
        "focal_points": focal_points.get(delivery.recipient, []),
        "today": today,
    }
    if delivery.email == "publication":
        meetings = {i.outcome.meeting for i in delivery.items if i.outcome_id}
        context["meetings"] = sorted(meetings, key=lambda m: m.start_date)
    return context


def reminders_send(*, kinds, today):
    """Send the unsent reminders of these kinds: one e-mail per recipient, each row once.

    Returns the deliveries sent. A failed e-mail releases its claim for the next sweep.
    """
    focal_points = _focal_points_by_email()
    return outbox.send(
        _unsent(kinds),
        rows=_row_tuples(Reminder.objects.all()),
        deliveries=_deliveries,
        context=lambda d: _context(d, today=today, focal_points=focal_points),
    )


# A reminder the sweep owes, as `_owed_select` reads it.
Owed = namedtuple("Owed", "item_id recipient kind step due_date reference")


def reminders_planned(*, today):
    """What the sweep of `today` would send, without writing or sending anything."""
    sql, params = _owed_select(today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        owed = [Owed(*row[:4], _as_date(row[4]), row[5]) for row in cursor.fetchall()]
    new, waiting = outbox.planned(
        owed,
        recorded=Reminder.objects.filter(
            item__in=ActionItem.objects.followed_up(), due_date=F("item__due_date")
        ),
        keys=("item_id", "recipient", "kind", "step", "due_date"),
        waiting=_row_tuples(_unsent([kind for _, kinds in EMAILS for kind in kinds])),
    )
    return _deliveries(
        [*((o.item_id, o.recipient, o.kind, o.due_date, o.reference) for o in new), *waiting]
    )


def _as_date(value):
    # SQLite returns dates from raw SQL as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def reminder_sweep(*, today):
    """The daily sweep: record the reminders owed on `today`, then send every unsent one.

    Focal points get one digest each; the Secretariat one escalation summary. Publication
    notices a dead sender left unsent go out too. Returns the deliveries sent.
    """
    reminders_record(today=today)
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
    lines = []
    for d in deliveries:
        references = ", ".join(i.reference for i in d.items)
        more = f" and {d.more} more" if d.more else ""
        lines.append(f"{verb} {d.email} to {d.recipient}: {references}{more}")
    return lines


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
