"""Staff pages for the catalogue's curation: conflicts to resolve (filterable; keep a value or
prefer a source for the field), a standard's fields edited by hand with its history, the
domain rules and the foreign-advanced bodies. They call the same repositories as the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect
from pydantic import ValidationError

from adoption import domains_repository, indicator_queries
from adoption.errors import DuplicateError, InvalidFieldError, RecordNotFound
from adoption.vocab import Domain
from api.auth import Role, identity_in
from api.params import Page, RecordId
from api.pipelines.curation import after_curation
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, translator
from api.web.render import render_page
from api.workbench.planning_pages import domain_names
from standards import curation_repository, repository
from standards.curation_repository import EDITABLE_FIELDS, ConflictFilters
from standards.errors import AlreadyResolved, CurationError
from standards.schemas import StandardEdit
from standards.settings import Settings
from standards.vocab import Nature

STAFF = {"roles": frozenset({Role.STAFF})}
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE_SIZE = 50
FIELD_LABELS = {
    "title_zh": N_("中文名称"), "title_en": N_("英文名称"), "published_on": N_("发布日期"),
    "implemented_on": N_("实施日期"), "withdrawn_on": N_("废止日期"), "nature": N_("标准性质"),
    "ccs": N_("中国标准分类号"), "ics": N_("ICS 分类号"), "scope": N_("范围"),
    "department": N_("主管部门"), "technical_committee": N_("归口单位"),
    "drafters": N_("起草单位"), "status_text": N_("状态文字"), "source_url": N_("来源网址"),
    "withdrawn_undated": N_("已废止（无日期）"), "upcoming_undated": N_("即将实施（无日期）"),
    "domains": N_("领域"), "edition_note": N_("版本说明"), "amendment_note": N_("修改单说明"),
}
NATURE_LABELS = {Nature.MANDATORY.value: N_("强制性"), Nature.RECOMMENDED.value: N_("推荐性"),
                 Nature.GUIDANCE.value: N_("指导性")}
RULE_FIELDS = {"ics": N_("ICS 前缀"), "ccs": N_("中标分类前缀"), "keyword": N_("名称关键词")}
DONE = {"resolved": N_("冲突已解决，已记入变更记录。"), "saved": N_("已保存，已记入变更记录。"),
        "unchanged": N_("没有字段发生变化。"), "preferred": N_("已设为首选来源。"),
        "rule-added": N_("规则已添加，标准的领域已重新计算。"),
        "rule-changed": N_("规则已更新，标准的领域已重新计算。"),
        "rule-deleted": N_("规则已删除。"), "refreshed": N_("已按规则重新计算全部标准的领域。"),
        "body-added": N_("已加入国外先进标准机构名单。"), "body-removed": N_("已移出名单。")}


def shown(value: Any) -> str:
    """A conflict's value as a page shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _actor(request: Request[Any, Any, Any]) -> str:
    identity = identity_in(request)
    assert identity is not None
    return f"{identity.role.value}:{identity.name}"


def _done(request: Request[Any, Any, Any]) -> str | None:
    _ = translator(request)
    done = request.query_params.get("done")
    return _(DONE[done]) if done in DONE else None


class CataloguePages(Controller):
    path = "/workbench"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = STAFF

    # --------------------------------------------------------------------------------------
    # Conflicts
    # --------------------------------------------------------------------------------------

    @get("/conflicts")
    async def conflicts(
        self, request: Request[Any, Any, Any],
        status: Annotated[Literal["open", "resolved", "all"], QueryParameter()] = "open",
        field: Annotated[str | None, QueryParameter(max_length=60)] = None,
        source: Annotated[str | None, QueryParameter(max_length=100)] = None,
        code: Annotated[str | None, QueryParameter(max_length=200)] = None,
        page: Page = 1,
    ) -> Response[str]:
        return await self._conflicts_page(request, status, field, source, code, page)

    async def _conflicts_page(self, request: Request[Any, Any, Any], status: str,
                              field: str | None, source: str | None, code: str | None,
                              page: int = 1, *, error: str | None = None,
                              status_code: int = 200) -> Response[str]:
        _ = translator(request)
        values = {"status": status, "field": field or "", "source": source or "",
                  "code": (code or "").strip()}
        listing = await curation_repository.list_conflicts(
            ConflictFilters(state=status, field=field or None, source=source or None,
                            code=values["code"] or None), page=page, page_size=PAGE_SIZE)
        query = urlencode({k: v for k, v in values.items() if v})
        return render_page(
            request, "workbench/conflicts.html", status_code=status_code, listing=listing,
            values=values, query=query, shown=shown, error=error, message=_done(request),
            field_labels={k: _(v) for k, v in FIELD_LABELS.items()},
            preferences=await curation_repository.list_preferences(),
            sources=await curation_repository.known_sources(),
            preferable=curation_repository.PREFERABLE_FIELDS,
            back=f"/workbench/conflicts?{query}",
            next_page=page + 1 if page * PAGE_SIZE < listing.total else None)

    @post("/conflicts/{conflict_id:int}/resolve", status_code=303)
    async def resolve(self, request: Request[Any, Any, Any], conflict_id: RecordId,
                      data: FormData) -> Response[Any]:
        """Keep one value (``keep``: kept or offered), optionally preferring its source."""
        _ = translator(request)
        keep = data.get("keep") or ""
        back = data.get("back") or ""
        if not back.startswith("/workbench/conflicts"):
            back = "/workbench/conflicts"
        try:
            done = await curation_repository.resolve_conflict(
                conflict_id, keep, actor=_actor(request), prefer=bool(data.get("prefer")),
                now=dt.datetime.now(dt.UTC))
        except AlreadyResolved as exc:
            return await self._conflicts_page(request, "open", None, None, None,
                                              error=str(exc), status_code=409)
        except CurationError:
            return await self._conflicts_page(
                request, "open", None, None, None, status_code=400,
                error=_("请选择要保留的值。"))
        settings: Settings = request.app.state.settings
        await after_curation(settings, done.touched, [done.conflict.field])
        separator = "&" if "?" in back else "?"
        return Redirect(f"{back}{separator}done=resolved", status_code=303)

    @post("/source-preferences", status_code=303)
    async def prefer(self, request: Request[Any, Any, Any], data: FormData) -> Response[Any]:
        """Always prefer a source for a field; open conflicts it settles are resolved."""
        try:
            touched = await curation_repository.set_preference(
                (data.get("field") or "").strip(), data.get("source") or "",
                actor=_actor(request))
        except CurationError as exc:
            return await self._conflicts_page(request, "open", None, None, None,
                                              error=str(exc), status_code=400)
        settings: Settings = request.app.state.settings
        await after_curation(settings, [i for i in touched if i > 0],
                             [(data.get("field") or "").strip()])
        return Redirect("/workbench/conflicts?done=preferred", status_code=303)

    @post("/source-preferences/{field:str}/delete", status_code=303)
    async def unprefer(self, field: FromPath[str]) -> Response[Any]:
        await curation_repository.delete_preference(field[:60])
        return Redirect("/workbench/conflicts", status_code=303)

    # --------------------------------------------------------------------------------------
    # A standard by hand
    # --------------------------------------------------------------------------------------

    async def _standard_page(self, request: Request[Any, Any, Any], standard_id: int, *,
                             status_code: int = 200, error: str | None = None,
                             values: dict[str, str] | None = None) -> Response[str]:
        _ = translator(request)
        found = await repository.get_standard(standard_id)
        current = {
            "title_zh": found.title_zh or "", "title_en": found.title_en or "",
            "published_on": found.published_on.isoformat() if found.published_on else "",
            "implemented_on": found.implemented_on.isoformat() if found.implemented_on else "",
            "withdrawn_on": found.withdrawn_on.isoformat() if found.withdrawn_on else "",
            "nature": found.nature.value if found.nature else "", "ccs": found.ccs or "",
            "ics": " ".join(found.ics), "scope": found.scope or "",
            "department": found.department or "",
            "technical_committee": found.technical_committee or "",
            "drafters": "\n".join(found.drafters)}
        return render_page(
            request, "workbench/standard.html", status_code=status_code, standard=found,
            values=values or current, current=current, error=error, message=_done(request),
            manual=await curation_repository.manual_fields(standard_id),
            history=await curation_repository.history(standard_id),
            conflicts=(await curation_repository.list_conflicts(
                ConflictFilters(state="open", code=found.normalized_code), page_size=100)
            ).items,
            field_labels={k: _(v) for k, v in FIELD_LABELS.items()},
            natures=[(k, _(v)) for k, v in NATURE_LABELS.items()], shown=shown)

    @get("/standards/{standard_id:int}")
    async def standard(self, request: Request[Any, Any, Any], standard_id: RecordId
                       ) -> Response[str]:
        return await self._standard_page(request, standard_id)

    @post("/standards/{standard_id:int}", status_code=303)
    async def edit_standard(self, request: Request[Any, Any, Any], standard_id: RecordId,
                            data: FormData) -> Response[Any]:
        """Only the fields whose value differs from the page's are set by hand."""
        _ = translator(request)
        def form_text(key: str) -> str:  # a form sends line breaks as CRLF, whatever they were
            return (data.get(key) or "").replace("\r\n", "\n").replace("\r", "\n").strip()[:20000]

        values = {name: form_text(name) for name in EDITABLE_FIELDS}
        before = {name: form_text(f"was_{name}") for name in EDITABLE_FIELDS}
        edited: dict[str, Any] = {}
        for name in EDITABLE_FIELDS:
            if values[name] == before[name]:
                continue
            text = values[name]
            if name == "ics":
                edited[name] = text.replace("，", " ").replace(",", " ").split()
            elif name == "drafters":
                edited[name] = [line for line in text.replace("；", "\n").splitlines()
                                if line.strip()]
            else:
                edited[name] = text or None
        try:
            checked = StandardEdit.model_validate(edited)
            given = {name: getattr(checked, name) for name in checked.model_fields_set}
            changes = await curation_repository.edit_standard(standard_id, given,
                                                              actor=_actor(request))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = str(error["loc"][0]) if error["loc"] else ""
            label = _(FIELD_LABELS[where]) if where in FIELD_LABELS else where
            return await self._standard_page(request, standard_id, status_code=400,
                                             error=f"{label}: {error['msg']}", values=values)
        except CurationError as exc:
            return await self._standard_page(request, standard_id, status_code=400,
                                             error=str(exc), values=values)
        settings: Settings = request.app.state.settings
        await after_curation(settings, [standard_id], [name for name, _o, _n in changes])
        done = "saved" if changes else "unchanged"
        return Redirect(f"/workbench/standards/{standard_id}?done={done}", status_code=303)

    @get("/standards")
    async def find_standard(self, request: Request[Any, Any, Any],
                            code: Annotated[str, QueryParameter(max_length=200)]
                            ) -> Response[Any]:
        """Open a standard's workbench page by any spelling of its code."""
        found = await repository.find_standard(code)
        return Redirect(f"/workbench/standards/{found.id}", status_code=303)

    # --------------------------------------------------------------------------------------
    # Domain rules
    # --------------------------------------------------------------------------------------

    async def _rules_page(self, request: Request[Any, Any, Any], *, status_code: int = 200,
                          error: str | None = None, values: dict[str, str] | None = None
                          ) -> Response[str]:
        _ = translator(request)
        rules = await domains_repository.list_rules()
        names = domain_names(request)
        return render_page(
            request, "workbench/domain_rules.html", status_code=status_code, rules=rules,
            error=error, values=values or {"field": "keyword"}, message=_done(request),
            rule_fields={k: _(v) for k, v in RULE_FIELDS.items()},
            domains=[(d.value, names[d.value]) for d in Domain], domain_names=names)

    @get("/domain-rules")
    async def domain_rules(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._rules_page(request)

    @post("/domain-rules", status_code=303)
    async def add_rule(self, request: Request[Any, Any, Any], data: FormData
                       ) -> Response[Any]:
        values = {key: (data.get(key) or "").strip()[:500]
                  for key in ("field", "pattern", "domain", "note")}
        try:
            await domains_repository.add_rule(values["field"], values["pattern"],
                                              values["domain"], values["note"])
        except InvalidFieldError as exc:
            return await self._rules_page(request, status_code=400, error=str(exc),
                                          values=values)
        except DuplicateError as exc:
            return await self._rules_page(request, status_code=409, error=str(exc),
                                          values=values)
        return Redirect("/workbench/domain-rules?done=rule-added", status_code=303)

    @post("/domain-rules/{rule_id:int}/toggle", status_code=303)
    async def toggle_rule(self, rule_id: RecordId, data: FormData) -> Response[Any]:
        await domains_repository.set_rule_enabled(rule_id, data.get("enabled") == "1")
        return Redirect("/workbench/domain-rules?done=rule-changed", status_code=303)

    @post("/domain-rules/{rule_id:int}/delete", status_code=303)
    async def delete_rule(self, rule_id: RecordId) -> Response[Any]:
        await domains_repository.delete_rule(rule_id)
        return Redirect("/workbench/domain-rules?done=rule-deleted", status_code=303)

    @post("/domain-rules/refresh", status_code=303)
    async def refresh_rules(self) -> Response[Any]:
        await domains_repository.refresh_standard_domains()
        return Redirect("/workbench/domain-rules?done=refreshed", status_code=303)

    # --------------------------------------------------------------------------------------
    # Foreign-advanced bodies
    # --------------------------------------------------------------------------------------

    async def _bodies_page(self, request: Request[Any, Any, Any], *, status_code: int = 200,
                           error: str | None = None, values: dict[str, str] | None = None
                           ) -> Response[str]:
        return render_page(
            request, "workbench/foreign_bodies.html", status_code=status_code,
            bodies=await indicator_queries.foreign_bodies(), error=error,
            values=values or {}, message=_done(request))

    @get("/foreign-bodies")
    async def foreign_bodies(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._bodies_page(request)

    @post("/foreign-bodies", status_code=303)
    async def add_body(self, request: Request[Any, Any, Any], data: FormData
                       ) -> Response[Any]:
        values = {key: (data.get(key) or "").strip()[:200] for key in ("body", "name")}
        try:
            await indicator_queries.add_foreign_body(values["body"], values["name"])
        except InvalidFieldError as exc:
            return await self._bodies_page(request, status_code=400, error=str(exc),
                                           values=values)
        return Redirect("/workbench/foreign-bodies?done=body-added", status_code=303)

    @post("/foreign-bodies/{code:str}/delete", status_code=303)
    async def remove_body(self, request: Request[Any, Any, Any], code: FromPath[str]
                          ) -> Response[Any]:
        try:
            await indicator_queries.remove_foreign_body(code[:40])
        except (RecordNotFound, InvalidFieldError) as exc:
            return await self._bodies_page(request, status_code=404, error=str(exc))
        return Redirect("/workbench/foreign-bodies?done=body-removed", status_code=303)

