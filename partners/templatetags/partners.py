"""The cooperation network on a member state's page: memberstates is below this app, so its
template loads this tag instead of importing anything."""

import datetime

from django import template

from core.clock import secretariat_today

from ..models import Activity, Agreement

register = template.Library()

BAR_HEIGHT = 22
ROW_GAP = 10
LABEL_WIDTH = 180
UNIT = 40  # pixels per agreement
TOP = 30


def network_figures(state):
    """[(partner, {status: count}, [count per status in Status order], total)] for the state's
    agreements with partners, partners by name. One query."""
    rows = {}
    agreements = Agreement.objects.of_state(state).exclude(partner=None).select_related("partner")
    for agreement in agreements.order_by("partner__name", "pk"):
        counts = rows.setdefault(agreement.partner, {})
        counts[agreement.status] = counts.get(agreement.status, 0) + 1
    statuses = [value for value, _ in Agreement.Status.choices]
    return [
        (partner, counts, [counts.get(s, 0) for s in statuses], sum(counts.values()))
        for partner, counts in rows.items()
    ]


def _svg_rows(figures):
    statuses = [value for value, _ in Agreement.Status.choices]
    bars = []
    for index, (partner, counts, _, _) in enumerate(figures):
        y = TOP + index * (BAR_HEIGHT + ROW_GAP)
        x = LABEL_WIDTH
        segments = []
        for status in statuses:
            if counts.get(status):
                width = counts[status] * UNIT
                segments.append({"x": x, "width": width, "status": status, "count": counts[status]})
                x += width
        bars.append(
            {"partner": partner, "y": y, "text_y": y + BAR_HEIGHT - 6, "segments": segments}
        )
    return bars


@register.inclusion_tag("partners/_cooperation_network.html", takes_context=True)
def cooperation_network(context, state):
    user = context["request"].user
    today = secretariat_today()
    figures = network_figures(state)
    widest = max((total for *_, total in figures), default=0)
    agreements = Agreement.objects.of_state(state).with_parties().order_by("partner__name")
    activities = (
        Activity.objects.visible_to(user)
        .filter(item__plan__agreement__body__state=state)
        .between(today - datetime.timedelta(days=365), today + datetime.timedelta(days=365))
        .with_records()
        .order_by("start_date", "pk")
    )
    return {
        "state": state,
        "figures": figures,
        "statuses": Agreement.Status.choices,
        "bars": _svg_rows(figures),
        "width": LABEL_WIDTH + widest * UNIT + 20,
        "height": TOP + len(figures) * (BAR_HEIGHT + ROW_GAP),
        "bar_height": BAR_HEIGHT,
        "agreements": agreements,
        "activities": activities,
        "request": context["request"],
        "user": user,
    }
