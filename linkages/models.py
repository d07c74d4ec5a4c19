"""Business linkages: investment opportunities shared among the member states with
expressions of interest, capacity-building events with nominations per state, and the e-mails
about them (sent exactly once through core.outbox)."""

import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import is_secretariat
from actionplans.models import ActionItem
from core.db import PortableGinIndex, WebSearchQuery, websearch_text
from core.models import OutboxMessage
from core.uploads import validate_upload
from memberstates.models import MemberState, SMEBody

SEARCH_MAX_LENGTH = 200
TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


class InvalidTransition(ValidationError):
    """The record's status does not allow that step."""


class Sector(models.TextChoices):
    """The sections of the International Standard Industrial Classification (ISIC Rev. 4)."""

    A = "A", "A · Agriculture, forestry and fishing"
    B = "B", "B · Mining and quarrying"
    C = "C", "C · Manufacturing"
    D = "D", "D · Electricity, gas, steam and air conditioning supply"
    E = "E", "E · Water supply; sewerage, waste management and remediation"
    F = "F", "F · Construction"
    G = "G", "G · Wholesale and retail trade"
    H = "H", "H · Transportation and storage"
    I = "I", "I · Accommodation and food service activities"  # noqa: E741
    J = "J", "J · Information and communication"
    K = "K", "K · Financial and insurance activities"
    L = "L", "L · Real estate activities"
    M = "M", "M · Professional, scientific and technical activities"
    N = "N", "N · Administrative and support service activities"
    O = "O", "O · Public administration and defence"  # noqa: E741
    P = "P", "P · Education"
    Q = "Q", "Q · Human health and social work activities"
    R = "R", "R · Arts, entertainment and recreation"
    S = "S", "S · Other service activities"


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Opportunity.Status.PUBLISHED)

    def visible_to(self, user):
        """Published opportunities to everyone; the rest to their state's focal points and
        the Secretariat."""
        if is_secretariat(user):
            return self.all()
        published = Q(status=Opportunity.Status.PUBLISHED)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(state__in=MemberState.objects.of_focal_point(user)))

    def of_focal_point(self, user):
        return self.filter(state__in=MemberState.objects.of_focal_point(user))

    def without_vector(self):
        return self.defer("search_vector")

    def for_listing(self):
        return self.without_vector().select_related("state", "body")

    def past_validity(self, today):
        return self.published().filter(valid_until__lt=today)

    def search(self, text):
        """Opportunities matching the words of `text`, best first: PostgreSQL's full-text
        search of the stored vector as a web search; elsewhere every word must appear."""
        text = websearch_text(text, SEARCH_MAX_LENGTH)
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            query = WebSearchQuery(text)
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-published_at", "pk")
            )
        matches = Q()
        for word in text.replace('"', " ").split()[:20]:
            matches &= (
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(location__icontains=word)
                | Q(state__name__icontains=word)
            )
        return self.filter(matches)

    def matching(self, *, q="", state=None, sector="", kind="", size=None):
        """The catalogue's filters: search text, state, ISIC section, kind, and an amount in
        USD the indicative range must include; empty values filter nothing."""
        found = self
        if state:
            found = found.filter(state=state)
        if sector:
            found = found.filter(sector=sector)
        if kind:
            found = found.filter(kind=kind)
        if size is not None:
            found = found.filter(size_min__lte=size, size_max__gte=size)
        return found.search(q or "")


def attachment_upload_to(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"linkages/opportunities/{uuid.uuid4().hex}{suffix}"


class Opportunity(models.Model):
    """An investment opportunity a member state's SME body shares with the other states."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned by the Secretariat"
        PUBLISHED = "published", "Published"
        EXPIRED = "expired", "Expired"

    class Kind(models.TextChoices):
        JOINT_VENTURE = "joint_venture", "Joint venture"
        EQUITY = "equity", "Equity investment"
        SUPPLIER = "supplier", "Supplier"
        DISTRIBUTOR = "distributor", "Distributor"
        EXPORT_PARTNER = "export_partner", "Export partner"

    EDITABLE_STATUSES = [Status.DRAFT, Status.RETURNED]

    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="opportunities")
    body = models.ForeignKey(
        SMEBody,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name="SME governmental body",
    )
    title = models.CharField(max_length=200)
    sector = models.CharField("sector (ISIC section)", max_length=1, choices=Sector.choices)
    location = models.CharField(max_length=200, help_text="City or region.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    size_min = models.PositiveBigIntegerField(
        "indicative size from (USD)", validators=[MinValueValidator(0)]
    )
    size_max = models.PositiveBigIntegerField("indicative size to (USD)")
    description = models.TextField(max_length=20_000)
    attachment = models.FileField(
        upload_to=attachment_upload_to, validators=[validate_upload], blank=True
    )
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=50, blank=True)
    valid_until = models.DateField()
    is_illustrative = models.BooleanField(
        default=False, help_text="Demonstration data, not a real opportunity."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_comment = models.TextField("Secretariat's comment", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept by a database trigger (migration 0002) on PostgreSQL; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name_plural = "opportunities"
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["state", "status"]),
            PortableGinIndex(fields=["search_vector"], name="opportunity_search"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_min__lte=F("size_max")),
                name="opportunity_size_min_not_above_max",
                violation_error_message="The minimum size cannot exceed the maximum.",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_comment=""),
                name="returned_opportunity_has_comment",
                violation_error_message="Say why the opportunity is returned.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("linkages:opportunity-detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES

    def clean(self):
        errors = {}
        sizes = self.size_min is not None and self.size_max is not None
        if sizes and self.size_min > self.size_max:
            errors["size_max"] = "The maximum must be at least the minimum."
        if self.body_id and self.state_id and self.body.state_id != self.state_id:
            errors["body"] = "The SME governmental body must be one of the opportunity's state."
        if errors:
            raise ValidationError(errors)

    def _move(self, *, allowed, to, reason, **fields):
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed:
                raise InvalidTransition(
                    f"This opportunity is {current.get_status_display().lower()}: it cannot be "
                    f"{reason}."
                )
            for name, value in {"status": to, **fields}.items():
                setattr(current, name, value)
            current.save(update_fields=["status", "updated_at", *fields])
        self.refresh_from_db()

    def submit(self):
        """The state's focal point hands the opportunity to the Secretariat."""
        self._move(
            allowed=self.EDITABLE_STATUSES,
            to=self.Status.SUBMITTED,
            reason="submitted",
            submitted_at=timezone.now(),
        )

    def publish(self):
        """The Secretariat publishes a submitted opportunity."""
        self._move(
            allowed=[self.Status.SUBMITTED],
            to=self.Status.PUBLISHED,
            reason="published",
            published_at=timezone.now(),
            return_comment="",
        )

    def return_to_state(self, *, comment):
        """The Secretariat sends a submitted opportunity back with a comment."""
        comment = comment.strip()
        if not comment:
            raise ValidationError({"comment": "Say why the opportunity is returned."})
        self._move(
            allowed=[self.Status.SUBMITTED],
            to=self.Status.RETURNED,
            reason="returned",
            return_comment=comment,
        )

    def expire(self):
        """A published opportunity past its date leaves the catalogue."""
        self._move(allowed=[self.Status.PUBLISHED], to=self.Status.EXPIRED, reason="expired")


class InterestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The two states' focal points and the Secretariat."""
        if not user.is_authenticated:
            return self.none()
        if is_secretariat(user):
            return self.all()
        states = MemberState.objects.of_focal_point(user)
        return self.filter(Q(state__in=states) | Q(opportunity__state__in=states))

    def for_listing(self):
        return self.select_related("opportunity__state", "state", "created_by")


class InterestExpression(models.Model):
    """A focal point of another state expresses their state's interest in an opportunity;
    the two states talk in its thread."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="interests")
    state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="opportunity_interests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "state"],
                name="one_interest_per_opportunity_and_state",
                violation_error_message="Your state has already expressed interest.",
            )
        ]

    def __str__(self):
        return f"{self.state} is interested in “{self.opportunity}”"

    def get_absolute_url(self):
        return reverse("linkages:interest-detail", args=[self.pk])


class InterestMessage(models.Model):
    """One message of an interest thread, written by a focal point of either state."""

    interest = models.ForeignKey(
        InterestExpression, on_delete=models.CASCADE, related_name="messages"
    )
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.state}, {self.created_at:%Y-%m-%d %H:%M}"


class EventQuerySet(models.QuerySet):
    def coming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")

    def for_listing(self):
        return self.select_related("host_state", "host_body")

    def managed_by(self, user):
        """Events whose nominations the user decides: all for the Secretariat, those hosted by
        the user's state (or its SME body) for its focal points."""
        if is_secretariat(user):
            return self.all()
        states = MemberState.objects.of_focal_point(user)
        return self.filter(Q(host_state__in=states) | Q(host_body__state__in=states))


class Event(models.Model):
    """A training, workshop, webinar, exhibition, matchmaking session or expert exchange."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        WORKSHOP = "workshop", "Workshop"
        WEBINAR = "webinar", "Webinar"
        EXHIBITION = "exhibition", "Exhibition or trade fair"
        MATCHMAKING = "matchmaking", "Business-matchmaking session"
        EXPERT_EXCHANGE = "expert_exchange", "Expert exchange"

    class HostKind(models.TextChoices):
        MEMBER_STATE = "member_state", "Member state"
        SME_BODY = "sme_body", "SME governmental body"
        SECRETARIAT = "secretariat", "D-8 Secretariat"
        PARTNER = "partner", "Partner organisation"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=120, unique=True, blank=True, help_text="Made from the title when left empty."
    )
    host_kind = models.CharField(max_length=12, choices=HostKind.choices)
    host_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_events"
    )
    host_body = models.ForeignKey(
        SMEBody, on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_events"
    )
    host_name = models.CharField(
        max_length=200, blank=True, help_text="The partner's name (UNIDO, UNDESA, ITC, …)."
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    start = models.DateTimeField()
    end = models.DateTimeField()
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Istanbul",
        help_text="The host's time zone: the event's times are shown in it.",
    )
    city = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=100, default="English")
    description = models.TextField(blank=True)
    registration_deadline = models.DateField(null=True, blank=True)
    places_per_state = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)]
    )
    action_item = models.ForeignKey(
        ActionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="The action item the event fulfils, if any.",
    )
    is_illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="event_ends_not_before_it_starts",
                violation_error_message="The end cannot be before the start.",
            ),
            models.CheckConstraint(
                condition=Q(places_per_state__gte=1),
                name="event_has_places",
                violation_error_message="Give each state at least one place.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.title)[:100] or "event"
            self.slug = f"{base}-{self.start:%Y}" if self.start else base
            n = 2
            while Event.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
                self.slug = f"{base}-{self.start:%Y}-{n}"
                n += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("linkages:event-detail", args=[self.slug])

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.tz)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.tz)

    @property
    def host(self):
        """The host's name as shown."""
        if self.host_body_id:
            return f"{self.host_body.name} ({self.host_body.acronym})"
        if self.host_state_id:
            return self.host_state.name
        if self.host_kind == self.HostKind.SECRETARIAT:
            return self.host_name or "D-8 Secretariat"
        return self.host_name

    @property
    def host_state_id_resolved(self):
        if self.host_state_id:
            return self.host_state_id
        return self.host_body.state_id if self.host_body_id else None

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The end cannot be before the start."
        if (
            self.start
            and self.registration_deadline
            and (self.registration_deadline > self.local_start.date())
        ):
            errors["registration_deadline"] = (
                "The registration deadline cannot be after the event starts."
            )
        kinds = self.HostKind
        if self.host_kind == kinds.MEMBER_STATE and not self.host_state_id:
            errors["host_state"] = "Name the member state that hosts the event."
        if self.host_kind == kinds.SME_BODY and not self.host_body_id:
            errors["host_body"] = "Name the SME governmental body that hosts the event."
        if self.host_kind == kinds.PARTNER and not self.host_name.strip():
            errors["host_name"] = "Name the partner organisation that hosts the event."
        if (
            self.host_body_id
            and self.host_state_id
            and self.host_body.state_id != self.host_state_id
        ):
            errors["host_body"] = "The host body must belong to the host state."
        if self.format != self.Format.ONLINE and not self.city.strip():
            errors["city"] = "An event held in person or hybrid needs a city."
        if self.time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = "Choose a time zone from the list."
        if errors:
            raise ValidationError(errors)

    def takes_nominations(self, today):
        return self.registration_deadline is None or today <= self.registration_deadline

    def is_visible_participants_to(self, user):
        """The participant list: the Secretariat, the host and the states taking part."""
        if is_secretariat(user):
            return True
        states = set(MemberState.objects.of_focal_point(user).values_list("pk", flat=True))
        if not states:
            return False
        if self.host_state_id_resolved in states:
            return True
        return self.nominations.filter(
            state__in=states, status=Nomination.Status.CONFIRMED
        ).exists()


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Secretariat: all; the host state's focal points: their events'; other focal points:
        their own state's only."""
        if not user.is_authenticated:
            return self.none()
        if is_secretariat(user):
            return self.all()
        states = MemberState.objects.of_focal_point(user)
        return self.filter(
            Q(state__in=states)
            | Q(event__host_state__in=states)
            | Q(event__host_body__state__in=states)
        )

    def holding_places(self):
        return self.exclude(status=Nomination.Status.DECLINED)


class Nomination(models.Model):
    """A participant a member state nominates for an event, within the state's places."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", "Nominated"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="nominations")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="nominations")
    name = models.CharField(max_length=200)
    organisation = models.CharField(
        max_length=200, help_text="The participant's organisation, an SME for instance."
    )
    role = models.CharField(max_length=200, blank=True, help_text="Job title or role.")
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOMINATED)
    reason = models.TextField(
        max_length=2000, blank=True, help_text="Why the nomination was declined."
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "state__name", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="declined_nomination_has_reason",
                violation_error_message="Say why the nomination is declined.",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                name="one_nomination_per_event_and_email",
                violation_error_message="This person is already nominated for the event.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.state}) for {self.event}"


class LinkageNotice(OutboxMessage):
    """One e-mail owed about business linkages, sent exactly once through the outbox."""

    class Kind(models.TextChoices):
        INTEREST = "interest", "Interest expressed"
        ANSWER = "answer", "Interest answered"
        CONFIRMED = "confirmed", "Nomination confirmed"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    interest = models.ForeignKey(
        InterestExpression, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    message = models.ForeignKey(
        InterestMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )

    class Meta(OutboxMessage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "interest"],
                condition=Q(kind="interest"),
                name="one_interest_notice_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "message"],
                condition=Q(kind="answer"),
                name="one_answer_notice_per_message_and_recipient",
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "nomination"],
                condition=Q(kind="confirmed"),
                name="one_confirmation_per_nomination",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}"
