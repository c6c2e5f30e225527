"""Bar charts drawn on the server as SVG (no script: the portal's CSP allows none inline, and a
chart must work without one). A chart is never the only way to read a figure: each template
puts the same figures in a table beside it. Charts draw released figures only (suppression
applied): a withheld bar is left out and its table cell says why."""

from dataclasses import dataclass

LABEL_WIDTH = 230
PLOT_WIDTH = 360
BAR_HEIGHT = 16
GROUP_GAP = 12
TOP = 8
# NYSDS-like colours with at least 3:1 contrast against white (WCAG 1.4.11).
COLOURS = ["#154973", "#b35c00", "#1e752e", "#6e3c8c"]


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    colour: str
    text: str  # the value, written at the end of the bar
    text_x: int


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    categories: list  # (label, y)
    bars: list
    legend: list  # (name, colour)
    description: str


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list]]) -> Chart:
    """Horizontal bars: one group per category, one bar per series. A value of None (withheld)
    draws no bar."""
    values = [v for _name, vals in series for v in vals if v is not None]
    top = max(values, default=0) or 1
    group_height = len(series) * BAR_HEIGHT + GROUP_GAP
    bars, labels = [], []
    for index, category in enumerate(categories):
        y0 = TOP + index * group_height
        labels.append((category, y0 + len(series) * BAR_HEIGHT // 2 + 4))
        for position, (_name, vals) in enumerate(series):
            value = vals[index]
            if value is None:
                continue
            width = round(PLOT_WIDTH * value / top)
            y = y0 + position * BAR_HEIGHT
            bars.append(
                Bar(
                    LABEL_WIDTH,
                    y,
                    width,
                    BAR_HEIGHT - 2,
                    COLOURS[position % 4],
                    _number(value),
                    LABEL_WIDTH + width + 4,
                )
            )
    legend = [(name, COLOURS[i % 4]) for i, (name, _vals) in enumerate(series)]
    return Chart(
        title=title,
        width=LABEL_WIDTH + PLOT_WIDTH + 60,
        height=TOP + len(categories) * group_height + 4,
        categories=labels,
        bars=bars,
        legend=legend,
        description=f"Bar chart: {title}. The same figures are in the table.",
    )


def _number(value) -> str:
    return str(value) if isinstance(value, int) else f"{value:.0f}"
