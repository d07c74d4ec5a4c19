"""The scoreboard PDF: one page per indicator with its charts and table, then the states'
national SME definitions, rendered by the same machinery as the meeting reports (core.pdf)."""

from collections import defaultdict

from django.template.loader import render_to_string

from core.clock import secretariat_today
from core.pdf import render_pdf

from .models import Indicator, IndicatorValue
from .scoreboard import indicator_board, latest_definitions

TEMPLATE = "reports/scoreboard.html"
# More figures than this make a PDF nobody reads and a render that may hit the time limit.
SCOREBOARD_MAX_VALUES = 20_000


class ScoreboardTooLarge(ValueError):
    """More published figures than one scoreboard PDF holds."""


def scoreboard_context(*, today=None):
    values = list(
        IndicatorValue.objects.published()
        .select_related("state")
        .order_by("indicator_id", "year")[: SCOREBOARD_MAX_VALUES + 1]
    )
    if len(values) > SCOREBOARD_MAX_VALUES:
        raise ScoreboardTooLarge(
            f"More than {SCOREBOARD_MAX_VALUES} published figures: the PDF would be too large."
        )
    by_indicator = defaultdict(list)
    for value in values:
        by_indicator[value.indicator_id].append(value)
    boards = [
        indicator_board(indicator, values=by_indicator[indicator.pk])
        for indicator in Indicator.objects.all()
        if by_indicator[indicator.pk]
    ]
    return {
        "boards": boards,
        "definitions": list(latest_definitions().values()),
        "report_date": today or secretariat_today(),
        "illustrative": any(v.is_illustrative for v in values),
    }


def scoreboard_render():
    """The scoreboard PDF of every published figure. Returns a RenderedPDF."""
    return render_pdf(render_to_string(TEMPLATE, scoreboard_context()))
