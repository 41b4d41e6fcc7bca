"""Self-declarations over HTTP: public to read (as on the national platform); written by the
owning enterprise or staff; bulk imports by staff."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from adoption import declarations_repository, public_repository, repository
from adoption.fields import DeclaredCode, declared_code
from adoption.public_repository import SearchField
from adoption.schemas import (
    DeclarationCheck,
    DeclarationHistory,
    DeclarationOutcome,
    DeclarationPage,
    DeclarationRead,
)
from adoption.uscc import normalize_uscc
from adoption.vocab import DeclarationState
from api.auth import Role
from api.declaration_imports import import_declarations
from api.errors import ConfirmationRequired, InputError
from api.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, ExportFormat, content_disposition
from api.openapi import problems
from api.params import BodyId, Page, PageSize, QueryId, RecordId
from api.pipelines.declaration_files import (
    DeclarationPreview,
    Upload,
    commit_preview,
    preview_uploads,
    template_csv,
    template_xlsx,
)
from api.routes.access import (
    OWNER_OR_STAFF,
    OWNER_STAFF_OR_LEADER,
    STAFF,
    check_owner,
    identity_of,
    translated,
)
from api.uploads import saved_uploads
from importers.errors import ImporterError
from standards.settings import Settings

PUBLIC = {"roles": "public"}


class DeclarationCreate(BaseModel):
    product_id: BodyId
    code: str = Field(description="any spelling: 'GB/T 19001-2016', 'ＧＢ／Ｔ１９００１－２０１６'")
    declared_on: dt.date | None = Field(default=None, description="公开日期; today by default")
    confirm: bool = Field(default=False, description="declare it although the standard is "
                          "withdrawn, replaced or not yet in force (without it such a "
                          "declaration answers 409 with the warnings, and nothing is saved)")


class DeclarationUpload(BaseModel):
    """Multipart form of ``POST /api/declarations/imports``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile


async def confirmed(code: DeclaredCode, confirm: bool) -> None:
    """Refuse to declare a withdrawn, replaced or not-yet-in-force standard unconfirmed.

    Raises:
        ConfirmationRequired: with the warnings and what the code resolves to.
    """
    check = await declarations_repository.check_code(code)
    if check.needs_confirmation and not confirm:
        raise ConfirmationRequired(
            " ".join(w.message for w in check.warnings) + " — 确认后再声明 resend with "
            "confirm=true to declare it anyway", warnings=[w.model_dump(mode="json")
                                                        for w in check.warnings],
            check=check.model_dump(mode="json"))


class DeclarationController(Controller):
    path = "/api/declarations"
    tags = ["declarations"]

    @get("/", summary="Declarations (public): by enterprise, product, standard or code",
         opt=PUBLIC,
         responses=problems(422))
    async def list_declarations(
        self,
        uscc: Annotated[str | None, QueryParameter(max_length=40)] = None,
        product: QueryId = None,
        standard: QueryId = None,
        code: Annotated[str | None, QueryParameter(
            max_length=200, description="any spelling of a standard code")] = None,
        status: Annotated[DeclarationState, QueryParameter()] = DeclarationState.ACTIVE,
        unresolved: Annotated[bool | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> DeclarationPage:
        with translated():
            filters = repository.DeclarationFilters(
                uscc=normalize_uscc(uscc) if uscc else None, product_id=product,
                standard_id=standard, code_key=declared_code(code).key if code else None,
                state=status, unresolved=unresolved)
        return await repository.list_declarations(filters, page=page, page_size=page_size)

    @get("/{declaration_id:int}", summary="One declaration (public)", opt=PUBLIC)
    async def get_declaration(self, declaration_id: RecordId) -> DeclarationRead:
        return await repository.get_declaration(declaration_id)

    @post("/", summary="Declare the standard a product follows (its enterprise, staff); another "
          "edition of a standard already declared is superseded", status_code=201,
          opt=OWNER_OR_STAFF,
          responses=problems(404, 409, 422))
    async def declare(self, request: Request[Any, Any, Any],
                      data: JSONBody[DeclarationCreate]) -> DeclarationOutcome:
        product = await repository.get_product(data.product_id)
        check_owner(identity_of(request), product.uscc, f"no product with id {data.product_id}")
        with translated():
            code = declared_code(data.code)
            await confirmed(code, data.confirm)
            return await repository.declare(product.id, code, declared_on=data.declared_on,
                                            now=dt.datetime.now(dt.UTC))

    @get("/check", summary="What declaring a code would mean today (public): the edition it "
         "resolves to, its status, what replaces it, and the warnings to confirm",
         opt=PUBLIC,
         responses=problems(422))
    async def check(
        self,
        code: Annotated[str, QueryParameter(min_length=1, max_length=200,
                                            description="any spelling of a standard code")],
    ) -> DeclarationCheck:
        with translated():
            return await declarations_repository.check_code(declared_code(code))

    @get("/search", summary="Search active declarations by enterprise (name, credit code), "
         "product (name, model) or standard (code in any spelling, title) (public)",
         opt=PUBLIC)
    async def search(
        self,
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        by: Annotated[SearchField, QueryParameter()] = SearchField.ALL,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> DeclarationPage:
        return await public_repository.search_declarations(q, by=by, page=page,
                                                           page_size=page_size)

    @get("/{declaration_id:int}/history", summary="A declaration's history: declared, alerts "
         "raised and cleared, superseded or withdrawn (its enterprise, staff, leaders)",
         opt=OWNER_STAFF_OR_LEADER)
    async def history(self, request: Request[Any, Any, Any],
                      declaration_id: RecordId) -> DeclarationHistory:
        owner = await repository.declaration_owner(declaration_id)
        check_owner(identity_of(request), owner, f"no declaration with id {declaration_id}")
        return await declarations_repository.declaration_history(declaration_id)

    @delete("/{declaration_id:int}", summary="Withdraw a declaration; it stays readable as "
            "history (its enterprise, staff)", status_code=200, opt=OWNER_OR_STAFF,
            responses=problems(409))
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        declaration_id: RecordId,
        reason: Annotated[str, QueryParameter(max_length=200)] = "",
    ) -> DeclarationRead:
        owner = await repository.declaration_owner(declaration_id)
        check_owner(identity_of(request), owner, f"no declaration with id {declaration_id}")
        identity = identity_of(request)
        text = reason.strip() or f"撤回 withdrawn by {identity.role.value} {identity.name}"
        return await repository.withdraw_declaration(declaration_id, reason=text,
                                                     now=dt.datetime.now(dt.UTC))

    @post("/imports",
          summary="Import self-declaration files in bulk (staff; columns: docs/formats.md §2)",
          status_code=201, opt=STAFF)
    async def create_import(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[DeclarationUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        async with saved_uploads(data.files, settings) as paths:
            try:
                report = await import_declarations(
                    paths, actor=f"http:{identity_of(request).name}",
                    archive_dir=settings.archive_dir, limits=settings.read_limits)
            except ImporterError as exc:
                raise InputError(str(exc)) from exc
        return report.as_dict()

    @post("/imports/previews", summary="Preview a bulk declaration upload: every row's "
          "problems (row, column, value, reason) and what the import would do; nothing is "
          "saved (an enterprise's file may hold its own rows only)", status_code=201,
          opt=OWNER_OR_STAFF)
    async def preview_import(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[DeclarationUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> DeclarationPreview:
        settings: Settings = request.app.state.settings
        identity = identity_of(request)
        async with saved_uploads(data.files, settings) as paths:
            uploads = [Upload(path.name, path.read_bytes()) for path in paths]
        try:
            return await preview_uploads(
                uploads, account_id=identity.account_id,
                uscc=identity.uscc if identity.role is Role.ENTERPRISE else None,
                settings=settings, actor=f"http:{identity.name}")
        except ImporterError as exc:
            raise InputError(str(exc)) from exc

    @post("/imports/previews/{preview_id:str}/commit", summary="Import the files of a preview "
          "(once; the account that previewed them, or staff)", status_code=201,
          opt=OWNER_OR_STAFF)
    async def commit_import(self, request: Request[Any, Any, Any],
                            preview_id: FromPath[str]) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        identity = identity_of(request)
        with translated():
            try:
                report = await commit_preview(
                    preview_id, account_id=identity.account_id,
                    staff=identity.role is Role.STAFF, settings=settings,
                    actor=f"http:{identity.name}")
            except ImporterError as exc:
                raise InputError(str(exc)) from exc
        return report.as_dict()

    @get("/template", summary="The bulk declaration file to fill in (public): XLSX with a "
         "sheet of instructions, or CSV; Chinese headers as the import expects them",
         opt={**PUBLIC, "downloads": (XLSX_MEDIA_TYPE, CSV_MEDIA_TYPE)},
         media_type=XLSX_MEDIA_TYPE)
    async def template(
        self,
        format: Annotated[ExportFormat, QueryParameter()] = ExportFormat.XLSX,
    ) -> Response[bytes]:
        if format is ExportFormat.CSV:
            body, media_type = template_csv(), CSV_MEDIA_TYPE
        else:
            body, media_type = template_xlsx(), XLSX_MEDIA_TYPE
        return Response(body, media_type=media_type, headers={
            "Content-Disposition": content_disposition(f"自我声明模板.{format.value}")})

    @get("/imports", summary="Bulk declaration imports, newest first (staff)", opt=STAFF)
    async def list_imports(
        self,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> dict[str, Any]:
        rows = await repository.list_imports(limit=page_size, offset=(page - 1) * page_size)
        return {"page": page, "page_size": page_size, "items": rows}

    @get("/imports/{import_id:int}", summary="One bulk declaration import with its report "
         "(staff)", opt=STAFF)
    async def get_import(self, import_id: RecordId) -> dict[str, Any]:
        return await repository.get_import(import_id)
