"""Opening import files safely: gzip-aware bytes and lines, the text encodings catalogues come
in, and XML / HTML / YAML / JSON parsing with every dangerous feature off.

Every failure becomes an ``UnreadableFileError`` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import gzip
import html.entities
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import yaml
from lxml import etree

from importers.errors import UnreadableFileError

GZIP_MAGIC = b"\x1f\x8b"
HEAD_SIZE = 65536


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file on disk, read transparently through gzip when it is compressed."""

    path: Path

    @property
    def name(self) -> str:
        """The file's name, used in every location and message."""
        return self.path.name

    def unreadable(self, problem: str) -> UnreadableFileError:
        """An UnreadableFileError naming this file."""
        return UnreadableFileError(self.name, problem)

    def _open_raw(self) -> Any:
        try:
            return self.path.open("rb")
        except FileNotFoundError as exc:
            raise self.unreadable("no such file") from exc
        except IsADirectoryError as exc:
            raise self.unreadable("is a directory, not a file") from exc
        except OSError as exc:
            raise self.unreadable(f"cannot be opened ({exc.strerror or exc})") from exc

    def is_gzip(self) -> bool:
        """True when the file starts with the gzip magic number."""
        with self._open_raw() as raw:
            return bool(raw.read(2) == GZIP_MAGIC)

    def head(self, size: int = HEAD_SIZE) -> bytes:
        """Up to ``size`` bytes of content (decompressed), for sniffing.

        A damaged or short gzip stream yields what could be decompressed: detection should
        still work, and the damage is reported when the file is actually read.
        """
        with self._open_raw() as raw:
            start = raw.read(size)
            if not start.startswith(GZIP_MAGIC):
                return bytes(start)
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = bytearray()
            chunk = start
            while chunk and len(out) < size:
                try:
                    out += inflater.decompress(chunk, size - len(out))
                except zlib.error:
                    break
                chunk = inflater.unconsumed_tail or raw.read(size)
            return bytes(out[:size])

    def read_bytes(self) -> bytes:
        """The whole content, decompressed when gzip; refuses empty and truncated files."""
        if self.is_gzip():
            try:
                with gzip.open(self.path, "rb") as stream:
                    data = stream.read()
            except EOFError as exc:
                raise self.unreadable(
                    "gzip data is truncated (the stream ends before its end marker)"
                ) from exc
            except (gzip.BadGzipFile, zlib.error) as exc:
                raise self.unreadable(f"gzip data is damaged ({exc})") from exc
        else:
            with self._open_raw() as raw:
                data = raw.read()
        if not data.strip():
            raise self.unreadable("empty file (no content)")
        return bytes(data)

    def iter_lines(self) -> Iterator[bytes]:
        """Lines of the (decompressed) content, streamed; raises on a truncated gzip stream."""
        opener = gzip.open if self.is_gzip() else open
        try:
            with opener(self.path, "rb") as stream:
                yield from stream
        except EOFError as exc:
            raise self.unreadable(
                "gzip data is truncated (the stream ends before its end marker)"
            ) from exc
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise self.unreadable(f"gzip data is damaged ({exc})") from exc


def looks_binary(data: bytes) -> bool:
    """True for content that is no text file: NUL bytes outside a UTF-16 text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in data


def decode_text(data: bytes, file_name: str) -> str:
    """Decode catalogue text: UTF-8 with or without BOM, else GB18030 (a superset of GBK).

    UTF-16 with a BOM is accepted too, because Excel's "Unicode text" export writes it.

    Raises:
        UnreadableFileError: binary content, or bytes valid in none of these encodings.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(file_name, f"damaged UTF-16 text ({exc.reason})") from exc
    if looks_binary(data):
        raise UnreadableFileError(file_name, "binary data, not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            bad = data[utf8_error.start : utf8_error.start + 1].hex()
            raise UnreadableFileError(
                file_name,
                f"not UTF-8 or GB18030/GBK text (byte 0x{bad} at offset {utf8_error.start} "
                "cannot be decoded)",
            ) from utf8_error


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_:]")
_NAMED_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})


def refuse_entity_declarations(text: str, file_name: str) -> None:
    """Refuse any document that declares an entity (XXE, billion laughs) before parsing it.

    Declarations can only appear in the prolog (the DOCTYPE internal subset), which ends where
    the first element starts, so only that part is searched.
    """
    first = _FIRST_ELEMENT.search(text)
    prolog = text if first is None else text[: first.start()]
    if "<!ENTITY" in prolog:
        raise UnreadableFileError(
            file_name,
            "the document declares an XML entity (<!ENTITY ...>); entity declarations are "
            "refused for safety (XXE, entity expansion)",
        )


def _replace_named_references(text: str) -> str:
    """Replace HTML named character references (``&mdash;``) by their characters.

    ISO STS samples use the HTML names their external DTD defines; we never load DTDs, so
    without this they would not parse. This is a fixed character table, not entity
    resolution: nothing is fetched or expanded recursively.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_PREDEFINED:
            return match.group(0)
        char = html.entities.html5.get(f"{name};")
        return char if char is not None else match.group(0)

    return _NAMED_REFERENCE.sub(replace, text)


def _safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(text: str, file_name: str) -> etree._ElementTree:
    """Parse XML text safely: entity declarations refused, no DTD, no network.

    Raises:
        UnreadableFileError: an entity declaration, or XML that is not well-formed (for
            example cut off in the middle of a tag).
    """
    refuse_entity_declarations(text, file_name)
    body = _replace_named_references(_XML_DECLARATION.sub("", text, count=1))
    try:
        root = etree.fromstring(body.encode("utf-8"), _safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableFileError(
            file_name, f"XML is not well-formed, the file may be truncated or damaged ({exc})"
        ) from exc
    return etree.ElementTree(root)


def parse_html(text: str, file_name: str) -> lxml.html.HtmlElement:
    """Parse an HTML page leniently (pages are real site HTML), network and entities off."""
    refuse_entity_declarations(text, file_name)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFileError(file_name, f"HTML cannot be parsed ({exc})") from exc


def load_json(text: str, file_name: str) -> Any:
    """Parse a whole JSON document; a truncated one fails with the position."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            file_name,
            f"JSON is not well-formed at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "the file may be truncated or damaged",
        ) from exc


def load_yaml_documents(text: str, file_name: str) -> list[Any]:
    """Parse YAML safely (plain data only); aliases are refused so nothing can blow up."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise UnreadableFileError(
                    file_name, "YAML uses aliases (*name); they are refused for safety"
                )
        return [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        raise UnreadableFileError(
            file_name, f"YAML is not well-formed, the file may be truncated or damaged ({exc})"
        ) from exc
