import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from core.api import Conflict, validation_error
from core.api_defaults import Ordering, Pagination
from core.paginator import KeysFirstPaginator
from memberstates.api import ID, state_field, state_filter
from memberstates.models import FocalPoint, MemberState

from .forms import BestPracticeForm, CatalogueFilterForm
from .models import FIRST_YEAR, LAST_YEAR, BestPractice, BestPracticeAttachment, InvalidTransition
from .services import best_practice_save


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = BestPracticeAttachment
        fields = ["name", "url", "uploaded_at"]
        read_only_fields = fields


class BestPracticeSerializer(serializers.ModelSerializer):
    state = state_field(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    pillar = serializers.ChoiceField(
        choices=BestPractice._meta.get_field("pillar").choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty for a practice under none of the three pillars.",
    )
    return_comment = serializers.CharField(
        read_only=True, help_text="Why the Secretariat returned the practice; empty otherwise."
    )

    class Meta:
        model = BestPractice
        fields = [
            "id",
            "title",
            "state",
            "body",
            "pillar",
            "themes",
            "instrument",
            "summary",
            "description",
            "results",
            "start_year",
            "contact",
            "meetings",
            "action_items",
            "attachments",
            "status",
            "submitted_at",
            "published_at",
            "return_comment",
            "updated_at",
        ]
        read_only_fields = fields


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, **kwargs)


def _ids(**kwargs):
    return serializers.ListField(child=_id(), required=False, **kwargs)


class BestPracticeWriteSerializer(serializers.Serializer):
    """The fields of the browser's practice form; the form's rules decide (BestPracticeForm)."""

    state = state_field(
        required=False, help_text="Your own state (slug); it follows from the body anyway."
    )
    title = serializers.CharField(required=False, max_length=200)
    body = _id(required=False, help_text="An SME body of your state (id); by default your own.")
    pillar = serializers.ChoiceField(
        choices=BestPractice._meta.get_field("pillar").choices, required=False, allow_blank=True
    )
    themes = _ids(help_text="Theme ids.")
    instrument = serializers.ChoiceField(choices=BestPractice.Instrument.choices, required=False)
    summary = serializers.CharField(required=False, max_length=1000)
    description = serializers.CharField(required=False, max_length=20_000)
    results = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    start_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    contact = _id(
        required=False, allow_null=True, help_text="An active focal point of your state (id)."
    )
    meetings = _ids(help_text="Ids of the meetings where the practice was presented.")
    action_items = _ids(help_text="Ids of the action items the practice serves.")


FORM_FIELDS = BestPracticeForm._meta.fields
MANY = {"themes", "meetings", "action_items"}


def _form_data(practice):
    """A stored practice as its form would post it, so a PATCH changes only what it names."""
    data = {}
    for name in FORM_FIELDS:
        if name in MANY:
            data[name] = list(getattr(practice, name).values_list("pk", flat=True))
        elif name in {"body", "contact"}:
            data[name] = getattr(practice, f"{name}_id")
        else:
            data[name] = getattr(practice, name)
    return data


def _as_posted(data):
    return {name: "" if value is None else value for name, value in data.items()}


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    pass


class BestPracticeFilter(django_filters.FilterSet):
    """The catalogue's filters, validated by the catalogue's own form (CatalogueFilterForm)."""

    q = django_filters.CharFilter(
        help_text='Search words; "quotes" for a phrase, -word to leave one out, "or".'
    )
    pillar = django_filters.ChoiceFilter(
        choices=CatalogueFilterForm.base_fields["pillar"].choices[1:],
        help_text='A pillar of the Call to Action, or "none".',
    )
    state = state_filter("state")
    instrument = django_filters.ChoiceFilter(choices=BestPractice.Instrument.choices)
    year = YearFilter(help_text=f"Start year, {FIRST_YEAR} to {LAST_YEAR}.")

    class Meta:
        model = BestPractice
        fields = ["q", "pillar", "state", "instrument", "year"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = CatalogueFilterForm(self.data)
        return self._form

    def filter_queryset(self, queryset):
        return queryset.matching(**self.form.filters())


class BestPracticePagination(Pagination):
    # A search ranks every match: the page's keys first, then its rows with their relations.
    django_paginator_class = KeysFirstPaginator


class BestPracticeViewSet(viewsets.ModelViewSet):
    """Best practices: published ones for everyone, plus their own state's unpublished ones for
    its focal points, all for the Secretariat; `q` searches as the catalogue does, best match
    first. Focal points create drafts for their state and change them (PATCH) while they are
    drafts or returned."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = BestPracticeSerializer
    lookup_value_regex = ID
    # `q` is the catalogue's search; DRF's `search` would be a second, different one.
    filter_backends = [DjangoFilterBackend, Ordering]
    filterset_class = BestPracticeFilter
    pagination_class = BestPracticePagination
    ordering_fields = ["published_at", "start_year", "title"]

    def get_queryset(self):
        return (
            BestPractice.objects.visible_to(self.request.user)
            .for_listing()
            .prefetch_related("meetings", "action_items", "attachments")
            .order_by("-published_at", "title", "pk")
        )

    def _save(self, request, form_data, instance=None):
        states = MemberState.objects.of_focal_point(request.user)
        form = BestPracticeForm(data=_as_posted(form_data), instance=instance, states=states)
        if not form.is_valid():
            raise validation_error(DjangoValidationError(form.errors.as_data()))
        try:
            practice = best_practice_save(form=form, user=request.user)
        except InvalidTransition as error:
            raise Conflict(error.messages[0]) from error
        practice = self.get_queryset().get(pk=practice.pk)
        return self.get_serializer(practice).data

    @extend_schema(
        request=BestPracticeWriteSerializer,
        responses={
            201: OpenApiResponse(BestPracticeSerializer, "The draft, created."),
            400: OpenApiResponse(description="Field errors; nothing was saved."),
            403: OpenApiResponse(description="Not a focal point, or another state named."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Create a draft practice of your state (focal points)."""
        states = MemberState.objects.of_focal_point(request.user)
        if not states.exists():
            raise PermissionDenied("Only focal points of a member state write practices.")
        given = self._validated(request, partial=False)
        if "state" in given and not states.filter(pk=given.pop("state").pk).exists():
            raise PermissionDenied("You write the practices of your own state only.")
        own_body = (
            FocalPoint.objects.filter(user=request.user, is_active=True)
            .values_list("body_id", flat=True)
            .first()
        )
        data = {name: given.get(name, [] if name in MANY else "") for name in FORM_FIELDS}
        data["body"] = given.get("body", own_body)
        return Response(self._save(request, data), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=BestPracticeWriteSerializer,
        responses={
            200: OpenApiResponse(BestPracticeSerializer, "The practice, changed."),
            400: OpenApiResponse(description="Field errors; nothing changed."),
            403: OpenApiResponse(description="A practice of another state."),
            409: OpenApiResponse(description="The practice is with the Secretariat."),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a draft or returned practice of your state (focal points)."""
        practice = self.get_object()
        given = self._validated(request, partial=True)
        states = MemberState.objects.of_focal_point(request.user)
        if not states.filter(pk=practice.state_id).exists():
            raise PermissionDenied("You change the practices of your own state only.")
        if "state" in given and given.pop("state").pk != practice.state_id:
            raise PermissionDenied("A practice stays with its state.")
        if not practice.is_editable:
            raise Conflict("This practice is with the Secretariat and cannot be changed.")
        data = {**_form_data(practice), **given}
        return Response(self._save(request, data, instance=practice))

    def _validated(self, request, *, partial):
        given = BestPracticeWriteSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        return dict(given.validated_data)
