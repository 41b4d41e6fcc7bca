"""The enterprise's own pages (企业自我声明): its profile, products (add, edit, discontinue),
declarations by any spelling with live suggestions and a warning before saving a withdrawn or
not-yet-in-force standard, withdrawal and history, enterprise standards with their indicators,
bulk upload with a preview then a commit, and the alerts inbox with a one-click re-declare.

Every action goes through the same repositories and pipelines as the API; the pages only word
the answers in the page's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect
from pydantic import BaseModel, ConfigDict

from adoption import (
    declarations_repository,
    enterprise_standards_repository,
    products_repository,
    repository,
)
from adoption.errors import (
    DuplicateError,
    InvalidFieldError,
    OwnershipError,
    RecordNotFound,
    StateError,
)
from adoption.fields import declared_code
from adoption.schemas import DeclarationCheck, ProductRead
from adoption.vocab import AlertState, DeclarationState, IndicatorKind
from api.auth import Role, identity_in
from api.errors import ApiError, PayloadTooLarge
from api.params import RecordId
from api.pipelines.declaration_files import Upload, commit_preview, preview_uploads
from api.pipelines.enterprise_standards import (
    save_enterprise_standard,
    update_enterprise_standard,
)
from api.portal import forms, words
from api.uploads import saved_uploads
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, Translate, translator
from api.web.render import render_page
from importers.errors import ImporterError
from standards.settings import Settings

ENTERPRISE = {"roles": frozenset({Role.ENTERPRISE})}
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
DONE = {
    "created": N_("产品已登记。"),
    "saved": N_("已保存。"),
    "declared": N_("已声明。"),
    "withdrawn": N_("声明已撤回，仍保留在历史记录中。"),
    "discontinued": N_("产品已停产，其声明已撤回并保留在历史记录中。"),
    "redeclared": N_("已改为声明新标准，提醒已解除。"),
    "standard_saved": N_("企业标准已保存。"),
}


class UploadForm(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile


def _uscc(request: Request[Any, Any, Any]) -> str:
    identity = identity_in(request)
    assert identity is not None and identity.uscc  # the role guard let an enterprise in
    return identity.uscc


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _done(request: Request[Any, Any, Any], _: Translate) -> str | None:
    key = request.query_params.get("done")
    return _(DONE[key]) if key in DONE else None


async def _own_product(request: Request[Any, Any, Any], product_id: int) -> ProductRead:
    """The enterprise's product; another's is as missing as one nobody has."""
    product = await repository.get_product(product_id)
    if product.uscc != _uscc(request):
        raise RecordNotFound(f"no product with id {product_id}")
    return product


def _check_words(_: Translate, check: DeclarationCheck) -> list[str]:
    """The check's warnings in the page's language (the day: withdrawn on, or in force from;
    a replaced edition's successors carry their own dates, so none is said)."""
    standard = check.standard
    days = {"standard_withdrawn": standard.withdrawn_on if standard else None,
            "standard_not_yet_implemented": standard.effective_on if standard else None}
    return [words.standing_message(_, w.kind, standard.code if standard else check.code,
                                   check.successors, days.get(w.kind.value))
            for w in check.warnings]


class PortalPages(Controller):
    path = "/portal"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = ENTERPRISE

    # ---- profile ---------------------------------------------------------------------

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Response[str]:
        uscc = _uscc(request)
        enterprise = await repository.get_enterprise(uscc)
        products = await repository.list_products(uscc, page_size=1)
        alerts = await repository.list_alerts(repository.AlertFilters(uscc=uscc), page_size=1)
        standards = await enterprise_standards_repository.enterprise_standards(owner_uscc=uscc)
        return render_page(request, "portal/home.html", enterprise=enterprise,
                           products_total=products.total, alerts_total=alerts.total,
                           standards_total=len(standards))

    # ---- products --------------------------------------------------------------------

    async def _products_page(self, request: Request[Any, Any, Any], *, status_code: int = 200,
                             values: dict[str, str] | None = None,
                             problems: dict[str, str] | None = None) -> Response[str]:
        _ = translator(request)
        everything = request.query_params.get("all") == "1"
        listing = await repository.list_products(_uscc(request),
                                                 include_discontinued=everything,
                                                 page_size=500)
        return render_page(request, "portal/products.html", status_code=status_code,
                           products=listing.items, total=listing.total, everything=everything,
                           values=values or {"main": "1"}, problems=problems or {},
                           message=_done(request, _))

    @get("/products")
    async def products(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._products_page(request)

    @post("/products", status_code=303)
    async def add_product(self, request: Request[Any, Any, Any],
                          data: FormData) -> Response[Any]:
        _ = translator(request)
        values = {name: forms.text(data, name, 300)
                  for name in ("name", "model", "category", "main")}
        try:
            checked = repository.check_product(
                name=values["name"], model=values["model"], category=values["category"],
                main=values["main"] == "1")
            created = await repository.create_product(_uscc(request), checked,
                                                      dt.datetime.now(dt.UTC))
        except InvalidFieldError as exc:
            field, message = forms.field_message(_, exc)
            return await self._products_page(request, status_code=400, values=values,
                                             problems={field: message})
        except DuplicateError:
            return await self._products_page(request, status_code=409, values=values, problems={
                "name": _("已有同名同型号的产品。")})
        return Redirect(f"/portal/products/{created.id}?done=created", status_code=303)

    async def _product_page(self, request: Request[Any, Any, Any], product: ProductRead, *,
                            status_code: int = 200, problems: dict[str, str] | None = None,
                            values: dict[str, str] | None = None,
                            declare_code: str = "", warnings: list[str] | None = None
                            ) -> Response[str]:
        _ = translator(request)
        history = await repository.list_declarations(repository.DeclarationFilters(
            product_id=product.id, state=DeclarationState.ALL), page_size=500)
        return render_page(
            request, "portal/product.html", status_code=status_code, product=product,
            active=[d for d in history.items if d.active],
            withdrawn=[d for d in history.items if not d.active],
            values=values or {"name": product.name, "model": product.model,
                              "category": product.category, "main": "1" if product.main
                              else ""},
            problems=problems or {}, declare_code=declare_code, warnings=warnings or [],
            script_messages=words.script_messages(_), message=_done(request, _),
            status_labels={k.value: _(v) for k, v in words.STATUS_LABELS.items()})

    @get("/products/{product_id:int}")
    async def product(self, request: Request[Any, Any, Any],
                      product_id: RecordId) -> Response[str]:
        return await self._product_page(request, await _own_product(request, product_id))

    @post("/products/{product_id:int}", status_code=303)
    async def edit_product(self, request: Request[Any, Any, Any], product_id: RecordId,
                           data: FormData) -> Response[Any]:
        """Change the product with PATCH semantics: the form's fields only."""
        _ = translator(request)
        product = await _own_product(request, product_id)
        values = {name: forms.text(data, name, 300) for name in ("name", "model", "category")}
        values["main"] = "1" if data.get("main") == "1" else ""
        try:
            await products_repository.patch_product(
                product.id, {**{k: v for k, v in values.items() if k != "main"},
                             "main": values["main"] == "1"}, dt.datetime.now(dt.UTC))
        except InvalidFieldError as exc:
            field, message = forms.field_message(_, exc)
            return await self._product_page(request, product, status_code=400, values=values,
                                            problems={field: message})
        except DuplicateError:
            return await self._product_page(request, product, status_code=409, values=values,
                                            problems={"name": _("已有同名同型号的产品。")})
        return Redirect(f"/portal/products/{product.id}?done=saved", status_code=303)

    @post("/products/{product_id:int}/discontinue", status_code=303)
    async def discontinue(self, request: Request[Any, Any, Any],
                          product_id: RecordId) -> Response[Any]:
        product = await _own_product(request, product_id)
        now = dt.datetime.now(dt.UTC)
        await repository.discontinue_product(product.id, now.date(), now)
        return Redirect(f"/portal/products/{product.id}?done=discontinued", status_code=303)

    @post("/products/{product_id:int}/declare", status_code=303)
    async def declare(self, request: Request[Any, Any, Any], product_id: RecordId,
                      data: FormData) -> Response[Any]:
        """Declare by any spelling; a withdrawn, replaced or not-yet-in-force standard comes
        back with the warning and a box to confirm it."""
        _ = translator(request)
        product = await _own_product(request, product_id)
        raw = forms.text(data, "code", 200)
        try:
            code = declared_code(raw)
            check = await declarations_repository.check_code(code)
            if check.needs_confirmation and data.get("confirm") != "1":
                # a question to answer, not an error: the form again, with the warning
                return await self._product_page(request, product,
                                                declare_code=raw,
                                                warnings=_check_words(_, check))
            await repository.declare(product.id, code, now=dt.datetime.now(dt.UTC),
                                     source="portal")
        except InvalidFieldError as exc:
            field, message = forms.field_message(_, exc)
            return await self._product_page(request, product, status_code=400,
                                            declare_code=raw, problems={field: message})
        except DuplicateError:
            message = (_("产品已停产，不能再声明。") if product.discontinued_on
                       else _("该产品已声明此标准。"))
            return await self._product_page(request, product, status_code=409,
                                            declare_code=raw, problems={"code": message})
        return Redirect(f"/portal/products/{product.id}?done=declared", status_code=303)

    # ---- declarations ----------------------------------------------------------------

    async def _own_declaration(self, request: Request[Any, Any, Any],
                               declaration_id: int) -> None:
        if await repository.declaration_owner(declaration_id) != _uscc(request):
            raise RecordNotFound(f"no declaration with id {declaration_id}")

    @post("/declarations/{declaration_id:int}/withdraw", status_code=303)
    async def withdraw(self, request: Request[Any, Any, Any], declaration_id: RecordId,
                       data: FormData) -> Response[Any]:
        _ = translator(request)
        await self._own_declaration(request, declaration_id)
        reason = forms.text(data, "reason", 200) or _("企业撤回")
        withdrawn = await repository.withdraw_declaration(
            declaration_id, reason=reason, now=dt.datetime.now(dt.UTC))
        return Redirect(f"/portal/products/{withdrawn.product_id}?done=withdrawn",
                        status_code=303)

    @get("/declarations/{declaration_id:int}")
    async def history(self, request: Request[Any, Any, Any],
                      declaration_id: RecordId) -> Response[str]:
        _ = translator(request)
        await self._own_declaration(request, declaration_id)
        history = await declarations_repository.declaration_history(declaration_id)
        return render_page(request, "portal/history.html", history=history,
                           event_labels={k: _(v) for k, v in words.EVENT_LABELS.items()},
                           alert_labels={k.value: _(v)
                                         for k, v in words.ALERT_KIND_LABELS.items()})

    # ---- enterprise standards --------------------------------------------------------

    @get("/standards")
    async def standards(self, request: Request[Any, Any, Any]) -> Response[str]:
        _ = translator(request)
        found = await enterprise_standards_repository.enterprise_standards(
            owner_uscc=_uscc(request))
        return render_page(request, "portal/standards.html", standards=found,
                           kind_labels={k.value: _(v) for k, v in words.INDICATOR_LABELS.items()},
                           message=_done(request, _))

    def _standard_form(self, request: Request[Any, Any, Any], *, action: str,
                       values: dict[str, Any], rows: list[dict[str, str]],
                       status_code: int = 200, problems: dict[str, str] | None = None,
                       extra_rows: int = forms.INDICATOR_ROWS, editing: bool = False
                       ) -> Response[str]:
        _ = translator(request)
        blank = {"kind": IndicatorKind.PERFORMANCE.value, "name": "", "value": "", "unit": "",
                 "test_method": ""}
        return render_page(
            request, "portal/standard_form.html", status_code=status_code, action=action,
            values=values, rows=[*rows, *({**blank} for _ in range(extra_rows))],
            problems=problems or {}, editing=editing,
            kinds=[(k.value, _(v)) for k, v in words.INDICATOR_LABELS.items()])

    @get("/standards/new")
    async def new_standard(self, request: Request[Any, Any, Any]) -> Response[str]:
        return self._standard_form(request, action="/portal/standards", values={}, rows=[])

    @get("/standards/{standard_id:int}")
    async def standard(self, request: Request[Any, Any, Any],
                       standard_id: RecordId) -> Response[str]:
        found = await enterprise_standards_repository.enterprise_standard(standard_id)
        if found.owner_uscc != _uscc(request):
            raise RecordNotFound(f"no enterprise standard with id {standard_id}")
        return self._standard_form(
            request, action=f"/portal/standards/{standard_id}", editing=True, values={
                "code": found.code, "title_zh": found.title_zh or "",
                "published_on": found.published_on, "implemented_on": found.implemented_on},
            rows=[{"kind": i.kind.value, "name": i.name, "value": i.value, "unit": i.unit,
                   "test_method": i.test_method} for i in found.indicators], extra_rows=1)

    async def _save_standard(self, request: Request[Any, Any, Any], data: dict[str, str],
                             standard_id: int | None) -> Response[Any]:
        _ = translator(request)
        action = f"/portal/standards/{standard_id}" if standard_id else "/portal/standards"
        values: dict[str, Any] = {name: forms.text(data, name, 500) for name in (
            "code", "title_zh", "published_on", "implemented_on")}
        rows = forms.indicator_rows(data)
        if data.get("more"):
            return self._standard_form(request, action=action, values=values, rows=rows,
                                       extra_rows=forms.INDICATOR_ROWS,
                                       editing=standard_id is not None)
        try:
            published, implemented = forms.day(data, "published_on"), forms.day(
                data, "implemented_on")
            if standard_id is None:
                await save_enterprise_standard(
                    _uscc(request), code=values["code"], title_zh=values["title_zh"],
                    indicators=rows, published_on=published, implemented_on=implemented,
                    settings=_settings(request))
            else:
                await update_enterprise_standard(
                    standard_id, _uscc(request), title_zh=values["title_zh"], indicators=rows,
                    published_on=published, implemented_on=implemented,
                    settings=_settings(request))
        except InvalidFieldError as exc:
            field, message = forms.field_message(_, exc, enterprise_standard=True)
            return self._standard_form(request, action=action, values=values, rows=rows,
                                       status_code=400, problems={field: message},
                                       extra_rows=1, editing=standard_id is not None)
        except OwnershipError:
            return self._standard_form(
                request, action=action, values=values, rows=rows, status_code=403,
                extra_rows=1, editing=standard_id is not None, problems={
                    "code": _("此标准号已由其他企业或标准目录登记，不能在这里修改。")})
        return Redirect("/portal/standards?done=standard_saved", status_code=303)

    @post("/standards", status_code=303)
    async def create_standard(self, request: Request[Any, Any, Any],
                              data: FormData) -> Response[Any]:
        return await self._save_standard(request, data, None)

    @post("/standards/{standard_id:int}", status_code=303)
    async def change_standard(self, request: Request[Any, Any, Any],
                              standard_id: RecordId, data: FormData) -> Response[Any]:
        return await self._save_standard(request, data, standard_id)

    # ---- bulk upload -----------------------------------------------------------------

    @get("/upload")
    async def upload(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render_page(request, "portal/upload.html", problem=None)

    @post("/upload", status_code=200)
    async def preview(
        self, request: Request[Any, Any, Any],
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[str]:
        _ = translator(request)
        identity = identity_in(request)
        assert identity is not None
        settings = _settings(request)
        try:
            async with saved_uploads(data.files, settings) as paths:
                uploads = [Upload(path.name, path.read_bytes()) for path in paths]
            preview = await preview_uploads(uploads, account_id=identity.account_id,
                                            uscc=_uscc(request), settings=settings,
                                            actor=f"portal:{identity.name}")
        except PayloadTooLarge:
            return render_page(request, "portal/upload.html", status_code=413,
                               problem=_("文件太大。"))
        except (ImporterError, ApiError):
            return render_page(request, "portal/upload.html", status_code=400, problem=_(
                "文件无法读取，或前 10 行中没有表头（须有“统一社会信用代码”和“产品名称”两列）。"
                "请使用模板。"))
        described = []
        for problem in preview.problems:
            if problem.severity == "warning":
                text = words.standing_message(_, problem.problem, problem.value, [], None)
            elif problem.problem in words.ROW_PROBLEMS:
                text = _(words.ROW_PROBLEMS[problem.problem])
            else:
                text = _(words.FIELD_PROBLEMS.get(problem.field or "", words.ROW_PROBLEMS["row"]))
            described.append((problem, text))
        return render_page(request, "portal/preview.html", preview=preview,
                           problems=described)

    @post("/upload/{preview_id:str}/commit", status_code=200)
    async def commit(self, request: Request[Any, Any, Any],
                     preview_id: FromPath[str]) -> Response[str]:
        _ = translator(request)
        identity = identity_in(request)
        assert identity is not None
        try:
            report = await commit_preview(preview_id, account_id=identity.account_id,
                                          staff=False, settings=_settings(request),
                                          actor=f"portal:{identity.name}")
        except StateError:
            return render_page(request, "portal/upload.html", status_code=409,
                               problem=_("这个文件已经导入过了。"))
        return render_page(request, "portal/imported.html", report=report.as_dict())

    # ---- alerts ----------------------------------------------------------------------

    @get("/alerts")
    async def alerts(
        self, request: Request[Any, Any, Any],
        status: Annotated[AlertState, QueryParameter()] = AlertState.OPEN,
    ) -> Response[str]:
        _ = translator(request)
        inbox = await declarations_repository.inbox(
            repository.AlertFilters(uscc=_uscc(request), state=status), page_size=200)
        messages = {item.id: words.standing_message(
            _, item.kind, item.code, item.successors,
            item.replaced_on if item.kind.value != "standard_not_yet_implemented"
            else item.effective_on) for item in inbox.items}
        return render_page(request, "portal/alerts.html", inbox=inbox, messages=messages,
                           status=status.value, message=_done(request, _),
                           status_labels={k.value: _(v) for k, v in words.STATUS_LABELS.items()})

    @post("/alerts/{alert_id:int}/redeclare", status_code=303)
    async def redeclare(self, request: Request[Any, Any, Any], alert_id: RecordId,
                        data: FormData) -> Response[Any]:
        target = await declarations_repository.alert_target(alert_id)
        if target.uscc != _uscc(request):
            raise RecordNotFound(f"no alert with id {alert_id}")
        try:
            code = await declarations_repository.successor_for(
                target, forms.text(data, "code", 200) or None)
            await declarations_repository.redeclare(target, code, now=dt.datetime.now(dt.UTC),
                                                    source="portal")
        except (StateError, InvalidFieldError, DuplicateError):
            return Redirect("/portal/alerts", status_code=303)
        return Redirect("/portal/alerts?done=redeclared", status_code=303)
