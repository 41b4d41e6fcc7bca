"""Enterprises and their products over HTTP.

``/api/enterprises/{uscc}`` takes ``me`` for the caller's own enterprise. An enterprise account
manages only its own enterprise and products (another enterprise's product answers 404, as if
it did not exist); staff manage every enterprise; leaders read.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from adoption import products_repository, repository
from adoption.schemas import (
    DeclarationPage,
    EnterprisePage,
    EnterpriseRead,
    ProductInput,
    ProductPage,
    ProductRead,
)
from adoption.vocab import DeclarationState, KeyField
from api.openapi import problems
from api.params import Page, PageSize, RecordId
from api.routes.access import (
    OWNER_OR_STAFF,
    OWNER_STAFF_OR_LEADER,
    STAFF_OR_LEADER,
    check_owner,
    enterprise_uscc,
    identity_of,
    translated,
)

PUBLIC = {"roles": "public"}


class EnterpriseWrite(BaseModel):
    """Registration of an enterprise (the USCC is in the path)."""

    name: str = Field(description="企业名称")
    region_code: str | Annotated[int, Field(ge=0, le=999_999)] = Field(
        description="6-digit GB/T 2260 code, e.g. 220102")
    sector: str = Field(default="", description="行业")
    key_fields: list[str] = Field(default_factory=list, max_length=20,
                                  description="重点领域: automotive, petrochemical, 汽车, 石化 ...")


class ProductWrite(BaseModel):
    """A whole product: with PUT, a field left out takes its default (``main`` false)."""

    name: str = Field(description="产品名称")
    model: str = Field(default="", description="产品型号")
    category: str = Field(default="", description="产品分类")
    main: bool = Field(default=False, description="主要产品 (counts for the adoption rate)")
    sector: str = ""


class ProductPatch(BaseModel):
    """Some fields of a product: those left out keep their values."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="产品名称")
    model: str | None = Field(default=None, description="产品型号")
    category: str | None = Field(default=None, description="产品分类")
    main: bool | None = Field(default=None, description="主要产品")
    sector: str | None = None


def _product_input(data: ProductWrite) -> ProductInput:
    with translated():
        return repository.check_product(name=data.name, model=data.model,
                                        category=data.category, main=data.main,
                                        sector=data.sector)


class EnterpriseController(Controller):
    path = "/api/enterprises"
    tags = ["enterprises"]

    @get("/", summary="Registered enterprises (staff, leaders)", opt=STAFF_OR_LEADER)
    async def list_enterprises(
        self,
        region: Annotated[str | None, QueryParameter(
            pattern=r"^\d{2,6}$", description="region code prefix: 22, 2201, 220102")] = None,
        key_field: Annotated[KeyField | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> EnterprisePage:
        return await repository.list_enterprises(region=region, key_field=key_field, page=page,
                                                 page_size=page_size)

    @get("/{uscc:str}", summary="One enterprise ('me' for your own)", opt=OWNER_STAFF_OR_LEADER,
         responses=problems(422))
    async def get_enterprise(self, request: Request[Any, Any, Any],
                             uscc: FromPath[str]) -> EnterpriseRead:
        return await repository.get_enterprise(enterprise_uscc(identity_of(request), uscc))

    @put("/{uscc:str}", summary="Register or update an enterprise (its own account, staff)",
         opt=OWNER_OR_STAFF,
         responses=problems(422))
    async def save_enterprise(self, request: Request[Any, Any, Any], uscc: FromPath[str],
                              data: JSONBody[EnterpriseWrite]) -> EnterpriseRead:
        target = enterprise_uscc(identity_of(request), uscc)
        with translated():
            checked = repository.check_enterprise(
                uscc=target, name=data.name, region_code=data.region_code, sector=data.sector,
                key_fields=data.key_fields)
        saved, _created = await repository.save_enterprise(checked, dt.datetime.now(dt.UTC))
        return saved

    @get("/{uscc:str}/products", summary="An enterprise's products", opt=OWNER_STAFF_OR_LEADER,
         responses=problems(422))
    async def list_products(
        self,
        request: Request[Any, Any, Any],
        uscc: FromPath[str],
        include_discontinued: Annotated[bool, QueryParameter()] = False,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> ProductPage:
        target = enterprise_uscc(identity_of(request), uscc)
        return await repository.list_products(target, include_discontinued=include_discontinued,
                                              page=page, page_size=page_size)

    @post("/{uscc:str}/products", summary="Register a product (its enterprise, staff)",
          status_code=201, opt=OWNER_OR_STAFF,
          responses=problems(409, 422))
    async def create_product(self, request: Request[Any, Any, Any], uscc: FromPath[str],
                             data: JSONBody[ProductWrite]) -> ProductRead:
        target = enterprise_uscc(identity_of(request), uscc)
        checked = _product_input(data)
        with translated():
            return await repository.create_product(target, checked, dt.datetime.now(dt.UTC))


class ProductController(Controller):
    path = "/api/products"
    tags = ["enterprises"]

    async def _owned(self, request: Request[Any, Any, Any], product_id: int) -> ProductRead:
        missing = f"no product with id {product_id}"
        product = await repository.get_product(product_id)
        check_owner(identity_of(request), product.uscc, missing)
        return product

    @get("/{product_id:int}", summary="One product (its enterprise, staff, leaders)",
         opt=OWNER_STAFF_OR_LEADER)
    async def get_product(self, request: Request[Any, Any, Any],
                          product_id: RecordId) -> ProductRead:
        return await self._owned(request, product_id)

    @put("/{product_id:int}", summary="Replace a product (its enterprise, staff)",
         description="A full replace: every field left out takes its default, so leaving out "
         "`main` makes the product a non-main one (which changes the adoption rate). To change "
         "some fields only, use PATCH.", opt=OWNER_OR_STAFF,
         responses=problems(409, 422))
    async def update_product(self, request: Request[Any, Any, Any], product_id: RecordId,
                             data: JSONBody[ProductWrite]) -> ProductRead:
        await self._owned(request, product_id)
        checked = _product_input(data)
        with translated():
            return await repository.update_product(product_id, checked, dt.datetime.now(dt.UTC))

    @patch("/{product_id:int}", summary="Change some fields of a product (its enterprise, "
           "staff)", description="Fields left out keep their values; a field given as null "
           "answers 422.", opt=OWNER_OR_STAFF,
           responses=problems(409, 422))
    async def patch_product(self, request: Request[Any, Any, Any], product_id: RecordId,
                            data: JSONBody[ProductPatch]) -> ProductRead:
        await self._owned(request, product_id)
        changes = {name: getattr(data, name) for name in data.model_fields_set}
        with translated():
            return await products_repository.patch_product(product_id, changes,
                                                           dt.datetime.now(dt.UTC))

    @delete("/{product_id:int}", summary="Discontinue a product: its declarations are withdrawn "
            "and kept as history (its enterprise, staff)", status_code=200, opt=OWNER_OR_STAFF,
            responses=problems(409))
    async def discontinue_product(self, request: Request[Any, Any, Any],
                                  product_id: RecordId) -> ProductRead:
        await self._owned(request, product_id)
        now = dt.datetime.now(dt.UTC)
        return await repository.discontinue_product(product_id, now.date(), now)

    @get("/{product_id:int}/declarations", summary="The history of a product's declarations, "
         "withdrawn ones included (public, like the national platform)", opt=PUBLIC)
    async def history(
        self,
        product_id: RecordId,
        page: Page = 1,
        page_size: PageSize = 100,
    ) -> DeclarationPage:
        return await repository.list_declarations(
            repository.DeclarationFilters(product_id=product_id, state=DeclarationState.ALL),
            page=page, page_size=page_size)
