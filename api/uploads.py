"""Uploaded files: streamed to a temporary folder under STDTRACK_HOME, capped in size, under a
name made safe (the name is shown in reports and kept in the archive's file name)."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from litestar.datastructures import UploadFile

from api.errors import InputError, PayloadTooLarge
from standards.settings import Settings

MAX_NAME_BYTES = 150
"""Room for the archive's ``<sha256 prefix>-`` and a file system's 255-byte names."""
_UNSAFE = re.compile(r"[^\w.\-+()（）\[\]【】 ]")
_SUFFIX = re.compile(r"(?:\.[A-Za-z0-9]{1,10}){1,2}$")  # .csv, .xlsx, .jsonl.gz


def safe_filename(raw: str | None) -> str:
    """The name an uploaded file is kept under: its last path part (a browser may send
    ``C:\\dir\\a.csv``), letters (Chinese too), digits and ``. - _ + ( ) [ ]`` and spaces,
    every other character (control characters, line breaks, bidi marks) made ``_``; no leading
    dot; at most MAX_NAME_BYTES of UTF-8, cut in the stem so that the extension (which tells
    the format) stays. ``upload`` when nothing is left."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name.strip("_"):
        return "upload"
    found = _SUFFIX.search(name)
    suffix = found.group(0) if found and found.start() > 0 else ""
    stem = name[: len(name) - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "upload") + suffix


async def _save(upload: UploadFile, folder: Path, limit: int, used: int) -> tuple[Path, int]:
    """Stream one upload to disk, refusing it as soon as the total passes ``limit`` bytes."""
    target = folder / safe_filename(upload.filename)
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
