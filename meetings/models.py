import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from accounts.roles import is_secretariat
from core.clock import secretariat_today
from core.uploads import validate_upload
from memberstates.models import MemberState, SMEBody
from taskforces.models import TaskForce

# Sent after a meeting's outcomes become final; upper apps (reminders, reports) listen.
outcomes_published = Signal()  # kwargs: meeting, outcomes (the newly final ones)


def ordinal(number):
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        today = today or secretariat_today()
        return self.filter(status=Meeting.Status.PLANNED, end_date__gte=today).order_by(
            "start_date"
        )

    def recent(self, today=None):
        today = today or secretariat_today()
        return self.filter(status=Meeting.Status.HELD, start_date__lte=today).order_by(
            "-start_date"
        )


class Meeting(models.Model):
    class Kind(models.TextChoices):
        SME_BODIES = "sme_bodies", "Meeting of the D-8 SME Governmental Bodies"
        MINISTERIAL_INDUSTRY = "ministerial_industry", "D-8 Ministerial Meeting on Industry"
        WGIC = "wgic", "Meeting of the D-8 Working Group on Industrial Cooperation"
        TASK_FORCE = "task_force", "Task force meeting"
        TECHNICAL_SESSION = "technical_session", "Technical session"
        WORKSHOP = "workshop", "Workshop"
        # Meetings with a partner country or organisation (partners.PartnerMeeting names it).
        JOINT_ECONOMIC_COMMISSION = "joint_commission", "Joint Economic Commission meeting"
        JOINT_INDUSTRY_WORKING_GROUP = "joint_industry_wg", "Joint Industry Working Group meeting"
        MONITORING_COMMITTEE = "monitoring_committee", "Monitoring Committee meeting"
        ORGANISATION_COMMITTEE = "organisation_committee", "Committee of an organisation"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"
        HYBRID = "hybrid", "Hybrid"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(
        "ordinal number", null=True, blank=True, help_text="The 9 of “9th meeting”, per kind."
    )
    title = models.CharField(
        max_length=300,
        blank=True,
        help_text="Full title when the kind and number do not make one (workshops, sessions).",
    )
    slug = models.SlugField(max_length=120, unique=True)
    task_force = models.ForeignKey(
        TaskForce, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    host_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_meetings"
    )
    host_body = models.ForeignKey(
        SMEBody, on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_meetings"
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    city = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(blank=True)
    outcomes_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcomes_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["kind", "start_date"]), models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="one_ordinal_number_per_kind"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="meeting_ends_not_before_it_starts",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=False) | ~Q(title=""),
                name="meeting_has_number_or_title",
                violation_error_message="Give the meeting an ordinal number or a title.",
            ),
            models.CheckConstraint(
                condition=Q(format="virtual") | ~Q(city=""),
                name="meeting_in_person_has_city",
                violation_error_message="A meeting held in person or hybrid needs a city.",
            ),
        ]

    def __str__(self):
        return self.full_title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.slug])

    @property
    def full_title(self):
        """“9th Meeting of the D-8 SME Governmental Bodies”, or the title given."""
        if self.title:
            return self.title
        kind = self.get_kind_display()
        if self.kind == self.Kind.TASK_FORCE and self.task_force_id:
            kind = f"D-8 {self.task_force} meeting"
        return f"{ordinal(self.number)} {kind}"

    @property
    def place(self):
        if self.format == self.Format.VIRTUAL:
            return "Virtual"
        country = f", {self.host_state}" if self.host_state_id else ""
        online = " and online" if self.format == self.Format.HYBRID else ""
        return f"{self.city}{country}{online}"

    def clean(self):
        if (
            self.host_body_id
            and self.host_state_id
            and self.host_body.state_id != self.host_state_id
        ):
            raise ValidationError({"host_body": "The host body must belong to the host state."})

    @property
    def outcomes_are_published(self):
        return self.outcomes_published_at is not None

    def publish_outcomes(self, *, by):
        """Make every draft outcome final and record who published them and when."""
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=self.pk)
            drafts = list(meeting.outcomes.filter(status=Outcome.Status.DRAFT))
            for outcome in drafts:
                outcome.status = Outcome.Status.FINAL
            # One UPDATE for all, and a history row for each outcome made final.
            bulk_update_with_history(drafts, Outcome, ["status"], default_user=by)
            meeting.outcomes_published_at = timezone.now()
            meeting.outcomes_published_by = by
            meeting.save(update_fields=["outcomes_published_at", "outcomes_published_by"])
            transaction.on_commit(
                lambda: outcomes_published.send(Meeting, meeting=meeting, outcomes=drafts)
            )
        self.refresh_from_db()
        return drafts


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_agenda_item_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Attendance(models.Model):
    """A member state's delegation at a meeting: the attendance register."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENT)
    head_of_delegation = models.CharField(max_length=200, blank=True)
    delegates = models.TextField(blank=True, help_text="One delegate per line: name, title.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "state__name"]
        verbose_name = "attendance (delegation)"
        verbose_name_plural = "attendance register"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "state"], name="one_delegation_per_state"),
            models.CheckConstraint(
                condition=Q(status="present") | (Q(head_of_delegation="") & Q(delegates="")),
                name="absent_delegation_has_no_delegates",
                violation_error_message="Only a delegation that was present has delegates.",
            ),
        ]

    def __str__(self):
        return f"{self.state}: {self.get_status_display()}"

    @property
    def delegate_list(self):
        return [line.strip() for line in self.delegates.splitlines() if line.strip()]

    @staticmethod
    def names_visible_to(user):
        """Heads of delegation and delegates are shown to signed-in readers only."""
        return user.is_authenticated


class OutcomeLocked(ValidationError):
    """Raised when something tries to change or delete a final outcome."""


class OutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Final outcomes are public; drafts only the Secretariat sees."""
        if is_secretariat(user):
            return self
        return self.filter(status=Outcome.Status.FINAL)


class Outcome(models.Model):
    """A numbered decision, recommendation or conclusion of a meeting."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        RECOMMENDATION = "recommendation", "Recommendation"
        CONCLUSION = "conclusion", "Conclusion"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField()
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The final outcome this one corrects.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_outcome_number")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.is_locked:
            raise OutcomeLocked("Final outcomes are locked; record a correction instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The outcome on its meeting's page (select the meeting with the outcome)."""
        return f"{self.meeting.get_absolute_url()}#outcome-{self.number}"

    def delete(self, *args, **kwargs):
        if self.is_locked:
            raise OutcomeLocked("Final outcomes cannot be deleted.")
        return super().delete(*args, **kwargs)

    def _stored_status(self):
        return Outcome.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def is_locked(self):
        return self.pk is not None and self._stored_status() == self.Status.FINAL

    def clean(self):
        if self.is_locked:
            raise OutcomeLocked(
                "This outcome is final and cannot be changed; record a correction instead."
            )
        if self.corrects_id and self.corrects.status != self.Status.FINAL:
            raise ValidationError({"corrects": "Only a final outcome can be corrected."})


def document_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the file system.
    return f"meetings/documents/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents other than drafts to everyone. Drafts to the Secretariat and to the focal
        points of the states taking part: the host, a delegation, or a state consulted on the
        draft by a circulated consultation."""
        public = ~Q(kind=Document.Kind.DRAFT)
        if not user.is_authenticated:
            return self.filter(public)
        if is_secretariat(user):
            return self.all()
        states = MemberState.objects.of_focal_point(user)
        consulted = Document.objects.filter(
            # Consultations (an upper app) reached by their relation; circulated ones only.
            consultations__states__in=states,
            consultations__status__in=["open", "closed"],
        )
        taking_part = (
            Q(meeting__host_state__in=states)
            | Q(meeting__in=Attendance.objects.filter(state__in=states).values("meeting"))
            | Q(pk__in=consulted.values("pk"))
        )
        return self.filter(public | taking_part)


class Document(models.Model):
    class Kind(models.TextChoices):
        DECLARATION = "declaration", "Declaration"
        DRAFT = "draft", "Draft"
        REPORT = "report", "Report"
        PRESENTATION = "presentation", "Presentation"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=document_upload_to, blank=True, validators=[validate_upload])
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:document", args=[self.meeting.slug, self.pk])

    @property
    def file_ending(self):
        return PurePath(self.file.name).suffix


def report_upload_to(instance, filename):
    # Generated names: a new file per render, so a download in flight keeps its file.
    return f"meetings/reports/{uuid.uuid4().hex}.pdf"


class MeetingReportFingerprint(models.Model):
    """What a meeting's outcome report shows, as of its last change: a new token at each change.

    Every change to the records the report shows (the meeting, its agenda, attendance and
    outcomes, the action items and plans it lists) renews the token in the same transaction,
    so a stored report is current exactly when it carries the token; nothing is rendered to
    find out.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="report_fingerprint"
    )
    fingerprint = models.CharField(max_length=32)
    changed_at = models.DateTimeField(help_text="When the records the report shows last changed.")
    render_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="A render asked for by a reader and not yet done."
    )

    def __str__(self):
        return f"Fingerprint of the report of {self.meeting}"


class MeetingReport(models.Model):
    """A stored outcome report of a meeting for one audience, and the records it shows."""

    class Audience(models.TextChoices):
        # The report shows what the meeting page shows its reader: visitors do not see
        # the heads of delegation and delegates.
        PUBLIC = "public", "Visitors"
        SIGNED_IN = "signed_in", "Signed-in readers"

        @classmethod
        def of(cls, user):
            return cls.SIGNED_IN if Attendance.names_visible_to(user) else cls.PUBLIC

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    file = models.FileField(upload_to=report_upload_to)
    fingerprint = models.CharField(
        max_length=64, help_text="The fingerprint of the meeting's records the report shows."
    )
    is_draft = models.BooleanField()
    page_count = models.PositiveIntegerField()
    rendered_at = models.DateTimeField()
    report_date = models.DateField(help_text="The date of the last change the report shows.")
    current_through = models.DateField(
        null=True,
        blank=True,
        help_text="The last day before an item the report shows falls overdue.",
    )

    class Meta:
        ordering = ["-rendered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "audience"], name="one_meeting_report_per_audience"
            )
        ]

    def __str__(self):
        return f"Outcome report of {self.meeting} ({self.get_audience_display()})"
