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

from core.api import BooleanFilter, Conflict, SignedInOnlyCharField, validation_error
from core.api_defaults import Ordering
from memberstates.api import ID, state_field, state_filter
from memberstates.models import FocalPoint, MemberState

from .forms import OpportunityFilterForm, OpportunityForm
from .models import Event, InvalidTransition, Nomination, Opportunity, Sector
from .services import (
    nomination_create,
    nomination_decide,
    opportunity_save,
    opportunity_submit,
)


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


FORM_FIELDS = [name for name in OpportunityForm._meta.fields if name != "attachment"]


class OpportunityWriteSerializer(serializers.Serializer):
    """The fields of the browser's form (without the attachment); the form's rules decide."""

    title = serializers.CharField(required=False, max_length=200)
    body = serializers.IntegerField(
        required=False, min_value=1, help_text="An SME body of your state (id)."
    )
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    kind = serializers.ChoiceField(choices=Opportunity.Kind.choices, required=False)
    location = serializers.CharField(required=False, max_length=200)
    size_min = serializers.IntegerField(required=False, min_value=0)
    size_max = serializers.IntegerField(required=False, min_value=0)
    description = serializers.CharField(required=False, max_length=20_000)
    contact_name = serializers.CharField(required=False, max_length=200)
    contact_email = serializers.EmailField(required=False)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=50)
    valid_until = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


class OpportunityViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Investment opportunities: published ones for everyone (contacts for signed-in readers
    only), plus their own state's unpublished ones for its focal points, all for the
    Secretariat; `q` searches as the catalogue does. Focal points create drafts of their state,
    change them (PATCH) while they are drafts or returned, and submit them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [IsAuthenticatedOrReadOnly]
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

    def _save(self, request, data, instance=None):
        states = MemberState.objects.of_focal_point(request.user)
        posted = {name: "" if value is None else value for name, value in data.items()}
        form = OpportunityForm(data=posted, instance=instance, states=states)
        if not form.is_valid():
            raise validation_error(DjangoValidationError(form.errors.as_data()))
        try:
            opportunity = opportunity_save(form=form, user=request.user)
        except InvalidTransition as error:
            raise Conflict(error.messages[0]) from error
        return self.get_serializer(self.get_queryset().get(pk=opportunity.pk)).data

    def _given(self, request, *, partial):
        given = OpportunityWriteSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        return dict(given.validated_data)

    @extend_schema(
        request=OpportunityWriteSerializer,
        responses={
            201: OpportunitySerializer,
            400: OpenApiResponse(description="Field errors; nothing was saved."),
            403: OpenApiResponse(description="Not a focal point of a member state."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Create a draft opportunity of your state (focal points)."""
        states = MemberState.objects.of_focal_point(request.user)
        if not states.exists():
            raise PermissionDenied("Only focal points of a member state write opportunities.")
        given = self._given(request, partial=False)
        own_body = (
            FocalPoint.objects.filter(user=request.user, is_active=True)
            .values_list("body_id", flat=True)
            .first()
        )
        data = {name: given.get(name, "") for name in FORM_FIELDS}
        data["body"] = given.get("body", own_body)
        return Response(self._save(request, data), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OpportunityWriteSerializer,
        responses={
            200: OpportunitySerializer,
            400: OpenApiResponse(description="Field errors; nothing changed."),
            403: OpenApiResponse(description="An opportunity of another state."),
            409: OpenApiResponse(description="The opportunity is with the Secretariat."),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a draft or returned opportunity of your state (focal points)."""
        opportunity = self.get_object()
        if not opportunity.state.has_focal_point(request.user):
            raise PermissionDenied("You change the opportunities of your own state only.")
        if not opportunity.is_editable:
            raise Conflict("This opportunity is with the Secretariat: it cannot change.")
        given = self._given(request, partial=True)
        data = {name: getattr(opportunity, name) for name in FORM_FIELDS if name != "body"}
        data["body"] = opportunity.body_id
        return Response(self._save(request, {**data, **given}, instance=opportunity))

    @extend_schema(
        request=None,
        responses={
            200: OpportunitySerializer,
            403: OpenApiResponse(description="An opportunity of another state."),
            409: OpenApiResponse(description="Not a draft or returned opportunity."),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Hand a draft or returned opportunity of your state to the Secretariat."""
        opportunity = self.get_object()
        try:
            opportunity_submit(opportunity=opportunity, user=request.user)
        except InvalidTransition as error:
            raise Conflict(error.messages[0]) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=opportunity.pk)).data)


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
