import django_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.api import ModelCleanSerializer, PortalViewSet, SlugRelatedField
from memberstates.api import ID, SLUG, state_filter
from memberstates.models import SMEBody

from .models import Activity, Agreement, Partner
from .services import activity_save, agreement_save


class PartnerSerializer(CountryFieldMixin, ModelCleanSerializer):
    class Meta:
        model = Partner
        fields = ["id", "slug", "kind", "name", "acronym", "country", "website", "description"]


class PartnerViewSet(PortalViewSet):
    """Partners: read by everyone, kept by the Secretariat."""

    queryset = Partner.objects.all()
    serializer_class = PartnerSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    search_fields = ["name", "acronym"]
    ordering_fields = ["name"]
    filterset_fields = ["kind"]


class SignedInWrites(BasePermission):
    """Writing needs an account; the services decide whose records it may change."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated


class AgreementSerializer(serializers.ModelSerializer):
    body = SlugRelatedField(
        slug_field="acronym",
        queryset=SMEBody.objects.all(),
        allow_null=True,
        required=False,
        help_text="The member state's SME body (acronym); null when the Secretariat is a party.",
    )
    partner = SlugRelatedField(
        slug_field="slug", queryset=Partner.objects.all(), help_text="The partner (slug)."
    )
    state = serializers.CharField(source="body.state.slug", read_only=True, default=None)
    mou = serializers.PrimaryKeyRelatedField(read_only=True)
    summary = serializers.SerializerMethodField()
    text_url = serializers.SerializerMethodField(
        help_text="The text of the agreement, for readers allowed to see it."
    )
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "title",
            "state",
            "body",
            "partner",
            "mou",
            "status",
            "signed_on",
            "in_force_on",
            "valid_until",
            "automatic_renewal",
            "is_published",
            "summary",
            "text_url",
            "plan",
        ]
        read_only_fields = ["id", "mou", "plan"]

    def _shows_all(self, agreement):
        return agreement.shows_all_to(None, reader=self.context["reader"])

    def get_summary(self, agreement) -> str | None:
        return agreement.summary if self._shows_all(agreement) else None

    def get_text_url(self, agreement) -> str | None:
        if agreement.text and self._shows_all(agreement):
            return reverse("partners:agreement-text", args=[agreement.pk])
        return None

    def to_internal_value(self, data):
        validated = super().to_internal_value(data)
        if "summary" in data:
            validated["summary"] = serializers.CharField(allow_blank=True).run_validation(
                data["summary"]
            )
        return validated


class AgreementFilter(django_filters.FilterSet):
    state = state_filter("body__state")
    partner = django_filters.CharFilter(field_name="partner__slug")

    class Meta:
        model = Agreement
        fields = ["state", "partner", "kind", "status"]


class AgreementViewSet(PortalViewSet):
    """Agreements: public fields for everyone; the summary and text for the agreement's state,
    the Secretariat, or everyone once published. Focal points record their own state's."""

    queryset = Agreement.objects.with_parties().select_related("plan").order_by("pk")
    serializer_class = AgreementSerializer
    permission_classes = [SignedInWrites]
    lookup_value_regex = ID
    filterset_class = AgreementFilter
    search_fields = ["title"]
    ordering_fields = ["signed_on", "valid_until", "title"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "reader": Agreement.reader(self.request.user)}

    def perform_create(self, serializer):
        self._save(serializer, None)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def _save(self, serializer, agreement):
        try:
            with transaction.atomic():
                serializer.instance = agreement_save(
                    user=self.request.user, agreement=agreement, **serializer.validated_data
                )
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc


class ActivitySerializer(serializers.ModelSerializer):
    agreement = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), source="item.plan.agreement"
    )
    title = serializers.CharField(source="item.title", max_length=300)
    description = serializers.CharField(source="item.description", required=False, default="")
    due_date = serializers.DateField(source="item.due_date", help_text="The end date.")
    reference = serializers.CharField(source="item.reference", read_only=True)
    status = serializers.CharField(source="item.status", read_only=True)
    percent_complete = serializers.IntegerField(source="item.percent_complete", read_only=True)
    item = serializers.IntegerField(source="item.pk", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "agreement",
            "reference",
            "item",
            "title",
            "description",
            "kind",
            "responsible",
            "start_date",
            "due_date",
            "status",
            "percent_complete",
            "report",
            "is_published",
        ]


class ActivityFilter(django_filters.FilterSet):
    agreement = django_filters.NumberFilter(field_name="item__plan__agreement")
    state = state_filter("item__lead_state")

    class Meta:
        model = Activity
        fields = ["agreement", "state", "kind"]


class ActivityViewSet(PortalViewSet):
    """Activities: published ones of published agreements for everyone, all of their state's
    for focal points; status and progress are posted on the activity's action item."""

    serializer_class = ActivitySerializer
    permission_classes = [SignedInWrites]
    lookup_value_regex = ID
    filterset_class = ActivityFilter
    ordering_fields = ["start_date"]

    def get_queryset(self):
        return Activity.objects.visible_to(self.request.user).with_records().order_by("pk")

    def perform_create(self, serializer):
        self._save(serializer, None)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def _save(self, serializer, activity):
        data = dict(serializer.validated_data)
        item = data.pop("item", {})
        fields = {
            "title": item.get("title", activity and activity.item.title),
            "description": item.get("description", activity.item.description if activity else ""),
            "due_date": item.get("due_date", activity and activity.item.due_date),
            "kind": data.get("kind", activity and activity.kind),
            "responsible": data.get("responsible", activity and activity.responsible)
            or Activity.Responsible.STATE,
            "start_date": data.get("start_date", activity and activity.start_date),
            "report": data.get("report", activity.report if activity else ""),
            "is_published": data.get("is_published", activity.is_published if activity else False),
        }
        agreement = item.get("plan", {}).get("agreement")
        try:
            with transaction.atomic():
                serializer.instance = activity_save(
                    user=self.request.user, agreement=agreement, activity=activity, **fields
                )
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
