"""Cooperation beyond the D-8: partners, agreements with them, their cooperation plans and
activities (carried by actionplans), joint-commission meetings (carried by meetings)."""

import datetime
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from accounts.roles import is_secretariat
from actionplans.models import ActionItem, ActionPlan
from core.models import OutboxMessage
from core.uploads import validate_upload
from meetings.models import Meeting
from memberstates.models import MemberState, MoU, SMEBody


class Partner(models.Model):
    """An international organisation or a counterpart institution of a country."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "International organisation"
        COUNTERPART = "counterpart", "Counterpart institution"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    country = CountryField(blank=True, help_text="The country of a counterpart institution.")
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="organisation") | ~Q(country=""),
                name="counterpart_institution_has_country",
                violation_error_message="A counterpart institution needs its country.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.slug])

    def clean(self):
        if self.kind == self.Kind.COUNTERPART and not self.country:
            raise ValidationError({"country": "A counterpart institution needs its country."})


class AgreementQuerySet(models.QuerySet):
    def of_state(self, state):
        return self.filter(body__state=state)

    def editable_by(self, user):
        """The agreements the user may change: every one for the Secretariat, their own
        state's for a focal point (not the multilateral MoU, which the Secretariat keeps)."""
        if not user.is_authenticated:
            return self.none()
        if is_secretariat(user):
            return self
        return self.filter(body__state__in=MemberState.objects.of_focal_point(user)).exclude(
            kind=Agreement.Kind.MULTILATERAL
        )

    def with_parties(self):
        return self.select_related("body__state", "partner", "mou")

    def expiring(self, today, days):
        """Running agreements without automatic renewal that end within `days` of `today`."""
        return self.filter(
            status__in=Agreement.RUNNING,
            automatic_renewal=False,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )


def agreement_text_upload_to(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"partners/agreements/{uuid.uuid4().hex}{suffix}"


class Agreement(models.Model):
    """An agreement between a member state's SME body (or the D-8 Secretariat) and a partner;
    the multilateral D-8 SME MoU is one kind, linked to memberstates.MoU and its accessions."""

    class Kind(models.TextChoices):
        MULTILATERAL = "multilateral", "Multilateral D-8 MoU"
        BILATERAL = "bilateral", "Bilateral agreement"
        ORGANISATION = "organisation", "Organisation-level agreement"

    class Status(models.TextChoices):
        NEGOTIATING = "negotiating", "Under negotiation"
        SIGNED = "signed", "Signed"
        IN_FORCE = "in_force", "In force"
        EXPIRED = "expired", "Expired"
        TERMINATED = "terminated", "Terminated"

    RUNNING = [Status.SIGNED, Status.IN_FORCE]

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BILATERAL)
    title = models.CharField(max_length=300)
    body = models.ForeignKey(
        SMEBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name="SME governmental body",
        help_text="The member state's party; empty when the D-8 Secretariat is the party.",
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        help_text="The other party; empty only for the multilateral D-8 MoU.",
    )
    mou = models.OneToOneField(
        MoU,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement",
        verbose_name="D-8 MoU",
        help_text="For the multilateral kind: the MoU whose accessions the states record.",
    )
    plan = models.OneToOneField(
        ActionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement",
        verbose_name="cooperation plan",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEGOTIATING)
    signed_on = models.DateField(null=True, blank=True)
    in_force_on = models.DateField("entered into force on", null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    automatic_renewal = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    text = models.FileField(
        "text of the agreement",
        upload_to=agreement_text_upload_to,
        blank=True,
        validators=[validate_upload],
    )
    text_name = models.CharField(max_length=200, blank=True, editable=False)
    is_published = models.BooleanField(
        "documents and activities published",
        default=False,
        help_text="Other states see the text and the activities, not only the public fields.",
    )
    is_illustrative = models.BooleanField(
        default=False, help_text="Demo data where the public record gives no detail."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "title"]
        indexes = [models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True) | Q(in_force_on__gte=F("signed_on")),
                name="agreement_in_force_not_before_signature",
                violation_error_message="An agreement cannot enter into force before it is signed.",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("signed_on")),
                name="agreement_valid_until_not_before_signature",
                violation_error_message="An agreement cannot end before it is signed.",
            ),
            models.CheckConstraint(
                condition=Q(status="negotiating") | Q(signed_on__isnull=False),
                name="agreement_signed_has_signature_date",
                violation_error_message="A signed agreement needs its signature date.",
            ),
            models.CheckConstraint(
                condition=Q(kind="multilateral", mou__isnull=False)
                | (~Q(kind="multilateral") & Q(partner__isnull=False, mou__isnull=True)),
                name="agreement_parties_match_kind",
                violation_error_message=(
                    "The multilateral kind is the D-8 MoU; every other agreement has a partner."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:agreement", args=[self.pk])

    @property
    def state(self):
        return self.body.state if self.body_id else None

    @property
    def first_party(self):
        return str(self.body) if self.body_id else "D-8 Secretariat"

    @property
    def second_party(self):
        if self.kind == self.Kind.MULTILATERAL:
            return "D-8 SME governmental bodies"
        return str(self.partner) if self.partner_id else ""

    def clean(self):
        errors = {}
        if self.signed_on:
            if self.in_force_on and self.in_force_on < self.signed_on:
                errors["in_force_on"] = "An agreement cannot enter into force before it is signed."
            if self.valid_until and self.valid_until < self.signed_on:
                errors["valid_until"] = "An agreement cannot end before it is signed."
        elif self.in_force_on or self.valid_until:
            errors["signed_on"] = "Give the signature date first."
        elif self.status != self.Status.NEGOTIATING:
            errors["signed_on"] = "A signed agreement needs its signature date."
        if self.kind == self.Kind.MULTILATERAL:
            if not self.mou_id:
                errors["mou"] = "The multilateral kind is the D-8 MoU: choose it."
        else:
            if not self.partner_id:
                errors["partner"] = "Choose the partner: a party must be a partner."
            if self.mou_id:
                errors["mou"] = "Only the multilateral kind is linked to the D-8 MoU."
        if errors:
            raise ValidationError(errors)

    def runs_on(self, date):
        """Whether `date` falls within the agreement's validity (signature to end)."""
        if self.signed_on is None or date < self.signed_on:
            return False
        return self.valid_until is None or date <= self.valid_until

    def shows_all_to(self, user, reader=None):
        """Whether the reader sees the documents and every activity, not only public fields.
        `reader` (from `Agreement.reader(user)`) saves the queries when asking for many."""
        secretariat, state_ids = reader or Agreement.reader(user)
        if self.is_published or secretariat:
            return True
        return self.body_id is not None and self.body.state_id in state_ids

    @staticmethod
    def reader(user):
        """(is the Secretariat, ids of the states the user speaks for)."""
        if not user.is_authenticated:
            return False, set()
        states = MemberState.objects.of_focal_point(user).values_list("pk", flat=True)
        return is_secretariat(user), set(states)


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published activities of published agreements to everyone; every activity of their
        own state's agreements to focal points; all to the Secretariat."""
        if user.is_authenticated and is_secretariat(user):
            return self
        public = Q(is_published=True, item__plan__agreement__is_published=True)
        if not user.is_authenticated:
            return self.filter(public)
        states = MemberState.objects.of_focal_point(user)
        return self.filter(public | Q(item__plan__agreement__body__state__in=states))

    def with_records(self):
        return self.select_related(
            "item__lead_state",
            "item__plan__agreement__partner",
            "item__plan__agreement__body__state",
        )

    def between(self, start, end):
        """Activities that run at some point between the two dates."""
        return self.filter(start_date__lte=end, item__due_date__gte=start)


class Activity(models.Model):
    """An activity under an agreement's cooperation plan. Its action item (one-to-one) carries
    dates, status, progress, evidence and reminders; the lead state's focal points report,
    also when the partner is the responsible party."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        INFORMATION_EXCHANGE = "information_exchange", "Information exchange"
        EXPERT_EXCHANGE = "expert_exchange", "Expert exchange"
        STUDY_VISIT = "study_visit", "Study visit"
        MATCHMAKING = "matchmaking", "Matchmaking"
        JOINT_STUDY = "joint_study", "Joint study"

    class Responsible(models.TextChoices):
        STATE = "state", "The member state"
        PARTNER = "partner", "The partner"

    item = models.OneToOneField(ActionItem, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    responsible = models.CharField(
        "responsible party", max_length=8, choices=Responsible.choices, default=Responsible.STATE
    )
    start_date = models.DateField()
    report = models.TextField(
        "short report", blank=True, help_text="What was done, written after the activity."
    )
    is_published = models.BooleanField(
        default=False, help_text="Other states see a published activity of a published agreement."
    )

    objects = ActivityQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name_plural = "activities"

    def __str__(self):
        return self.item.title

    def get_absolute_url(self):
        return reverse("partners:agreement", args=[self.item.plan.agreement.pk]) + (
            f"#activity-{self.pk}"
        )

    @property
    def agreement(self):
        return self.item.plan.agreement

    @staticmethod
    def validity_errors(agreement, start_date, end_date):
        """Field errors for an activity dated outside the agreement's validity."""
        errors = {}
        if start_date and end_date and end_date < start_date:
            errors["due_date"] = "The activity cannot end before it starts."
        if start_date and not agreement.runs_on(start_date):
            errors["start_date"] = "The activity must fall within the agreement's validity."
        if end_date and not agreement.runs_on(end_date):
            errors["due_date"] = "The activity must fall within the agreement's validity."
        return errors

    def clean(self):
        if not self.item_id:
            return
        agreement = getattr(self.item.plan, "agreement", None)
        if agreement is None:
            raise ValidationError({"item": "An activity belongs to an agreement's plan."})
        errors = self.validity_errors(agreement, self.start_date, self.item.due_date)
        if errors:
            raise ValidationError(errors)


class PartnerMeetingQuerySet(models.QuerySet):
    def for_state(self, state):
        return self.filter(
            Q(meeting__host_state=state)
            | Exists(Meeting.objects.filter(pk=OuterRef("meeting"), attendances__state=state))
        )


class PartnerMeeting(models.Model):
    """A meeting held with a partner (a joint commission, a working group, an organisation's
    committee): delegation, outcomes, action items and report are the meeting's own."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="meeting_links")

    objects = PartnerMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__start_date", "partner__name"]
        verbose_name = "meeting with a partner"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "partner"], name="one_link_per_meeting_and_partner"
            )
        ]

    def __str__(self):
        return f"{self.meeting} – {self.partner}"


class AgreementNotice(OutboxMessage):
    """An expiry reminder owed to one recipient about one agreement, 90 and 30 days before it
    ends, sent once through the outbox: the unique key makes recording it idempotent."""

    class Kind(models.TextChoices):
        EXPIRY = "expiry", "Agreement nearing its end"

    STEPS = [90, 30]

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.EXPIRY)
    step = models.PositiveSmallIntegerField(help_text="Days before the end: 90 or 30.")
    valid_until = models.DateField(help_text="The end date the reminder was about.")

    class Meta(OutboxMessage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "recipient", "kind", "step", "valid_until"],
                name="one_agreement_notice_per_recipient_step_and_end",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.step} days) to {self.recipient}"

    @classmethod
    def step_reached(cls, valid_until, today):
        """The latest reminder point reached by `today` (90 or 30 days before the end), or
        None; a day without a sweep delays a reminder instead of losing it."""
        days_left = (valid_until - today).days
        if days_left < 0:
            return None
        reached = [step for step in cls.STEPS if step >= days_left]
        return min(reached) if reached else None
