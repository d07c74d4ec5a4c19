"""Written consultations: a draft circulated to the member states, their answers and comments,
deadline extensions and the notices sent to focal points.

A consultation's deadline is a date: the last day on which a state may answer, in the
Secretariat's calendar (core.clock.secretariat_today). Answers are taken up to the end of
that day; the daily sweep closes the consultation on any later day.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from accounts.roles import is_secretariat
from actionplans.models import ActionItem, ActionPlan
from core.clock import secretariat_today
from core.models import OutboxMessage
from meetings.models import Document
from memberstates.models import MemberState


def one_month_after(date):
    """The same day of the next month, or that month's last day (31 January → 28 February)."""
    year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


class ConsultationNotOpen(ValidationError):
    """The consultation takes no answers: not circulated yet, closed, or past its deadline."""


class ConsultationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Consultation.Status.OPEN)

    def closed(self):
        return self.filter(status=Consultation.Status.CLOSED)

    def past_deadline(self, today=None):
        """Open consultations whose last day to answer is over: the sweep closes them."""
        return self.open().filter(deadline__lt=today or secretariat_today())

    def for_states(self, states):
        """Consultations any of these member states is consulted on."""
        consulted = Consultation.states.through.objects.filter(
            consultation=OuterRef("pk"), memberstate__in=states
        )
        return self.filter(Exists(consulted))

    def visible_to(self, user):
        """Closed consultations are public; the Secretariat sees every one, drafts included;
        a focal point also the open ones their state is consulted on."""
        closed = Q(status=Consultation.Status.CLOSED)
        if not user.is_authenticated:
            return self.filter(closed)
        if is_secretariat(user):
            return self
        consulted = Consultation.states.through.objects.filter(
            consultation=OuterRef("pk"),
            memberstate__in=MemberState.objects.of_focal_point(user),
        )
        return self.filter(closed | Q(status=Consultation.Status.OPEN) & Exists(consulted))

    def with_counts(self):
        """Annotate `state_count` (states consulted) and `answer_count` (states that answered
        themselves, silence not counted), without multiplying rows."""
        states = (
            Consultation.states.through.objects.filter(consultation=OuterRef("pk"))
            .order_by()
            .values("consultation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        answers = (
            ConsultationAnswer.objects.filter(
                consultation=OuterRef("pk"), position__in=ConsultationAnswer.STATE_POSITIONS
            )
            .order_by()
            .values("consultation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            state_count=Coalesce(Subquery(states), 0),
            answer_count=Coalesce(Subquery(answers), 0),
        )


class Consultation(models.Model):
    """A draft (a document, or an action plan) circulated to member states for their answers."""

    class Procedure(models.TextChoices):
        SILENCE = "silence", "Silence procedure"
        EXPLICIT = "explicit", "Explicit answers"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Result(models.TextChoices):
        ADOPTED = "adopted", "Adopted"
        NOT_ADOPTED = "not_adopted", "Not adopted"

    # Focal points of states that have not answered are reminded this many days before.
    REMINDER_DAYS = (7, 1)
    PLAN_STATUSES = [ActionPlan.Status.DRAFT, ActionPlan.Status.UNDER_REFINEMENT]

    title = models.CharField(max_length=300)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        help_text="The action plan circulated, in draft or under refinement.",
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        help_text="The document circulated, when it is not an action plan.",
    )
    summary = models.TextField(blank=True, help_text="What the member states are asked.")
    states = models.ManyToManyField(
        MemberState, related_name="consultations", verbose_name="member states consulted"
    )
    procedure = models.CharField(
        max_length=10,
        choices=Procedure.choices,
        default=Procedure.SILENCE,
        help_text="Silence: a state that has not answered by the deadline is taken to accept. "
        "Explicit: every state must answer.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The last day to answer (Secretariat's calendar). "
        "Empty: one month after circulation.",
    )
    circulated_on = models.DateField(null=True, blank=True, editable=False)
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Empty when the daily sweep closed it at the deadline.",
    )
    result = models.CharField(max_length=12, choices=Result.choices, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["states"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, document__isnull=True)
                | Q(plan__isnull=True, document__isnull=False),
                name="consultation_on_a_plan_or_a_document",
                violation_error_message="Circulate either an action plan or a document.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(circulated_on__isnull=False, deadline__isnull=False),
                name="circulated_consultation_has_dates",
                violation_error_message="A circulated consultation has a circulation date "
                "and a deadline.",
            ),
            models.CheckConstraint(
                condition=Q(circulated_on__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gte=F("circulated_on")),
                name="consultation_deadline_not_before_circulation",
                violation_error_message="The deadline cannot be before the circulation.",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", result__in=["adopted", "not_adopted"])
                | (~Q(status="closed") & Q(result="")),
                name="closed_consultation_has_a_result",
                violation_error_message="A closed consultation, and only a closed one, "
                "has a result.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:consultation-detail", args=[self.pk])

    @property
    def subject(self):
        return self.plan or self.document

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    def takes_answers(self, today=None):
        return self.is_open and (today or secretariat_today()) <= self.deadline

    def check_takes_answers(self, today=None):
        if self.status == self.Status.DRAFT:
            raise ConsultationNotOpen("This consultation has not been circulated.")
        if self.is_closed:
            raise ConsultationNotOpen("This consultation is closed: answers cannot be changed.")
        if not self.takes_answers(today):
            raise ConsultationNotOpen(
                f"The deadline ({self.deadline.day} {self.deadline:%B %Y}) has passed: "
                "answers can no longer be given or changed."
            )

    def days_left(self, today=None):
        return (self.deadline - (today or secretariat_today())).days

    def reminder_step(self, today):
        """The latest reminder point (days before the deadline) reached by `today`, or None.

        As with action items, a day without a sweep delays a reminder instead of losing it.
        """
        days_left = self.days_left(today)
        reached = [days for days in self.REMINDER_DAYS if days >= days_left >= 0]
        return min(reached) if reached else None

    def draft_errors(self, today):
        """What keeps this draft from being circulated on `today`, by field."""
        errors = {}
        if self.plan_id and self.plan.status not in self.PLAN_STATUSES:
            errors["plan"] = "Only an action plan in draft or under refinement is circulated."
        if self.deadline and self.deadline < today:
            errors["deadline"] = (
                "The deadline cannot be before the circulation (today at the earliest)."
            )
        return errors

    def clean(self):
        if self.status == self.Status.DRAFT:
            errors = self.draft_errors(secretariat_today())
        elif self.deadline < self.circulated_on:
            errors = {"deadline": "The deadline cannot be before the circulation."}
        else:
            errors = {}
        if errors:
            raise ValidationError(errors)

    def circulate(self, *, by, today):
        """Open the draft to answers from `today`; the deadline defaults to a month later."""
        if self.status != self.Status.DRAFT:
            raise ConsultationNotOpen("This consultation has been circulated already.")
        errors = self.draft_errors(today)
        if errors:
            raise ValidationError(errors)
        self.status = self.Status.OPEN
        self.circulated_on, self.circulated_by = today, by
        self.deadline = self.deadline or one_month_after(today)
        self.save(update_fields=["status", "circulated_on", "circulated_by", "deadline"])

    def record_closing(self, *, by, now):
        """Record what closing means: silent states' answers, the result, the closed status.

        Under the silence procedure a state without an answer accepts by silence; under the
        explicit procedure it is recorded as not having answered, and the draft is not adopted.
        """
        answered = set(self.answers.values_list("state_id", flat=True))
        silent = ConsultationAnswer.silent_position(self.procedure)
        bulk_create_with_history(
            [
                ConsultationAnswer(consultation=self, state_id=state_id, position=silent)
                for state_id in self.states.order_by("name").values_list("pk", flat=True)
                if state_id not in answered
            ],
            ConsultationAnswer,
            default_user=by,
        )
        self.result = self.result_of(self.answers.values_list("position", flat=True))
        self.status = self.Status.CLOSED
        self.closed_at, self.closed_by = now, by
        self.save(update_fields=["result", "status", "closed_at", "closed_by"])

    @classmethod
    def result_of(cls, positions):
        """Adopted when every state accepts (expressly or by silence); else not adopted."""
        accepting = set(ConsultationAnswer.ACCEPTING_POSITIONS)
        if all(position in accepting for position in positions):
            return cls.Result.ADOPTED
        return cls.Result.NOT_ADOPTED


class ConsultationAnswerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The Secretariat reads answers at once; a focal point their own state's; everyone
        the answers of closed consultations."""
        closed = Q(consultation__status=Consultation.Status.CLOSED)
        if not user.is_authenticated:
            return self.filter(closed)
        if is_secretariat(user):
            return self
        return self.filter(closed | Q(state__in=MemberState.objects.of_focal_point(user)))


class ConsultationAnswer(models.Model):
    """A member state's answer to a consultation: one per state, revised until the deadline."""

    class Position(models.TextChoices):
        ACCEPT = "accept", "Accept"
        ACCEPT_WITH_COMMENTS = "accept_with_comments", "Accept with comments"
        OBJECT = "object", "Object"
        ACCEPTED_BY_SILENCE = "silence", "Accepted by silence"
        NO_ANSWER = "no_answer", "No answer"

    # What a state answers; the other two are recorded at closing for states that did not.
    STATE_POSITIONS = [Position.ACCEPT, Position.ACCEPT_WITH_COMMENTS, Position.OBJECT]
    ACCEPTING_POSITIONS = [
        Position.ACCEPT,
        Position.ACCEPT_WITH_COMMENTS,
        Position.ACCEPTED_BY_SILENCE,
    ]

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="consultation_answers"
    )
    position = models.CharField(max_length=24, choices=Position.choices)
    reasons = models.TextField(blank=True, help_text="Why the state objects.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_answers",
        help_text="Empty for a position recorded at closing.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationAnswerQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["state__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "state"], name="one_answer_per_state_and_consultation"
            ),
            models.CheckConstraint(
                condition=~Q(position="object") | ~Q(reasons=""),
                name="objection_gives_reasons",
                violation_error_message="Give the reasons for the objection.",
            ),
        ]

    def __str__(self):
        return f"{self.state}: {self.get_position_display()} ({self.consultation})"

    @property
    def is_objection(self):
        return self.position == self.Position.OBJECT

    @property
    def is_state_answer(self):
        return self.position in self.STATE_POSITIONS

    @classmethod
    def silent_position(cls, procedure):
        if procedure == Consultation.Procedure.SILENCE:
            return cls.Position.ACCEPTED_BY_SILENCE
        return cls.Position.NO_ANSWER

    @classmethod
    def validate_answer(cls, position, reasons, comment_count):
        """The rules of an answer as a whole: a position a state may take, reasons for an
        objection, comments exactly when accepting with comments (or objecting)."""
        if position not in cls.STATE_POSITIONS:
            raise ValidationError({"position": "Accept, accept with comments, or object."})
        if position == cls.Position.OBJECT and not reasons.strip():
            raise ValidationError({"reasons": "Give the reasons for the objection."})
        if position == cls.Position.ACCEPT_WITH_COMMENTS and not comment_count:
            raise ValidationError({"comments": "Add at least one comment, or simply accept."})
        if position == cls.Position.ACCEPT and comment_count:
            raise ValidationError({"position": "To send comments, accept with comments."})


class ConsultationComment(models.Model):
    """A state's comment on a part of the draft, and the Secretariat's response to it."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments", editable=False
    )
    answer = models.ForeignKey(
        ConsultationAnswer, on_delete=models.CASCADE, related_name="comments", editable=False
    )
    item = models.ForeignKey(
        ActionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_comments",
        verbose_name="action item",
        help_text="The item of the circulated plan the comment is about.",
    )
    section = models.CharField(
        "section reference",
        max_length=100,
        blank=True,
        help_text="The part of the draft the comment is about, e.g. “Section 3.2”.",
    )
    text = models.TextField("comment")
    response = models.CharField(
        "Secretariat's response", max_length=16, choices=Response.choices, blank=True
    )
    response_reason = models.TextField("reason", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, section="")
                | (Q(item__isnull=True) & ~Q(section="")),
                name="comment_refers_to_an_item_or_a_section",
                violation_error_message="Refer either to an action item or to a section.",
            ),
            models.CheckConstraint(
                condition=Q(response__in=["", "accepted"]) | ~Q(response_reason=""),
                name="comment_not_fully_accepted_gives_a_reason",
                violation_error_message="Give the reason when a comment is not fully accepted.",
            ),
        ]

    def __str__(self):
        return f"{self.answer.state}, {self.reference}"

    def save(self, *args, **kwargs):
        # Kept with the answer's consultation, so the admin can list comments under it.
        self.consultation_id = self.answer.consultation_id
        super().save(*args, **kwargs)

    @property
    def reference(self):
        return self.item.reference if self.item_id else self.section

    @classmethod
    def validate_reference(cls, consultation, item, section):
        """A comment refers to an item of the circulated plan, or to a typed section."""
        if item is not None and section:
            raise ValidationError("Refer to an action item or to a section, not both.")
        if item is None and not section:
            raise ValidationError("Say which action item or section the comment is about.")
        if item is not None and item.plan_id != consultation.plan_id:
            raise ValidationError(f"{item.reference} is not an item of the circulated plan.")

    def clean(self):
        if self.response in (self.Response.PARTLY_ACCEPTED, self.Response.NOT_ACCEPTED) and (
            not self.response_reason.strip()
        ):
            raise ValidationError(
                {"response_reason": "Give the reason when a comment is not fully accepted."}
            )


class DeadlineExtension(models.Model):
    """A consultation's deadline moved later: who, when and why."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="extensions"
    )
    previous_deadline = models.DateField()
    new_deadline = models.DateField()
    reason = models.TextField()
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    extended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["extended_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=F("previous_deadline")),
                name="extension_moves_the_deadline_later",
                violation_error_message="The new deadline must be after the current one.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="extension_gives_a_reason",
                violation_error_message="Say why the deadline is extended.",
            ),
        ]

    def __str__(self):
        return f"{self.consultation}: {self.previous_deadline} → {self.new_deadline}"


class ConsultationNotice(OutboxMessage):
    """One e-mail owed to a focal point about a consultation, sent exactly once through the
    outbox (claimed, then sent, then marked sent)."""

    class Kind(models.TextChoices):
        CIRCULATION = "circulation", "Consultation circulated"
        REMINDER = "reminder", "Deadline approaching"
        EXTENSION = "extension", "Deadline extended"
        RESULT = "result", "Result"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="notices")
    state = models.ForeignKey(
        MemberState,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The state the recipient is a focal point of.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    step = models.PositiveSmallIntegerField(
        default=0, help_text="Days before the deadline, for reminders."
    )
    deadline = models.DateField(help_text="The deadline the notice was about.")

    class Meta(OutboxMessage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "state", "recipient", "kind", "step", "deadline"],
                name="one_notice_per_consultation_state_recipient_kind_and_deadline",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} about {self.consultation}"
