"""Catalogue imports over HTTP (staff): upload files, list batches, read a report."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from pydantic import BaseModel, ConfigDict

from api.auth import STAFF_ONLY, Identity
from api.errors import InputError
from api.imports import ImportOptions, after_import, import_files, parse_column_map
from api.params import Page, PageSize, RecordId
from api.uploads import saved_uploads
from importers.errors import ImporterError
from standards import repository
from standards.settings import Settings


class ImportUpload(BaseModel):
    """Multipart form of ``POST /api/imports``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile
    format: str | None = None
    column: list[str] | str | None = None
    dry_run: bool = False
    strict: bool = False


class ImportController(Controller):
    path = "/api/imports"
    tags = ["imports"]
    opt = STAFF_ONLY

    @post("/", summary="Upload catalogue files and import them (staff)", status_code=201,
          description="Formats, headers and JSON keys: docs/formats.md; the report (warnings "
          "first, rejected rows and values, conflicts): docs/json.md. `strict` writes nothing "
          "when anything would be rejected or lost. A file that cannot be read, or stops "
          "part-way, is listed in `failures` (and in `rejected`, its entry in `files` carrying "
          "`error`) while the other files are imported; the batch's `state` is then `failed`. "
          "400 when no file can be read.")
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        identity: Identity = request.scope["state"]["identity"]
        try:
            column_map = parse_column_map(data.column)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        options = ImportOptions(fmt=data.format, column_map=column_map, dry_run=data.dry_run,
                                strict=data.strict, actor=f"http:{identity.name}",
                                limits=settings.read_limits)
        async with saved_uploads(data.files, settings) as paths:
            try:
                # files are read and parsed in threads or the reader process, never here
                report = await import_files(paths, options, settings.archive_dir)
            except ImporterError as exc:
                raise InputError(str(exc)) from exc
        indexed = await after_import(settings, report)
        return {**report.as_dict(), "index": indexed}

    @get("/", summary="Import batches, newest first, with their state (staff)",
         description="`state`: running, finished, failed, or interrupted (a batch still marked "
         "running whose process is gone).")
    async def list_batches(
        self,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> dict[str, Any]:
        rows = await repository.list_batches(limit=page_size, offset=(page - 1) * page_size)
        return {"page": page, "page_size": page_size, "items": rows}

    @get("/{batch_id:int}", summary="One import batch with its report (staff)")
    async def get_batch(self, batch_id: RecordId) -> dict[str, Any]:
        return await repository.get_batch(batch_id)
