import django_filters
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

from accounts.api import SecretariatWritesOrReadOnly
from accounts.roles import is_secretariat
from core.api import (
    BooleanFilter,
    ModelCleanSerializer,
    PortalViewSet,
    SlugRelatedField,
)

from .models import FocalPoint, MemberState, MoU, MoUAccession, SMEBody

SLUG = r"[-a-zA-Z0-9_]+"
ID = r"[0-9]+"


def state_field(**kwargs):
    """A member state by its slug, as in the portal's addresses."""
    if not kwargs.get("read_only"):
        kwargs["queryset"] = MemberState.objects.all()
    return SlugRelatedField(slug_field="slug", **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class StateFilter(django_filters.ModelChoiceFilter):
    """A member state by its slug."""


def state_filter(field_name, **kwargs):
    return StateFilter(
        field_name=field_name,
        queryset=MemberState.objects.all(),
        to_field_name="slug",
        help_text="Member state slug, e.g. nigeria.",
        **kwargs,
    )


class MemberStateSerializer(CountryFieldMixin, ModelCleanSerializer):
    class Meta:
        model = MemberState
        fields = ["id", "slug", "name", "iso_code", "joined_on"]


class MemberStateViewSet(PortalViewSet):
    queryset = MemberState.objects.all()
    serializer_class = MemberStateSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    search_fields = ["name"]
    ordering_fields = ["name", "joined_on"]


class SMEBodySerializer(ModelCleanSerializer):
    state = state_field()

    class Meta:
        model = SMEBody
        fields = ["id", "acronym", "name", "state", "parent_ministry", "website"]


class SMEBodyFilter(django_filters.FilterSet):
    state = state_filter("state")

    class Meta:
        model = SMEBody
        fields = ["state"]


class SMEBodyViewSet(PortalViewSet):
    queryset = SMEBody.objects.select_related("state")
    serializer_class = SMEBodySerializer
    lookup_value_regex = ID
    filterset_class = SMEBodyFilter
    search_fields = ["name", "acronym"]
    ordering_fields = ["acronym", "name"]


class FocalPointSerializer(ModelCleanSerializer):
    body = SlugRelatedField(slug_field="acronym", queryset=SMEBody.objects.all())
    state = SlugRelatedField(source="body.state", slug_field="slug", read_only=True)

    class Meta:
        model = FocalPoint
        fields = [
            "id",
            "full_name",
            "job_title",
            "body",
            "state",
            "role",
            "email",
            "phone",
            "is_active",
        ]


class FocalPointFilter(django_filters.FilterSet):
    state = state_filter("body__state")
    body = django_filters.CharFilter(field_name="body__acronym", help_text="SME body acronym.")
    is_active = BooleanFilter(help_text="Inactive focal points: for the Secretariat only.")

    class Meta:
        model = FocalPoint
        fields = ["state", "body", "role", "is_active"]


class FocalPointViewSet(PortalViewSet):
    """Contact details: for signed-in users only, as on the member state's page."""

    permission_classes = [IsAuthenticated, SecretariatWritesOrReadOnly]
    serializer_class = FocalPointSerializer
    lookup_value_regex = ID
    filterset_class = FocalPointFilter
    search_fields = ["full_name", "body__acronym"]
    ordering_fields = ["full_name"]

    def get_queryset(self):
        focal_points = FocalPoint.objects.select_related("body__state")
        if is_secretariat(self.request.user):
            return focal_points
        return focal_points.filter(is_active=True)


class MoUSerializer(ModelCleanSerializer):
    adherent_count = serializers.IntegerField(
        read_only=True, help_text="Member states that have signed it or brought it into force."
    )
    in_force_count = serializers.IntegerField(read_only=True)
    state_count = serializers.IntegerField(read_only=True, help_text="All member states.")

    class Meta:
        model = MoU
        fields = [
            "id",
            "short_name",
            "title",
            "concluded_on",
            "place",
            "summary",
            "adherent_count",
            "in_force_count",
            "state_count",
        ]


class MoUViewSet(PortalViewSet):
    # Aggregates drop the model's default ordering: say it again for stable pages.
    queryset = MoU.objects.with_adherence().order_by("concluded_on", "short_name", "pk")
    serializer_class = MoUSerializer
    lookup_value_regex = ID
    search_fields = ["short_name", "title"]
    ordering_fields = ["concluded_on", "short_name"]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._annotate(serializer)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self._annotate(serializer)

    def _annotate(self, serializer):
        # The answer shows the adherence counts of the saved MoU.
        serializer.instance = MoU.objects.with_adherence().get(pk=serializer.instance.pk)


class MoUAccessionSerializer(ModelCleanSerializer):
    mou = SlugRelatedField(slug_field="short_name", queryset=MoU.objects.all())
    state = state_field()

    class Meta:
        model = MoUAccession
        fields = ["id", "mou", "state", "status", "signed_on", "in_force_on", "notes"]


class MoUAccessionFilter(django_filters.FilterSet):
    state = state_filter("state")
    mou = django_filters.CharFilter(field_name="mou__short_name", help_text="MoU short name.")

    class Meta:
        model = MoUAccession
        fields = ["state", "mou", "status"]


class MoUAccessionViewSet(PortalViewSet):
    queryset = MoUAccession.objects.select_related("mou", "state")
    serializer_class = MoUAccessionSerializer
    lookup_value_regex = ID
    filterset_class = MoUAccessionFilter
    ordering_fields = ["signed_on", "in_force_on"]
