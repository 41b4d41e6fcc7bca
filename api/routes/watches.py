"""Watches (关注) over HTTP, for anyone signed in: save, list and delete one's own watches;
read the notices they raised (newest first) and mark them read."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any

import anyio
from litestar import Controller, Request, delete, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, Field

from adoption import watches_repository
from adoption.schemas import WatchCreate, WatchNoticePage, WatchRead, WebhookDeliveryRead
from api.auth import Identity, Role, identity_in
from api.errors import ForbiddenError
from api.openapi import problems
from api.params import BodyId, Page, PageSize, RecordId
from api.webhook_guard import check_webhook_url
from standards.settings import Settings

SIGNED_IN = {"roles": frozenset({Role.STAFF, Role.LEADER, Role.ENTERPRISE})}


class ReadNotices(BaseModel):
    ids: list[BodyId] | None = Field(default=None, max_length=500,
                                     description="the notices to mark read; null: all")


class MarkedRead(BaseModel):
    marked: int


def account_of(request: Request[Any, Any, Any]) -> int:
    """The caller's account id (the role guard let only the signed-in in)."""
    identity: Identity | None = identity_in(request)
    if identity is None or identity.account_id is None:
        raise ForbiddenError("watches belong to an account")
    return identity.account_id


class WatchController(Controller):
    path = "/api/watches"
    tags = ["watches"]
    opt = SIGNED_IN

    @get("/", summary="My watches (关注)")
    async def mine(self, request: Request[Any, Any, Any]) -> list[WatchRead]:
        return await watches_repository.list_watches(account_of(request))

    @post("/", summary="Save a watch", status_code=201, responses=problems(400, 422),
          description="Kinds: code (a family: every edition), prefix, ics, ccs, region (local "
          "standards), organisation (drafting organisation, committee or department), query "
          "(keywords in the title or scope). Events: new, new_edition, replaced, withdrawn, "
          "upcoming (implementation within `upcoming_days`), changed, stage (a drafting project "
          "of the watched region, organisation, keywords or code reached a stage:立项 … 发布, "
          "延期, 撤销; the notice names the project, not a standard). Notices appear in "
          "`GET /api/watches/notices` after the daily run, are mailed to `email_to` (daily "
          "or at each run: `digest`) and POSTed to `webhook_url` as JSON signed with "
          "`webhook_secret` (X-Stdtrack-Signature: sha256=HMAC), retried with backoff. A "
          "`webhook_url` must be http or https and resolve to public addresses only (400 "
          "otherwise: loopback, private, link-local, multicast, reserved addresses are the "
          "server's own network); it is checked again before every delivery.")
    async def create(self, request: Request[Any, Any, Any],
                     data: JSONBody[WatchCreate]) -> WatchRead:
        if data.webhook_url:
            settings: Settings = request.app.state.settings
            await anyio.to_thread.run_sync(functools.partial(
                check_webhook_url, data.webhook_url,
                allow_private=settings.webhook_allow_private))
        return await watches_repository.create_watch(account_of(request), data,
                                                     dt.datetime.now(dt.UTC))

    @delete("/{watch_id:int}", summary="Delete a watch and its notices", status_code=204)
    async def remove(self, request: Request[Any, Any, Any], watch_id: RecordId) -> None:
        await watches_repository.delete_watch(account_of(request), watch_id)

    @get("/{watch_id:int}/deliveries", summary="A watch's webhook delivery log, newest first",
         description="Each POST of new notices: status (pending, delivered, failed after the "
         "last attempt), attempts, the last answer's status code or error, the next attempt.")
    async def deliveries(self, request: Request[Any, Any, Any],
                         watch_id: RecordId) -> list[WebhookDeliveryRead]:
        return await watches_repository.deliveries(account_of(request), watch_id)

    @get("/notices", summary="Notices my watches raised, newest first")
    async def notices(
        self, request: Request[Any, Any, Any],
        unread: Annotated[bool, QueryParameter(description="only unread notices")] = False,
        page: Page = 1, page_size: PageSize = 50,
    ) -> WatchNoticePage:
        return await watches_repository.notices(account_of(request), unread_only=unread,
                                                page=page, page_size=page_size)

    @post("/notices/read", summary="Mark notices read", status_code=200)
    async def mark_read(self, request: Request[Any, Any, Any],
                        data: JSONBody[ReadNotices]) -> MarkedRead:
        marked = await watches_repository.mark_read(account_of(request), data.ids,
                                                    dt.datetime.now(dt.UTC))
        return MarkedRead(marked=marked)
