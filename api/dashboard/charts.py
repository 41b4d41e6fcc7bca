"""The dashboard's charts as SVG, drawn server-side by matplotlib (no CDN, no browser library).

Text stays text (``svg.fonttype = none``): each label is an SVG ``<text>`` whose font-family
names a CJK stack, so the browser draws the Chinese with its own fonts and the downloaded SVG
stays searchable. Layout is measured with the first CJK font the host has (fonts-noto-cjk or
fonts-wqy-zenhei); without one, widths are estimated and matplotlib's missing-glyph warning is
dropped, since the glyphs are never drawn here.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import matplotlib
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from api.web.i18n import N_, gettext_for

CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "SimHei", "DejaVu Sans", "sans-serif"]
STATUS_COLOURS = {"achieved": "#1b7f3b", "on_track": "#2f6fb0", "at_risk": "#d08a00",
                  "behind": "#c0392b", "none": "#7f8c8d"}
LINE_COLOURS = ("#2f6fb0", "#c0392b", "#1b7f3b", "#d08a00", "#8e44ad", "#16a085", "#7f8c8d",
                "#2c3e50", "#e67e22", "#27ae60", "#b03a2e", "#5d6d7e")
ACTUAL = "#2f6fb0"
TARGET = "#c0392b"
FORECAST = "#8e44ad"
IDEAL = "#95a5a6"

_RC: dict[str, Any] = {
    # labels are data (sector names, goal names): "$\\undefinedcmd$" is text, never math
    "text.parse_math": False,
    "text.usetex": False,
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": CJK_FONTS,
    "font.size": 13,
    "axes.titlesize": 16,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 12,
    "legend.frameon": False,
}
_LOCK = threading.Lock()  # matplotlib's font cache and rcParams are process-wide


_CACHE: OrderedDict[str, str] = OrderedDict()
CACHE_SIZE = 256
Chart = TypeVar("Chart", bound=Callable[..., str])


def remembered(draw: Chart) -> Chart:
    """Keep the last charts drawn: the same data always gives the same SVG (ids are salted by
    name, metadata carries no date), so a dashboard viewed again is not drawn again."""

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


def _rc(name: str) -> Any:
    """The shared settings, with SVG ids salted by the chart's name (several charts share a
    page, so their clip-path ids must differ; the same chart always gets the same ids)."""
    return {**_RC, "svg.hashsalt": name}


def _days(days: Sequence[dt.date]) -> list[float]:
    return [float(value) for value in date2num(list(days))]


def _percent(value: float, _position: object = None) -> str:
    return f"{value * 100:.0f}%"


def _render(figure: Figure, name: str) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        warnings.filterwarnings("ignore", message=r".*findfont: Font family.*")
        figure.savefig(buffer, format="svg",
                       metadata={"Date": None, "Creator": "stdtrack (matplotlib)"})
    text = buffer.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _figure(name: str, width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=96, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _status_colour(rate: float | None, target: float | None) -> str:
    if rate is None:
        return STATUS_COLOURS["none"]
    if target is None or rate >= target:
        return STATUS_COLOURS["achieved"]
    if rate >= target - 0.05:
        return STATUS_COLOURS["at_risk"]
    return STATUS_COLOURS["behind"]


@remembered
def bars_chart(name: str, title: str, bars: Sequence[Bar], target: float | None,
               *, ylabel: str = "", language: str = "zh") -> str:
    """Rates by group (city, sector) as bars, coloured against ``target``, with its line;
    each bar says its rate and its n (the group's denominator)."""
    _ = gettext_for(language)
    with _LOCK, matplotlib.rc_context(_rc(name)):
        figure = _figure(name, max(9.0, 0.7 * len(bars) + 2.5), 5.0)
        axes = figure.subplots()
        labels = [bar.label for bar in bars] or [_(N_("无数据"))]
        values = [bar.rate or 0.0 for bar in bars] or [0.0]
        colours = [_status_colour(bar.rate, target) for bar in bars] or [STATUS_COLOURS["none"]]
        drawn = axes.bar(range(len(labels)), values, color=colours, width=0.66)
        for rect, bar in zip(drawn, bars, strict=False):
            text = "—" if bar.rate is None else f"{bar.rate * 100:.1f}%"
            text += f"\nn={bar.denominator}"
            axes.annotate(text, (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                          xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                          fontsize=10, linespacing=1.1)
        if target is not None:
            axes.axhline(target, color=TARGET, linestyle="--", linewidth=2)
            axes.text(1.0, 1.02, _(N_("- - 目标 %(rate)s"), rate=f"{target * 100:.0f}%"),
                      color=TARGET,
                      fontsize=12, fontweight="bold", ha="right", va="bottom",
                      transform=axes.transAxes)
        crowded = len(labels) > 6 or sum(len(label) for label in labels) > 4 * len(labels) + 4
        axes.set_xticks(range(len(labels)), labels, rotation=30 if crowded else 0,
                        ha="right" if crowded else "center", rotation_mode="anchor")
        axes.set_ylim(0, 1.22)  # room above a full bar for its rate and n
        axes.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
        axes.yaxis.set_major_formatter(FuncFormatter(_percent))
        axes.set_title(title, loc="left")
        if ylabel:
            axes.set_ylabel(ylabel)
        axes.grid(axis="y", alpha=0.3)
        return _render(figure, name)


@remembered
def trend_chart(name: str, title: str, points: Sequence[tuple[dt.date, float | None]],
                target: float | None, deadline: dt.date | None = None, *,
                language: str = "zh") -> str:
    """A rate over month ends, with the target line (and the deadline, when given)."""
    _ = gettext_for(language)
    with _LOCK, matplotlib.rc_context(_rc(name)):
        figure = _figure(name, 9.5, 4.4)
        axes = figure.subplots()
        shown = [(day, rate) for day, rate in points if rate is not None]
        if shown:
            axes.plot(_days([day for day, _ in shown]), [rate for _, rate in shown], color=ACTUAL,
                      linewidth=2.5, label=_(N_("实际")))
            last_day, last_rate = shown[-1]
            axes.annotate(f"{last_rate * 100:.1f}%", (_days([last_day])[0], last_rate),
                          xytext=(4, 4), textcoords="offset points", fontsize=12, color=ACTUAL)
        if target is not None:
            axes.axhline(target, color=TARGET, linestyle="--", linewidth=2,
                         label=_(N_("目标 %(rate)s"), rate=f"{target * 100:.0f}%"))
        if deadline is not None:
            axes.axvline(_days([deadline])[0], color=IDEAL, linestyle=":", linewidth=1.5,
                         label=_(N_("期限 %(day)s"), day=deadline.isoformat()))
        axes.set_ylim(0, 1.05)
        axes.yaxis.set_major_formatter(FuncFormatter(_percent))
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.set_title(title)
        axes.grid(alpha=0.3)
        if axes.get_legend_handles_labels()[0]:  # no rates and no target: nothing to name
            axes.legend(loc="lower right")
        return _render(figure, name)


@remembered
def burnup_chart(name: str, title: str, points: Sequence[tuple[dt.date, float]],
                 target: float, start: dt.date | None, deadline: dt.date,
                 forecast: Sequence[tuple[dt.date, float]] = (), *,
                 language: str = "zh") -> str:
    """Published standards over time against the target, the even pace and a forecast."""
    _ = gettext_for(language)
    with _LOCK, matplotlib.rc_context(_rc(name)):
        figure = _figure(name, 9.5, 4.6)
        axes = figure.subplots()
        if points:
            axes.step(_days([day for day, _ in points]), [value for _, value in points],
                      where="post", color=ACTUAL, linewidth=2.5, label=_(N_("已发布")))
            last_day, last_value = points[-1]
            axes.annotate(f"{last_value:.0f}", (_days([last_day])[0], last_value), xytext=(4, 4),
                          textcoords="offset points", fontsize=12, color=ACTUAL)
        axes.axhline(target, color=TARGET, linestyle="--", linewidth=2,
                     label=_(N_("目标 %(count)s 项"), count=f"{target:.0f}"))
        if start is not None:
            axes.plot(_days([start, deadline]), [0, target], color=IDEAL, linestyle=":",
                      linewidth=1.5, label=_(N_("均衡进度")))
        axes.axvline(_days([deadline])[0], color=IDEAL, linestyle="-.", linewidth=1,
                     label=_(N_("期限 %(day)s"), day=deadline.isoformat()))
        if forecast:
            axes.plot(_days([day for day, _ in forecast]), [value for _, value in forecast],
                      color=FORECAST, linestyle="--", linewidth=2, label=_(N_("预测")))
        highest = max([target, *(value for _, value in points), *(v for _, v in forecast)])
        axes.set_ylim(0, highest * 1.12 or 1)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.set_title(title)
        axes.set_ylabel(_(N_("项")))
        axes.grid(alpha=0.3)
        axes.legend(loc="lower right")
        return _render(figure, name)


@remembered
def funnel_chart(name: str, title: str, stages: Sequence[tuple[str, int]]) -> str:
    """Projects by stage, widest first, centred like a funnel, each with its count."""
    with _LOCK, matplotlib.rc_context(_rc(name)):
        figure = _figure(name, 9.5, max(3.6, 0.55 * len(stages) + 1.4))
        axes = figure.subplots()
        labels = [label for label, _ in stages]
        counts = [count for _, count in stages]
        widest = max(counts, default=0) or 1
        positions = list(range(len(stages)))[::-1]
        axes.barh(positions, counts, left=[(widest - count) / 2 for count in counts],
                  color=ACTUAL, height=0.7)
        for position, count in zip(positions, counts, strict=True):
            axes.text(widest / 2, position, str(count), ha="center", va="center",
                      color="white" if count > widest * 0.12 else "black", fontsize=13,
                      fontweight="bold")
        axes.set_yticks(positions, labels)
        axes.set_xticks([])
        axes.set_xlim(0, widest)
        axes.spines["bottom"].set_visible(False)
        axes.spines["left"].set_visible(False)
        axes.set_title(title)
        return _render(figure, name)


@remembered
def lines_chart(name: str, title: str,
                lines: Sequence[tuple[str, Sequence[tuple[dt.date, float | None]]]],
                target: float | None, *, language: str = "zh") -> str:
    """Several rates over time (one line a city), with the target line."""
    _ = gettext_for(language)
    with _LOCK, matplotlib.rc_context(_rc(name)):
        figure = _figure(name, 9.5, 4.8)
        axes = figure.subplots()
        for index, (label, points) in enumerate(lines):
            shown = [(day, rate) for day, rate in points if rate is not None]
            if shown:
                axes.plot(_days([day for day, _r in shown]), [rate for _d, rate in shown],
                          color=LINE_COLOURS[index % len(LINE_COLOURS)], linewidth=1.8,
                          label=label, marker="o", markersize=3)
        if target is not None:
            axes.axhline(target, color=TARGET, linestyle="--", linewidth=2,
                         label=_(N_("目标 %(rate)s"), rate=f"{target * 100:.0f}%"))
        axes.set_ylim(0, 1.05)
        axes.yaxis.set_major_formatter(FuncFormatter(_percent))
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.set_title(title)
        axes.grid(alpha=0.3)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
        return _render(figure, name)
