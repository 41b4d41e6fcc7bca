"""Declarations, continued: what declaring a code would mean (checked before saving), each
declaration's history, the alerts inbox with its successors, re-declaring a successor in one
step, and declarations waiting for a standard that has just entered the catalogue.

The declaration writers themselves (declare, withdraw, the bulk import) are in
adoption/repository.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from adoption import indicator_queries, repository
from adoption.alerts import AlertSpec, alert_for, alert_message
from adoption.db import adoption_engine, select, write, writing
from adoption.errors import DuplicateError, InvalidFieldError, RecordNotFound, StateError
from adoption.fields import DeclaredCode, declared_code
from adoption.schemas import (
    CheckedStandard,
    DeclarationCheck,
    DeclarationEvent,
    DeclarationHistory,
    DeclarationOutcome,
    DeclarationWarning,
    InboxItem,
    InboxPage,
    SuccessorChoice,
)
from adoption.vocab import AlertKind
from standards import repository as standards_repository
from standards.db import executemany, in_list
from standards.repository import Standing
from standards.vocab import Status

CONFIRM_KINDS = frozenset({AlertKind.STANDARD_WITHDRAWN, AlertKind.STANDARD_REPLACED,
                           AlertKind.STANDARD_NOT_YET_IMPLEMENTED})
"""Alerts a declaration would raise at once that ask the declarer to confirm first."""


def _warning(spec: AlertSpec) -> DeclarationWarning:
    return DeclarationWarning(kind=spec.kind, message=alert_message(
        spec.kind, spec.code, spec.successors, spec.effective_on))


def _checked(standing: Standing) -> CheckedStandard:
    return CheckedStandard(id=standing.standard_id, code=standing.code,
                           title_zh=standing.title_zh, status=standing.status,
                           effective_on=standing.effective_on, withdrawn_on=standing.withdrawn_on)


async def check_codes(codes: Sequence[DeclaredCode],
                      today: dt.date | None = None) -> dict[str, DeclarationCheck]:
    """What declaring each code would mean today, by catalogue key: the edition it resolves
    to, its status, the editions replacing it, and the warnings to confirm before saving."""
    today = today or dt.date.today()
    families = {code.key: code.family_key for code in codes if code.undated}
    found = await standards_repository.resolve_keys([code.key for code in codes], families,
                                                    today)
    standings = await standards_repository.standings_of(
        list(dict.fromkeys(found.values())), today) if found else {}
    checks: dict[str, DeclarationCheck] = {}
    for code in codes:
        standard_id = found.get(code.key)
        standing = standings.get(standard_id) if standard_id is not None else None
        spec = alert_for(code.key, standing)
        checks[code.key] = DeclarationCheck(
            declared_code=code.declared, code=code.key, undated=code.undated,
            resolved=standing is not None,
            standard=_checked(standing) if standing else None,
            successors=list(standing.successors) if standing else [],
            warnings=[_warning(spec)] if spec else [],
            needs_confirmation=spec is not None and spec.kind in CONFIRM_KINDS)
    return checks


async def check_code(code: DeclaredCode, today: dt.date | None = None) -> DeclarationCheck:
    """What declaring one code would mean today (see :func:`check_codes`)."""
    return (await check_codes([code], today))[code.key]


# ------------------------------------------------------------------------------------------
# History
# ------------------------------------------------------------------------------------------


async def declaration_history(declaration_id: int) -> DeclarationHistory:
    """A declaration and what happened to it: declared (and whom it took the place of), each
    alert raised and cleared, and its withdrawal or the declaration that superseded it.

    Raises:
        RecordNotFound: no declaration has this id.
    """
    declaration = await repository.get_declaration(declaration_id)
    [row] = await select("SELECT source, created_at, superseded_by FROM declaration "
                         "WHERE id = ?", [declaration_id])
    replaced = await select("SELECT id, code_key FROM declaration WHERE superseded_by = ? "
                            "ORDER BY id", [declaration_id])
    detail = declaration.declared_code
    if replaced:
        detail += " ← " + ", ".join(f"#{r['id']} {r['code_key']}" for r in replaced)
    events = [DeclarationEvent(event="declared", on=declaration.declared_on,
                               at=row["created_at"], detail=detail)]
    for alert in await select("SELECT kind, code, successors, effective_on, raised_at, "
                              "cleared_at FROM alert WHERE declaration = ? ORDER BY id",
                              [declaration_id]):
        kind = AlertKind(alert["kind"])
        message = alert_message(kind, alert["code"], json.loads(alert["successors"] or "[]"),
                                alert["effective_on"])
        events.append(DeclarationEvent(event="alert_raised", on=_day(alert["raised_at"]),
                                       at=alert["raised_at"], detail=message, alert=kind))
        if alert["cleared_at"] is not None:
            events.append(DeclarationEvent(event="alert_cleared", on=_day(alert["cleared_at"]),
                                           at=alert["cleared_at"], alert=kind))
    events.sort(key=lambda event: (event.event != "declared",
                                   event.at or dt.datetime.min.replace(tzinfo=dt.UTC)))
    if declaration.withdrawn_on is not None:
        superseded_by = row["superseded_by"]
        events.append(DeclarationEvent(
            event="superseded" if superseded_by else "withdrawn", on=declaration.withdrawn_on,
            at=None, detail=declaration.withdrawn_reason or "",
            related_declaration=superseded_by))
    return DeclarationHistory(declaration=declaration, source=row["source"], events=events)


def _day(moment: dt.datetime | str | None) -> dt.date | None:
    if moment is None:
        return None
    if isinstance(moment, str):  # SQLite hands back text on some paths
        moment = dt.datetime.fromisoformat(moment)
    return moment.date()


# ------------------------------------------------------------------------------------------
# The alerts inbox and re-declaring a successor
# ------------------------------------------------------------------------------------------


async def inbox(filters: repository.AlertFilters, *, page: int = 1, page_size: int = 50,
                today: dt.date | None = None) -> InboxPage:
    """Alerts with what the enterprise can do about them: the editions that replace the
    declared one (with their status today) and the one a one-click re-declare takes."""
    today = today or dt.date.today()
    listing = await repository.list_alerts(filters, page=page, page_size=page_size)
    declared_ids = [a.standard_id for a in listing.items if a.standard_id is not None]
    successor_codes = list(dict.fromkeys(code for a in listing.items for code in a.successors))
    found = await standards_repository.resolve_keys(successor_codes, today=today)
    standings = await standards_repository.standings_of(
        [*declared_ids, *found.values()], today) if declared_ids or found else {}
    items = []
    for alert in listing.items:
        choices = []
        for code in alert.successors:
            standing = standings.get(found[code]) if code in found else None
            choices.append(SuccessorChoice(
                code=code, standard_id=standing.standard_id if standing else None,
                title_zh=standing.title_zh if standing else None,
                status=standing.status if standing else None,
                effective_on=standing.effective_on if standing else None))
        in_force = [choice for choice in choices if choice.status is Status.CURRENT]
        declared = standings.get(alert.standard_id) if alert.standard_id else None
        started = [c.effective_on for c in in_force if c.effective_on is not None]
        replaced_on = (declared.withdrawn_on if declared and declared.withdrawn_on
                       else min(started) if started else None)
        items.append(InboxItem(
            **alert.model_dump(), replaced_on=replaced_on, choices=choices,
            redeclare_code=in_force[0].code if len(in_force) == 1 else None))
    return InboxPage(total=listing.total, page=page, page_size=page_size, items=items)


@dataclass(frozen=True, slots=True)
class AlertTarget:
    """An alert's declaration and product, and the enterprise they belong to."""

    alert_id: int
    uscc: str
    product_id: int
    declaration_id: int
    kind: AlertKind
    successors: tuple[str, ...]
    cleared_at: dt.datetime | None


async def alert_target(alert_id: int) -> AlertTarget:
    """Raises: RecordNotFound: no alert has this id."""
    rows = await select("SELECT a.id, e.uscc, a.product, a.declaration, a.kind, a.successors, "
                        "a.cleared_at FROM alert a JOIN enterprise e ON e.id = a.enterprise "
                        "WHERE a.id = ?", [alert_id])
    if not rows:
        raise RecordNotFound(f"no alert with id {alert_id}")
    row = rows[0]
    return AlertTarget(alert_id=row["id"], uscc=row["uscc"], product_id=row["product"],
                       declaration_id=row["declaration"], kind=AlertKind(row["kind"]),
                       successors=tuple(json.loads(row["successors"] or "[]")),
                       cleared_at=row["cleared_at"])


async def successor_for(target: AlertTarget, chosen: str | None,
                        today: dt.date | None = None) -> DeclaredCode:
    """The successor to re-declare: ``chosen`` (any spelling of one of the alert's
    successors), else the only one in force.

    Raises:
        StateError: the alert is cleared, names no successor, or several are in force and
            none was chosen.
        InvalidFieldError: (field ``code``) ``chosen`` is not one of its successors.
    """
    if target.cleared_at is not None:
        raise StateError(f"alert {target.alert_id} was cleared on {_day(target.cleared_at)}")
    if not target.successors:
        raise StateError(f"alert {target.alert_id} names no successor: declare another "
                         "standard or withdraw the declaration")
    if chosen:
        code = declared_code(chosen)
        if code.key not in target.successors:
            raise InvalidFieldError("code", chosen, "不是被代替标准的后继版本 is not one of the "
                                    f"successors ({', '.join(target.successors)})")
        return code
    checks = await check_codes([declared_code(c) for c in target.successors], today)
    in_force = [key for key, check in checks.items()
                if check.standard is not None and check.standard.status is Status.CURRENT]
    if len(in_force) != 1:
        raise StateError(f"alert {target.alert_id}: choose the successor to declare among "
                         f"{', '.join(target.successors)}")
    return declared_code(in_force[0])


async def redeclare(target: AlertTarget, code: DeclaredCode, *, now: dt.datetime,
                    source: str = "api") -> DeclarationOutcome:
    """Declare the successor ``code`` for the alert's product: the old declaration is
    superseded and its alert cleared. When the product already declares the successor, the
    old declaration is superseded by that one.

    Raises:
        RecordNotFound: the product is gone.
        DuplicateError: the product is discontinued.
    """
    async with writing():
        try:
            outcome = await repository.declare(target.product_id, code, now=now, source=source)
        except DuplicateError as exc:
            if exc.existing_id is None:
                raise
            new_id = exc.existing_id
        else:
            new_id = outcome.declaration.id
            if any(d.id == target.declaration_id for d in outcome.superseded):
                return outcome
        await repository.supersede([target.declaration_id], new_id, code.key, now.date(), now)
        return DeclarationOutcome(
            declaration=await repository.get_declaration(new_id),
            superseded=[await repository.get_declaration(target.declaration_id)])


# ------------------------------------------------------------------------------------------
# A standard has entered the catalogue
# ------------------------------------------------------------------------------------------


async def resolve_waiting(standard_id: int, key: str, family_key: str,
                          now: dt.datetime) -> int:
    """Point the active declarations waiting for ``key`` (unresolved; undated ones by its
    family) at the edition ``standard_id`` that has just entered the catalogue, and replace
    their *unresolved* alerts with what the edition deserves. Returns how many moved.

    The catalogue import does this for everything (``refresh_alerts``); this is the same for
    one edition, cheap enough after each enterprise standard saved in the portal.
    """
    today = now.date()
    async with writing() as engine:
        rows = await select(
            "SELECT id, enterprise, product FROM declaration WHERE standard IS NULL AND "
            "withdrawn_on IS NULL AND (code_key = ? OR (undated AND code_key = ?))",
            [key, family_key])
        if not rows:
            return 0
        ids = [row["id"] for row in rows]
        where, args = in_list(engine, "id", ids, "bigint")
        await write(f"UPDATE declaration SET standard = ?, updated_at = ? WHERE {where}",
                    [standard_id, now, *args])
        await executemany(engine, "UPDATE alert SET cleared_at = ? WHERE declaration = ? AND "
                          "cleared_at IS NULL", [(now, declaration) for declaration in ids])
        standings = await standards_repository.standings_of([standard_id], today)
        spec = alert_for(key, standings.get(standard_id))
        if spec is not None:
            await repository._insert_alerts(
                engine, [(row["id"], row["enterprise"], row["product"], spec) for row in rows],
                now)
        await indicator_queries.mark_declarations_stale(adoption_engine(), ids)
    return len(rows)


async def declared_codes(uscc: str) -> list[tuple[str, str]]:
    """The codes an enterprise declares now (active declarations), each with the product that
    declares it: ``[(declared code, product name)]`` in declaration order."""
    rows = await select(
        "SELECT d.declared_code, p.name FROM declaration d JOIN product p ON p.id = d.product "
        "WHERE d.enterprise = (SELECT id FROM enterprise WHERE uscc = ?) "
        "AND d.withdrawn_on IS NULL ORDER BY d.id", [uscc])
    return [(row["declared_code"], row["name"]) for row in rows]
