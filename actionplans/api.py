import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api import SecretariatWritesOrReadOnly
from core.api import (
    BooleanFilter,
    ModelCleanSerializer,
    PortalViewSet,
    SlugRelatedField,
    iso_date_filter,
    validation_error,
)
from core.clock import secretariat_today
from meetings.models import Meeting
from memberstates.api import ID, SLUG, state_field, state_filter

from .forms import ProgressUpdateForm
from .models import (
    ActionItem,
    ActionPlan,
    ProgressUpdate,
)
from .services import progress_update_post


def plan_field(**kwargs):
    return SlugRelatedField(slug_field="slug", queryset=ActionPlan.objects.all(), **kwargs)


def meeting_field():
    return SlugRelatedField(
        slug_field="slug", queryset=Meeting.objects.all(), required=False, allow_null=True
    )


class ActionItemSummarySerializer(serializers.ModelSerializer):
    """What the plan's public page shows of each item."""

    lead_state = state_field(read_only=True)
    supporting_states = state_field(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "reference",
            "title",
            "lead_state",
            "supporting_states",
            "due_date",
            "status",
            "percent_complete",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, item) -> bool:
        return item.is_overdue(self.context.get("today"))


class ActionPlanSerializer(ModelCleanSerializer):
    proposed_by = state_field(required=False, allow_null=True)
    tabled_at = meeting_field()
    adopted_at = meeting_field()
    superseded_by = plan_field(required=False, allow_null=True)
    progress = serializers.SerializerMethodField(
        help_text="Weighted percent complete of the items that are not cancelled."
    )
    items = ActionItemSummarySerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "proposed_by",
            "tabled_at",
            "adopted_at",
            "superseded_by",
            "summary",
            "progress",
            "items",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0, max_value=100))
    def get_progress(self, plan):
        return plan.progress()


class ActionPlanFilter(django_filters.FilterSet):
    proposed_by = state_filter("proposed_by")

    class Meta:
        model = ActionPlan
        fields = ["status", "proposed_by"]


def _with_states(items):
    return items.select_related("lead_state").prefetch_related("supporting_states")


class TodayMixin:
    def get_serializer_context(self):
        # One calendar date for every row of an answer.
        return {**super().get_serializer_context(), "today": secretariat_today()}


class ActionPlanViewSet(TodayMixin, PortalViewSet):
    """Action plans are public, with a summary of their items as on the plan's page."""

    serializer_class = ActionPlanSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    filterset_class = ActionPlanFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["title"]

    def get_queryset(self):
        return (
            ActionPlan.objects.of_the_d8()
            .with_progress()
            .order_by("title", "pk")  # aggregates drop the model's default ordering
            .select_related("proposed_by", "tabled_at", "adopted_at", "superseded_by")
            .prefetch_related(Prefetch("items", _with_states(ActionItem.objects.all())))
        )


class ActionItemSerializer(ModelCleanSerializer):
    plan = plan_field()
    lead_state = state_field()
    supporting_states = state_field(many=True, required=False)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "plan",
            "outcome",
            "lead_state",
            "supporting_states",
            "due_date",
            "status",
            "percent_complete",
            "weight",
            "is_overdue",
            "updated_at",
        ]

    def get_is_overdue(self, item) -> bool:
        return item.is_overdue(self.context.get("today"))

    def validate(self, attrs):
        # An item's status and percent change only by posting progress, which keeps its history.
        if self.instance is not None:
            changed = {
                name: "Post a progress update to change this (POST …/progress-updates/)."
                for name in ("status", "percent_complete")
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if changed:
                raise serializers.ValidationError(changed)
        return super().validate(attrs)


class ActionItemFilter(django_filters.FilterSet):
    state = state_filter(
        None, method="filter_state", label="Responsible state (lead or supporting)"
    )
    lead_state = state_filter("lead_state")
    plan = django_filters.ModelChoiceFilter(
        queryset=ActionPlan.objects.all(), to_field_name="slug", help_text="Action plan slug."
    )
    overdue = BooleanFilter(
        method="filter_overdue", help_text="Open items past their due date (or, false, the rest)."
    )
    meeting = django_filters.CharFilter(
        field_name="outcome__meeting__slug",
        help_text="Slug of the meeting whose outcomes the items carry out.",
    )
    due_before = iso_date_filter(
        field_name="due_date", lookup_expr="lte", help_text="Due on or before this date."
    )
    due_after = iso_date_filter(
        field_name="due_date", lookup_expr="gte", help_text="Due on or after this date."
    )

    class Meta:
        model = ActionItem
        fields = [
            "state",
            "lead_state",
            "plan",
            "meeting",
            "status",
            "overdue",
            "due_before",
            "due_after",
        ]

    def filter_state(self, items, name, state):
        return items.matching(state=state)

    def filter_overdue(self, items, name, overdue):
        return items.matching(overdue=overdue)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text="The author's name.")
    author_state = serializers.SerializerMethodField(
        help_text="The member state the author is a focal point of, if any."
    )
    evidence_url = serializers.SerializerMethodField(
        help_text="Download of the evidence file (signed-in browser session)."
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "item",
            "created_at",
            "status",
            "percent_complete",
            "narrative",
            "author",
            "author_state",
            "evidence_name",
            "evidence_url",
        ]
        read_only_fields = fields

    def get_author(self, update) -> str:
        return update.author.get_full_name() or update.author.get_username()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_state(self, update):
        focal_point = getattr(update.author, "focal_point", None)
        return focal_point.body.state.slug if focal_point else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence_url(self, update):
        if not update.evidence:
            return None
        return self.context["request"].build_absolute_uri(update.get_evidence_url())


class ProgressUpdatePostSerializer(serializers.Serializer):
    """The fields of the browser's progress form; its rules decide (ProgressUpdateForm)."""

    status = serializers.ChoiceField(choices=ActionItem.Status.choices)
    percent_complete = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="Leave out to use the usual figure for the status.",
    )
    narrative = serializers.CharField(max_length=10_000, help_text="What was done.")
    evidence = serializers.FileField(
        required=False, help_text="PDF, Word, Excel or an image (multipart/form-data)."
    )

    def validate(self, attrs):
        evidence = attrs.pop("evidence", None)
        form = ProgressUpdateForm(
            data={k: v for k, v in attrs.items() if v is not None},
            files={"evidence": evidence} if evidence else {},
            too_large=self.context["too_large"],
        )
        if not form.is_valid():
            raise validation_error(DjangoValidationError(form.errors.as_data()))
        return form.cleaned_data


class ActionItemViewSet(TodayMixin, PortalViewSet):
    """The items the reader's member state is responsible for; every item for the Secretariat."""

    permission_classes = [IsAuthenticated, SecretariatWritesOrReadOnly]
    serializer_class = ActionItemSerializer
    lookup_value_regex = ID
    filterset_class = ActionItemFilter
    search_fields = ["reference", "title", "description"]
    ordering_fields = ["due_date", "percent_complete", "updated_at", "reference"]

    def get_queryset(self):
        items = ActionItem.objects.visible_to(self.request.user).select_related("plan")
        return _with_states(items)

    @extend_schema(
        request={
            "multipart/form-data": ProgressUpdatePostSerializer,
            "application/json": ProgressUpdatePostSerializer,
        },
        responses={201: ProgressUpdateSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="progress-updates",
        permission_classes=[IsAuthenticated],
        serializer_class=ProgressUpdatePostSerializer,
    )
    def progress_updates(self, request, pk=None):
        """Post a progress update, as a focal point of a responsible state or the Secretariat."""
        item = self.get_object()
        form = ProgressUpdatePostSerializer(
            data=request.data,
            context={"too_large": getattr(request, "too_large_uploads", ())},
        )
        form.is_valid(raise_exception=True)
        update = progress_update_post(item=item, user=request.user, **form.validated_data)
        answer = ProgressUpdateSerializer(update, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)


class ProgressUpdateFilter(django_filters.FilterSet):
    # By id, not as a choice of all items: the answer must not tell which other items exist.
    item = django_filters.NumberFilter(field_name="item_id", help_text="Action item id.")
    state = state_filter(
        None, method="filter_state", label="Responsible state of the item (lead or supporting)"
    )
    plan = django_filters.ModelChoiceFilter(
        field_name="item__plan",
        queryset=ActionPlan.objects.all(),
        to_field_name="slug",
        help_text="Action plan slug.",
    )
    posted_after = iso_date_filter(
        field_name="created_at", lookup_expr="date__gte", help_text="Posted on or after this date."
    )
    posted_before = iso_date_filter(
        field_name="created_at", lookup_expr="date__lte", help_text="Posted on or before this date."
    )

    class Meta:
        model = ProgressUpdate
        fields = ["item", "state", "plan", "status", "posted_after", "posted_before"]

    def filter_state(self, updates, name, state):
        return updates.filter(item__in=ActionItem.objects.for_state(state))


class ProgressUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """Progress history, visible as the items are. Post through the item's `progress-updates`."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProgressUpdateSerializer
    lookup_value_regex = ID
    filterset_class = ProgressUpdateFilter
    search_fields = ["narrative"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        items = ActionItem.objects.visible_to(self.request.user)
        return ProgressUpdate.objects.filter(item__in=items).select_related(
            "author__focal_point__body__state"
        )
