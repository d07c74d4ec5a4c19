"""Charts drawn on the server as SVG geometry: the templates (indicators/_bar_chart.svg.html,
_line_chart.svg.html) turn these numbers into elements, so a chart needs no script, shows in
the PDFs, and every figure drawn is also in the table beside it."""

from dataclasses import dataclass, field

WIDTH = 640
BAR_ROW = 26
LEFT = 130  # room for the state names
RIGHT = 80  # room for the value labels
TOP = 10
LINE_HEIGHT = 260
LINE_LEFT = 70
LINE_BOTTOM = 30
# Lines of up to nine states: colours far enough apart to tell, with the dash pattern as a
# second cue for readers who cannot tell the colours.
COLOURS = [
    "#0b5d3b",
    "#b5651d",
    "#1f5fa8",
    "#a4161a",
    "#6a3d9a",
    "#2a9d8f",
    "#8a6d00",
    "#444",
    "#d1477a",
]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3", ""]


@dataclass
class Bar:
    label: str
    value_text: str
    y: float
    width: float


@dataclass
class BarChart:
    title: str
    bars: list
    width: int = WIDTH
    height: int = 0
    left: int = LEFT
    bar_height: int = BAR_ROW - 8
    plot_width: float = WIDTH - LEFT - RIGHT
    zero_x: float = LEFT


def bar_chart(title, items, *, fmt):
    """A horizontal bar chart of (label, value) pairs, largest first."""
    items = sorted(items, key=lambda pair: pair[1], reverse=True)
    top = max((float(v) for _, v in items), default=0) or 1
    plot = WIDTH - LEFT - RIGHT
    bars = [
        Bar(
            label=label,
            value_text=fmt(value),
            y=TOP + i * BAR_ROW,
            width=round(max(float(value), 0) / top * plot, 1),
        )
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(title=title, bars=bars, height=TOP * 2 + BAR_ROW * max(len(bars), 1))


@dataclass
class Series:
    label: str
    colour: str
    dash: str
    points: str  # the polyline's "x,y x,y"
    dots: list = field(default_factory=list)  # [(x, y, text)]


@dataclass
class LineChart:
    title: str
    series: list
    x_ticks: list  # [(x, label)]
    y_ticks: list  # [(y, label)]
    width: int = WIDTH
    height: int = LINE_HEIGHT
    left: int = LINE_LEFT
    bottom: float = LINE_HEIGHT - LINE_BOTTOM
    right: float = WIDTH - 20


def _nice_ticks(low, high, count=4):
    if high == low:
        high = low + 1
    step = (high - low) / count
    return [low + step * i for i in range(count + 1)]


def line_chart(title, series, *, fmt, extra=None):
    """A line chart of {label: [(year, value)]}; `extra` adds a dashed reference series
    (e.g. a target's required path) as (label, [(year, value)])."""
    everything = dict(series)
    if extra:
        everything[extra[0]] = extra[1]
    points = [(y, float(v)) for pts in everything.values() for y, v in pts]
    if not points:
        return LineChart(title=title, series=[], x_ticks=[], y_ticks=[])
    years = [y for y, _ in points]
    first, last = min(years), max(years)
    low = min(0.0, min(v for _, v in points))
    high = max(v for _, v in points) or 1.0
    bottom, top = LINE_HEIGHT - LINE_BOTTOM, TOP
    right = WIDTH - 20

    def x(year):
        if last == first:
            return (LINE_LEFT + right) / 2
        return round(LINE_LEFT + (year - first) / (last - first) * (right - LINE_LEFT), 1)

    def y(value):
        return round(bottom - (float(value) - low) / (high - low) * (bottom - top), 1)

    drawn = []
    for i, (label, pts) in enumerate(everything.items()):
        pts = sorted(pts)
        is_extra = extra is not None and label == extra[0]
        drawn.append(
            Series(
                label=label,
                colour="#5a6672" if is_extra else COLOURS[i % len(COLOURS)],
                dash="4 4" if is_extra else DASHES[i % len(DASHES)],
                points=" ".join(f"{x(yr)},{y(v)}" for yr, v in pts),
                dots=[]
                if is_extra
                else [(x(yr), y(v), f"{label} {yr}: {fmt(v)}") for yr, v in pts],
            )
        )
    step = max(1, (last - first) // 8 + 1)
    x_ticks = [(x(year), str(year)) for year in range(first, last + 1, step)]
    y_ticks = [(y(v), fmt(v)) for v in _nice_ticks(low, high)]
    return LineChart(title=title, series=drawn, x_ticks=x_ticks, y_ticks=y_ticks)
