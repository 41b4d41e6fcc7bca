"""Uploads a browser or a script can send: whatever the file name (``..``, a path, 300
characters, line breaks, control characters) the file is imported and kept under a safe name;
a form field that is not text is a 400, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.uploads import MAX_NAME_BYTES, safe_filename
from standards.settings import Settings

pytestmark = pytest.mark.anyio

CATALOGUE = "标准号,标准名称,发布日期\nGB/T 7714-2015,信息与文献 参考文献著录规则,2015-05-15\n"
BOUNDARY = "stdtrack-boundary-7d1f"


@pytest.mark.parametrize(("raw", "expected"), [
    ("..", "upload"), ("a/..", "upload"), ("../../etc/passwd", "passwd"),
    ("C:\\Users\\张三\\目录.csv", "目录.csv"), ("a\nb.csv", "a_b.csv"),
    ("evil.csv\r\nX-Injected: 1", "evil.csv__X-Injected_ 1"), ("a\x1b[31m.csv", "a_[31m.csv"),
    ("\u202egpj.csv", "_gpj.csv"), (".hidden.csv", "hidden.csv"), ("", "upload"),
    (None, "upload"), ("\x00", "upload"), ("声明 2024（二）.xlsx", "声明 2024（二）.xlsx"),
    ("iso_compact_all.jsonl.gz", "iso_compact_all.jsonl.gz")])
def test_safe_filename(raw: str | None, expected: str) -> None:
    assert safe_filename(raw) == expected


@pytest.mark.parametrize("raw", ["x" * 300 + ".xlsx", "目" * 300 + ".jsonl.gz", "y" * 400])
def test_a_long_name_is_cut_in_its_stem_keeping_the_extension(raw: str) -> None:
    name = safe_filename(raw)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.endswith(raw[-9:] if raw.endswith(".jsonl.gz") else raw[-5:]
                         if raw.endswith(".xlsx") else "y")


def _multipart(parts: list[tuple[bytes, bytes]]) -> bytes:
    """A multipart body as a client could write it: (Content-Disposition params, content)."""
    body = b""
    for disposition, content in parts:
        body += (f"--{BOUNDARY}\r\n".encode() + b"Content-Disposition: form-data; "
                 + disposition + b"\r\n\r\n" + content + b"\r\n")
    return body + f"--{BOUNDARY}--\r\n".encode()


async def _upload(client: httpx.AsyncClient, staff: dict[str, str],
                  parts: list[tuple[bytes, bytes]]) -> httpx.Response:
    return await client.post("/api/imports", content=_multipart(parts), headers={
        **staff, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("filename", "kept"), [
    (b"..", "upload"), (b"a/..", "upload"), (b"x" * 300 + b".csv", "x" * 146 + ".csv"),
    (b"a\nb.csv", "a_b.csv"), (b"cat\x1b[2J\x07.csv", "cat_[2J_.csv"),
    ("../目录/清单.csv".encode(), "清单.csv")])
async def test_any_file_name_is_imported_under_a_safe_name(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings,
        filename: bytes, kept: str) -> None:
    answer = await _upload(client, staff_headers, [
        (b'name="files"; filename="' + filename + b'"', CATALOGUE.encode())])
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["created"] + report["unchanged"] + report["updated"] == 1
    assert report["files"][0]["name"] == kept
    archived = Path(report["files"][0]["archived_as"])
    assert archived.name.endswith("-" + kept) and archived.is_file()
    assert archived.resolve().is_relative_to(settings.archive_dir.resolve())


@pytest.mark.parametrize("content", [b"\xff\xfe\x00binary", b"\x89PNG\r\n\x1a\n", b"\xe8\xa1"])
async def test_a_form_field_that_is_not_text_is_a_bad_request(
        client: httpx.AsyncClient, staff_headers: dict[str, str], content: bytes) -> None:
    answer = await _upload(client, staff_headers, [
        (b'name="files"; filename="c.csv"', CATALOGUE.encode()),
        (b'name="format"', content)])  # a plain field, not a file
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "UTF-8" in answer.json()["detail"]


async def test_the_other_upload_routes_refuse_such_fields_too(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    for path in ("/api/declarations/imports", "/api/drafting-projects/imports"):
        answer = await client.post(path, content=_multipart([
            (b'name="files"; filename="d.csv"', b"x\n"), (b'name="note"', b"\xff\xfe")]),
            headers={**staff_headers,
                     "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert answer.status_code == 400, (path, answer.text)


async def test_a_form_field_in_an_unknown_charset_is_a_bad_request(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    answer = await _upload(client, staff_headers, [
        (b'name="files"; filename="c.csv"', CATALOGUE.encode()),
        (b'name="format"\r\nContent-Type: text/plain; charset=no-such-codec', b"csv")])
    assert answer.status_code == 400, answer.text
    assert "no-such-codec" in answer.json()["detail"]


async def _pieces(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]
        yield b""  # an empty message in between, as a server may pass on


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("size", [1, 7, 64])
async def test_a_body_that_arrives_in_pieces_is_read_whole(
        client: httpx.AsyncClient, staff_headers: dict[str, str], size: int) -> None:
    good = _multipart([(b'name="files"; filename="c.csv"', CATALOGUE.encode())])
    answer = await client.post("/api/imports", content=_pieces(good, size), headers={
        **staff_headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert answer.status_code == 201, answer.text
    bad = _multipart([(b'name="files"; filename="c.csv"', CATALOGUE.encode()),
                      (b'name="format"', b"\xe8\xa1\xe8")])
    answer = await client.post("/api/imports", content=_pieces(bad, size), headers={
        **staff_headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert answer.status_code == 400, answer.text
