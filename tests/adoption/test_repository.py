"""Declarations and alerts on the real database, below HTTP: refresh rules over time."""

from __future__ import annotations

import datetime as dt

import pytest

from adoption import repository
from adoption.fields import declared_code
from adoption.vocab import AlertKind, AlertState, DeclarationState
from standards import repository as standards_repository
from standards.schemas import StandardInput
from tests.adoption.helpers import new_uscc

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

NOW = dt.datetime.now(dt.UTC)


async def a_product() -> int:
    uscc = new_uscc()
    await repository.save_enterprise(
        repository.check_enterprise(uscc=uscc, name="吉林石化某公司", region_code="220203",
                                    key_fields="石化"), NOW)
    created = await repository.create_product(
        uscc, repository.check_product(name="聚丙烯树脂", model="PP-1"), NOW)
    return created.id


async def alerts(state: AlertState = AlertState.OPEN) -> list:
    page = await repository.list_alerts(repository.AlertFilters(state=state))
    return page.items


async def test_a_refresh_changes_nothing_the_second_time() -> None:
    await standards_repository.upsert_standards([StandardInput(
        code="GB/T 12670-2008", source="test", implemented_on=dt.date(2009, 1, 1),
        withdrawn_on=dt.date(2020, 1, 1))])
    product_id = await a_product()
    await repository.declare(product_id, declared_code("GB/T 12670-2008"), now=NOW)
    await repository.declare(product_id, declared_code("GB/T 99999-2010"), now=NOW)
    first = await repository.refresh_alerts()
    assert first.as_dict() == {"resolved": 0, "followed": 0, "raised": 0, "cleared": 0,
                               "updated": 0}  # declaring raised them already
    assert sorted(a.kind for a in await alerts()) == [
        AlertKind.STANDARD_WITHDRAWN, AlertKind.UNRESOLVED_CODE]


async def test_time_brings_a_standard_into_force_and_clears_its_alert() -> None:
    starts = dt.date.today() + dt.timedelta(days=30)
    await standards_repository.upsert_standards([StandardInput(
        code=f"GB 31604.1-{dt.date.today().year}", source="test", implemented_on=starts)])
    product_id = await a_product()
    await repository.declare(product_id, declared_code(f"GB 31604.1-{dt.date.today().year}"),
                             now=NOW)
    [alert] = await alerts()
    assert alert.kind is AlertKind.STANDARD_NOT_YET_IMPLEMENTED and alert.effective_on == starts
    later = await repository.refresh_alerts(today=starts)
    assert (later.cleared, later.raised) == (1, 0)
    assert await alerts() == []
    [cleared] = await alerts(AlertState.CLEARED)
    assert cleared.id == alert.id and cleared.cleared_at is not None


async def test_a_successor_published_later_is_added_to_the_open_alert() -> None:
    await standards_repository.upsert_standards([StandardInput(
        code="GB/T 12670-2008", source="test", implemented_on=dt.date(2009, 1, 1),
        withdrawn_on=dt.date(2020, 1, 1))])
    product_id = await a_product()
    await repository.declare(product_id, declared_code("GB/T 12670-2008"), now=NOW)
    [abolished] = await alerts()
    assert abolished.successors == [] and "已废止，请更新" in abolished.message
    await standards_repository.upsert_standards([StandardInput(
        code="GB/T 12670-2021", source="test", implemented_on=dt.date(2021, 6, 1),
        replaces=["GB/T 12670-2008"])])
    refreshed = await repository.refresh_alerts()
    assert (refreshed.updated, refreshed.raised, refreshed.cleared) == (1, 0, 0)
    [replaced] = await alerts()
    assert replaced.id == abolished.id and replaced.successors == ["GB/T 12670-2021"]


async def test_a_discontinued_product_keeps_its_history() -> None:
    product_id = await a_product()
    await repository.declare(product_id, declared_code("GB/T 99999-2010"), now=NOW)
    product = await repository.discontinue_product(product_id, NOW.date(), NOW)
    assert product.discontinued_on == NOW.date() and product.active_declarations == 0
    again = await repository.discontinue_product(product_id, NOW.date(), NOW)
    assert again.updated_at == product.updated_at  # twice changes nothing
    history = await repository.list_declarations(repository.DeclarationFilters(
        product_id=product_id, state=DeclarationState.ALL))
    assert [(d.active, d.withdrawn_reason) for d in history.items] == [
        (False, "产品停产 product discontinued")]
    assert await alerts() == []
