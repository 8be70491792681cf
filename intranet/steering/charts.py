"""Bar charts drawn on the server: the geometry here, the SVG in the templates (no script,
no library, nothing from a CDN). Every bar carries its number as text, and the page puts the
table behind each chart next to it, so nothing depends on colour or on seeing the picture."""

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 22, 40


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str  # the CSS class (and pattern) of its series
    label: str  # what a screen reader or tooltip says: "March 2025: 12"

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def text_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass
class Tick:
    x: float
    text: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    gridlines: list[tuple[float, int]]  # (y, value)
    baseline: float
    left: int = LEFT
    right: float = WIDTH - RIGHT


def _scale(maximum: int) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50 … at least the largest value."""
    top, steps = 1, (1, 2, 5)
    magnitude = 1
    while True:
        for step in steps:
            top = step * magnitude
            if top >= maximum:
                return top
        magnitude *= 10


def bar_chart(groups: list[tuple[str, list[tuple[str, int, str]]]], *, every: int = 1) -> Chart:
    """``groups``: (tick text, [(series, value, label) …]) from left to right; the bars of a
    group stand side by side. ``every``: write every n-th tick (the table has them all)."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    top = _scale(max((value for _tick, bars in groups for _s, value, _l in bars), default=0))
    slot = plot_width / max(len(groups), 1)
    per_group = max((len(bars) for _tick, bars in groups), default=1)
    bar_width = slot * 0.8 / per_group
    chart_bars, ticks = [], []
    for index, (tick, bars) in enumerate(groups):
        start = LEFT + index * slot + slot * 0.1
        for position, (series, value, label) in enumerate(bars):
            height = plot_height * value / top if top else 0
            chart_bars.append(Bar(
                x=round(start + position * bar_width, 1), y=round(baseline - height, 1),
                width=round(bar_width * 0.92, 1), height=round(height, 1), value=value,
                series=series, label=label))
        if index % every == 0:
            ticks.append(Tick(x=round(LEFT + index * slot + slot / 2, 1), text=tick))
    gridlines = [(round(baseline - plot_height * part / 4, 1), round(top * part / 4))
                 for part in range(1, 5) if top * part % 4 == 0]
    return Chart(width=WIDTH, height=HEIGHT, bars=chart_bars, ticks=ticks,
                 gridlines=gridlines, baseline=baseline)


HEAT_LEVELS = 4


def heat_level(value: int, maximum: int) -> int:
    """0 for none, then 1–4 by the share of the largest cell (the number is in the cell)."""
    if not value or not maximum:
        return 0
    return max(1, min(HEAT_LEVELS, -(-value * HEAT_LEVELS // maximum)))
