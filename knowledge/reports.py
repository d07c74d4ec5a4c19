"""The compendium of best practices: the published practices, grouped by pillar and state,
rendered to PDF by the same machinery as the meeting reports (core.pdf)."""

from itertools import groupby

from django.template.loader import render_to_string

from core.clock import secretariat_today
from core.pdf import render_pdf

from .models import BestPractice, pillar_label

TEMPLATE = "reports/best_practice_compendium.html"
# More than this in one PDF is a book nobody reads, and a render that may hit the deadline.
COMPENDIUM_MAX_PRACTICES = 300


class CompendiumTooLarge(ValueError):
    """The filters select more practices than one compendium holds."""


def compendium_practices(filters):
    """The published practices the catalogue's filters select, in compendium order. Only
    published ones, whatever the filters say."""
    return (
        BestPractice.objects.published()
        .matching(**filters)
        .in_pillar_order()
        .without_vector()
        .select_related("state", "body")
        .prefetch_related("themes", "meetings__task_force", "action_items")
    )


def _grouped(practices):
    """[{pillar label, states: [{state, practices}]}] in the order given."""
    sections = []
    for pillar, in_pillar in groupby(practices, key=lambda p: p.pillar):
        states = [
            {"state": state, "practices": list(of_state)}
            for state, of_state in groupby(in_pillar, key=lambda p: p.state)
        ]
        sections.append({"pillar": pillar_label(pillar), "states": states})
    return sections


def compendium_context(filters, *, applied=(), today=None):
    practices = list(compendium_practices(filters)[: COMPENDIUM_MAX_PRACTICES + 1])
    if len(practices) > COMPENDIUM_MAX_PRACTICES:
        raise CompendiumTooLarge(
            f"The filters select more than {COMPENDIUM_MAX_PRACTICES} practices: narrow them "
            "for a compendium."
        )
    today = today or secretariat_today()
    return {
        "sections": _grouped(practices),
        "practice_count": len(practices),
        "applied": list(applied),
        "report_date": today,
    }


def compendium_render(*, filters, applied=()):
    """The compendium PDF of the practices the filters select; `applied` describes the filters
    in words for the cover. Returns a RenderedPDF."""
    context = compendium_context(filters, applied=applied)
    return render_pdf(render_to_string(TEMPLATE, context))
