"""A member state's positions in written consultations, on the state's page: memberstates is
below this app, so its template loads this tag instead of importing anything."""

from django import template

from ..models import ConsultationAnswer

register = template.Library()

# The state's page lists this many positions, the newest first; the consultations list the rest.
POSITIONS_ON_STATE_PAGE = 10


@register.inclusion_tag("consultations/_state_positions.html", takes_context=True)
def state_consultation_positions(context, state):
    """The state's answers the reader may read, newest first, in one query. Whether the reader
    is a focal point of the state (who may open its answer page) or the Secretariat comes with
    every page's context (d8portal's context processor)."""
    speaks_for = context["my_state"] == state
    answers = (
        ConsultationAnswer.objects.visible_to(context["request"].user)
        .filter(state=state)
        .select_related("consultation")
        .order_by("-updated_at", "-pk")[:POSITIONS_ON_STATE_PAGE]
    )
    return {
        "state": state,
        "answers": answers,
        "speaks_for": speaks_for,
        "sees_open": speaks_for or context["is_secretariat"],
    }
