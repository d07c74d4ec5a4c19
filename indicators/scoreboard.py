"""What the scoreboard pages, the member-state section and the PDF show: published figures
only, read in a fixed number of queries whatever their number, with the charts drawn from the
same figures as the tables."""

from collections import defaultdict

from memberstates.models import MemberState

from .charts import bar_chart, line_chart
from .models import IndicatorValue, NationalDefinition


def latest_definitions(states=None):
    """{state id: its most recent national SME definition}."""
    definitions = NationalDefinition.objects.select_related("state").order_by(
        "state__name", "-year_adopted"
    )
    if states is not None:
        definitions = definitions.filter(state__in=states)
    latest = {}
    for definition in definitions:
        latest.setdefault(definition.state_id, definition)
    return latest


def indicator_board(indicator, *, year=None, values=None):
    """The scoreboard of one indicator: a bar chart across states for one year (the latest
    by default), a line chart over the years, and the same figures as tables."""
    if values is None:
        values = list(
            IndicatorValue.objects.published()
            .filter(indicator=indicator)
            .select_related("state")
            .order_by("year")
        )
    for value in values:
        value.indicator = indicator  # formatting reads the indicator: no query per value
    years = sorted({v.year for v in values})
    if year is None or year not in years:
        year = years[-1] if years else None
    fmt = indicator.format
    by_scope = defaultdict(dict)
    for value in values:
        by_scope[value.scope][value.year] = value
    scopes = sorted(by_scope, key=lambda s: (s == "D-8", s))
    of_year = sorted((v for v in values if v.year == year), key=lambda v: v.value, reverse=True)
    bars = None
    if indicator.level == indicator.Level.STATE and of_year:
        bars = bar_chart(
            f"{indicator.name}, {year}", [(v.scope, v.value) for v in of_year], fmt=fmt
        )
    lines = line_chart(
        f"{indicator.name} over the years",
        {scope: [(y, v.value) for y, v in by_scope[scope].items()] for scope in scopes},
        fmt=fmt,
    )
    table = [{"scope": scope, "cells": [by_scope[scope].get(y) for y in years]} for scope in scopes]
    states = {v.state_id for v in values if v.state_id}
    return {
        "indicator": indicator,
        "year": year,
        "years": years,
        "of_year": of_year,
        "bars": bars,
        "lines": lines,
        "table": table,
        "illustrative": any(v.is_illustrative for v in values),
        "definitions": list(latest_definitions(MemberState.objects.filter(pk__in=states)).values())
        if states
        else [],
    }


def target_board(target):
    """A target's page: the required path, the actual figures against it, and whether the
    latest figure is on track."""
    actual = list(
        IndicatorValue.objects.published()
        .filter(indicator=target.indicator, state=target.state)
        .filter(year__gte=target.baseline_year)
        .order_by("year")
    )
    for value in actual:
        value.indicator = target.indicator
    path = target.path()
    fmt = target.indicator.format
    latest = actual[-1] if actual else None
    rows = []
    by_year = {v.year: v for v in actual}
    for year, expected in path:
        value = by_year.get(year)
        rows.append(
            {
                "year": year,
                "expected": fmt(expected),
                "actual": value,
                "on_track": target.is_on_track(year, value.value) if value else None,
            }
        )
    chart = line_chart(
        target.title,
        {"Actual": [(v.year, v.value) for v in actual]},
        fmt=fmt,
        extra=("Required path", path),
    )
    return {
        "target": target,
        "rate": target.required_rate(),
        "rate_percent": f"{target.required_rate() * 100:.1f}",
        "rows": rows,
        "chart": chart,
        "latest": latest,
        "on_track": target.is_on_track(latest.year, latest.value) if latest else None,
        "illustrative": any(v.is_illustrative for v in actual),
    }


def state_board(state):
    """A member state's published figures, one small trend per indicator."""
    values = list(
        IndicatorValue.objects.published()
        .filter(state=state)
        .select_related("indicator")
        .order_by("indicator__position", "indicator__code", "year")
    )
    by_indicator = defaultdict(list)
    for value in values:
        by_indicator[value.indicator].append(value)
    trends = []
    for indicator, series in by_indicator.items():
        latest = series[-1]
        trends.append(
            {
                "indicator": indicator,
                "latest": latest,
                "chart": line_chart(
                    indicator.name,
                    {state.name: [(v.year, v.value) for v in series]},
                    fmt=indicator.format,
                ),
                "series": series,
            }
        )
    return {
        "state": state,
        "trends": trends,
        "definition": latest_definitions([state]).get(state.pk),
        "illustrative": any(v.is_illustrative for v in values),
    }
