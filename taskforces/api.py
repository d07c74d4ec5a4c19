import django_filters

from core.api import ModelCleanSerializer, PortalViewSet
from memberstates.api import SLUG, state_field, state_filter

from .models import TaskForce


class TaskForceSerializer(ModelCleanSerializer):
    coordinators = state_field(many=True, required=False)

    class Meta:
        model = TaskForce
        fields = [
            "id",
            "number",
            "slug",
            "name",
            "status",
            "coordinators",
            "terms_of_reference",
            "tor_approved_on",
        ]


class TaskForceFilter(django_filters.FilterSet):
    coordinator = state_filter("coordinators")

    class Meta:
        model = TaskForce
        fields = ["status", "coordinator"]


class TaskForceViewSet(PortalViewSet):
    queryset = TaskForce.objects.prefetch_related("coordinators")
    serializer_class = TaskForceSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    filterset_class = TaskForceFilter
    search_fields = ["name", "terms_of_reference"]
    ordering_fields = ["number", "name"]
