import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from d8portal.api_defaults import SecretariatWritesOrReadOnly
from d8portal.api_support import (
    BooleanFilter,
    Conflict,
    ModelCleanSerializer,
    PortalViewSet,
    SlugRelatedField,
    iso_date_filter,
    validation_error,
)
from d8portal.clock import secretariat_today
from d8portal.uploads import limit_upload_size, oversized_request_problem
from meetings.models import Meeting
from memberstates.api import ID, SLUG, state_field, state_filter
from memberstates.models import MemberState

from .consultations import consultation_answer
from .forms import ConsultationAnswerForm, ConsultationCommentFormSet, ProgressUpdateForm
from .models import (
    ActionItem,
    ActionPlan,
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationNotOpen,
    DeadlineExtension,
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
            ActionPlan.objects.with_progress()
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
    due_before = iso_date_filter(
        field_name="due_date", lookup_expr="lte", help_text="Due on or before this date."
    )
    due_after = iso_date_filter(
        field_name="due_date", lookup_expr="gte", help_text="Due on or after this date."
    )

    class Meta:
        model = ActionItem
        fields = ["state", "lead_state", "plan", "status", "overdue", "due_before", "due_after"]

    def filter_state(self, items, name, state):
        return items.for_state(state)

    def filter_overdue(self, items, name, overdue):
        late = ActionItem.objects.overdue(secretariat_today()).values("pk")
        return items.filter(pk__in=late) if overdue else items.exclude(pk__in=late)


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


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


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

    def initial(self, request, *args, **kwargs):
        # Before authentication, which may read the body for its CSRF check.
        if self.action == "progress_updates":
            if problem := oversized_request_problem(request):
                status_code, message = problem
                error = RequestTooLarge if status_code == 413 else exceptions.ParseError
                raise error(message)
            limit_upload_size(request._request)
        super().initial(request, *args, **kwargs)

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


# --- Written consultations --------------------------------------------------------------------


class ConsultationCommentSerializer(serializers.ModelSerializer):
    response = serializers.ChoiceField(
        choices=ConsultationComment.Response.choices,
        allow_blank=True,
        read_only=True,
        help_text="The Secretariat's response; empty until it responds.",
    )
    item_reference = serializers.CharField(
        source="item.reference", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ConsultationComment
        fields = ["id", "item", "item_reference", "section", "text", "response", "response_reason"]
        read_only_fields = fields


class ConsultationAnswerSerializer(serializers.ModelSerializer):
    state = state_field(read_only=True)
    comments = ConsultationCommentSerializer(many=True, read_only=True)

    class Meta:
        model = ConsultationAnswer
        fields = ["state", "position", "reasons", "comments", "updated_at"]
        read_only_fields = fields


class DeadlineExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineExtension
        fields = ["previous_deadline", "new_deadline", "reason", "extended_at"]
        read_only_fields = fields


class ConsultationSerializer(serializers.ModelSerializer):
    plan = SlugRelatedField(slug_field="slug", read_only=True)
    document = serializers.CharField(
        source="document.title",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Title of the circulated document, when it is not an action plan.",
    )
    states = state_field(many=True, read_only=True)
    state_count = serializers.IntegerField(read_only=True, help_text="States consulted.")
    answer_count = serializers.IntegerField(
        read_only=True, help_text="States that answered themselves (silence not counted)."
    )
    answers = ConsultationAnswerSerializer(
        source="visible_answers",
        many=True,
        read_only=True,
        help_text="The answers the reader may see: their own state's while open (all for the "
        "Secretariat), every state's once closed.",
    )
    extensions = DeadlineExtensionSerializer(many=True, read_only=True)
    result = serializers.ChoiceField(
        choices=Consultation.Result.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until the consultation is closed.",
    )

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "plan",
            "document",
            "summary",
            "states",
            "procedure",
            "status",
            "circulated_on",
            "deadline",
            "extensions",
            "closed_at",
            "result",
            "state_count",
            "answer_count",
            "answers",
        ]
        read_only_fields = fields


class ConsultationFilter(django_filters.FilterSet):
    state = state_filter(None, method="filter_state", label="A consulted member state")
    deadline_before = iso_date_filter(
        field_name="deadline", lookup_expr="lte", help_text="Deadline on or before this date."
    )
    deadline_after = iso_date_filter(
        field_name="deadline", lookup_expr="gte", help_text="Deadline on or after this date."
    )

    class Meta:
        model = Consultation
        fields = ["status", "procedure", "state", "deadline_before", "deadline_after"]

    def filter_state(self, consultations, name, state):
        return consultations.for_states([state])


class ConsultationCommentPostSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of an action item of the circulated plan."
    )
    section = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Or a section reference."
    )
    text = serializers.CharField(allow_blank=True, max_length=10_000)


class ConsultationAnswerPostSerializer(serializers.Serializer):
    """The fields of the browser's answer form; its forms' rules decide
    (ConsultationAnswerForm and ConsultationCommentFormSet)."""

    state = state_field(
        required=False,
        help_text="The state answered for (slug); by default the focal point's own.",
    )
    position = serializers.ChoiceField(choices=ConsultationAnswerForm.POSITIONS)
    reasons = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10_000,
        help_text="Required when the state objects.",
    )
    comments = ConsultationCommentPostSerializer(
        many=True, required=False, max_length=ConsultationCommentFormSet.max_num
    )

    def validate(self, attrs):
        consultation = self.context["consultation"]
        comments = attrs.get("comments", [])
        form = ConsultationAnswerForm(
            data={"position": attrs["position"], "reasons": attrs.get("reasons", "")}
        )
        formset = ConsultationCommentFormSet(
            data=_formset_data(comments),
            prefix=COMMENTS,
            form_kwargs={"consultation": consultation},
        )
        errors = {} if form.is_valid() else _field_errors(form.errors)
        if not formset.is_valid():
            errors[COMMENTS] = formset.non_form_errors() or [
                _field_errors(f.errors) for f in formset
            ]
        elif items_refused := _items_of_a_document(consultation, comments):
            errors[COMMENTS] = items_refused
        if errors:
            raise exceptions.ValidationError(errors)
        return {
            "state": attrs.get("state"),
            "position": form.cleaned_data["position"],
            "reasons": form.cleaned_data["reasons"],
            # An empty comment sent is refused by the service (the page skips its empty rows).
            "comments": [f.comment() for f in formset],
        }


COMMENTS = "comments"


def _formset_data(comments):
    data = {f"{COMMENTS}-TOTAL_FORMS": len(comments), f"{COMMENTS}-INITIAL_FORMS": 0}
    for number, comment in enumerate(comments):
        for key in ("item", "section", "text"):
            value = comment.get(key)
            data[f"{COMMENTS}-{number}-{key}"] = "" if value is None else value
    return data


def _field_errors(form_errors):
    if not form_errors:
        return {}
    return validation_error(DjangoValidationError(form_errors.as_data())).detail


def _items_of_a_document(consultation, comments):
    """A document has no action items: the form has no item field, so it is refused here
    instead of being ignored."""
    if consultation.plan_id:
        return None
    refused = [
        {"item": ["This consultation is on a document: refer to a section."]}
        if comment.get("item") is not None
        else {}
        for comment in comments
    ]
    return refused if any(refused) else None


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Written consultations: closed ones for everyone, open ones for the focal points of the
    consulted states, drafts for the Secretariat; each with the answers the reader may see.
    A focal point answers for their state through `answer`."""

    serializer_class = ConsultationSerializer
    lookup_value_regex = ID
    filterset_class = ConsultationFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["deadline", "created_at"]

    def get_queryset(self):
        user = self.request.user
        answers = (
            ConsultationAnswer.objects.visible_to(user)
            .select_related("state")
            .prefetch_related(
                Prefetch(
                    "comments",
                    queryset=ConsultationComment.objects.select_related("item").order_by("pk"),
                )
            )
            .order_by("state__name")
        )
        return (
            Consultation.objects.visible_to(user)
            .with_counts()
            .select_related("plan", "document")
            .prefetch_related(
                "states",
                Prefetch("answers", queryset=answers, to_attr="visible_answers"),
                Prefetch("extensions", queryset=DeadlineExtension.objects.order_by("extended_at")),
            )
        )

    @extend_schema(
        request=ConsultationAnswerPostSerializer,
        responses={
            200: OpenApiResponse(ConsultationAnswerSerializer, "The state's answer, revised."),
            201: OpenApiResponse(ConsultationAnswerSerializer, "The state's answer, recorded."),
            400: OpenApiResponse(description="Field errors; nothing changed."),
            403: OpenApiResponse(description="Not a focal point of a consulted state."),
            409: OpenApiResponse(
                description="The consultation takes no answers (closed, or past its deadline)."
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        serializer_class=ConsultationAnswerPostSerializer,
    )
    def answer(self, request, pk=None):
        """Answer for your state, or revise its answer, until the deadline (focal points)."""
        consultation = self.get_object()
        form = ConsultationAnswerPostSerializer(
            data=request.data, context={"consultation": consultation}
        )
        form.is_valid(raise_exception=True)
        state = form.validated_data.pop("state") or _only_state(request.user, consultation)
        revised = ConsultationAnswer.objects.filter(consultation=consultation, state=state).exists()
        try:
            answer = consultation_answer(
                consultation=consultation, user=request.user, state=state, **form.validated_data
            )
        except ConsultationNotOpen as error:
            raise Conflict(error.messages[0]) from error
        answer = ConsultationAnswer.objects.prefetch_related(
            Prefetch("comments", ConsultationComment.objects.select_related("item").order_by("pk"))
        ).get(pk=answer.pk)
        return Response(
            ConsultationAnswerSerializer(answer, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if revised else status.HTTP_201_CREATED,
        )


def _only_state(user, consultation):
    """The consulted state the user is a focal point of (a user is one body's focal point)."""
    state = MemberState.objects.of_focal_point(user).filter(consultations=consultation).first()
    if state is None:
        raise PermissionDenied("Only a focal point of a consulted state answers for it.")
    return state
