"""Alerts over HTTP: an enterprise sees its own, staff and leaders see all; CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, Field

from adoption import declarations_repository, repository
from adoption.schemas import AlertPage, AlertRead, DeclarationOutcome, InboxPage
from adoption.uscc import normalize_uscc
from adoption.vocab import AlertKind, AlertState
from api.auth import Identity, Role
from api.exports import safe_cell
from api.openapi import problems
from api.params import Page, PageSize, RecordId
from api.routes.access import (
    OWNER_OR_STAFF,
    OWNER_STAFF_OR_LEADER,
    STAFF,
    check_owner,
    identity_of,
    translated,
)
from api.routes.declarations import confirmed

CSV_COLUMNS = (
    "id", "kind", "message", "uscc", "enterprise_name", "product_id", "product_name",
    "product_model", "declared_code", "code", "successors", "effective_on", "raised_at",
    "cleared_at")


def alerts_csv(alerts: list[AlertRead]) -> bytes:
    """UTF-8 with a BOM, so that Excel shows the Chinese text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for alert in alerts:
        values = alert.model_dump()
        values["kind"] = alert.kind.value
        values["successors"] = "; ".join(alert.successors)
        writer.writerow([safe_cell(values[column]) for column in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _filters(identity: Identity, uscc: str | None, kind: AlertKind | None, state: AlertState,
             region: str | None) -> repository.AlertFilters:
    if identity.role is Role.ENTERPRISE:
        uscc = identity.uscc  # an enterprise sees its own alerts, whatever it asks for
    elif uscc:
        with translated():
            uscc = normalize_uscc(uscc)
    return repository.AlertFilters(uscc=uscc, kind=kind, state=state, region=region)


class Redeclare(BaseModel):
    code: str | None = Field(default=None, description="one of the alert's successors (any "
                             "spelling); by default the only one in force")
    confirm: bool = Field(default=False, description="declare it although it is not in force "
                          "(see POST /api/declarations)")


class AlertController(Controller):
    path = "/api/alerts"
    tags = ["alerts"]

    @get("/", summary="Alerts on declarations: an enterprise's own; all for staff and leaders",
         opt=OWNER_STAFF_OR_LEADER,
         responses=problems(422))
    async def list_alerts(
        self,
        request: Request[Any, Any, Any],
        uscc: Annotated[str | None, QueryParameter(max_length=40)] = None,
        kind: Annotated[AlertKind | None, QueryParameter()] = None,
        status: Annotated[AlertState, QueryParameter()] = AlertState.OPEN,
        region: Annotated[str | None, QueryParameter(pattern=r"^\d{2,6}$")] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> AlertPage:
        filters = _filters(identity_of(request), uscc, kind, status, region)
        return await repository.list_alerts(filters, page=page, page_size=page_size)

    @get("/export", summary="The same alerts as CSV (formula cells neutralised)",
         opt=OWNER_STAFF_OR_LEADER, media_type="text/csv",
         responses=problems(422))
    async def export(
        self,
        request: Request[Any, Any, Any],
        uscc: Annotated[str | None, QueryParameter(max_length=40)] = None,
        kind: Annotated[AlertKind | None, QueryParameter()] = None,
        status: Annotated[AlertState, QueryParameter()] = AlertState.OPEN,
        region: Annotated[str | None, QueryParameter(pattern=r"^\d{2,6}$")] = None,
    ) -> Response[bytes]:
        filters = _filters(identity_of(request), uscc, kind, status, region)
        body = alerts_csv(await repository.export_alerts(filters))
        name = f"alerts-{dt.date.today().isoformat()}.csv"
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @post("/refresh", summary="Recompute every alert now (staff; also runs after each "
          "catalogue import)", status_code=200, opt=STAFF)
    async def refresh(self) -> dict[str, int]:
        return (await repository.refresh_alerts()).as_dict()

    @get("/inbox", summary="The alerts inbox: alerts with the editions replacing the declared "
         "one, the day it was replaced and the successor a one-click re-declare takes (an "
         "enterprise's own; all for staff and leaders)", opt=OWNER_STAFF_OR_LEADER,
         responses=problems(422))
    async def inbox(
        self,
        request: Request[Any, Any, Any],
        uscc: Annotated[str | None, QueryParameter(max_length=40)] = None,
        kind: Annotated[AlertKind | None, QueryParameter()] = None,
        status: Annotated[AlertState, QueryParameter()] = AlertState.OPEN,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> InboxPage:
        filters = _filters(identity_of(request), uscc, kind, status, None)
        return await declarations_repository.inbox(filters, page=page, page_size=page_size)

    @post("/{alert_id:int}/redeclare", summary="Re-declare the successor of the declared "
          "standard for the same product: the old declaration is superseded and the alert "
          "cleared (its enterprise, staff)", status_code=201, opt=OWNER_OR_STAFF)
    async def redeclare(self, request: Request[Any, Any, Any], alert_id: RecordId,
                        data: JSONBody[Redeclare | None] = None) -> DeclarationOutcome:
        target = await declarations_repository.alert_target(alert_id)
        check_owner(identity_of(request), target.uscc, f"no alert with id {alert_id}")
        choice = data or Redeclare()
        with translated():
            code = await declarations_repository.successor_for(target, choice.code)
            await confirmed(code, choice.confirm)
            return await declarations_repository.redeclare(target, code,
                                                           now=dt.datetime.now(dt.UTC))
