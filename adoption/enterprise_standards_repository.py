"""Indicators of enterprise standards (功能指标、性能指标、安全指标) and the enterprise standards
an enterprise owns, as the portal and the public pages read them.

The standard itself lives in the catalogue (written by api/pipelines/enterprise_standards.py
through ``standards.repository``); adoption keeps only the indicators, by standard id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from adoption.db import select, write, writing
from adoption.errors import RecordNotFound
from adoption.schemas import EnterpriseStandardRead, IndicatorInput, IndicatorRead
from adoption.vocab import IndicatorKind
from standards import repository as standards_repository
from standards.db import insert_rows
from standards.errors import NotFoundError
from standards.vocab import Level


async def replace_indicators(standard_id: int, uscc: str, indicators: Sequence[IndicatorInput],
                             now: dt.datetime) -> None:
    """Make ``indicators`` the standard's current ones; the previous ones are retired (kept).
    The same list again changes nothing.

    Raises:
        RecordNotFound: the enterprise is not registered.
    """
    async with writing() as engine:
        enterprise = await select("SELECT id FROM enterprise WHERE uscc = ?", [uscc])
        if not enterprise:
            raise RecordNotFound(f"no enterprise with USCC {uscc} (register it first)")
        current = (await indicators_of([standard_id])).get(standard_id, [])
        if [IndicatorInput(**i.model_dump(exclude={"position"})) for i in current] == list(
                indicators):
            return
        await write("UPDATE standard_indicator SET retired_at = ? WHERE standard = ? AND "
                    "retired_at IS NULL", [now, standard_id])
        await insert_rows(engine, "standard_indicator", [
            "standard", "enterprise", "kind", "position", "name", "value", "unit",
            "test_method", "created_at"],
            [(standard_id, enterprise[0]["id"], item.kind.value, position, item.name,
              item.value, item.unit, item.test_method, now)
             for position, item in enumerate(indicators, start=1)])


async def indicators_of(standard_ids: Sequence[int]) -> dict[int, list[IndicatorRead]]:
    """The current indicators of each standard, by kind (functional, performance, safety)
    then in the order they were given."""
    if not standard_ids:
        return {}
    marks = ", ".join("?" for _ in standard_ids)
    rows = await select("SELECT standard, kind, position, name, value, unit, test_method "
                        f"FROM standard_indicator WHERE standard IN ({marks}) AND retired_at "
                        "IS NULL ORDER BY standard, position", list(standard_ids))
    order = {kind: index for index, kind in enumerate(IndicatorKind)}
    found: dict[int, list[IndicatorRead]] = {}
    for row in rows:
        found.setdefault(row["standard"], []).append(IndicatorRead(
            kind=IndicatorKind(row["kind"]), position=row["position"], name=row["name"],
            value=row["value"], unit=row["unit"], test_method=row["test_method"]))
    for items in found.values():
        items.sort(key=lambda item: (order[item.kind], item.position))
    return found


async def enterprise_standards(*, owner_uscc: str | None = None, ids: Sequence[int] = (),
                               today: dt.date | None = None) -> list[EnterpriseStandardRead]:
    """Enterprise standards with their owner and current indicators: those an enterprise
    owns, or the editions ``ids`` (whoever owns them; imported ones have no owner)."""
    owned = await standards_repository.owned_standards(owner_uscc=owner_uscc, ids=ids)
    indicators = await indicators_of([item.standard_id for item in owned])
    owners = sorted({item.owner_uscc for item in owned if item.owner_uscc})
    names: dict[str, str] = {}
    if owners:
        marks = ", ".join("?" for _ in owners)
        names = {row["uscc"]: row["name"] for row in await select(
            f"SELECT uscc, name FROM enterprise WHERE uscc IN ({marks})", owners)}
    found = []
    for item in owned:
        try:
            standard = await standards_repository.get_standard(item.standard_id, today)
        except NotFoundError:
            continue  # removed between the two reads
        if standard.level is not Level.ENTERPRISE:
            continue
        found.append(EnterpriseStandardRead(
            id=standard.id, code=standard.normalized_code, title_zh=standard.title_zh,
            status=standard.status, published_on=standard.published_on,
            implemented_on=standard.implemented_on, withdrawn_on=standard.withdrawn_on,
            owner_uscc=item.owner_uscc, owner_name=names.get(item.owner_uscc or ""),
            indicators=indicators.get(item.standard_id, [])))
    return found


async def enterprise_standard(standard_id: int,
                              today: dt.date | None = None) -> EnterpriseStandardRead:
    """Raises: RecordNotFound: no enterprise standard has this id."""
    found = await enterprise_standards(ids=[standard_id], today=today)
    if not found:
        raise RecordNotFound(f"no enterprise standard with id {standard_id}")
    return found[0]
