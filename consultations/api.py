import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import (
    Conflict,
    SlugRelatedField,
    iso_date_filter,
    validation_error,
)
from memberstates.api import ID, state_field, state_filter
from memberstates.models import MemberState

from .forms import ConsultationAnswerForm, ConsultationCommentFormSet
from .models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationNotOpen,
    DeadlineExtension,
)
from .services import consultation_answer


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
        try:
            answer = consultation_answer(
                consultation=consultation, user=request.user, state=state, **form.validated_data
            )
        except ConsultationNotOpen as error:
            raise Conflict(error.messages[0]) from error
        revised = answer.revised  # decided under the consultation's lock
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
