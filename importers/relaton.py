"""Readers for Relaton bibliographic items, XML (``<bibdata>``, ``<bibitem>``,
``<relaton-collection>``) and YAML (relaton-data-* files), of any publisher: GB, ISO, IEC, BSI,
CEN, JIS...

An item that only stands for its editions (``BS EN ISO 8848`` or ``GB/T 5606 (all parts)``
with ``instanceOf`` relations) yields its dated instances, each completed with what the
undated item says (ICS, committee, document type).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from importers.schemas import RawReading, RawRecord, make_location
from importers.sources import SourceFile, decode_text, load_yaml_documents, parse_xml

# Identifier types that are not a standard's own code.
_OTHER_ID_TYPES = frozenset({"isbn", "issn", "doi", "urn", "iso-reference", "iso-undated"})
# Identifier types that name a publisher rather than a code prefix.
_PUBLISHER_ID_TYPES = frozenset(
    {"iso", "iec", "bsi", "cen", "cenelec", "jis", "itu", "ieee", "chinese standard", "gb"}
)
# Group and enterprise standards cannot be mandatory; relaton-gb still writes "mandatory".
_SCOPES_WITH_NATURE = frozenset({"national", "sector", "local"})
_DATE_TARGETS = {
    "published": "published",
    "issued": "published",
    "implemented": "implemented",
    "obsoleted": "withdrawn",
}


def _stage_fields(stage: str | None, substage: str | None, fields: dict[str, Any]) -> None:
    if not stage:
        return
    if re.fullmatch(r"\d{2}", stage):
        fields["stage"] = f"{stage}.{substage if substage and substage.isdigit() else '00'}"
    else:
        fields["status"] = stage


def _join_docid(kind: str, ident: str) -> str:
    """relaton-gb YAML splits a code into ``type: JB`` and ``id: T13368``; join them back."""
    if (
        re.fullmatch(r"[A-Z]{1,8}", kind)
        and kind.casefold() not in _PUBLISHER_ID_TYPES
        and not ident.upper().startswith(kind)
    ):
        return f"{kind}/{ident}" if re.match(r"[TZ]\d", ident) else f"{kind} {ident}"
    return ident


def _pick_code(identifiers: list[tuple[str, str, bool]]) -> tuple[str | None, dict[str, str]]:
    """(code, other identifiers) from (type, text, primary) triples."""
    code = next((text for kind, text, primary in identifiers if primary and text), None)
    if code is None:
        code = next(
            (
                text
                for kind, text, _ in identifiers
                if text and kind.casefold() not in _OTHER_ID_TYPES
            ),
            None,
        )
    others = {
        kind: text
        for kind, text, _ in identifiers
        if text != code and kind.casefold() in ("isbn", "issn", "doi")
    }
    return code, others


def _pick_titles(titles: list[tuple[str, str, str]], fields: dict[str, Any]) -> None:
    """Choose one title per language from (language, type, text), the ``main`` one first."""
    rank = {"main": 0, "title-main": 1, "": 2, "title-intro": 3}
    best: dict[str, tuple[int, str]] = {}
    for language, kind, text in titles:
        if not text:
            continue
        score = rank.get(kind, 4)
        if language not in best or score < best[language][0]:
            best[language] = (score, text)
    for language, (_, text) in best.items():
        if language == "zh":
            fields["title_zh"] = text
        elif language == "en":
            fields["title_en"] = text
        else:
            fields[f"extra:title_{language or 'other'}"] = text


def _ext_fields(ext: dict[str, Any], fields: dict[str, Any]) -> None:
    """Fields from the flavour extension, given as a plain dict (XML and YAML alike)."""
    if ext.get("doctype"):
        fields["doctype"] = ext["doctype"]
    committees = [c for c in ext.get("committees", []) if c]
    if committees:
        fields["technical_committee"] = committees
    if ext.get("ics"):
        fields["ics"] = ext["ics"]
    if ext.get("ccs"):
        fields["ccs"] = ext["ccs"]
    scope = str(ext.get("gbscope") or "")
    if scope:
        fields["extra:gbscope"] = scope
    if ext.get("gbmandate") and scope in _SCOPES_WITH_NATURE:
        fields["nature"] = ext["gbmandate"]
    for key in ("plannumber", "project_number"):
        if ext.get(key):
            fields[f"extra:{key}"] = ext[key]


# ---------------------------------------------------------------- XML


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _kids(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _kid_text(element: Any, name: str) -> str | None:
    for child in _kids(element, name):
        text = " ".join("".join(child.itertext()).split())
        if text:
            return text
    return None


def _xml_identifiers(item: Any) -> list[tuple[str, str, bool]]:
    return [
        (
            ident.get("type", ""),
            " ".join("".join(ident.itertext()).split()),
            ident.get("primary") == "true",
        )
        for ident in _kids(item, "docidentifier")
    ]


def _xml_ref(item: Any) -> str | None:
    code, _ = _pick_code(_xml_identifiers(item))
    return code or _kid_text(item, "formattedref")


def _xml_ext(item: Any) -> dict[str, Any]:
    ext: dict[str, Any] = {"committees": []}
    for node in _kids(item, "ext"):
        ext["doctype"] = _kid_text(node, "doctype")
        ext["ics"] = [_kid_text(ics, "code") for ics in _kids(node, "ics")]
        ccs = [_kid_text(code, "code") for code in _kids(node, "ccs")]
        ext["ccs"] = next((c for c in ccs if c), None)
        for committee in _kids(node, "gbcommittee"):
            ext["committees"].append("".join(committee.itertext()).strip())
        for group in _kids(node, "editorialgroup"):
            for committee in _kids(group, "technical-committee"):
                name = " ".join("".join(committee.itertext()).split())
                number, kind = committee.get("number"), committee.get("type")
                label = f"{kind} {number}" if number and kind else ""
                ext["committees"].append(" ".join(part for part in (label, name) if part))
        for gbtype in _kids(node, "gbtype"):
            ext["gbscope"] = _kid_text(gbtype, "gbscope")
            ext["gbmandate"] = _kid_text(gbtype, "gbmandate")
        ext["plannumber"] = _kid_text(node, "plannumber")
        for structured in _kids(node, "structuredidentifier"):
            ext["project_number"] = _kid_text(structured, "project-number")
    return ext


def _xml_item_fields(item: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    code, others = _pick_code(_xml_identifiers(item))
    fields["code"] = code
    for kind, text in others.items():
        fields[f"extra:{kind}"] = text
    _pick_titles(
        [
            (t.get("language", ""), t.get("type", ""), " ".join("".join(t.itertext()).split()))
            for t in _kids(item, "title")
        ],
        fields,
    )
    uris = _kids(item, "uri")
    source = next((u for u in uris if u.get("type") == "src"), uris[0] if uris else None)
    if source is not None and (source.text or "").strip():
        fields["source_url"] = source.text.strip()
    for date in _kids(item, "date"):
        kind = date.get("type", "")
        value = _kid_text(date, "on") or _kid_text(date, "from")
        if value:
            target = _DATE_TARGETS.get(kind, f"extra_date:date_{kind}")
            fields.setdefault(target, value)
    for status in _kids(item, "status"):
        _stage_fields(_kid_text(status, "stage"), _kid_text(status, "substage"), fields)
    edition = _kid_text(item, "edition")
    if edition:
        fields["extra:edition"] = edition
    abstracts = _kids(item, "abstract")
    if abstracts:
        fields["scope"] = "".join(abstracts[0].itertext())
    for contributor in _kids(item, "contributor"):
        roles = {role.get("type") for role in _kids(contributor, "role")}
        if "publisher" in roles:
            for organization in _kids(contributor, "organization"):
                names = _kids(organization, "name")
                preferred = next((n for n in names if n.get("language") == "zh"), None)
                chosen = preferred if preferred is not None else (names[0] if names else None)
                if chosen is not None:
                    fields.setdefault("extra:publisher", "".join(chosen.itertext()).strip())
    for copyright_ in _kids(item, "copyright"):
        year = _kid_text(copyright_, "from")
        if year:
            fields.setdefault("extra:copyright_year", year)
    for relation in _kids(item, "relation"):
        kind = relation.get("type", "")
        if kind == "instanceOf":
            continue
        for target in _kids(relation, "bibitem"):
            ref = _xml_ref(target)
            if ref:
                fields.setdefault(f"relation:{kind}", []).append(ref)
    _ext_fields(_xml_ext(item), fields)
    return fields


def _is_gb_xml(item: Any) -> bool:
    kinds = {kind for kind, _, _ in _xml_identifiers(item)}
    has_gbtype = any(_kids(ext, "gbtype") for ext in _kids(item, "ext"))
    return "Chinese Standard" in kinds or has_gbtype


def _xml_records(source: SourceFile, tree: Any, items: list[Any]) -> Iterator[RawRecord]:
    for item in items:
        parent = _xml_item_fields(item)
        instances = [
            bib
            for relation in _kids(item, "relation")
            if relation.get("type") == "instanceOf"
            for bib in _kids(relation, "bibitem")
        ]
        if not instances:
            yield RawRecord(make_location(source.name, tree.getpath(item)), parent)
            continue
        for instance in instances:
            fields = {**parent, **{k: v for k, v in _xml_item_fields(instance).items() if v}}
            yield RawRecord(make_location(source.name, tree.getpath(instance)), fields)


def read_relaton_xml(source: SourceFile) -> RawReading:
    """Read a Relaton XML file: one ``<bibdata>``/``<bibitem>`` or a ``<relaton-collection>``."""
    tree = parse_xml(decode_text(source.read_bytes(), source.name), source.name)
    root = tree.getroot()
    if _local(root) in ("bibdata", "bibitem"):
        items = [root]
    else:
        items = [
            bib
            for relation in root.iter()
            if _local(relation) == "relation" and _local(relation.getparent()) == _local(root)
            for bib in relation
            if _local(bib) in ("bibdata", "bibitem")
        ]
    profile = "relaton-gb" if items and _is_gb_xml(items[0]) else "relaton"
    return RawReading(source="relaton", profile=profile, records=_xml_records(source, tree, items))


# ---------------------------------------------------------------- YAML


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _content(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("content", value.get("value"))
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _first_language(value: Any) -> str:
    languages = _as_list(value)
    return str(languages[0]) if languages else ""


def _yaml_identifiers(item: dict[str, Any]) -> list[tuple[str, str, bool]]:
    identifiers = []
    for docid in _as_list(item.get("docid")):
        if isinstance(docid, dict) and docid.get("id"):
            kind = str(docid.get("type", ""))
            identifiers.append(
                (kind, _join_docid(kind, str(docid["id"])), bool(docid.get("primary")))
            )
    return identifiers


def _yaml_ref(item: Any) -> str | None:
    if not isinstance(item, dict):
        return _content(item)
    code, _ = _pick_code(_yaml_identifiers(item))
    return code or _content(item.get("formattedref")) or _content(item.get("id"))


def _yaml_ext(item: dict[str, Any]) -> dict[str, Any]:
    raw = item.get("ext") or {}
    ext: dict[str, Any] = {"committees": []}
    if not isinstance(raw, dict):
        return ext
    doctype = raw.get("doctype")
    ext["doctype"] = doctype.get("type") if isinstance(doctype, dict) else doctype
    ext["ics"] = [
        _content(ics.get("code")) if isinstance(ics, dict) else _content(ics)
        for ics in _as_list(raw.get("ics"))
    ]
    ccs = [
        _content(c.get("code")) if isinstance(c, dict) else _content(c)
        for c in _as_list(raw.get("ccs"))
    ]
    ext["ccs"] = next((c for c in ccs if c), None)
    committee = raw.get("committee")
    if isinstance(committee, dict) and committee.get("name"):
        ext["committees"].append(str(committee["name"]))
    group = raw.get("editorialgroup") or {}
    if isinstance(group, dict):
        for tc in _as_list(group.get("technical_committee")):
            if isinstance(tc, dict):
                ext["committees"].append(str(tc.get("identifier") or tc.get("name") or ""))
    gbtype = raw.get("gbtype")
    if isinstance(gbtype, dict):
        ext["gbscope"] = gbtype.get("scope")
        ext["gbmandate"] = gbtype.get("mandate")
    ext["plannumber"] = raw.get("plannumber")
    structured = raw.get("structuredidentifier")
    if isinstance(structured, dict):
        ext["project_number"] = structured.get("project_number")
    return ext


def _yaml_item_fields(item: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    code, others = _pick_code(_yaml_identifiers(item))
    fields["code"] = code
    for kind, text in others.items():
        fields[f"extra:{kind}"] = text
    _pick_titles(
        [
            (_first_language(t.get("language")), str(t.get("type", "")), _content(t) or "")
            for t in _as_list(item.get("title"))
            if isinstance(t, dict)
        ],
        fields,
    )
    links = [link for link in _as_list(item.get("link")) if isinstance(link, dict)]
    source = next(
        (link for link in links if link.get("type") == "src"), links[0] if links else None
    )
    if source is not None and _content(source):
        fields["source_url"] = _content(source)
    for date in _as_list(item.get("date")):
        if isinstance(date, dict) and date.get("value") is not None:
            kind = str(date.get("type", ""))
            target = _DATE_TARGETS.get(kind, f"extra_date:date_{kind}")
            value = date["value"]
            fields.setdefault(target, value if not isinstance(value, str) else value.strip())
    status = item.get("docstatus")
    if isinstance(status, dict):
        _stage_fields(_content(status.get("stage")), _content(status.get("substage")), fields)
    edition = _content(item.get("edition"))
    if edition:
        fields["extra:edition"] = edition
    abstracts = [a for a in _as_list(item.get("abstract")) if isinstance(a, dict)]
    if abstracts:
        fields["scope"] = str(abstracts[0].get("content", ""))
    for contributor in _as_list(item.get("contributor")):
        if not isinstance(contributor, dict):
            continue
        roles = {
            r.get("type") if isinstance(r, dict) else r for r in _as_list(contributor.get("role"))
        }
        organization = contributor.get("organization") or {}
        if "publisher" in roles and isinstance(organization, dict):
            names = _as_list(organization.get("name"))
            if names:
                fields.setdefault("extra:publisher", _content(names[0]))
    for copyright_ in _as_list(item.get("copyright")):
        if isinstance(copyright_, dict) and copyright_.get("from"):
            fields.setdefault("extra:copyright_year", str(copyright_["from"]))
    for relation in _as_list(item.get("relation")):
        if not isinstance(relation, dict) or relation.get("type") == "instanceOf":
            continue
        ref = _yaml_ref(relation.get("bibitem"))
        if ref:
            fields.setdefault(f"relation:{relation.get('type', '')}", []).append(ref)
    _ext_fields(_yaml_ext(item), fields)
    return fields


def _yaml_records(source: SourceFile, items: list[tuple[str, Any]]) -> Iterator[RawRecord]:
    for where, item in items:
        location = make_location(source.name, where)
        if not isinstance(item, dict):
            yield RawRecord(location, {}, "this YAML entry is not a bibliographic item")
            continue
        parent = _yaml_item_fields(item)
        instances = [
            relation.get("bibitem")
            for relation in _as_list(item.get("relation"))
            if isinstance(relation, dict) and relation.get("type") == "instanceOf"
        ]
        if not instances:
            yield RawRecord(location, parent)
            continue
        for index, instance in enumerate(instances):
            own = _yaml_item_fields(instance) if isinstance(instance, dict) else {}
            fields = {**parent, **{k: v for k, v in own.items() if v}}
            yield RawRecord(
                make_location(source.name, f"{where}relation/instanceOf[{index}]"), fields
            )


def is_relaton_yaml_item(document: Any) -> bool:
    """True for a mapping that looks like a Relaton bibliographic item."""
    return isinstance(document, dict) and bool(
        document.get("docid")
        or (document.get("title") and (document.get("docstatus") or document.get("link")))
    )


def read_relaton_yaml(source: SourceFile) -> RawReading:
    """Read a Relaton YAML file: one item per document, or a list of items."""
    documents = load_yaml_documents(decode_text(source.read_bytes(), source.name), source.name)
    items: list[tuple[str, Any]] = []
    for doc_index, document in enumerate(documents):
        prefix = f"/{doc_index}" if len(documents) > 1 else ""
        if isinstance(document, list):
            items.extend((f"{prefix}/{i}/", entry) for i, entry in enumerate(document))
        else:
            items.append((f"{prefix}/", document))
    first = next((entry for _, entry in items if isinstance(entry, dict)), {})
    is_gb = isinstance(first.get("ext"), dict) and "gbtype" in first["ext"]
    return RawReading(
        source="relaton",
        profile="relaton-gb" if is_gb else "relaton",
        records=_yaml_records(source, items),
    )
