"""The dashboard's SVG charts as a reader sees them: well-formed SVG, every bar with its rate
and n, the target line and its label, words as text in the CJK font stack, the language of the
page, labels drawn as written; a kept chart is drawn again when its inputs change."""

from __future__ import annotations

import datetime as dt

import lxml.etree

from api.dashboard import charts
from api.dashboard.charts import Bar

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    tree = lxml.etree.fromstring(svg.encode("utf-8"))  # well-formed, or this raises
    assert tree.tag == f"{SVG}svg"
    assert "Noto Sans CJK SC" in tree.get("font-family", "")
    return ["".join(node.itertext()) for node in tree.iter(f"{SVG}text")]


def test_bars_say_their_rate_and_n_and_the_target() -> None:
    bars = [Bar("长春市", 0.75, 3, 4), Bar("白山市", None, 0, 0), Bar("<b>&'\"", 1.0, 2, 2)]
    svg = charts.bars_chart("test-bars", "覆盖率 · 按城市", bars, 0.98)
    words = texts(svg)
    assert {"长春市", "白山市", "<b>&'\""} <= set(words)  # labels as written, escaped in XML
    assert {"75.0%", "n=4", "—", "n=0", "100.0%", "n=2"} <= set(words)
    assert "- - 目标 98%" in words and "覆盖率 · 按城市" in words
    tree = lxml.etree.fromstring(svg.encode("utf-8"))
    colours = [rect.get("fill") for rect in tree.iter(f"{SVG}rect")][1:]  # after the page
    assert colours == [charts.STATUS_COLOURS["behind"], charts.STATUS_COLOURS["none"],
                       charts.STATUS_COLOURS["achieved"]]
    dashed = [line for line in tree.iter(f"{SVG}polyline")
              if line.get("stroke") == charts.TARGET and line.get("stroke-dasharray")]
    assert len(dashed) == 1  # the target line
    english = texts(charts.bars_chart("test-bars", "Coverage", bars, 0.98, language="en"))
    assert "- - target 98%" in english and not any("目标" in word for word in english)


def test_a_kept_chart_is_drawn_again_when_its_inputs_change() -> None:
    bars = [Bar("长春市", 0.5, 1, 2)]
    first = charts.bars_chart("test-kept", "按城市", bars, 0.9)
    assert charts.bars_chart("test-kept", "按城市", [Bar("长春市", 0.5, 1, 2)], 0.9) is first
    changed = charts.bars_chart("test-kept", "按城市", [Bar("长春市", 0.6, 3, 5)], 0.9)
    assert "n=5" in texts(changed) and "n=2" not in texts(changed)
    assert "n=2" in texts(charts.bars_chart("test-kept", "按城市", bars, 0.9))
    other_target = charts.bars_chart("test-kept", "按城市", bars, 0.8)
    assert "- - 目标 80%" in texts(other_target)


def test_time_charts_name_their_lines_and_mark_years() -> None:
    days = [dt.date(year, 12, 31) for year in range(2015, 2025)]
    trend = texts(charts.trend_chart("test-trend", "趋势", [(day, 0.5) for day in days], 0.9,
                                     dt.date(2025, 12, 31)))
    assert {"实际", "目标 90%", "期限 2025-12-31", "50.0%", "2016", "2020", "100%"} <= set(trend)
    lines = texts(charts.lines_chart("test-lines", "各城市", [
        ("长春市", [(day, 0.4) for day in days]), ("吉林市", [(day, None) for day in days])],
        0.9, language="en"))
    assert "长春市" in lines and "吉林市" not in lines  # a city without rates has no line
    assert "Target 90%" in lines
    burnup = texts(charts.burnup_chart(
        "test-burnup", "地方标准", [(dt.date(2021, 3, 1), 10.0), (dt.date(2023, 3, 1), 40.0)],
        100.0, dt.date(2021, 1, 1), dt.date(2025, 12, 31),
        [(dt.date(2023, 3, 1), 40.0), (dt.date(2027, 1, 1), 100.0)]))
    assert {"已发布", "目标 100 项", "均衡进度", "期限 2025-12-31", "预测", "40", "项"} <= set(
        burnup)
    funnel = texts(charts.funnel_chart("test-funnel", "在研", [("立项", 7), ("起草", 3)]))
    assert {"立项", "起草", "7", "3", "在研"} <= set(funnel)


def test_date_and_count_ticks() -> None:
    years = [label for _x, label in charts.date_ticks(dt.date(2011, 1, 1),
                                                      dt.date(2026, 12, 5))]
    assert years == ["2012", "2014", "2016", "2018", "2020", "2022", "2024", "2026"]
    months = [label for _x, label in charts.date_ticks(dt.date(2024, 1, 15),
                                                       dt.date(2024, 6, 20))]
    assert months == ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert [label for _y, label in charts.integer_ticks(336.0)] == [
        "0", "50", "100", "150", "200", "250", "300"]
    assert [label for _y, label in charts.integer_ticks(3.4)] == ["0", "1", "2", "3"]
