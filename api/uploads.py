"""Uploaded files: streamed to a temporary folder under STDTRACK_HOME, capped in size."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from litestar.datastructures import UploadFile

from api.errors import InputError, PayloadTooLarge
from standards.settings import Settings


async def _save(upload: UploadFile, folder: Path, limit: int, used: int) -> tuple[Path, int]:
    """Stream one upload to disk, refusing it as soon as the total passes ``limit`` bytes."""
    target = folder / (Path(upload.filename or "upload").name or "upload")
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


@asynccontextmanager
async def saved_uploads(
    uploads: UploadFile | Sequence[UploadFile], settings: Settings
) -> AsyncIterator[list[Path]]:
    """The uploads as files on disk (each in its own folder: names may repeat), removed after.

    Raises:
        InputError: nothing was uploaded.
        PayloadTooLarge: together they exceed the upload limit.
    """
    files = [uploads] if isinstance(uploads, UploadFile) else list(uploads)
    if not files:
        raise InputError("no file uploaded (multipart field 'files')")
    settings.home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.home, prefix="upload-") as tmp:
        paths, used = [], 0
        for index, upload in enumerate(files):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            path, used = await _save(upload, folder, settings.upload_limit_bytes, used)
            paths.append(path)
        yield paths
