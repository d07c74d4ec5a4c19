"""SME statistics: indicators, the states' national SME definitions, yearly values with their
review flow, the Secretariat's yearly data calls, and targets (intra-D-8 trade: USD 157 bn in
2024 → 500 bn in 2030, seed 000)."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.roles import is_secretariat
from core.models import OutboxMessage
from memberstates.models import MemberState

FIRST_YEAR = 1990
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
# A value this much above or below last year's asks for a note explaining it.
LARGE_CHANGE = Decimal("0.5")


class Indicator(models.Model):
    class Unit(models.TextChoices):
        COUNT = "count", "count"
        PERCENT = "percent", "%"
        USD_MILLION = "usd_million", "USD million"
        USD_BILLION = "usd_billion", "USD billion"
        PERCENTAGE_POINTS = "pp", "percentage points"
        INDEX = "index", "index"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEUTRAL = "neutral", "Neither"

    class Level(models.TextChoices):
        STATE = "state", "Per member state"
        D8 = "d8", "D-8 as a whole"

    class Pillar(models.TextChoices):
        SME_POPULATION = "population", "SMEs in the economy"
        FINANCE = "finance", "Access to finance"
        DIGITAL = "digital", "Digital transformation"
        TRADE = "trade", "Trade and internationalisation"
        GREEN = "green", "Green transition"

    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. sme-count.")
    name = models.CharField(max_length=200, unique=True)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    definition = models.TextField()
    source = models.CharField(max_length=300, help_text="Where the figures come from.")
    direction = models.CharField(max_length=8, choices=Direction.choices, default="higher")
    pillar = models.CharField(max_length=12, choices=Pillar.choices)
    level = models.CharField(max_length=6, choices=Level.choices, default=Level.STATE)
    decimals = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(4)])
    minimum = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True, help_text="Lowest plausible value."
    )
    maximum = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True, help_text="Highest plausible value."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the scoreboard.")

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(minimum__lte=models.F("maximum")),
                name="indicator_minimum_not_above_maximum",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicators:scoreboard", args=[self.code])

    @property
    def unit_label(self):
        return self.get_unit_display()

    def bounds(self):
        """(lowest, highest) a value may take: the stated range, a share within 0–100, a count
        never negative."""
        low, high = self.minimum, self.maximum
        if self.unit == self.Unit.PERCENT:
            low = max(low, Decimal(0)) if low is not None else Decimal(0)
            high = min(high, Decimal(100)) if high is not None else Decimal(100)
        if self.unit == self.Unit.COUNT:
            low = max(low, Decimal(0)) if low is not None else Decimal(0)
        return low, high

    def parse(self, raw):
        """The value written in a cell or a file as a Decimal; ValidationError if no number."""
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            text = str(raw)
        else:
            text = str(raw or "").strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Enter a number.", code="not_a_number") from None
        if not value.is_finite():
            raise ValidationError("Enter a number.", code="not_a_number")
        if abs(value) >= Decimal(10) ** 16:
            raise ValidationError("The number is too large.", code="too_large")
        return value.quantize(Decimal(1).scaleb(-4))

    def check_value(self, value, *, previous=None, note=""):
        """The errors of a value for this indicator (a list of messages; empty when fine): its
        range, and a note required for a change of more than 50 % from last year."""
        errors = []
        low, high = self.bounds()
        if low is not None and value < low:
            if self.unit == self.Unit.COUNT and low == 0:
                errors.append("A count cannot be negative.")
            else:
                errors.append(f"The value must be at least {low.normalize():f}.")
        if high is not None and value > high:
            if self.unit == self.Unit.PERCENT and high == 100:
                errors.append("A share must be between 0 and 100 %.")
            else:
                errors.append(f"The value must be at most {high.normalize():f}.")
        if previous is not None and not note.strip() and is_large_change(previous, value):
            errors.append(
                "More than 50 % away from last year's value: add a note explaining the change."
            )
        return errors

    def format(self, value):
        if value is None:
            return ""
        return f"{value:,.{self.decimals}f}"


def is_large_change(previous, value):
    if previous == 0:
        return value != 0
    return abs(value - previous) / abs(previous) > LARGE_CHANGE


class NationalDefinition(models.Model):
    """A member state's national SME definition, shown beside its figures because definitions
    differ between states."""

    state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="sme_definitions")
    year_adopted = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    max_employees = models.PositiveIntegerField(
        "employees up to", help_text="Most employees a medium-sized enterprise may have."
    )
    max_turnover = models.CharField(
        "turnover up to",
        max_length=100,
        blank=True,
        help_text="Highest annual turnover, in the national currency as written in the law.",
    )
    summary = models.TextField(blank=True, help_text="Micro, small and medium thresholds.")
    source = models.CharField(max_length=300, blank=True)
    is_illustrative = models.BooleanField(
        default=False, help_text="Not from the public record: a placeholder to be confirmed."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["state__name", "-year_adopted"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "year_adopted"], name="one_sme_definition_per_state_and_year"
            )
        ]

    def __str__(self):
        return f"SME definition of {self.state} ({self.year_adopted})"


class DataCallQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DataCall.Status.OPEN)


class DataCall(models.Model):
    """The Secretariat's yearly call for the states' figures of one reference year."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    REMINDER_DAYS = (7, 1)

    reference_year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    indicators = models.ManyToManyField(
        Indicator,
        related_name="data_calls",
        limit_choices_to={"level": Indicator.Level.STATE},
        help_text="The per-state indicators the states report.",
    )
    deadline = models.DateField(help_text="Last day on which states enter and submit figures.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    objects = DataCallQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reference_year", "-pk"]

    def __str__(self):
        return f"Data call {self.reference_year}"

    def get_absolute_url(self):
        return reverse("indicators:data-call", args=[self.pk])

    def is_past_deadline(self, today):
        return today > self.deadline

    def reminder_step(self, today):
        """7 or 1 when a reminder is due today, else None."""
        days = (self.deadline - today).days
        return days if days in self.REMINDER_DAYS else None


class DataCallSubmission(models.Model):
    """A state's submission of its figures to a data call (the first one counts)."""

    data_call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="submissions")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["data_call", "state__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_call", "state"], name="one_submission_per_data_call_and_state"
            )
        ]

    def __str__(self):
        return f"{self.state} submitted to {self.data_call}"


class IndicatorValueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=IndicatorValue.Status.PUBLISHED)

    def visible_to(self, user):
        """Published values for everyone; every value of their own state for its focal points;
        all for the Secretariat."""
        if is_secretariat(user):
            return self.all()
        published = Q(status=IndicatorValue.Status.PUBLISHED)
        states = MemberState.objects.of_focal_point(user)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(state__in=states))

    def for_listing(self):
        return self.select_related("indicator", "state")


class IndicatorValue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        VALIDATED = "validated", "Validated"
        PUBLISHED = "published", "Published"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        help_text="Empty for a figure of the D-8 as a whole.",
    )
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    value = models.DecimalField(max_digits=20, decimal_places=4)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField("source note", max_length=500, blank=True)
    is_estimate = models.BooleanField("estimate", default=False)
    is_provisional = models.BooleanField("provisional", default=False)
    is_break = models.BooleanField("break in series", default=False)
    is_illustrative = models.BooleanField(
        "illustrative", default=False, help_text="Demo data, not an official figure."
    )
    return_comment = models.TextField(
        blank=True, help_text="Why the Secretariat returned the value to the state."
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__position", "indicator__code", "state__name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "state", "year"],
                condition=Q(state__isnull=False),
                name="one_value_per_indicator_state_and_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(state__isnull=True),
                name="one_d8_value_per_indicator_and_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.state or 'D-8'} · {self.year}"

    @property
    def scope(self):
        return self.state.name if self.state_id else "D-8"

    @property
    def flags(self):
        names = [
            ("estimate", self.is_estimate),
            ("provisional", self.is_provisional),
            ("break in series", self.is_break),
            ("illustrative", self.is_illustrative),
        ]
        return [name for name, on in names if on]

    def formatted(self):
        return self.indicator.format(self.value)

    def clean(self):
        if self.indicator_id is None:
            return
        if (self.indicator.level == Indicator.Level.D8) != (self.state_id is None):
            raise ValidationError(
                {"state": "A D-8 indicator has no state; a per-state indicator needs one."}
            )
        if self.value is not None:
            errors = self.indicator.check_value(self.value)
            if errors:
                raise ValidationError({"value": errors})

    # The review flow: rules on one value.
    def validate(self, *, by, now):
        if self.status != self.Status.SUBMITTED:
            raise ValidationError("Only a submitted value can be validated.")
        self.status = self.Status.VALIDATED
        self.validated_by, self.validated_at = by, now

    def send_back(self, *, comment, now):
        if self.status not in (self.Status.SUBMITTED, self.Status.VALIDATED):
            raise ValidationError("Only a submitted or validated value can be returned.")
        if not comment.strip():
            raise ValidationError({"comment": "Say what the state should correct."})
        self.status = self.Status.DRAFT
        self.return_comment = comment.strip()
        self.returned_at = now
        self.validated_by = self.validated_at = None

    def publish(self, *, now):
        if self.status != self.Status.VALIDATED:
            raise ValidationError("Only a validated value can be published.")
        self.status = self.Status.PUBLISHED
        self.published_at = now


class Target(models.Model):
    """A target for an indicator, in one scope (a state, or the D-8 as a whole): from a
    baseline (year, value) to a target (year, value)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a D-8 target.",
    )
    title = models.CharField(max_length=200)
    baseline_year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    baseline_value = models.DecimalField(max_digits=20, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    target_value = models.DecimalField(max_digits=20, decimal_places=4)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["target_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__gt=models.F("baseline_year")),
                name="target_year_after_baseline_year",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__gt=0) & Q(target_value__gt=0),
                name="target_and_baseline_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("indicators:target", args=[self.pk])

    @property
    def years(self):
        return self.target_year - self.baseline_year

    def required_rate(self):
        """The constant yearly growth that takes the baseline to the target:
        (target / baseline) ^ (1 / years) − 1."""
        ratio = float(self.target_value) / float(self.baseline_value)
        return ratio ** (1 / self.years) - 1

    def path_value(self, year):
        """The value the required path reaches in `year`."""
        return float(self.baseline_value) * (1 + self.required_rate()) ** (
            year - self.baseline_year
        )

    def path(self):
        return [
            (year, self.path_value(year))
            for year in range(self.baseline_year, self.target_year + 1)
        ]

    def is_on_track(self, year, value):
        """Whether a figure of `year` is at or beyond the required path (below it when lower is
        better)."""
        expected = self.path_value(year)
        if self.indicator.direction == Indicator.Direction.LOWER:
            return float(value) <= expected
        return float(value) >= expected


class DataCallNoticeQuerySet(models.QuerySet):
    def unsubmitted(self):
        submitted = DataCallSubmission.objects.filter(
            data_call=OuterRef("data_call"), state=OuterRef("state")
        )
        return self.exclude(Exists(submitted))


class DataCallNotice(OutboxMessage):
    """A reminder to a focal point of a state that has not submitted its figures, 7 and 1 days
    before the data call's deadline, sent exactly once through the outbox."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Deadline approaching"

    data_call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="notices")
    state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REMINDER)
    step = models.PositiveSmallIntegerField(help_text="Days before the deadline.")
    deadline = models.DateField(help_text="The deadline the reminder was about.")

    objects = DataCallNoticeQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["data_call", "state", "recipient", "kind", "step", "deadline"],
                name="one_data_call_notice_per_state_recipient_step_and_deadline",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} about {self.data_call}"
