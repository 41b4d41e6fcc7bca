"""The dashboard's charts as SVG, written directly (no CDN, no browser library, no plotting
library): bars against a target, rates over time, a burn-up, a funnel.

Text stays text: each label is an SVG ``<text>`` whose font-family names a CJK stack, so the
browser draws the Chinese with its own fonts and the downloaded SVG stays searchable. Layout
needs text widths before a browser has the font: they are estimated per character (CJK and
other wide characters one em, the rest about half), generous enough that labels do not touch.
matplotlib drew these charts until it cost over a second of a cold dashboard (eight charts,
constrained layout measuring every text); the same marks written here cost milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from xml.sax.saxutils import escape, quoteattr

from api.web.i18n import N_, gettext_for

CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "SimHei", "DejaVu Sans", "sans-serif"]
FONT_FAMILY = ", ".join(f"'{font}'" if " " in font else font for font in CJK_FONTS)
STATUS_COLOURS = {"achieved": "#1b7f3b", "on_track": "#2f6fb0", "at_risk": "#d08a00",
                  "behind": "#c0392b", "none": "#7f8c8d"}
LINE_COLOURS = ("#2f6fb0", "#c0392b", "#1b7f3b", "#d08a00", "#8e44ad", "#16a085", "#7f8c8d",
                "#2c3e50", "#e67e22", "#27ae60", "#b03a2e", "#5d6d7e")
ACTUAL = "#2f6fb0"
TARGET = "#c0392b"
FORECAST = "#8e44ad"
IDEAL = "#95a5a6"
INK = "#222222"
GRID = "#b0b0b0"
DPI = 96  # figure sizes are in inches and type sizes in points, as they were under matplotlib
PT = DPI / 72
FONT = 13 * PT
TITLE_FONT = 16 * PT
TICK_FONT = 13 * PT
SMALL_FONT = 10 * PT
TOP = 60.0  # the plotting area starts below the title
DASHES = {"solid": "", "dashed": "7 4", "dotted": "2 3", "dashdot": "8 3 2 3"}

_LOCK = threading.Lock()  # guards the cache (charts are drawn in worker threads)
_CACHE: OrderedDict[str, str] = OrderedDict()
CACHE_SIZE = 256
Chart = TypeVar("Chart", bound=Callable[..., str])


def remembered(draw: Chart) -> Chart:
    """Keep the last charts drawn: the same data always gives the same SVG, so a dashboard
    viewed again is not drawn again (the key is the chart's inputs: other data, another
    chart)."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        key = repr((draw.__name__, args, sorted(kwargs.items())))
        with _LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
        svg = draw(*args, **kwargs)
        with _LOCK:
            _CACHE[key] = svg
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        return svg

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    rate: float | None
    numerator: int = 0
    denominator: int = 0


def text_width(text: str, size: float) -> float:
    """An estimate of ``text``'s width in pixels at ``size`` (wide characters one em)."""
    ems = sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.58 for char in text)
    return ems * size


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


class Canvas:
    """An SVG document built in order: later marks are drawn over earlier ones."""

    def __init__(self, width: float, height: float) -> None:
        self.width = round(width)
        self.height = round(height)
        self.parts: list[str] = []

    def rect(self, x: float, y: float, width: float, height: float, fill: str) -> None:
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" '
                          f'height="{_num(max(height, 0.0))}" fill="{fill}"/>')

    def line(self, points: Sequence[tuple[float, float]], colour: str, width: float = 1.0,
             dash: str = "solid", opacity: float = 1.0) -> None:
        if len(points) < 2:
            return
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        extra = f' stroke-dasharray="{DASHES[dash]}"' if DASHES[dash] else ""
        if opacity < 1:
            extra += f' stroke-opacity="{opacity}"'
        self.parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                          f'stroke-width="{width}" stroke-linejoin="round"{extra}/>')

    def dots(self, points: Sequence[tuple[float, float]], colour: str, radius: float) -> None:
        for x, y in points:
            self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{radius}" '
                              f'fill="{colour}"/>')

    def text(self, x: float, y: float, text: str, *, size: float = FONT, anchor: str = "start",
             colour: str = INK, bold: bool = False, rotate: float = 0.0,
             baseline: str = "alphabetic") -> None:
        attributes = [f'x="{_num(x)}"', f'y="{_num(y)}"', f'font-size="{_num(size)}"',
                      f'fill="{colour}"']
        if anchor != "start":
            attributes.append(f'text-anchor="{anchor}"')
        if bold:
            attributes.append('font-weight="bold"')
        if baseline != "alphabetic":
            attributes.append(f'dominant-baseline="{baseline}"')
        if rotate:
            attributes.append(f'transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"')
        self.parts.append(f"<text {' '.join(attributes)}>{escape(text)}</text>")

    def svg(self, label: str) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" '
                f'font-family={quoteattr(FONT_FAMILY)} role="img" aria-label={quoteattr(label)}>'
                f'<rect width="{self.width}" height="{self.height}" fill="white"/>'
                + "".join(self.parts) + "</svg>")


@dataclass(slots=True)
class Plot:
    """The plotting area of a canvas and its scales (data to pixels)."""

    canvas: Canvas
    left: float
    top: float
    right: float
    bottom: float
    x_min: float
    x_max: float
    y_min: float
    y_max: float

    def x(self, value: float) -> float:
        span = (self.x_max - self.x_min) or 1.0
        return self.left + (value - self.x_min) / span * (self.right - self.left)

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1.0
        return self.bottom - (value - self.y_min) / span * (self.bottom - self.top)

    def hline(self, value: float, colour: str, width: float, dash: str) -> None:
        self.canvas.line([(self.left, self.y(value)), (self.right, self.y(value))], colour,
                         width, dash)

    def vline(self, value: float, colour: str, width: float, dash: str) -> None:
        self.canvas.line([(self.x(value), self.top), (self.x(value), self.bottom)], colour,
                         width, dash)

    def axes(self, *, left_spine: bool = True, bottom_spine: bool = True) -> None:
        if left_spine:
            self.canvas.line([(self.left, self.top), (self.left, self.bottom)], INK, 1)
        if bottom_spine:
            self.canvas.line([(self.left, self.bottom), (self.right, self.bottom)], INK, 1)

    def y_ticks(self, ticks: Sequence[tuple[float, str]], grid: bool) -> None:
        for value, label in ticks:
            y = self.y(value)
            if grid:
                self.canvas.line([(self.left, y), (self.right, y)], GRID, 0.8, opacity=0.6)
            self.canvas.line([(self.left - 4, y), (self.left, y)], INK, 1)
            self.canvas.text(self.left - 7, y, label, size=TICK_FONT, anchor="end",
                             baseline="central")

    def x_ticks(self, ticks: Sequence[tuple[float, str]], grid: bool) -> None:
        for value, label in ticks:
            x = self.x(value)
            if grid:
                self.canvas.line([(x, self.top), (x, self.bottom)], GRID, 0.8, opacity=0.6)
            self.canvas.line([(x, self.bottom), (x, self.bottom + 4)], INK, 1)
            self.canvas.text(x, self.bottom + 7 + TICK_FONT, label, size=TICK_FONT,
                             anchor="middle")


@dataclass(frozen=True, slots=True)
class Key:
    """One legend entry: a line sample (with a dot when the line has markers) and a label;
    ``width`` in points like the line's."""

    label: str
    colour: str
    dash: str = "solid"
    width: float = 2.0
    marker: bool = False


def _legend_size(keys: Sequence[Key], size: float) -> tuple[float, float]:
    widest = max((text_width(key.label, size) for key in keys), default=0.0)
    return 34 + widest, len(keys) * size * 1.45


def _legend(canvas: Canvas, keys: Sequence[Key], x: float, y: float, size: float) -> None:
    """Entries from (x, y), the top left corner, one a row."""
    row = size * 1.45
    for index, key in enumerate(keys):
        middle = y + row * index + row / 2
        canvas.line([(x, middle), (x + 26, middle)], key.colour, key.width * PT, key.dash)
        if key.marker:
            canvas.dots([(x + 13, middle)], key.colour, 3)
        canvas.text(x + 32, middle, key.label, size=size, baseline="central")


def _legend_inside(plot: Plot, keys: Sequence[Key], corner: str) -> None:
    width, height = _legend_size(keys, 12 * PT)
    x = plot.right - width - 8 if corner.endswith("right") else plot.left + 8
    y = plot.bottom - height - 6 if corner.startswith("lower") else plot.top + 6
    plot.canvas.rect(x - 4, y - 2, width + 8, height + 4, "white")
    _legend(plot.canvas, keys, x, y, 12 * PT)


def _status_colour(rate: float | None, target: float | None) -> str:
    if rate is None:
        return STATUS_COLOURS["none"]
    if target is None or rate >= target:
        return STATUS_COLOURS["achieved"]
    if rate >= target - 0.05:
        return STATUS_COLOURS["at_risk"]
    return STATUS_COLOURS["behind"]


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


PERCENT_TICKS = [(value / 10, _percent(value / 10)) for value in range(0, 11, 2)]


def _nice_step(span: float, most: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving at most ``most`` intervals."""
    raw = span / max(most, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return float(factor * power)
    return float(10 * power)


def integer_ticks(highest: float, most: int = 8) -> list[tuple[float, str]]:
    """Whole-number ticks from 0 to ``highest``."""
    step = max(1.0, math.ceil(_nice_step(highest or 1.0, most)))
    count = int(highest // step)
    return [(step * index, f"{step * index:.0f}") for index in range(count + 1)]


def date_ticks(first: dt.date, last: dt.date) -> list[tuple[float, str]]:
    """Ticks on year starts (every 1, 2, 5... years) for spans of years; on month starts
    (every 1, 2, 3 or 6 months) for shorter spans; at most about nine."""
    days = (last - first).days
    if days > 3 * 365:
        step = max(1, math.ceil(_nice_step(days / 365.25, 9)))
        years = range(first.year + 1 if first > dt.date(first.year, 1, 1) else first.year,
                       last.year + 1)
        return [(float(dt.date(year, 1, 1).toordinal()), str(year)) for year in years
                if year % step == 0]
    step = next((months for months in (1, 2, 3, 6, 12) if days / 30.4 / months <= 9), 12)
    ticks: list[tuple[float, str]] = []
    year, month = first.year, first.month
    while True:
        day = dt.date(year, month, 1)
        if day > last:
            break
        if day >= first and (month - 1) % step == 0:
            ticks.append((float(day.toordinal()), f"{year}-{month:02d}"))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return ticks


def _date_range(days: Sequence[dt.date]) -> tuple[float, float, dt.date, dt.date]:
    """The x scale's ends for ``days``, with a margin of 5 % either side."""
    if not days:
        today = dt.date.today()
        days = [today.replace(year=today.year - 1), today]
    first, last = min(days), max(days)
    if first == last:
        first, last = first - dt.timedelta(days=30), last + dt.timedelta(days=30)
    margin = (last - first).days * 0.05
    return (first.toordinal() - margin, last.toordinal() + margin,
            dt.date.fromordinal(math.floor(first.toordinal() - margin)),
            dt.date.fromordinal(math.ceil(last.toordinal() + margin)))


def _ordinal(day: dt.date) -> float:
    return float(day.toordinal())


def _title(canvas: Canvas, plot: Plot | None, text: str, *, left: bool) -> None:
    if left and plot is not None:
        canvas.text(plot.left, 32, text, size=TITLE_FONT, bold=True)
    else:
        middle = (plot.left + plot.right) / 2 if plot is not None else canvas.width / 2
        canvas.text(middle, 32, text, size=TITLE_FONT, bold=True, anchor="middle")


def _time_plot(canvas: Canvas, days: Sequence[dt.date], y_max: float, y_labels: Sequence[str],
               *, ylabel: str = "", right_room: float = 0.0) -> tuple[Plot, list[
                   tuple[float, str]]]:
    x_min, x_max, first, last = _date_range(days)
    widest = max((text_width(label, TICK_FONT) for label in y_labels), default=0.0)
    left = 14 + widest + (FONT * 1.6 if ylabel else 0)
    plot = Plot(canvas, left=left, top=TOP, right=canvas.width - 18 - right_room,
                bottom=canvas.height - 34, x_min=x_min, x_max=x_max, y_min=0.0, y_max=y_max)
    if ylabel:
        canvas.text(14, (plot.top + plot.bottom) / 2, ylabel, size=FONT, anchor="middle",
                    rotate=-90, baseline="central")
    return plot, date_ticks(first, last)


@remembered
def bars_chart(name: str, title: str, bars: Sequence[Bar], target: float | None,
               *, ylabel: str = "", language: str = "zh") -> str:
    """Rates by group (city, sector) as bars, coloured against ``target``, with its line;
    each bar says its rate and its n (the group's denominator)."""
    _ = gettext_for(language)
    labels = [bar.label for bar in bars] or [_(N_("无数据"))]
    canvas = Canvas(max(9.0, 0.7 * len(labels) + 2.5) * DPI, 5.0 * DPI)
    crowded = len(labels) > 6 or sum(len(label) for label in labels) > 4 * len(labels) + 4
    label_room = max(text_width(label, TICK_FONT) for label in labels)
    bottom_room = (label_room * 0.5 + TICK_FONT + 16) if crowded else TICK_FONT + 16
    left = 14 + text_width("100%", TICK_FONT) + (FONT * 1.6 if ylabel else 0)
    if crowded:  # a rotated first label reaches left of its bar
        left = max(left, label_room * 0.87 - canvas.width / len(labels) / 2 + 10)
    plot = Plot(canvas, left=left, top=TOP, right=canvas.width - 16,
                bottom=canvas.height - bottom_room, x_min=-0.6, x_max=len(labels) - 0.4,
                y_min=0.0, y_max=1.22)  # room above a full bar for its rate and n
    if ylabel:
        canvas.text(14, (plot.top + plot.bottom) / 2, ylabel, size=FONT, anchor="middle",
                    rotate=-90, baseline="central")
    plot.y_ticks(PERCENT_TICKS, grid=True)
    slot = plot.x(1) - plot.x(0)
    for index, label in enumerate(labels):
        bar = bars[index] if index < len(bars) else None
        rate = bar.rate if bar is not None else None
        middle = plot.x(index)
        height = plot.bottom - plot.y(rate or 0.0)
        canvas.rect(middle - slot * 0.33, plot.bottom - height, slot * 0.66, height,
                    _status_colour(rate, target))
        if bar is not None:
            top = plot.bottom - height - 4
            canvas.text(middle, top - SMALL_FONT * 1.1, "—" if rate is None
                        else f"{rate * 100:.1f}%", size=SMALL_FONT, anchor="middle")
            canvas.text(middle, top, f"n={bar.denominator}", size=SMALL_FONT, anchor="middle")
        tick_y = plot.bottom + 7 + TICK_FONT
        canvas.line([(middle, plot.bottom), (middle, plot.bottom + 4)], INK, 1)
        if crowded:
            canvas.text(middle + 4, plot.bottom + 10, label, size=TICK_FONT, anchor="end",
                        rotate=-30, baseline="hanging")
        else:
            canvas.text(middle, tick_y, label, size=TICK_FONT, anchor="middle")
    if target is not None:
        plot.hline(target, TARGET, 2 * PT, "dashed")
        canvas.text(plot.right, plot.top - 6, _(N_("- - 目标 %(rate)s"), rate=_percent(target)),
                    size=12 * PT, bold=True, colour=TARGET, anchor="end")
    plot.axes()
    canvas.text(plot.left, 32, title, size=TITLE_FONT, bold=True)
    return canvas.svg(title)


@remembered
def trend_chart(name: str, title: str, points: Sequence[tuple[dt.date, float | None]],
                target: float | None, deadline: dt.date | None = None, *,
                language: str = "zh") -> str:
    """A rate over month ends, with the target line (and the deadline, when given)."""
    _ = gettext_for(language)
    canvas = Canvas(9.5 * DPI, 4.4 * DPI)
    shown = [(day, rate) for day, rate in points if rate is not None]
    days = [day for day, _rate in points] + ([deadline] if deadline else [])
    plot, ticks = _time_plot(canvas, days, 1.05, [label for _v, label in PERCENT_TICKS])
    plot.y_ticks(PERCENT_TICKS, grid=True)
    plot.x_ticks(ticks, grid=True)
    keys: list[Key] = []
    if target is not None:
        plot.hline(target, TARGET, 2 * PT, "dashed")
    if deadline is not None:
        plot.vline(_ordinal(deadline), IDEAL, 1.5 * PT, "dotted")
    if shown:
        canvas.line([(plot.x(_ordinal(day)), plot.y(rate)) for day, rate in shown], ACTUAL,
                    2.5 * PT)
        keys.append(Key(_(N_("实际")), ACTUAL, width=2.5))
        last_day, last_rate = shown[-1]
        canvas.text(plot.x(_ordinal(last_day)) + 5, plot.y(last_rate) - 5,
                    f"{last_rate * 100:.1f}%", size=12 * PT, colour=ACTUAL)
    if target is not None:
        keys.append(Key(_(N_("目标 %(rate)s"), rate=_percent(target)), TARGET, "dashed"))
    if deadline is not None:
        keys.append(Key(_(N_("期限 %(day)s"), day=deadline.isoformat()), IDEAL, "dotted", 1.5))
    plot.axes()
    _title(canvas, plot, title, left=False)
    if keys:  # no rates and no target: nothing to name
        _legend_inside(plot, keys, "lower right")
    return canvas.svg(title)


@remembered
def burnup_chart(name: str, title: str, points: Sequence[tuple[dt.date, float]],
                 target: float, start: dt.date | None, deadline: dt.date,
                 forecast: Sequence[tuple[dt.date, float]] = (), *,
                 language: str = "zh") -> str:
    """Published standards over time against the target, the even pace and a forecast."""
    _ = gettext_for(language)
    canvas = Canvas(9.5 * DPI, 4.6 * DPI)
    highest = max([target, *(value for _, value in points), *(v for _, v in forecast)])
    y_max = highest * 1.12 or 1.0
    y_ticks = integer_ticks(y_max)
    days = [day for day, _v in points] + [deadline] + ([start] if start else []) + [
        day for day, _v in forecast]
    plot, ticks = _time_plot(canvas, days, y_max, [label for _v, label in y_ticks],
                             ylabel=_(N_("项")))
    plot.y_ticks(y_ticks, grid=True)
    plot.x_ticks(ticks, grid=True)
    keys: list[Key] = []
    if points:
        steps: list[tuple[float, float]] = []
        for index, (day, value) in enumerate(points):
            if index:
                steps.append((plot.x(_ordinal(day)), steps[-1][1]))
            steps.append((plot.x(_ordinal(day)), plot.y(value)))
        canvas.line(steps, ACTUAL, 2.5 * PT)
        keys.append(Key(_(N_("已发布")), ACTUAL, width=2.5))
        last_day, last_value = points[-1]
        canvas.text(plot.x(_ordinal(last_day)) + 5, plot.y(last_value) - 5,
                    f"{last_value:.0f}", size=12 * PT, colour=ACTUAL)
    plot.hline(target, TARGET, 2 * PT, "dashed")
    keys.append(Key(_(N_("目标 %(count)s 项"), count=f"{target:.0f}"), TARGET, "dashed"))
    if start is not None:
        canvas.line([(plot.x(_ordinal(start)), plot.y(0)),
                     (plot.x(_ordinal(deadline)), plot.y(target))], IDEAL, 1.5 * PT, "dotted")
        keys.append(Key(_(N_("均衡进度")), IDEAL, "dotted", 1.5))
    plot.vline(_ordinal(deadline), IDEAL, 1 * PT, "dashdot")
    keys.append(Key(_(N_("期限 %(day)s"), day=deadline.isoformat()), IDEAL, "dashdot", 1))
    if forecast:
        canvas.line([(plot.x(_ordinal(day)), plot.y(value)) for day, value in forecast],
                    FORECAST, 2 * PT, "dashed")
        keys.append(Key(_(N_("预测")), FORECAST, "dashed"))
    plot.axes()
    _title(canvas, plot, title, left=False)
    _legend_inside(plot, keys, "lower right")
    return canvas.svg(title)


@remembered
def funnel_chart(name: str, title: str, stages: Sequence[tuple[str, int]]) -> str:
    """Projects by stage, widest first, centred like a funnel, each with its count."""
    canvas = Canvas(9.5 * DPI, max(3.6, 0.55 * len(stages) + 1.4) * DPI)
    widest_label = max((text_width(label, FONT) for label, _count in stages), default=0.0)
    counts = [count for _label, count in stages]
    widest = max(counts, default=0) or 1
    plot = Plot(canvas, left=18 + widest_label, top=TOP, right=canvas.width - 18,
                bottom=canvas.height - 14, x_min=0.0, x_max=float(widest),
                y_min=-0.5, y_max=len(stages) - 0.5)
    row = plot.y(0) - plot.y(1) if stages else 0.0
    for index, (label, count) in enumerate(stages):
        position = len(stages) - 1 - index  # the first stage on top
        middle = plot.y(position)
        left = plot.x((widest - count) / 2)
        canvas.rect(left, middle - row * 0.35, plot.x(count) - plot.x(0), row * 0.7, ACTUAL)
        canvas.text(plot.x(widest / 2), middle, str(count), size=FONT, bold=True,
                    anchor="middle", baseline="central",
                    colour="white" if count > widest * 0.12 else "black")
        canvas.text(plot.left - 8, middle, label, size=FONT, anchor="end", baseline="central")
    _title(canvas, plot, title, left=False)
    return canvas.svg(title)


@remembered
def lines_chart(name: str, title: str,
                lines: Sequence[tuple[str, Sequence[tuple[dt.date, float | None]]]],
                target: float | None, *, language: str = "zh") -> str:
    """Several rates over time (one line a city), with the target line."""
    _ = gettext_for(language)
    canvas = Canvas(9.5 * DPI, 4.8 * DPI)
    keys: list[Key] = []
    drawn: list[tuple[str, list[tuple[dt.date, float]]]] = []
    for index, (label, points) in enumerate(lines):
        shown = [(day, rate) for day, rate in points if rate is not None]
        if shown:
            colour = LINE_COLOURS[index % len(LINE_COLOURS)]
            drawn.append((colour, shown))
            keys.append(Key(label, colour, width=1.8, marker=True))
    if target is not None:
        keys.append(Key(_(N_("目标 %(rate)s"), rate=_percent(target)), TARGET, "dashed"))
    legend_width, _height = _legend_size(keys, SMALL_FONT) if keys else (0.0, 0.0)
    days = [day for _label, points in lines for day, _rate in points]
    plot, ticks = _time_plot(canvas, days, 1.05, [label for _v, label in PERCENT_TICKS],
                             right_room=legend_width + 8 if keys else 0.0)
    plot.y_ticks(PERCENT_TICKS, grid=True)
    plot.x_ticks(ticks, grid=True)
    if target is not None:
        plot.hline(target, TARGET, 2 * PT, "dashed")
    for colour, shown in drawn:
        pixels = [(plot.x(_ordinal(day)), plot.y(rate)) for day, rate in shown]
        canvas.line(pixels, colour, 1.8 * PT)
        canvas.dots(pixels, colour, 2.5)
    plot.axes()
    _title(canvas, plot, title, left=False)
    if keys:
        _legend(canvas, keys, plot.right + 12, plot.top, SMALL_FONT)
    return canvas.svg(title)
