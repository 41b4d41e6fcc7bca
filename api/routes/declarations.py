"""Self-declarations over HTTP: public to read (as on the national platform); written by the
owning enterprise or staff; bulk imports by staff."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from adoption import repository
from adoption.fields import declared_code
from adoption.schemas import DeclarationOutcome, DeclarationPage, DeclarationRead
from adoption.uscc import normalize_uscc
from adoption.vocab import DeclarationState
from api.declaration_imports import import_declarations
from api.errors import InputError
from api.routes.access import OWNER_OR_STAFF, STAFF, check_owner, identity_of, translated
from api.uploads import saved_uploads
from importers.errors import ImporterError
from standards.settings import Settings

PUBLIC = {"roles": "public"}


class DeclarationCreate(BaseModel):
    product_id: int
    code: str = Field(description="any spelling: 'GB/T 19001-2016', 'ＧＢ／Ｔ１９００１－２０１６'")
    declared_on: dt.date | None = Field(default=None, description="公开日期; today by default")


class DeclarationUpload(BaseModel):
    """Multipart form of ``POST /api/declarations/imports``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile


class DeclarationController(Controller):
    path = "/api/declarations"
    tags = ["declarations"]

    @get("/", summary="Declarations (public): by enterprise, product, standard or code",
         opt=PUBLIC)
    async def list_declarations(
        self,
        uscc: Annotated[str | None, QueryParameter(max_length=40)] = None,
        product: Annotated[int | None, QueryParameter(ge=1)] = None,
        standard: Annotated[int | None, QueryParameter(ge=1, description="standard id")] = None,
        code: Annotated[str | None, QueryParameter(
            max_length=200, description="any spelling of a standard code")] = None,
        status: Annotated[DeclarationState, QueryParameter()] = DeclarationState.ACTIVE,
        unresolved: Annotated[bool | None, QueryParameter()] = None,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> DeclarationPage:
        with translated():
            filters = repository.DeclarationFilters(
                uscc=normalize_uscc(uscc) if uscc else None, product_id=product,
                standard_id=standard, code_key=declared_code(code).key if code else None,
                state=status, unresolved=unresolved)
        return await repository.list_declarations(filters, page=page, page_size=page_size)

    @get("/{declaration_id:int}", summary="One declaration (public)", opt=PUBLIC)
    async def get_declaration(self, declaration_id: FromPath[int]) -> DeclarationRead:
        return await repository.get_declaration(declaration_id)

    @post("/", summary="Declare the standard a product follows (its enterprise, staff); another "
          "edition of a standard already declared is superseded", status_code=201,
          opt=OWNER_OR_STAFF)
    async def declare(self, request: Request[Any, Any, Any],
                      data: JSONBody[DeclarationCreate]) -> DeclarationOutcome:
        product = await repository.get_product(data.product_id)
        check_owner(identity_of(request), product.uscc, f"no product with id {data.product_id}")
        with translated():
            code = declared_code(data.code)
            return await repository.declare(product.id, code, declared_on=data.declared_on,
                                            now=dt.datetime.now(dt.UTC))

    @delete("/{declaration_id:int}", summary="Withdraw a declaration; it stays readable as "
            "history (its enterprise, staff)", status_code=200, opt=OWNER_OR_STAFF)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        declaration_id: FromPath[int],
        reason: Annotated[str, QueryParameter(max_length=200)] = "",
    ) -> DeclarationRead:
        owner = await repository.declaration_owner(declaration_id)
        check_owner(identity_of(request), owner, f"no declaration with id {declaration_id}")
        identity = identity_of(request)
        text = reason.strip() or f"撤回 withdrawn by {identity.role.value} {identity.name}"
        return await repository.withdraw_declaration(declaration_id, reason=text,
                                                     now=dt.datetime.now(dt.UTC))

    @post("/imports", summary="Import self-declaration files in bulk (staff; DESIGN §6.2)",
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

    @get("/imports", summary="Bulk declaration imports, newest first (staff)", opt=STAFF)
    async def list_imports(
        self,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        rows = await repository.list_imports(limit=page_size, offset=(page - 1) * page_size)
        return {"page": page, "page_size": page_size, "items": rows}

    @get("/imports/{import_id:int}", summary="One bulk declaration import with its report "
         "(staff)", opt=STAFF)
    async def get_import(self, import_id: FromPath[int]) -> dict[str, Any]:
        return await repository.get_import(import_id)
