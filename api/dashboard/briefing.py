"""The one-page briefing (简报) of a dashboard view, as an api/pdf.py document: goal cards,
the indicator by city against its target, the trend, the longest-overdue projects."""

from __future__ import annotations

from api.dashboard.data import (
    INDICATOR_LABELS,
    REGIONS,
    Dashboard,
    percent,
    reason_words,
    scope_label,
)
from api.pdf import Document, Heading, LineChart, Paragraph, Table
from api.web.i18n import Translate

MAX_GOALS = 8
MAX_CITIES = 12
MAX_OVERDUE = 6


def _goal_rows(view: Dashboard, _: Translate) -> list[list[str]]:
    rows = []
    for card in view.goals[:MAX_GOALS]:
        unit = _("项") if card.metric == "local-standards" else ""
        if card.gap_text:
            gap = (_("差 %(n)s 项", n=card.gap_text) if card.gap_is_count
                   else _("差 %(points)s 个百分点", points=card.gap_text))
        else:
            gap = "—"
        status = _(card.status_label)
        if card.forecast_date:
            status += " · " + _("预计 %(day)s 达成", day=card.forecast_date)
        rows.append([card.goal, f"{card.value_text}{unit}", f"{card.target_text}{unit}",
                     status, gap, card.deadline])
    return rows


def briefing_document(view: Dashboard, _: Translate) -> Document:
    """The briefing of ``view`` in the language of ``_`` (one A4 page)."""
    region = _(REGIONS[view.region]) if view.region in REGIONS else scope_label(view.region)
    indicator = _(INDICATOR_LABELS[view.indicator])
    document = Document(
        title=_("标准化工作简报 · %(region)s", region=region),
        subtitle=_("截至 %(day)s · %(indicator)s", day=view.as_of.isoformat(),
                   indicator=indicator),
        footer=_("stdtrack 自动生成；数据截至 %(day)s。", day=view.as_of.isoformat()))
    blocks = document.blocks
    blocks.append(Heading(_("目标进度")))
    if view.goals:
        blocks.append(Table(headers=[_("目标"), _("当前值"), _("目标值"), _("状态"), _("差距"),
                                     _("期限")],
                            rows=_goal_rows(view, _), widths=[4.6, 1.1, 1.1, 2.4, 2.2, 1.3]))
        if len(view.goals) > MAX_GOALS:
            blocks.append(Paragraph(_("另有 %(n)s 个目标见看板。", n=len(view.goals) - MAX_GOALS),
                                    muted=True, size=8))
    else:
        blocks.append(Paragraph(_("尚无目标。"), muted=True))
    summary = view.summary
    blocks.append(Heading(f"{indicator} · {summary.text if summary else ''}"))
    if view.scope_note:
        blocks.append(Paragraph(_(view.scope_note), muted=True, size=8))
    target_text = percent(view.target) if view.target is not None else "—"
    if view.city_rows:
        rows = sorted(view.city_rows, key=lambda row: -row[1].denominator)[:MAX_CITIES]
        blocks.append(Table(
            headers=[_("城市"), _("计入 / 总数（n）"), _("比率（红线为目标 %(target)s）",
                                                    target=target_text)],
            rows=[[label, f"{row.numerator} / {row.denominator}", percent(row.rate)]
                  for label, row in rows],
            rates=[row.rate for _label, row in rows], target=view.target, bar_column=2,
            widths=[1.6, 1.4, 5.0]))
    if view.not_counted:
        words = reason_words(view.indicator)
        reasons = "；".join(f"{_(words.get(reason, reason))} {count}"
                           for reason, count in view.not_counted)
        blocks.append(Paragraph(_("未计入：%(reasons)s", reasons=reasons), size=8, muted=True))
    blocks.append(LineChart(title=_("%(indicator)s · 趋势（年末）", indicator=indicator),
                            points=view.trend, target=view.target,
                            target_label=_("目标 %(rate)s", rate=target_text)))
    blocks.append(Heading(_("逾期项目（%(n)s）", n=view.overdue_total)))
    if view.overdue:
        blocks.append(Table(
            headers=[_("计划编号"), _("项目名称"), _("地区"), _("当前阶段"), _("完成期限"),
                     _("逾期（月）")],
            rows=[[row.plan_no, row.title, row.region, _(row.stage) if row.stage else "",
                   row.deadline, str(row.months_overdue)] for row in view.overdue[:MAX_OVERDUE]],
            widths=[1.6, 4.6, 1.2, 1.1, 1.3, 1.0]))
    else:
        blocks.append(Paragraph(_("无"), muted=True))
    return document
