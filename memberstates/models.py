from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Func, Q, Subquery
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class MemberStateQuerySet(models.QuerySet):
    def of_focal_point(self, user):
        """The member states the user is an active focal point of (usually one)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            sme_bodies__focal_points__user=user, sme_bodies__focal_points__is_active=True
        ).distinct()


class MemberState(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    iso_code = CountryField("ISO 3166 code", unique=True)
    joined_on = models.DateField("date joined D-8")

    objects = MemberStateQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("memberstates:detail", args=[self.slug])

    def has_focal_point(self, user):
        """Whether the user speaks for this state: an active focal point of one of its bodies."""
        return MemberState.objects.of_focal_point(user).filter(pk=self.pk).exists()


class SMEBody(models.Model):
    """A member state's SME governmental body (SMEDAN, KOSGEB, SME Corp. Malaysia, …)."""

    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="sme_bodies")
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, unique=True)
    parent_ministry = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["state__name", "acronym"]
        verbose_name = "SME governmental body"
        verbose_name_plural = "SME governmental bodies"
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="unique_sme_body_name_per_state")
        ]

    def __str__(self):
        return f"{self.acronym} ({self.state})"


class FocalPointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def emails_by_state(self, states=None):
        """{state id: set of the lower-cased e-mails of the state's active focal points}, for
        every state or those given (ids or a queryset). One query."""
        active = self.active().exclude(email="")
        if states is not None:
            active = active.filter(body__state__in=states)
        emails = defaultdict(set)
        for state_id, email in active.values_list("body__state_id", "email"):
            emails[state_id].add(email.lower())
        return emails


class FocalPoint(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", "Primary"
        ALTERNATE = "alternate", "Alternate"

    body = models.ForeignKey(SMEBody, on_delete=models.PROTECT, related_name="focal_points")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_point",
        help_text="The portal account of this person, if they have one.",
    )
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PRIMARY)
    is_active = models.BooleanField(default=True)

    objects = FocalPointQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["body__state__name", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(role="primary", is_active=True),
                name="one_active_primary_focal_point_per_body",
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.body.acronym})"

    @property
    def state(self):
        return self.body.state


class MoUQuerySet(models.QuerySet):
    def with_adherence(self):
        """Annotate `adherent_count` (signed or in force), `in_force_count` and `state_count`.

        Adherence reads "adherent_count of state_count member states".
        """
        acceded = [MoUAccession.Status.SIGNED, MoUAccession.Status.IN_FORCE]
        state_count = MemberState.objects.order_by().values(n=Func(F("pk"), function="COUNT"))
        return self.annotate(
            adherent_count=Count("accessions", filter=Q(accessions__status__in=acceded)),
            in_force_count=Count(
                "accessions", filter=Q(accessions__status=MoUAccession.Status.IN_FORCE)
            ),
            state_count=Subquery(state_count),
        )


class MoU(models.Model):
    title = models.CharField(max_length=300)
    short_name = models.CharField(max_length=60, unique=True)
    concluded_on = models.DateField("date concluded", null=True, blank=True)
    place = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)

    objects = MoUQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["concluded_on", "short_name"]
        verbose_name = "MoU"
        verbose_name_plural = "MoUs"

    def __str__(self):
        return self.short_name

    def adherence(self):
        """(N, M): N member states have signed or brought the MoU into force, of M states."""
        acceded = self.accessions.exclude(status=MoUAccession.Status.NOT_SIGNED).count()
        return acceded, MemberState.objects.count()


class MoUAccession(models.Model):
    class Status(models.TextChoices):
        NOT_SIGNED = "not_signed", "Not yet signed"
        SIGNED = "signed", "Signed"
        IN_FORCE = "in_force", "Ratified / in force"

    mou = models.ForeignKey(MoU, on_delete=models.CASCADE, related_name="accessions")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="accessions")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_SIGNED)
    signed_on = models.DateField(null=True, blank=True)
    in_force_on = models.DateField("ratified / in force on", null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "state__name"]
        verbose_name = "MoU accession"
        constraints = [
            models.UniqueConstraint(
                fields=["state", "mou"], name="one_accession_per_state_and_mou"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="not_signed", signed_on__isnull=True, in_force_on__isnull=True)
                    | Q(status="signed", signed_on__isnull=False, in_force_on__isnull=True)
                    | Q(status="in_force", signed_on__isnull=False, in_force_on__isnull=False)
                ),
                name="accession_dates_match_status",
                violation_error_message=(
                    "A signed accession needs its signature date; one in force needs both dates; "
                    "one not yet signed has neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True) | Q(in_force_on__gte=models.F("signed_on")),
                name="accession_in_force_not_before_signature",
                violation_error_message="The MoU cannot come into force before it was signed.",
            ),
        ]

    def __str__(self):
        return f"{self.state} – {self.mou}: {self.get_status_display()}"
