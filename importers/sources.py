"""Opening import files safely: gzip-aware bytes, lines and text streams within the read
limits (inflated size, compression ratio, documents read whole, line length), the text
encodings catalogues come in, and XML / HTML / YAML / JSON parsing with every dangerous
feature off.

Every failure becomes an ``UnreadableFileError`` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import html.entities
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

import lxml.html
import yaml
from lxml import etree

from importers.errors import UnreadableFileError
from standards.settings import ReadLimits

GZIP_MAGIC = b"\x1f\x8b"
HEAD_SIZE = 65536
CHUNK = 1 << 16
# A compression ratio is judged only past this many inflated bytes: a small, very repetitive
# file is harmless whatever its ratio, and a bomb shows itself long before.
RATIO_FLOOR = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def inflated_too_large(name: str, limits: ReadLimits) -> UnreadableFileError:
    """The refusal of content that inflates past ``max_inflated_bytes``."""
    return UnreadableFileError(
        name, f"解压后超过 {_mb(limits.max_inflated_bytes)} 上限 (the content inflates to more "
        f"than the limit of {_mb(limits.max_inflated_bytes)}: STDTRACK_IMPORT_MAX_INFLATED_MB)")


def ratio_too_high(name: str, limits: ReadLimits, ratio: float) -> UnreadableFileError:
    """The refusal of content compressed more than ``max_ratio`` to one (a compression bomb)."""
    return UnreadableFileError(
        name, f"压缩比 {ratio:.0f}:1 超过上限 {limits.max_ratio}:1 (compression ratio over "
        f"the limit of {limits.max_ratio}:1, a compression bomb?: STDTRACK_IMPORT_MAX_RATIO)")


def document_too_large(name: str, limits: ReadLimits, what: str = "the file",
                       cap: int | None = None) -> UnreadableFileError:
    """The refusal of a document too large to be held whole while it is parsed (``cap``:
    the limit when it is a multiple of ``max_document_bytes``)."""
    size = _mb(cap or limits.max_document_bytes)
    times = f"{cap // limits.max_document_bytes} × " if cap and cap != \
        limits.max_document_bytes else ""
    return UnreadableFileError(
        name, f"{what} 超过整体读取上限 {size} ({what} is larger than the limit of {size} for "
        f"data parsed whole: {times}STDTRACK_IMPORT_MAX_DOCUMENT_MB)")


class _BoundedInflate(io.RawIOBase):
    """A gzip stream (one member or a chain of them) inflated piece by piece, refused as soon
    as it inflates past the limit or its compression ratio passes the limit: memory stays
    bounded whatever the file claims. The ratio is judged on the compressed bytes actually
    consumed, so it shows at once."""

    def __init__(self, source: SourceFile, raw: BinaryIO) -> None:
        self._source = source
        self._raw = raw
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._input = b""  # compressed bytes read, not yet given to the inflater
        self._read = 0  # compressed bytes read from the file
        self._produced = 0

    def readable(self) -> bool:
        return True

    def _next_member(self) -> bool:
        """After a member's end: start the next one, or say the stream is over."""
        rest = self._inflater.unused_data + self._input
        self._input = b""
        while True:
            rest = rest.lstrip(b"\x00")  # gzip tolerates zero padding between members
            if len(rest) >= 2:
                break
            more = self._raw.read(CHUNK)
            if not more:
                if rest:
                    raise self._source.unreadable("gzip data is damaged (trailing garbage)")
                return False
            self._read += len(more)
            rest += more
        if not rest.startswith(GZIP_MAGIC):
            raise self._source.unreadable("gzip data is damaged (trailing data that is not gzip)")
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._input = rest
        return True

    def _inflate(self, size: int) -> bytes:
        while True:
            inflater = self._inflater
            if inflater.eof:
                if not self._next_member():
                    return b""
                continue
            chunk = inflater.unconsumed_tail or self._input
            self._input = b""
            if not chunk:
                chunk = self._raw.read(CHUNK)
                self._read += len(chunk)
                if not chunk:
                    raise self._source.unreadable(
                        "gzip data is truncated (the stream ends before its end marker)")
            try:
                data = inflater.decompress(chunk, size)
            except zlib.error as exc:
                raise self._source.unreadable(f"gzip data is damaged ({exc})") from exc
            if data:
                return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._inflate(min(len(view), CHUNK))
        self._produced += len(data)
        limits = self._source.limits
        if self._produced > limits.max_inflated_bytes:
            raise inflated_too_large(self._source.name, limits)
        if self._produced > RATIO_FLOOR:
            consumed = self._read - len(self._inflater.unconsumed_tail) - len(self._input)
            ratio = self._produced / max(1, consumed)
            if ratio > limits.max_ratio:
                raise ratio_too_high(self._source.name, limits, ratio)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class LongLine(bytes):
    """The start of a line longer than the line limit (the rest was skipped unread into
    memory); ``length`` is the whole line's length in bytes."""

    length: int


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file on disk, read transparently through gzip when it is compressed, within limits."""

    path: Path
    limits: ReadLimits = field(default_factory=ReadLimits)

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

    def open_binary(self) -> BinaryIO:
        """The content as a buffered binary stream: inflated when gzip, within the inflated
        size and compression-ratio limits (raising ``UnreadableFileError`` while read)."""
        raw = self._open_raw()
        if raw.read(2) != GZIP_MAGIC:
            raw.seek(0)
            return cast(BinaryIO, raw)
        raw.seek(0)
        return cast(BinaryIO, io.BufferedReader(_BoundedInflate(self, raw), CHUNK))

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
        """The whole content, decompressed when gzip, for formats parsed whole; refuses empty,
        truncated and too large files (``max_document_bytes``)."""
        cap = self.limits.max_document_bytes
        with self.open_binary() as stream:
            data = stream.read(cap + 1)
        if len(data) > cap:
            raise document_too_large(self.name, self.limits)
        if not data.strip():
            raise self.unreadable("empty file (no content)")
        return bytes(data)

    def iter_lines(self) -> Iterator[bytes]:
        """Lines of the (decompressed) content, streamed; a line longer than the line limit
        comes as a :class:`LongLine` holding its start. Raises on a truncated gzip stream."""
        limit = self.limits.max_line_chars
        with self.open_binary() as stream:
            readline = stream.readline
            while line := readline(limit):
                if len(line) == limit and not line.endswith(b"\n"):
                    yield _long_line(line, stream)
                else:
                    yield line

    def open_text(self) -> TextIO:
        """The content as a text stream decoded incrementally (``newline=""``, for csv): the
        encoding is told from the head (BOM, UTF-8, else GB18030), never by reading it all.

        Raises:
            UnreadableFileError: empty, binary, or undecodable from the start.
        """
        head = self.head(HEAD_SIZE)
        if not head.strip():
            if self.is_gzip():
                self.open_binary().read()  # a gzip stream cut before any data: say so precisely
            raise self.unreadable("empty file (no content)")
        encoding = sniff_encoding(head, self.name, whole=len(head) < HEAD_SIZE)
        return io.TextIOWrapper(self.open_binary(), encoding=encoding, newline="")


def _long_line(start: bytes, stream: BinaryIO) -> LongLine:
    """Skip the rest of an over-long line (in chunks) and say how long it was."""
    length = len(start)
    while more := stream.readline(CHUNK):
        length += len(more)
        if more.endswith(b"\n"):
            break
    line = LongLine(start)
    line.length = length
    return line


def sniff_encoding(head: bytes, file_name: str, whole: bool) -> str:
    """The codec of a text file judged by its first bytes (all of them when ``whole``).

    Raises:
        UnreadableFileError: binary content, or bytes valid in no accepted encoding.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # a multi-byte character may be cut at the end of a head: forgive up to 3 bytes
    for cut in range(1 if whole else 4):
        try:
            (head[: len(head) - cut] if cut else head).decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    decode_text(head if whole else head[: len(head) - 3], file_name)  # raises with the offset
    return "gb18030"


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


ENTITY_REFUSAL = ("the document declares an XML entity (<!ENTITY ...>); entity declarations "
                  "are refused for safety (XXE, entity expansion)")


def refuse_entity_declarations(text: str, file_name: str) -> None:
    """Refuse any document that declares an entity (XXE, billion laughs) before parsing it.

    Declarations can only appear in the prolog (the DOCTYPE internal subset), which ends where
    the first element starts, so only that part is searched.
    """
    first = _FIRST_ELEMENT.search(text)
    prolog = text if first is None else text[: first.start()]
    if "<!ENTITY" in prolog:
        raise UnreadableFileError(file_name, ENTITY_REFUSAL)


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


def safe_xml_parser() -> etree.XMLParser:
    """The XML parser settings every reader uses: no entities resolved, no DTD, no network,
    no huge trees (libxml2's limits on text and depth stay on)."""
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
        root = etree.fromstring(body.encode("utf-8"), safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableFileError(
            file_name, f"XML is not well-formed, the file may be truncated or damaged ({exc})"
        ) from exc
    tree = etree.ElementTree(root)
    # the text search above stops at what looks like the first element, which a comment can
    # fake; the parser's own view of the internal subset cannot be fooled
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnreadableFileError(file_name, ENTITY_REFUSAL)
    return tree


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
