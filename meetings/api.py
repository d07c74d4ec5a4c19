from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.roles import is_secretariat
from core.api import (
    ModelCleanSerializer,
    PortalViewSet,
    SignedInOnlyCharField,
    SlugRelatedField,
)
from memberstates.api import ID, SLUG, state_field, state_filter
from memberstates.models import SMEBody
from taskforces.models import TaskForce

from .models import AgendaItem, Attendance, Meeting, Outcome


def meeting_field(**kwargs):
    return SlugRelatedField(slug_field="slug", queryset=Meeting.objects.all(), **kwargs)


def meeting_filter():
    return django_filters.ModelChoiceFilter(
        field_name="meeting",
        queryset=Meeting.objects.all(),
        to_field_name="slug",
        help_text="Meeting slug.",
    )


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class AgendaItemSerializer(ModelCleanSerializer):
    meeting = meeting_field()

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "number", "title", "description"]


class DelegationSerializer(ModelCleanSerializer):
    """A member state's delegation; the delegates' names only for signed-in readers."""

    meeting = meeting_field()
    state = state_field()
    head_of_delegation = SignedInOnlyCharField(required=False, allow_blank=True, max_length=200)
    delegates = SignedInOnlyCharField(
        required=False, allow_blank=True, help_text="One delegate per line: name, title."
    )

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "state", "status", "head_of_delegation", "delegates"]


class OutcomeSerializer(ModelCleanSerializer):
    """Outcomes are recorded as drafts; they become final when the meeting's outcomes are
    published (in the Secretariat admin), and a final outcome is never changed."""

    meeting = meeting_field()
    action_items = SlugRelatedField(
        slug_field="reference",
        many=True,
        read_only=True,
        help_text="References of the action items that carry the outcome out.",
    )

    class Meta:
        model = Outcome
        fields = [
            "id",
            "meeting",
            "number",
            "kind",
            "text",
            "status",
            "corrects",
            "action_items",
            "created_at",
        ]
        read_only_fields = ["status", "created_at"]


class MeetingSerializer(ModelCleanSerializer):
    task_force = SlugRelatedField(
        slug_field="slug", queryset=TaskForce.objects.all(), required=False, allow_null=True
    )
    host_state = state_field(required=False, allow_null=True)
    host_body = SlugRelatedField(
        slug_field="acronym", queryset=SMEBody.objects.all(), required=False, allow_null=True
    )
    full_title = serializers.CharField(read_only=True)
    place = serializers.CharField(read_only=True)
    report_url = serializers.SerializerMethodField(
        help_text="The outcome report (PDF), once the outcomes are published."
    )
    agenda_items = AgendaItemSerializer(many=True, read_only=True)
    delegations = DelegationSerializer(source="attendances", many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "slug",
            "kind",
            "number",
            "title",
            "full_title",
            "task_force",
            "host_state",
            "host_body",
            "format",
            "city",
            "venue",
            "place",
            "start_date",
            "end_date",
            "status",
            "summary",
            "outcomes_published_at",
            "report_url",
            "agenda_items",
            "delegations",
            "outcomes",
        ]
        read_only_fields = ["outcomes_published_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_report_url(self, meeting):
        request = self.context["request"]
        if not (meeting.outcomes_are_published or is_secretariat(request.user)):
            return None
        return request.build_absolute_uri(reverse("meetings:report", args=[meeting.slug]))


class OutcomeSummarySerializer(OutcomeSerializer):
    class Meta(OutcomeSerializer.Meta):
        fields = [name for name in OutcomeSerializer.Meta.fields if name != "action_items"]


class MeetingListSerializer(MeetingSerializer):
    """A meeting in a list: its outcomes without the references of their action items, which
    a meeting's own address gives, as does the action-item list filtered by meeting."""

    outcomes = OutcomeSummarySerializer(many=True, read_only=True)
    action_items_url = serializers.SerializerMethodField(
        help_text="The action items arising from the meeting's outcomes."
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "action_items_url"]

    def get_action_items_url(self, meeting) -> str:
        path = reverse("api:action-item-list") + "?" + urlencode({"meeting": meeting.slug})
        return self.context["request"].build_absolute_uri(path)


class MeetingFilter(django_filters.FilterSet):
    host_state = state_filter("host_state")
    task_force = django_filters.ModelChoiceFilter(
        queryset=TaskForce.objects.all(), to_field_name="slug", help_text="Task force slug."
    )
    # `format` is DRF's own parameter (the answer's format).
    meeting_format = django_filters.ChoiceFilter(
        field_name="format", choices=Meeting.Format.choices, help_text="In person, virtual, hybrid."
    )
    year = YearFilter(
        field_name="start_date",
        lookup_expr="year",
        min_value=1,
        max_value=9999,
        help_text="The year the meeting starts in.",
    )

    class Meta:
        model = Meeting
        fields = ["kind", "status", "meeting_format", "host_state", "task_force", "year"]


class MeetingViewSet(PortalViewSet):
    """Meetings with their agenda, delegations and the outcomes the reader may see."""

    serializer_class = MeetingSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    filterset_class = MeetingFilter
    search_fields = ["title", "city", "venue", "summary"]
    ordering_fields = ["start_date", "number"]

    def get_serializer_class(self):
        return MeetingListSerializer if self.action == "list" else MeetingSerializer

    def get_queryset(self):
        outcomes = Outcome.objects.visible_to(self.request.user)
        if self.action != "list":
            outcomes = outcomes.prefetch_related("action_items")
        # A prefetched row knows its meeting already (Django sets it to the meeting of the
        # page): joining the meeting again would build a copy of it for every outcome.
        return Meeting.objects.select_related(
            "task_force", "host_state", "host_body"
        ).prefetch_related(
            "agenda_items",
            Prefetch("attendances", Attendance.objects.select_related("state")),
            Prefetch("outcomes", outcomes),
        )


class AgendaItemFilter(django_filters.FilterSet):
    meeting = meeting_filter()

    class Meta:
        model = AgendaItem
        fields = ["meeting"]


class AgendaItemViewSet(PortalViewSet):
    queryset = AgendaItem.objects.select_related("meeting")
    serializer_class = AgendaItemSerializer
    lookup_value_regex = ID
    filterset_class = AgendaItemFilter


class DelegationFilter(django_filters.FilterSet):
    meeting = meeting_filter()
    state = state_filter("state")

    class Meta:
        model = Attendance
        fields = ["meeting", "state", "status"]


class DelegationViewSet(PortalViewSet):
    queryset = Attendance.objects.select_related("meeting", "state")
    serializer_class = DelegationSerializer
    lookup_value_regex = ID
    filterset_class = DelegationFilter


class OutcomeFilter(django_filters.FilterSet):
    meeting = meeting_filter()

    class Meta:
        model = Outcome
        fields = ["meeting", "kind", "status"]


class OutcomeViewSet(PortalViewSet):
    """Final outcomes are public; drafts only the Secretariat sees."""

    serializer_class = OutcomeSerializer
    lookup_value_regex = ID
    filterset_class = OutcomeFilter
    search_fields = ["text"]

    def get_queryset(self):
        return (
            Outcome.objects.visible_to(self.request.user)
            .select_related("meeting")
            .prefetch_related("action_items")
        )
