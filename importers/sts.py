"""Reader for NISO STS and ISO STS documents: one record per metadata block (``std-meta``,
``iso-meta``, ``reg-meta``, ``nat-meta``); the body text is not read.

Adoptions come from the document's shape and from cross references:

* NISO STS ``<adoption>``: the ``std-meta`` in an ``adoption-front`` adopts the documents
  nested inside the same ``<adoption>`` (DIN EN ISO 13849-1 → EN ISO 13849-1 → ISO 13849-1);
* ISO STS: a ``nat-meta`` adopts the ``reg-meta`` and ``iso-meta`` beside it, a ``reg-meta``
  the ``iso-meta``;
* ``<std-xref type="IDT|MOD|NEQ|EQV">`` names an adopted document with its degree.

Normative references (规范性引用文件) are the one thing read from the body: the section with
``sec-type="norm-refs"`` (or titled 规范性引用文件 / Normative references) of a ``<body>``
belongs to the metadata blocks of the ``<front>`` beside it, so in a NISO ``<adoption>`` they
are the adopted document's (the national wrapper cites them through its adoption). Each
``<ref>`` gives its ``<std-ref>`` codes, or its text when it has none; a section without a
reference list gives its paragraphs' text. The codes are found by the citation finder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from importers.schemas import RawReading, RawRecord, make_location
from importers.sources import SourceFile, decode_text, parse_xml

META_BLOCKS = ("std-meta", "iso-meta", "reg-meta", "nat-meta")
_REPLACING_XREFS = frozenset({"replaces", "supersedes", "revises", "obsoletes"})
_DEGREE_XREFS = frozenset({"idt", "mod", "neq", "eqv"})
_TAKES_EFFECT = re.compile(r"takes effect on (\d{4}-\d{2}-\d{2})", re.I)


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _kids(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _kid_text(element: Any, name: str) -> str | None:
    for child in _kids(element, name):
        text = _text(child)
        if text:
            return text
    return None


def meta_code(meta: Any) -> str | None:
    """The identifier a metadata block gives itself: dated std-ref, any std-ref, doc-ref."""
    refs = _kids(meta, "std-ref")
    dated = next((_text(r) for r in refs if r.get("type") == "dated" and _text(r)), None)
    return dated or next((_text(r) for r in refs if _text(r)), None) or _kid_text(meta, "doc-ref")


def _titles(meta: Any, fields: dict[str, Any]) -> None:
    for wrap in _kids(meta, "title-wrap"):
        language = wrap.get("{http://www.w3.org/XML/1998/namespace}lang", "en")
        full = _kid_text(wrap, "full")
        if not full:
            parts = [_kid_text(wrap, part) for part in ("intro", "main", "compl")]
            full = " — ".join(part for part in parts if part)
        if not full:
            continue
        if language == "en":
            fields.setdefault("title_en", full)
        elif language == "zh":
            fields.setdefault("title_zh", full)
        else:
            fields.setdefault(f"extra:title_{language}", full)


def _meta_fields(meta: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"code": meta_code(meta), "extra:sts_block": _local(meta)}
    if meta.get("originator"):
        fields["extra:originator"] = meta.get("originator")
    _titles(meta, fields)
    published = _kid_text(meta, "pub-date") or _kid_text(meta, "release-date")
    if published:
        fields["published"] = published
    ics = [_text(code) for code in _kids(meta, "ics") if _text(code)]
    if ics:
        fields["ics"] = ics
    for name, target in (
        ("comm-ref", "technical_committee"),
        ("secretariat", "extra:secretariat"),
        ("wi-number", "extra:work_item"),
    ):
        value = _kid_text(meta, name)
        if value:
            fields[target] = value
    for ident in _kids(meta, "std-ident"):
        for name, target in (("edition", "extra:edition"), ("doc-type", "doctype")):
            value = _kid_text(ident, name)
            if value:
                fields.setdefault(target, value)
    for ident in _kids(meta, "doc-ident"):
        urn = _kid_text(ident, "urn")
        if urn:
            fields["extra:urn"] = urn
    for xref in _kids(meta, "std-xref"):
        kind = (xref.get("type") or "").strip()
        refs = [_text(ref) for ref in xref.iter() if _local(ref) == "std-ref" and _text(ref)]
        if kind.casefold() in _REPLACING_XREFS:
            fields.setdefault("replaces", []).extend(refs)
        elif kind.casefold() in _DEGREE_XREFS:
            fields.setdefault("adopts", []).extend((ref, kind) for ref in refs)
        elif refs:
            fields.setdefault(f"extra:xref_{kind or 'other'}", []).extend(refs)
    for note in _kids(meta, "meta-note"):
        match = _TAKES_EFFECT.search(_text(note))
        if match:
            fields.setdefault("implemented", match.group(1))
    for permissions in _kids(meta, "permissions"):
        year = _kid_text(permissions, "copyright-year")
        if year:
            fields.setdefault("extra:copyright_year", year)
    for group in _kids(meta, "custom-meta-group"):
        for custom in _kids(group, "custom-meta"):
            key, value = _kid_text(custom, "meta-name"), _kid_text(custom, "meta-value")
            if key and value and key in ("document-status", "sales.number"):
                fields.setdefault(f"extra:{key}", value)
    return fields


_NORM_REFS_TITLES = frozenset({"规范性引用文件", "normativereferences", "referencesnormatives"})


def _is_norm_refs(section: Any) -> bool:
    if section.get("sec-type") == "norm-refs":
        return True
    title = _kid_text(section, "title") or ""
    return "".join(title.split()).casefold() in _NORM_REFS_TITLES


def _reference_texts(section: Any) -> list[str]:
    refs = [el for el in section.iter() if _local(el) == "ref"]
    if not refs:
        return [_text(el) for el in section.iter() if _local(el) in ("p", "list-item")
                and _text(el)]
    texts = []
    for ref in refs:
        codes = [_text(el) for el in ref.iter() if _local(el) == "std-ref" and _text(el)]
        texts.extend(codes or [_text(ref)])
    return [text for text in texts if text]


def _norm_refs(meta: Any) -> list[str]:
    """The normative references of the body beside the ``<front>`` holding ``meta``."""
    front = next((el for el in meta.iterancestors() if _local(el) == "front"), None)
    document = front.getparent() if front is not None else None
    if document is None:
        return []
    found: list[str] = []
    for body in _kids(document, "body"):
        for section in body.iter():
            if _local(section) == "sec" and _is_norm_refs(section):
                found.extend(_reference_texts(section))
    return found


def _adopted_by_shape(meta: Any, all_meta: list[Any]) -> list[tuple[str, str]]:
    """Documents a metadata block adopts, judged by where the blocks sit."""
    name = _local(meta)
    parent = meta.getparent()
    adopted: list[Any] = []
    if name == "std-meta" and parent is not None and _local(parent) == "adoption-front":
        adoption = parent.getparent()
        adopted = [
            other
            for other in all_meta
            if other is not meta and adoption is not None and _is_inside(other, adoption)
        ]
    elif name in ("nat-meta", "reg-meta") and parent is not None:
        wanted = ("reg-meta", "iso-meta") if name == "nat-meta" else ("iso-meta",)
        adopted = [other for other in parent if _local(other) in wanted]
    codes = [meta_code(other) for other in adopted]
    return [(code, "adoption") for code in codes if code]


def _is_inside(element: Any, ancestor: Any) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _has_identity(meta: Any) -> bool:
    if meta_code(meta):
        return True
    return any(_kid_text(ident, "doc-number") for ident in _kids(meta, "std-ident"))


def _records(source: SourceFile, tree: Any) -> Iterator[RawRecord]:
    blocks = [el for el in tree.getroot().iter() if _local(el) in META_BLOCKS]
    for meta in blocks:
        location = make_location(source.name, tree.getpath(meta))
        if not _has_identity(meta):
            yield RawRecord(
                location,
                {},
                f"<{_local(meta)}> carries no identifier (an empty metadata template), "
                "not a standard record",
            )
            continue
        fields = _meta_fields(meta)
        shaped = _adopted_by_shape(meta, blocks)
        if shaped:
            fields.setdefault("adopts", []).extend(shaped)
            fields["extra:adoption_basis"] = "document structure"
        references = _norm_refs(meta)
        if references:
            fields["references"] = references
        yield RawRecord(location, fields)


def read_sts(source: SourceFile) -> RawReading:
    """Read a NISO STS or ISO STS XML document's metadata blocks."""
    tree = parse_xml(decode_text(source.read_bytes(), source.name), source.name)
    if not any(_local(el) in META_BLOCKS for el in tree.getroot().iter()):
        raise source.unreadable("no std-meta, iso-meta, reg-meta or nat-meta block in this STS XML")
    return RawReading(source="sts", profile="sts", records=_records(source, tree))
