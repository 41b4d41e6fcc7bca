"""Catalogue imports over HTTP (staff): upload files, list batches, read a report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from pydantic import BaseModel, ConfigDict

from api.auth import STAFF_ONLY, Identity
from api.errors import InputError, PayloadTooLarge
from api.imports import ImportOptions, after_import, import_files
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


def _column_map(column: list[str] | str | None) -> dict[str, str] | None:
    pairs = [column] if isinstance(column, str) else (column or [])
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise InputError(f"column {pair!r}: expected HEADER=field, e.g. 标准代号=code")
        mapping[header.strip()] = target.strip()
    return mapping or None


async def _save(upload: UploadFile, folder: Path, limit: int, used: int) -> tuple[Path, int]:
    """Stream an upload to disk, refusing it as soon as the total passes ``limit`` bytes."""
    name = Path(upload.filename or "upload").name or "upload"
    target = folder / name
    size = used
    with target.open("wb") as handle:
        while block := await upload.read(1 << 20):
            size += len(block)
            if size > limit:
                raise PayloadTooLarge(
                    f"upload is larger than the limit of {limit // (1024 * 1024)} MB "
                    "(STDTRACK_UPLOAD_LIMIT_MB)")
            handle.write(block)
    return target, size


class ImportController(Controller):
    path = "/api/imports"
    tags = ["imports"]
    opt = STAFF_ONLY

    @post("/", summary="Upload catalogue files and import them (staff)", status_code=201)
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        identity: Identity = request.scope["state"]["identity"]
        uploads = data.files if isinstance(data.files, list) else [data.files]
        if not uploads:
            raise InputError("no file uploaded (multipart field 'files')")
        options = ImportOptions(fmt=data.format, column_map=_column_map(data.column),
                                dry_run=data.dry_run, strict=data.strict,
                                actor=f"http:{identity.name}")
        settings.home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=settings.home, prefix="upload-") as tmp:
            paths, used = [], 0
            for index, upload in enumerate(uploads):
                folder = Path(tmp) / str(index)
                folder.mkdir()
                path, used = await _save(upload, folder, settings.upload_limit_bytes, used)
                paths.append(path)
            try:
                report = await import_files(paths, options, settings.archive_dir)
            except ImporterError as exc:
                raise InputError(str(exc)) from exc
        await after_import(settings, report)
        return report.as_dict()

    @get("/", summary="Import batches, newest first (staff)")
    async def list_batches(
        self,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        rows = await repository.list_batches(limit=page_size, offset=(page - 1) * page_size)
        return {"page": page, "page_size": page_size, "items": rows}

    @get("/{batch_id:int}", summary="One import batch with its report (staff)")
    async def get_batch(self, batch_id: FromPath[int]) -> dict[str, Any]:
        return await repository.get_batch(batch_id)
