"""The 关注 page (``/watches``): a person's watches (add, delete) and the notices they raised,
newest first, with "mark all read". Forms work without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect
from pydantic import ValidationError

from adoption import watches_repository
from adoption.errors import InvalidFieldError, RecordNotFound
from adoption.schemas import WatchCreate
from adoption.vocab import WatchDigest, WatchEvent, WatchKind
from api.auth import Role
from api.params import RecordId
from api.routes.watches import account_of
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, translator
from api.web.render import render_page

SIGNED_IN = {"roles": frozenset({Role.STAFF, Role.LEADER, Role.ENTERPRISE})}
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
KIND_WORDS = {WatchKind.CODE: N_("标准号（全部版本）"), WatchKind.PREFIX: N_("编号前缀"),
              WatchKind.ICS: N_("ICS 分类"), WatchKind.CCS: N_("CCS 分类"),
              WatchKind.REGION: N_("地区的地方标准"),
              WatchKind.ORGANISATION: N_("起草单位或归口单位"),
              WatchKind.QUERY: N_("关键词")}
EVENT_WORDS = {WatchEvent.NEW: N_("新标准"), WatchEvent.NEW_EDITION: N_("新版本"),
               WatchEvent.REPLACED: N_("被代替"), WatchEvent.WITHDRAWN: N_("废止"),
               WatchEvent.UPCOMING: N_("即将实施"), WatchEvent.CHANGED: N_("信息变更"),
               WatchEvent.STAGE: N_("制修订进展")}


async def _page(request: Request[Any, Any, Any], *, status_code: int = 200,
                problem: str | None = None, form: dict[str, Any] | None = None
                ) -> Response[str]:
    account = account_of(request)
    watches = await watches_repository.list_watches(account)
    inbox = await watches_repository.notices(account, page_size=100)
    return render_page(request, "web/watches.html", status_code=status_code, watches=watches,
                       inbox=inbox, kinds=KIND_WORDS, events=EVENT_WORDS, problem=problem,
                       form=form or {}, done=request.query_params.get("done"))


class WatchPages(Controller):
    path = "/watches"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = SIGNED_IN

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await _page(request)

    @post("/", status_code=303)
    async def create(self, request: Request[Any, Any, Any], data: FormData) -> Response[Any]:
        _ = translator(request)
        events = data.get("events") or []
        events = [events] if isinstance(events, str) else list(events)
        try:
            watch = WatchCreate.model_validate({
                "kind": str(data.get("kind", "")), "value": str(data.get("value", "")),
                "label": str(data.get("label", "")), "events": events,
                "upcoming_days": str(data.get("upcoming_days") or "30"),
                "digest": str(data.get("digest") or WatchDigest.DAILY.value),
                "email_to": str(data.get("email_to") or "").strip() or None})
            await watches_repository.create_watch(account_of(request), watch,
                                                  dt.datetime.now(dt.UTC))
        except (ValidationError, InvalidFieldError):
            return await _page(request, status_code=400, form=dict(data), problem=_(
                "请检查关注的内容：类型、内容（1–200 字）、提前天数（1–365）和邮箱地址。"))
        return Redirect("/watches?done=saved", status_code=303)

    @post("/{watch_id:int}/delete", status_code=303)
    async def remove(self, request: Request[Any, Any, Any], watch_id: RecordId) -> Redirect:
        try:
            await watches_repository.delete_watch(account_of(request), watch_id)
        except RecordNotFound:
            return Redirect("/watches", status_code=303)
        return Redirect("/watches?done=deleted", status_code=303)

    @post("/read", status_code=303)
    async def read_all(self, request: Request[Any, Any, Any]) -> Redirect:
        await watches_repository.mark_read(account_of(request), None, dt.datetime.now(dt.UTC))
        return Redirect("/watches?done=read", status_code=303)
