from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from memberstates.models import MemberState


class TaskForce(models.Model):
    """One of the task forces under the D-8 Working Group on Industrial Cooperation (WGIC)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        DORMANT = "dormant", "Dormant"
        DISSOLVED = "dissolved", "Dissolved"

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(unique=True)
    coordinators = models.ManyToManyField(
        MemberState, blank=True, related_name="coordinated_task_forces"
    )
    terms_of_reference = models.TextField(blank=True)
    tor_approved_on = models.DateField("terms of reference approved on", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    history = HistoricalRecords(m2m_fields=["coordinators"])

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Task Force on {self.name}"

    def get_absolute_url(self):
        return reverse("taskforces:detail", args=[self.slug])
