"""Opportunities, events and nominations through the API, with the pages' rules: the same
querysets decide who reads what, the same services make and decide nominations."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from core.api import BooleanFilter, SignedInOnlyCharField, validation_error
from core.api_defaults import Ordering
from memberstates.api import ID, state_field, state_filter
from memberstates.models import MemberState

from .forms import OpportunityFilterForm
from .models import Event, Nomination, Opportunity, Sector
from .services import nomination_create, nomination_decide


class OpportunitySerializer(serializers.ModelSerializer):
    state = state_field(read_only=True)
    contact_name = SignedInOnlyCharField(read_only=True)
    contact_email = SignedInOnlyCharField(read_only=True)
    contact_phone = SignedInOnlyCharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "url",
            "title",
            "state",
            "body",
            "sector",
            "kind",
            "location",
            "size_min",
            "size_max",
            "description",
            "contact_name",
            "contact_email",
            "contact_phone",
            "valid_until",
            "status",
            "is_illustrative",
            "published_at",
        ]
        read_only_fields = fields


class OpportunityFilter(django_filters.FilterSet):
    """The catalogue's filters, validated by the catalogue's own form."""

    q = django_filters.CharFilter(help_text='Search words; "quotes" for a phrase, -word.')
    state = state_filter("state")
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    kind = django_filters.ChoiceFilter(choices=Opportunity.Kind.choices)
    size = django_filters.NumberFilter(help_text="An amount in USD the range must include.")

    class Meta:
        model = Opportunity
        fields = ["q", "state", "sector", "kind", "size"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = OpportunityFilterForm(self.data)
        return self._form

    def filter_queryset(self, queryset):
        return queryset.matching(**self.form.filters())


class OpportunityViewSet(viewsets.ReadOnlyModelViewSet):
    """Investment opportunities: published ones for everyone (contacts for signed-in readers
    only), plus their own state's unpublished ones for its focal points, all for the
    Secretariat; `q` searches as the catalogue does."""

    serializer_class = OpportunitySerializer
    lookup_value_regex = ID
    filter_backends = [DjangoFilterBackend, Ordering]
    filterset_class = OpportunityFilter
    ordering_fields = ["published_at", "valid_until", "title"]

    def get_queryset(self):
        return (
            Opportunity.objects.visible_to(self.request.user)
            .for_listing()
            .order_by("-published_at", "title", "pk")
        )


class EventSerializer(serializers.ModelSerializer):
    host_state = state_field(read_only=True)
    host = serializers.CharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "kind",
            "host_kind",
            "host_state",
            "host_body",
            "host",
            "format",
            "start",
            "end",
            "time_zone",
            "city",
            "venue",
            "language",
            "registration_deadline",
            "places_per_state",
            "action_item",
        ]
        read_only_fields = fields


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    host_state = state_filter("host_state")
    coming = BooleanFilter(method="filter_coming", help_text="Only events not yet over (true).")

    class Meta:
        model = Event
        fields = ["kind", "host_state", "coming"]

    def filter_coming(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(end__gte=now) if value else queryset.filter(end__lt=now)


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Events are public."""

    serializer_class = EventSerializer
    filter_backends = [DjangoFilterBackend, Ordering]
    filterset_class = EventFilter
    ordering_fields = ["start"]

    def get_queryset(self):
        return Event.objects.for_listing().order_by("-start", "pk")


class NominationSerializer(serializers.ModelSerializer):
    state = state_field(read_only=True)
    event = serializers.SlugRelatedField(slug_field="slug", queryset=Event.objects.all())

    class Meta:
        model = Nomination
        fields = ["id", "event", "state", "name", "organisation", "role", "email", "status"]
        read_only_fields = ["id", "state", "status"]
        extra_kwargs = {"role": {"required": False}}
        validators = []  # the service decides, under the event's lock


class NominationFilter(django_filters.FilterSet):
    event = django_filters.CharFilter(field_name="event__slug", help_text="Event slug.")
    state = state_filter("state")
    status = django_filters.ChoiceFilter(choices=Nomination.Status.choices)

    class Meta:
        model = Nomination
        fields = ["event", "state", "status"]


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "decline"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class NominationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Nominations: a focal point reads and makes their own state's; the host state's focal
    points and the Secretariat read all of an event's and decide them."""

    serializer_class = NominationSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, IsAuthenticated]
    lookup_value_regex = ID
    filter_backends = [DjangoFilterBackend, Ordering]
    filterset_class = NominationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return (
            Nomination.objects.visible_to(self.request.user)
            .select_related("state", "event")
            .order_by("event__start", "state__name", "pk")
        )

    @extend_schema(
        responses={
            201: NominationSerializer,
            400: OpenApiResponse(description="Field errors, deadline passed or no place left."),
            403: OpenApiResponse(description="Not a focal point of a member state."),
        }
    )
    def create(self, request, *args, **kwargs):
        """Nominate a participant of your state (focal points)."""
        state = MemberState.objects.of_focal_point(request.user).first()
        if state is None:
            raise PermissionDenied("Focal points nominate the participants of their state.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            nomination = nomination_create(user=request.user, state=state, **data)
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return Response(self.get_serializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: NominationSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Confirm or decline (with a reason) a nomination: the host and the Secretariat."""
        nomination = get_object_or_404(self.get_queryset(), pk=pk)
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            nomination = nomination_decide(
                nomination=nomination,
                user=request.user,
                confirm=given.validated_data["decision"] == "confirm",
                reason=given.validated_data.get("reason", ""),
            )
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return Response(self.get_serializer(nomination).data)
