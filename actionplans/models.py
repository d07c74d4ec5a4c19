import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.roles import is_secretariat
from core.clock import secretariat_today
from core.db import InRunFirst
from core.models import OutboxMessage
from core.uploads import validate_upload
from meetings.models import Meeting, Outcome
from memberstates.models import MemberState

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def percent_between_0_and_100(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=name,
        violation_error_message="Percent complete must be between 0 and 100.",
    )


def weighted_product(percent, weight):
    # Both columns are smallint; PostgreSQL would multiply them as smallint and overflow.
    return Cast(percent, models.IntegerField()) * F(weight)


# Cache key of the progress of every open plan (the home page shows it on every view).
OPEN_PLANS_PROGRESS = "actionplans:open-plans-progress"


class ActionPlanQuerySet(models.QuerySet):
    def of_the_d8(self):
        """The D-8's own plans: not the cooperation plans of agreements with partners, which
        the partners app shows under its own rules (reached here by the reverse relation)."""
        return self.filter(agreement__isnull=True)

    def open(self):
        return self.exclude(status__in=[ActionPlan.Status.COMPLETED, ActionPlan.Status.SUPERSEDED])

    def open_with_progress(self, limit):
        """The first `limit` open plans, each with its progress, and the number of open plans.

        The progress of every open plan is cached, and the cache cleared whenever an item or a
        plan changes (see actionplans.apps): on a hit one query reads `limit` plans; on a miss
        one query reads and totals them all.
        """
        totals = cache.get(OPEN_PLANS_PROGRESS)
        if totals is None:
            plans = list(self.open().with_progress())
            totals = {plan.pk: (plan.weighted_percent, plan.total_weight) for plan in plans}
            cache.set(OPEN_PLANS_PROGRESS, totals, timeout=3600)
            return plans[:limit], len(totals)
        plans = list(self.open()[:limit])
        for plan in plans:
            plan.weighted_percent, plan.total_weight = totals.get(plan.pk, (None, None))
        return plans, len(totals)

    def with_progress(self):
        """Annotate `weighted_percent` and `total_weight` over the plan's non-cancelled items."""
        counted = ~Q(items__status=ActionItem.Status.CANCELLED)
        return self.annotate(
            weighted_percent=Sum(
                weighted_product("items__percent_complete", "items__weight"), filter=counted
            ),
            total_weight=Sum("items__weight", filter=counted),
        )


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        UNDER_REFINEMENT = "under_refinement", "Under refinement"
        ADOPTED = "adopted", "Adopted"
        IN_IMPLEMENTATION = "in_implementation", "In implementation"
        COMPLETED = "completed", "Completed"
        SUPERSEDED = "superseded", "Superseded"

    CLOSED_STATUSES = [Status.COMPLETED, Status.SUPERSEDED]

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    proposed_by = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_action_plans",
        help_text="Empty when the plan comes from a meeting as a whole.",
    )
    tabled_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tabled_action_plans",
        help_text="The meeting where the plan was proposed.",
    )
    adopted_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_action_plans",
        help_text="The meeting that adopted the plan.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )

    objects = ActionPlanQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("actionplans:plan-detail", args=[self.slug])

    @property
    def is_open(self):
        return self.status not in (self.Status.COMPLETED, self.Status.SUPERSEDED)

    def _prefetched_items(self):
        return getattr(self, "_prefetched_objects_cache", {}).get("items")

    def progress(self):
        """Weighted percent complete of the plan's items (cancelled ones do not count)."""
        items = self._prefetched_items()
        if hasattr(self, "weighted_percent"):
            weighted, total = self.weighted_percent, self.total_weight
        elif items is not None:
            counted = [i for i in items if i.status != ActionItem.Status.CANCELLED]
            weighted = sum(i.percent_complete * i.weight for i in counted)
            total = sum(i.weight for i in counted)
        else:
            totals = self.items.exclude(status=ActionItem.Status.CANCELLED).aggregate(
                weighted=Sum(weighted_product("percent_complete", "weight")), total=Sum("weight")
            )
            weighted, total = totals["weighted"], totals["total"]
        if not total:
            return None
        return round(weighted / total)

    @classmethod
    def meetings_reporting(cls, plan_id):
        """Ids of the meetings whose outcome report shows the plan (or items of it)."""
        ids = set(
            Outcome.objects.filter(action_items__plan=plan_id).values_list("meeting_id", flat=True)
        )
        for tabled, adopted in cls.objects.filter(pk=plan_id).values_list(
            "tabled_at", "adopted_at"
        ):
            ids.update((tabled, adopted))
        ids.discard(None)
        return ids

    def overdue_items(self, today=None):
        """The plan's overdue items, from prefetched `items` when there are some."""
        items = self._prefetched_items()
        if items is None:
            return list(self.items.overdue(today))
        return [i for i in items if i.is_overdue(today)]


def responsible_states_are(states):
    """The condition "a state of `states` leads or supports the item", written so that
    PostgreSQL runs each subquery once and answers the OR from the indexes on the lead state
    and the id (`states` a queryset or a list)."""
    supported = ActionItem.supporting_states.through.objects.filter(memberstate__in=states)
    if isinstance(states, models.QuerySet):
        led = Q(InRunFirst(F("lead_state"), states.values("pk")))
    else:
        led = Q(lead_state__in=states)
    return led | Q(InRunFirst(F("pk"), supported.values("actionitem_id")))


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=ActionItem.CLOSED_STATUSES)

    def followed_up(self):
        """Open items of plans still running: the ones that get reminders.

        Draft plans count (their due dates are real deadlines of the follow-up); a completed
        or superseded plan's items are no longer followed up.
        """
        return self.open().exclude(plan__status__in=ActionPlan.CLOSED_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or secretariat_today())

    def due_within(self, days, today=None):
        today = today or secretariat_today()
        return self.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
        )

    def for_state(self, state):
        """Items the state is responsible for, as lead or supporting state."""
        return self.filter(responsible_states_are([state]))

    def matching(
        self,
        *,
        plan=None,
        state=None,
        status=None,
        overdue=None,
        due_within=None,
        role=None,
        of_states=(),
        today=None,
    ):
        """The items that meet every filter given; a filter left as None is not applied.

        `overdue` False keeps the items that are not overdue; `role` ("lead" or
        "supporting") is the role of `of_states`, the reader's states. The my-items page and
        the API filter through here.
        """
        today = today or secretariat_today()
        items = self
        if plan is not None:
            items = items.filter(plan=plan)
        if state is not None:
            items = items.for_state(state)
        if status:
            items = items.filter(status=status)
        if overdue is not None:
            late = Q(pk__in=ActionItem.objects.overdue(today).values("pk"))
            items = items.filter(late) if overdue else items.exclude(late)
        if due_within is not None:
            items = items.due_within(due_within, today)
        if role and of_states:
            lead = Q(lead_state__in=of_states)
            items = items.filter(lead) if role == "lead" else items.exclude(lead)
        return items

    def summary(self, today=None):
        """The items counted per status and overdue, and their weighted percent complete
        (cancelled items do not count, as in `ActionPlan.progress`), in one query:
        {"status_counts": {status: n}, "total": n, "overdue": n, "progress": percent or None}."""
        today = today or secretariat_today()
        counted = ~Q(status=ActionItem.Status.CANCELLED)
        late = ~Q(status__in=ActionItem.CLOSED_STATUSES) & Q(due_date__lt=today)
        figures = self.order_by().aggregate(
            **{
                f"n_{value}": Count("pk", filter=Q(status=value))
                for value in ActionItem.Status.values
            },
            overdue=Count("pk", filter=late),
            weighted=Sum(weighted_product("percent_complete", "weight"), filter=counted),
            total_weight=Sum("weight", filter=counted),
        )
        status_counts = {value: figures[f"n_{value}"] for value in ActionItem.Status.values}
        return {
            "status_counts": status_counts,
            "total": sum(status_counts.values()),
            "overdue": figures["overdue"],
            "progress": round(figures["weighted"] / figures["total_weight"])
            if figures["total_weight"]
            else None,
        }

    def visible_to(self, user):
        """The Secretariat sees every item; a focal point those of their state; others none."""
        if not user.is_authenticated:
            return self.none()
        if is_secretariat(user):
            return self
        return self.filter(responsible_states_are(MemberState.objects.of_focal_point(user)))

    def ids(self):
        """The items' keys, as a set, in one query: with `visible_to`, which of the items a page
        names the reader may open (the page links those and names the others)."""
        return set(self.values_list("pk", flat=True))


class ActionItem(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    # The percent an item shows when its status changes without a figure being given.
    DEFAULT_PERCENT = {
        Status.NOT_STARTED: 0,
        Status.IN_PROGRESS: 25,
        Status.ON_HOLD: None,  # keeps whatever it had
        Status.COMPLETED: 100,
        Status.CANCELLED: None,
    }
    CLOSED_STATUSES = [Status.COMPLETED, Status.CANCELLED]

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    reference = models.CharField("reference code", max_length=30, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="The meeting outcome this item comes from.",
    )
    lead_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="led_action_items"
    )
    supporting_states = models.ManyToManyField(
        MemberState, blank=True, related_name="supported_action_items"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(default=0, validators=PERCENT_VALIDATORS)
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Relative weight in the plan's progress (equal weights by default).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["supporting_states"])

    class Meta:
        ordering = ["due_date", "reference"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["lead_state", "status"]),
            # The lists' order (due date, then id as the tie-break of pages).
            models.Index(fields=["due_date", "id"], name="action_item_due_date_id"),
        ]
        constraints = [
            percent_between_0_and_100("percent_complete", "action_item_percent_0_to_100"),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="action_item_weight_positive",
                violation_error_message="The weight must be at least 1.",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(percent_complete=100),
                name="completed_action_item_is_100_percent",
                violation_error_message="A completed item is 100% complete.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("actionplans:item-detail", args=[self.pk])

    @classmethod
    def default_percent(cls, status, current):
        default = cls.DEFAULT_PERCENT.get(status)
        return current if default is None else default

    def percent_for_status(self, status):
        """The percent to show when progress gives a status but no figure: the current one
        while the status stays, else the new status's default."""
        if status == self.status:
            return self.percent_complete
        return self.default_percent(status, self.percent_complete)

    def is_overdue(self, today=None):
        return self.status not in self.CLOSED_STATUSES and self.due_date < (
            today or secretariat_today()
        )

    def responsible_states(self):
        """The lead state first, then the supporting states."""
        supporting = [s for s in self.supporting_states.all() if s.pk != self.lead_state_id]
        return [self.lead_state, *supporting]

    def is_responsible(self, state):
        return state.pk == self.lead_state_id or any(
            s.pk == state.pk for s in self.supporting_states.all()
        )

    @classmethod
    def create_from_outcome(cls, outcome, *, plan, reference, lead_state, due_date):
        """Create the item that carries out a final meeting outcome, titled from its text.

        A draft outcome is refused: its text is hidden, and an item's title and description are
        public on the plan's page, in the API and in the plan's report.
        """
        if outcome.status != outcome.Status.FINAL:
            raise ValidationError(
                f"Outcome {outcome.number} is a draft; publish the meeting's outcomes first."
            )
        title = outcome.text if len(outcome.text) <= 120 else f"{outcome.text[:119]}…"
        item = cls(
            plan=plan,
            reference=reference,
            title=title,
            description=outcome.text,
            outcome=outcome,
            lead_state=lead_state,
            due_date=due_date,
        )
        item.full_clean()
        item.save()
        return item

    @classmethod
    def validate_status_percent(cls, status, percent):
        if status == cls.Status.COMPLETED and percent != 100:
            raise ValidationError({"percent_complete": "A completed item is 100% complete."})

    def clean(self):
        self.validate_status_percent(self.status, self.percent_complete)


def evidence_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"actionplans/evidence/{uuid.uuid4().hex}{suffix}"


class ProgressUpdateLocked(ValidationError):
    """Progress updates are the item's history: they are never edited or deleted."""


class ProgressUpdate(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="progress_updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    # When the progress was reported: now, unless recorded after the fact (see
    # progress_update_post). Never changed afterwards: the database refuses any UPDATE.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    percent_complete = models.PositiveSmallIntegerField(validators=PERCENT_VALIDATORS)
    status = models.CharField(max_length=12, choices=ActionItem.Status.choices)
    narrative = models.TextField()
    evidence = models.FileField(
        upload_to=evidence_upload_to, blank=True, validators=[validate_upload]
    )
    evidence_name = models.CharField(
        max_length=200, blank=True, help_text="The evidence file's name as uploaded."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        # An item's history, newest first, a page at a time.
        indexes = [
            models.Index(fields=["item", "-created_at", "-id"], name="progress_update_history")
        ]
        constraints = [
            percent_between_0_and_100("percent_complete", "progress_update_percent_0_to_100"),
        ]

    def __str__(self):
        return f"{self.item.reference}: {self.percent_complete}% ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ProgressUpdateLocked("Progress updates cannot be edited after the fact.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ProgressUpdateLocked("Progress updates cannot be deleted.")

    def get_evidence_url(self):
        return reverse("actionplans:evidence", args=[self.item_id, self.pk])


class Reminder(OutboxMessage):
    """One reminder owed to one recipient about one item, sent exactly once through the outbox:
    the unique key makes recording it idempotent."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", "Before the due date"
        ON_DUE = "on_due", "On the due date"
        OVERDUE = "overdue", "Overdue"
        ESCALATION = "escalation", "Escalation to the Secretariat"
        PUBLICATION = "publication", "New item published"
        MANUAL = "manual", "Sent by the Secretariat"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    step = models.PositiveSmallIntegerField(
        default=0,
        help_text="Days before the due date, weeks overdue, or the number of a manual reminder.",
    )
    due_date = models.DateField(help_text="The due date the reminder was about.")

    # The kinds each e-mail gathers: one message per recipient and e-mail.
    DIGEST_KINDS = [Kind.BEFORE_DUE, Kind.ON_DUE, Kind.OVERDUE, Kind.MANUAL]
    ESCALATION_KINDS = [Kind.ESCALATION]
    PUBLICATION_KINDS = [Kind.PUBLICATION]

    class Meta(OutboxMessage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["item", "recipient", "kind", "step", "due_date"],
                name="one_reminder_per_item_recipient_kind_and_due_date",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} about {self.item.reference}"

    @classmethod
    def focal_point_step(cls, due_date, today, offsets):
        """The latest reminder point a focal point has reached by `today`, as (kind, step).

        Points are `offsets` days before the due date, the due date itself, then every full
        week overdue. Taking the latest point reached (not only one falling exactly today)
        means a day without a sweep delays a reminder instead of losing it.
        """
        days_left = (due_date - today).days
        if days_left < 0:
            weeks = -days_left // 7
            return (cls.Kind.OVERDUE, weeks) if weeks else (cls.Kind.ON_DUE, 0)
        if days_left == 0:
            return cls.Kind.ON_DUE, 0
        reached = [offset for offset in offsets if offset >= days_left]
        return (cls.Kind.BEFORE_DUE, min(reached)) if reached else None

    @classmethod
    def escalation_step(cls, due_date, today):
        """Full weeks overdue, from one week on: the Secretariat hears weekly after a week."""
        weeks = (today - due_date).days // 7
        return weeks if weeks >= 1 else None


class ProgressNotice(OutboxMessage):
    """The Secretariat told of one progress update, once. Recorded in the transaction that
    records the update, so that it survives a broker that is down when the update commits:
    a worker sends it after the commit, or the next sweep of pending notices does."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress posted"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PROGRESS)

    class Meta(OutboxMessage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["update", "recipient", "kind"],
                name="one_progress_notice_per_update_and_recipient",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} about update {self.update_id}"
