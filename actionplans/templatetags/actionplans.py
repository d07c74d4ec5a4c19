"""Action items on the pages of the apps below (a member state's page, a meeting's page):
memberstates and meetings are below this app, so their templates load these tags instead of
importing anything."""

from django import template

from core.clock import secretariat_today

from ..models import ActionItem

register = template.Library()

# A state's page lists this many open items, the soonest due first; the item list has the rest.
ITEMS_ON_STATE_PAGE = 10


@register.inclusion_tag("actionplans/_state_action_items.html", takes_context=True)
def state_action_items(context, state):
    """The state's action items the reader may see: counts per status and progress (one
    aggregate), then the most urgent open ones. Whether the reader is the Secretariat or a
    focal point of the state comes with every page's context (d8portal's context processor)."""
    request = context["request"]
    user = request.user
    today = secretariat_today()
    secretariat = context["is_secretariat"]
    speaks_for = context["my_state"] == state
    items = ActionItem.objects.visible_to(user).for_state(state)
    summary = items.summary(today)
    urgent = (
        items.open()
        .select_related("plan__agreement")
        .order_by("due_date", "pk")[:ITEMS_ON_STATE_PAGE]
    )
    return {
        "state": state,
        "request": request,
        "user": user,
        "sees_all": secretariat or speaks_for,
        "secretariat": secretariat,
        "summary": summary,
        "status_counts": [
            (label, summary["status_counts"][value]) for value, label in ActionItem.Status.choices
        ],
        "urgent": urgent,
        "today": today,
    }


@register.simple_tag(takes_context=True)
def visible_action_item_ids(context, meeting):
    """Ids of the meeting's action items the reader may open, in one query (none for a
    visitor, who may open none): the page links those and names the others."""
    user = context["request"].user
    return ActionItem.objects.visible_to(user).filter(outcome__meeting=meeting).ids()
