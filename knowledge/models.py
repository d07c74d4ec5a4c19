import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.roles import is_secretariat
from actionplans.models import ActionItem
from core.db import PortableGinIndex, WebSearchQuery, websearch_text
from core.uploads import validate_upload
from meetings.models import Meeting
from memberstates.models import FocalPoint, MemberState, SMEBody

# Longer search texts are refused: no one types more, and it bounds the work of a query.
SEARCH_MAX_LENGTH = 200
FIRST_YEAR, LAST_YEAR = 1950, 2100


class Pillar(models.TextChoices):
    """The three pillars of the Call to Action of the Global SME Ministerial Meeting."""

    DIGITAL_TRANSFORMATION = "digital_transformation", "Digital transformation"
    ACCESS_TO_FINANCE = "access_to_finance", "Access to finance"
    GREEN_TRANSITION = "green_transition", "Green transition"


# The order of the Call to Action, then practices under no pillar.
PILLAR_ORDER = [*Pillar.values, ""]
NO_PILLAR_LABEL = "Other SME policy areas"


def pillar_label(value):
    return Pillar(value).label if value else NO_PILLAR_LABEL


class Theme(models.Model):
    """A theme of SME policy a practice addresses (formalization, clusters, …)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BestPracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=BestPractice.Status.PUBLISHED)

    def visible_to(self, user):
        """Published practices to everyone; the rest to their state's focal points and the
        Secretariat."""
        if is_secretariat(user):
            return self.all()
        published = Q(status=BestPractice.Status.PUBLISHED)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(state__in=MemberState.objects.of_focal_point(user)))

    def editable_by(self, user):
        """Drafts and returned practices of the states the user is a focal point of."""
        return self.filter(
            state__in=MemberState.objects.of_focal_point(user),
            status__in=BestPractice.EDITABLE_STATUSES,
        )

    def without_vector(self):
        # The stored vectors are for the database only; the full one is large.
        return self.defer("search_vector", "rank_vector")

    def for_listing(self):
        return self.without_vector().select_related("state", "body").prefetch_related("themes")

    def for_cards(self):
        """What the catalogue's cards show: without the description and results, the long
        texts a card leaves out."""
        return self.for_listing().defer("description", "results")

    def for_state_page(self):
        """A member state's published practices by pillar, for its page (reached from the
        state through the reverse relation `best_practices`)."""
        return self.published().in_pillar_order().without_vector().select_related("body")

    def in_pillar_order(self):
        """Pillars in the order of the Call to Action, practices under no pillar last."""
        order = Case(
            *(When(pillar=value, then=Value(i)) for i, value in enumerate(PILLAR_ORDER)),
            output_field=models.IntegerField(),
        )
        return self.alias(pillar_order=order).order_by("pillar_order", "state__name", "title")

    def search(self, text):
        """Practices matching the words of `text`, best first.

        PostgreSQL: full-text search of the stored vector (title weighs most, then summary,
        then description and results), parsed as a web search (quotes, "or", "-word"), which
        accepts any input. Elsewhere (the embedded SQLite): every word must appear somewhere.
        """
        text = websearch_text(text, SEARCH_MAX_LENGTH)
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            query = WebSearchQuery(text)
            return (
                self.filter(search_vector=query)
                .alias(rank=SearchRank(F("rank_vector"), query))
                .order_by("-rank", "-published_at", "pk")
            )
        matches = Q()
        for word in text.replace('"', " ").split()[:20]:
            matches &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Q(results__icontains=word)
                | Q(state__name__icontains=word)
                | Q(body__acronym__icontains=word)
            )
        return self.filter(matches)

    def matching(self, *, q="", pillar="", state=None, instrument="", year=None):
        """The catalogue's filters: search text, pillar ("none" for none), state, instrument
        and start year; empty values filter nothing."""
        practices = self
        if pillar:
            practices = practices.filter(pillar="" if pillar == "none" else pillar)
        if state:
            practices = practices.filter(state=state)
        if instrument:
            practices = practices.filter(instrument=instrument)
        if year:
            practices = practices.filter(start_year=year)
        return practices.search(q or "")


class InvalidTransition(ValidationError):
    """The practice's status does not allow that step."""


class BestPractice(models.Model):
    """A member state's SME policy practice, shared with the other states once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned by the Secretariat"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Instrument(models.TextChoices):
        PROGRAMME = "programme", "Programme"
        REGULATION = "regulation", "Regulation"
        FINANCING_INSTRUMENT = "financing_instrument", "Financing instrument"
        TRAINING = "training", "Training"
        PLATFORM = "platform", "Platform"

    # Focal points edit their practice while it is theirs; the Secretariat decides the rest.
    EDITABLE_STATUSES = [Status.DRAFT, Status.RETURNED]

    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="best_practices")
    body = models.ForeignKey(
        SMEBody,
        on_delete=models.PROTECT,
        related_name="best_practices",
        verbose_name="SME governmental body",
    )
    title = models.CharField(max_length=200)
    pillar = models.CharField(
        max_length=24,
        choices=Pillar.choices,
        blank=True,
        help_text="The pillar of the SME Ministerial Call to Action, if any.",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="best_practices")
    instrument = models.CharField("kind of instrument", max_length=24, choices=Instrument.choices)
    summary = models.TextField(
        max_length=1000, help_text="Two or three sentences shown in the catalogue."
    )
    description = models.TextField(max_length=20_000)
    results = models.TextField(
        "results achieved",
        max_length=10_000,
        blank=True,
        help_text="With figures where they are known.",
    )
    start_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    contact = models.ForeignKey(
        FocalPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="best_practices",
        verbose_name="contact focal point",
    )
    meetings = models.ManyToManyField(
        Meeting,
        blank=True,
        related_name="best_practices",
        verbose_name="presented at",
        help_text="The meetings where the practice was presented.",
    )
    action_items = models.ManyToManyField(
        ActionItem,
        blank=True,
        related_name="best_practices",
        help_text="The action items the practice serves.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
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
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    return_comment = models.TextField(
        "Secretariat's comment",
        blank=True,
        editable=False,
        help_text="Why the Secretariat returned the practice to its state.",
    )
    # Kept by a database trigger (migration 0002) on PostgreSQL; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Title and summary alone: small enough to rank every match of a common word quickly, while
    # the full vector decides what matches.
    rank_vector = SearchVectorField(null=True, editable=False)

    objects = BestPracticeQuerySet.as_manager()

    history = HistoricalRecords(
        excluded_fields=["search_vector", "rank_vector"],
        m2m_fields=["themes", "meetings", "action_items"],
    )

    class Meta:
        ordering = ["-published_at", "title"]
        indexes = [
            models.Index(fields=["status", "pillar"]),
            models.Index(fields=["state", "status"]),
            PortableGinIndex(fields=["search_vector"], name="best_practice_search"),
            # The catalogue's order without a search: the latest published first.
            models.Index(
                fields=["-published_at", "title"],
                condition=Q(status="published"),
                name="best_practice_published",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(start_year__gte=FIRST_YEAR, start_year__lte=LAST_YEAR),
                name="best_practice_start_year_plausible",
                violation_error_message=f"The start year must be between {FIRST_YEAR} and "
                f"{LAST_YEAR}.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "archived"]) | Q(published_at__isnull=False),
                name="published_best_practice_has_publication_date",
                violation_error_message="A published practice has a publication date.",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_comment=""),
                name="returned_best_practice_has_comment",
                violation_error_message="Say why the practice is returned.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:detail", args=[self.pk])

    @property
    def pillar_label(self):
        return pillar_label(self.pillar)

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES

    def clean(self):
        errors = {}
        if self.body_id and self.state_id and self.body.state_id != self.state_id:
            errors["body"] = "The SME governmental body must be one of the practice's state."
        if self.contact_id and self.state_id and self.contact.body.state_id != self.state_id:
            errors["contact"] = "The contact must be a focal point of the practice's state."
        if errors:
            raise ValidationError(errors)

    def _move(self, *, allowed, to, by, reason, **fields):
        """Change the status if the current one (read under lock) allows it, with history."""
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed:
                raise InvalidTransition(
                    f"This practice is {current.get_status_display().lower()}: it cannot be "
                    f"{reason.lower()}."
                )
            for name, value in {"status": to, **fields}.items():
                setattr(current, name, value)
            current._history_user = by
            current._change_reason = reason
            current.save(update_fields=["status", "updated_at", *fields])
        self.refresh_from_db()

    def submit(self, *, by):
        """The state's focal point hands the practice to the Secretariat for publication."""
        self._move(
            allowed=self.EDITABLE_STATUSES,
            to=self.Status.SUBMITTED,
            by=by,
            reason="Submitted",
            submitted_at=timezone.now(),
        )

    def publish(self, *, by):
        """The Secretariat publishes a submitted practice, recording who and when."""
        self._move(
            allowed=[self.Status.SUBMITTED],
            to=self.Status.PUBLISHED,
            by=by,
            reason="Published",
            published_at=timezone.now(),
            published_by=by,
            return_comment="",
        )

    def return_to_state(self, *, by, comment):
        """The Secretariat sends a submitted practice back to its state with a comment."""
        comment = comment.strip()
        if not comment:
            raise ValidationError({"comment": "Say why the practice is returned."})
        self._move(
            allowed=[self.Status.SUBMITTED],
            to=self.Status.RETURNED,
            by=by,
            reason=f"Returned: {comment}"[:100],
            return_comment=comment,
        )

    def archive(self, *, by):
        """The Secretariat takes a published practice out of the catalogue."""
        self._move(
            allowed=[self.Status.PUBLISHED], to=self.Status.ARCHIVED, by=by, reason="Archived"
        )


def attachment_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"knowledge/attachments/{uuid.uuid4().hex}{suffix}"


class BestPracticeAttachment(models.Model):
    practice = models.ForeignKey(BestPractice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, validators=[validate_upload])
    name = models.CharField(max_length=200, help_text="The file's name as uploaded.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "attachment"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("knowledge:attachment", args=[self.practice_id, self.pk])


class ExchangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The Secretariat sees every request; a focal point those their state made or got."""
        if not user.is_authenticated:
            return self.none()
        if is_secretariat(user):
            return self.all()
        states = MemberState.objects.of_focal_point(user)
        return self.filter(Q(requesting_state__in=states) | Q(practice__state__in=states))

    def for_listing(self):
        return self.select_related(
            "practice__state", "practice__body", "requesting_state", "requested_by"
        )


class ExchangeRequest(models.Model):
    """Peer learning: a focal point of one state asks the owners of a practice for an exchange."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    practice = models.ForeignKey(
        BestPractice, on_delete=models.PROTECT, related_name="exchange_requests"
    )
    requesting_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="exchange_requests_made"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchange_requests"
    )
    message = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(max_length=4000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeRequestQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "requesting_state"],
                condition=Q(status="open"),
                name="one_open_exchange_request_per_practice_and_state",
                violation_error_message="Your state already has an open request on this practice.",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(reply=""),
                name="answered_exchange_request_has_reply",
                violation_error_message="An answered request has a reply.",
            ),
        ]

    def __str__(self):
        return f"{self.requesting_state} asks {self.practice.state} about “{self.practice}”"

    def get_absolute_url(self):
        return reverse("knowledge:exchange-detail", args=[self.pk])

    @property
    def owning_state(self):
        return self.practice.state
