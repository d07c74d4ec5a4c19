import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.roles import is_secretariat
from core.api import SlugRelatedField, validation_error
from core.api_defaults import Ordering
from memberstates.api import ID, state_field, state_filter

from .models import FIRST_YEAR, LAST_YEAR, DataCall, Indicator, IndicatorValue
from .services import CellInput, values_save


class IndicatorSerializer(serializers.ModelSerializer):
    # Plain text: an enum would collide in the schema with the best practices' pillars.
    pillar = serializers.CharField(
        read_only=True, help_text="population, finance, digital, trade or green."
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "definition",
            "source",
            "direction",
            "pillar",
            "level",
            "decimals",
            "minimum",
            "maximum",
        ]
        read_only_fields = fields


class IndicatorFilter(django_filters.FilterSet):
    pillar = django_filters.CharFilter(help_text="population, finance, digital, trade or green.")
    level = django_filters.ChoiceFilter(choices=Indicator.Level.choices)

    class Meta:
        model = Indicator
        fields = ["pillar", "level"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicators of the D-8 SME scoreboard, by code."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.all()
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = IndicatorFilter


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = state_field(read_only=True, help_text="Empty for a D-8 figure.")

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "state",
            "year",
            "value",
            "status",
            "note",
            "is_estimate",
            "is_provisional",
            "is_break",
            "is_illustrative",
            "return_comment",
            "updated_at",
        ]
        read_only_fields = fields


class IndicatorValueWriteSerializer(serializers.Serializer):
    """One figure of your state for an open data call, saved as a draft under the call's
    rules (the grid's and the template upload's)."""

    data_call = serializers.PrimaryKeyRelatedField(queryset=DataCall.objects.all())
    state = state_field(help_text="Your own state (slug).")
    indicator = SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    year = serializers.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text="The call's reference year."
    )
    value = serializers.CharField(max_length=40, help_text="A number, e.g. 41.5.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    is_estimate = serializers.BooleanField(required=False, default=False)
    is_provisional = serializers.BooleanField(required=False, default=False)
    is_break = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs["year"] != attrs["data_call"].reference_year:
            raise serializers.ValidationError(
                {"year": f"This data call asks for {attrs['data_call'].reference_year} only."}
            )
        return attrs


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    pass


class IndicatorValueFilter(django_filters.FilterSet):
    indicator = django_filters.ModelChoiceFilter(
        queryset=Indicator.objects.all(), to_field_name="code", help_text="Indicator code."
    )
    state = state_filter("state")
    year_min = YearFilter(field_name="year", lookup_expr="gte", help_text="From this year.")
    year_max = YearFilter(field_name="year", lookup_expr="lte", help_text="Up to this year.")
    status = django_filters.ChoiceFilter(
        choices=IndicatorValue.Status.choices,
        help_text="The Secretariat's filter; others see published figures and their own state's.",
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "state", "year_min", "year_max", "status"]


class IndicatorValueViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Figures: published ones for everyone, their own state's at every status for its focal
    points, all for the Secretariat. Focal points post their state's figures for an open data
    call (POST), through the same rules as the grid."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = IndicatorValueSerializer
    lookup_value_regex = ID
    filter_backends = [DjangoFilterBackend, Ordering]
    filterset_class = IndicatorValueFilter
    ordering_fields = ["year", "value"]

    def get_queryset(self):
        return (
            IndicatorValue.objects.visible_to(self.request.user)
            .for_listing()
            .order_by("indicator__position", "indicator__code", "state__name", "year", "pk")
        )

    @extend_schema(
        request=IndicatorValueWriteSerializer,
        responses={
            201: OpenApiResponse(IndicatorValueSerializer, "The figure, saved as a draft."),
            400: OpenApiResponse(description="Field errors; nothing was saved."),
            403: OpenApiResponse(description="Not a focal point of that state."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Save a figure of your state for an open data call (focal points)."""
        given = IndicatorValueWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        state = data["state"]
        if not (is_secretariat(request.user) or state.has_focal_point(request.user)):
            raise PermissionDenied("You enter the figures of your own state only.")
        cell = CellInput(
            key="value",
            indicator=data["indicator"].code,
            value=data["value"],
            note=data["note"],
            is_estimate=data["is_estimate"],
            is_provisional=data["is_provisional"],
            is_break=data["is_break"],
        )
        try:
            saved = values_save(
                data_call=data["data_call"], state=state, user=request.user, cells=[cell]
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        if not saved:
            raise validation_error(DjangoValidationError({"value": "Enter a number."}))
        value = self.get_queryset().get(pk=saved[0].pk)
        return Response(self.get_serializer(value).data, status=status.HTTP_201_CREATED)
