"""Readers for the Chinese standards platforms' HTML pages (lxml.html).

* std.samr.gov.cn: detail pages (2018 and 2019 layouts; national and industry) and search
  result pages (many records, mixing national, industry, local standards and plan projects);
* openstd.samr.gov.cn: detail pages and list pages;
* hbba.sacinfo.org.cn / dbba.sacinfo.org.cn: detail pages;
* ttbz.org.cn: group-standard detail pages.

The readers collect what each page prints under its own Chinese labels (``标准号``,
``全部代替标准``, ``备案号``...) and leave their meaning to the mapping profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from importers.schemas import RawReading, RawRecord, make_location
from importers.sources import SourceFile, decode_text, parse_html

_COLON = re.compile(r"[：:]")


def _text(element: HtmlElement | None) -> str:
    """Text of an element with whitespace collapsed (NBSP included)."""
    if element is None:
        return ""
    return " ".join(str(element.text_content()).replace("\u00a0", " ").split())


def _raw_text(element: HtmlElement) -> str:
    """Text of an element with its line breaks kept (scope paragraphs)."""
    return str(element.text_content()).replace("\u00a0", " ").strip()


def _has_class(element: HtmlElement, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _load(source: SourceFile) -> HtmlElement:
    return parse_html(decode_text(source.read_bytes(), source.name), source.name)


def _add(fields: dict[str, Any], label: str, value: Any) -> None:
    """Keep the first value of a label; lists of the same label are concatenated."""
    label = label.strip().rstrip("：:").strip()
    if not label or value in (None, "", []):
        return
    if label in fields and isinstance(fields[label], list) and isinstance(value, list):
        fields[label].extend(value)
    else:
        fields.setdefault(label, value)


# ---------------------------------------------------------------- std.samr and hbba detail


def _dl_pairs(root: HtmlElement, fields: dict[str, Any]) -> None:
    for term in root.xpath('//dl//dt[contains(concat(" ", @class, " "), " name ")]'):
        value = term.getnext()
        if value is not None and value.tag == "dd":
            _add(fields, _text(term), _text(value))


def _section_blocks(root: HtmlElement) -> Iterator[tuple[str, list[HtmlElement]]]:
    """Each ``para-title`` heading with the elements that follow it up to the next heading."""
    for heading in root.xpath('//div[contains(concat(" ", @class, " "), " para-title ")]'):
        title = _text(heading)
        body: list[HtmlElement] = []
        sibling = heading.getnext()
        while sibling is not None and not _has_class(sibling, "para-title"):
            body.append(sibling)
            sibling = sibling.getnext()
        yield title, body


def _samr_sections(root: HtmlElement, fields: dict[str, Any]) -> None:
    for title, body in _section_blocks(root):
        if title in ("起草单位", "起草人"):
            names = [_text(dd) for element in body for dd in element.iter("dd")]
            names += [_text(p) for element in body for p in element.iter("p")]
            _add(fields, title, [name for name in names if name])
        elif title in ("规范性引用文件", "引用标准"):
            lines = [_text(el) for element in body
                     for el in element.iter("p", "li", "dd", "td") if _text(el)]
            _add(fields, title, lines)
        elif title.startswith("代替以下标准"):
            for element in body:
                for paragraph in element.iter("p"):
                    kind = (paragraph.text or "").strip() or "代替"
                    codes = [_text(link) for link in paragraph.iter("a") if _text(link)]
                    _add(fields, f"{kind}标准", codes)
        elif title in ("备案信息",):
            for element in body:
                for paragraph in element.iter("p"):
                    parts = _COLON.split(_text(paragraph), maxsplit=1)
                    if len(parts) == 2:
                        _add(fields, parts[0], parts[1].strip().rstrip("。").strip())
        elif title == "标准状态":
            for element in body:
                for event in element.iter("a"):
                    parts = _text(event).split("于", 1)
                    if len(parts) == 2 and parts[1].strip():
                        _add(fields, f"{parts[0].strip()}于", parts[1].strip())


def _page_header(root: HtmlElement, fields: dict[str, Any]) -> None:
    header = next(iter(root.xpath('//div[contains(@class, "page-header")][.//h4]')), None)
    if header is None:
        return
    heading = header.find(".//h4")
    _add(fields, "title_zh", _text(heading))
    _add(fields, "title_en", _text(header.find(".//h5")))
    code = header.find(".//b")
    if code is not None:
        _add(fields, "标准号", _text(code))
    tags = [_text(span) for span in header.xpath('.//span[contains(@class, "label")]')]
    _add(fields, "tags", [tag for tag in tags if tag])


def _samr_sentences(root: HtmlElement, fields: dict[str, Any]) -> None:
    """The summary paragraphs under the title: TC number, and drafting units when the page
    has no 起草单位 block."""
    for committee in root.xpath("//p/a[@ta_code]"):
        _add(fields, "技术委员会", _text(committee))
    for paragraph in root.xpath("//p[span[@draft_unit]]"):
        lead = (paragraph.text or "").strip()
        names = [_text(span) for span in paragraph.xpath("span[@draft_unit]")]
        if lead == "主要起草单位" and "起草单位" not in fields:
            _add(fields, "起草单位", names)
        elif lead == "主要起草人" and "起草人" not in fields:
            _add(fields, "起草人", names)


def _detail_record(source: SourceFile, root: HtmlElement, url: str | None) -> RawRecord:
    fields: dict[str, Any] = {}
    _page_header(root, fields)
    _dl_pairs(root, fields)
    _samr_sections(root, fields)
    _samr_sentences(root, fields)
    if url:
        fields["source_url"] = url
    return RawRecord(make_location(source.name, "detail page"), fields)


# ---------------------------------------------------------------- std.samr search results

_SAMR_DETAIL_URLS = {
    # The two detail address forms the platform itself links to.
    "BV_GB": "http://www.std.gov.cn/gb/search/gbDetailed?id={}",
    "BV_HB": "http://www.std.gov.cn/hb/search/stdHBDetailed?id={}",
}


def _samr_search_records(source: SourceFile, root: HtmlElement) -> Iterator[RawRecord]:
    posts = root.xpath(
        '//div[contains(concat(" ", @class, " "), " post ")]'
        '[contains(concat(" ", @class, " "), " panel ")]'
    )
    for number, post in enumerate(posts, start=1):
        fields: dict[str, Any] = {}
        link = next(iter(post.xpath(".//a[@pid]")), None)
        if link is not None:
            code_span = next(iter(link.xpath('.//span[contains(@class, "en-code")]')), None)
            code = _text(code_span)
            _add(fields, "code", code)
            whole = _text(link)
            _add(fields, "title_zh", whole[len(code) :].strip() if whole.startswith(code) else "")
            template = _SAMR_DETAIL_URLS.get(link.get("tid", ""))
            if template and link.get("pid"):
                fields["source_url"] = template.format(link.get("pid"))
            _add(fields, "platform table", link.get("tid"))
            _add(fields, "platform id", link.get("pid"))
        kind = next(iter(post.xpath('.//table[contains(@class, "s-logo")]')), None)
        _add(fields, "record_kind", _text(kind).replace(" ", ""))
        statuses = post.xpath(
            './/div[contains(@class, "post-head")]//span[contains(@class, "s-status")]'
        )
        _add(fields, "标准状态", _text(statuses[0]) if statuses else "")
        for flag in post.xpath(
            './/div[contains(@class, "post-flex")]//span[contains(@class, "s-status")]'
        ):
            _add(fields, "是否采标", _text(flag))
        for cell in post.xpath('.//div[contains(@class, "post-flex")]//td'):
            spans = [span for span in cell.findall("span") if not span.get("class")]
            for label, value in zip(spans[::2], spans[1::2], strict=False):
                _add(fields, _text(label), _text(value))
        for media in post.xpath('.//div[contains(@class, "media-inner")]'):
            label = next(iter(media.xpath('.//div[contains(@class, "media-left")]')), None)
            value = next(iter(media.xpath('.//div[contains(@class, "media-body")]')), None)
            _add(fields, _text(label), _text(value))
        for stamp in post.xpath('.//div[contains(@class, "panel-footer")]//time'):
            label = stamp.getprevious()
            if label is not None:
                _add(fields, _text(label), _text(stamp))
        yield RawRecord(make_location(source.name, f"result {number}"), fields)


def read_samr(source: SourceFile) -> RawReading:
    """Read a std.samr.gov.cn detail page (one record) or search page (one per result)."""
    root = _load(source)
    if root.xpath('//div[contains(concat(" ", @class, " "), " post ")]//a[@pid]'):
        records: Iterator[RawRecord] = _samr_search_records(source, root)
    else:
        records = iter([_detail_record(source, root, None)])
    return RawReading(source="std.samr.gov.cn", profile="platform-page", records=records)


# ---------------------------------------------------------------- hbba / dbba detail

_SUGGESTION_ID = re.compile(r"openSuggestionDialog\('([0-9a-fA-F]+)'\)")


def read_hbba(source: SourceFile) -> RawReading:
    """Read an hbba (industry) or dbba (local) standard detail page."""
    root = _load(source)
    nav = _text(next(iter(root.xpath('//div[contains(@class, "nav-menu")]')), None))
    host = (
        "dbba.sacinfo.org.cn"
        if "地方标准" in nav and "行业标准" not in nav
        else "hbba.sacinfo.org.cn"
    )
    page = _handler_text(root)
    match = _SUGGESTION_ID.search(page)
    url = f"http://{host}/stdDetail/{match.group(1)}" if match else None
    return RawReading(
        source=host, profile="platform-page", records=iter([_detail_record(source, root, url)])
    )


def _handler_text(root: HtmlElement) -> str:
    """Attribute values that look like script calls: pages hide record ids in handlers."""
    return " ".join(
        value for element in root.iter() for value in element.attrib.values() if "(" in value
    )


# ---------------------------------------------------------------- openstd

_HCNO = re.compile(r"(?:showInfo\('|hcno=)([0-9A-F]{32})")
_OPENSTD_DETAIL = "http://openstd.samr.gov.cn/bzgk/gb/newGbInfo?hcno={}"


def _openstd_detail(source: SourceFile, root: HtmlElement) -> RawRecord:
    fields: dict[str, Any] = {}
    heading = next(iter(root.xpath('//h1[contains(., "标准号")]')), None)
    if heading is not None:
        parts = _COLON.split(heading.text or "", maxsplit=1)
        _add(fields, parts[0].strip(), parts[-1].strip())
        for flag in heading.xpath('.//span[contains(@class, "label")]'):
            _add(fields, "是否采标", _text(flag))
    for cell in root.xpath('//table[contains(@class, "tdlist")]//td'):
        parts = _COLON.split(_text(cell), maxsplit=1)
        if len(parts) == 2 and parts[0] and len(parts[0]) <= 12:
            _add(fields, parts[0], parts[1].strip())
    for title in root.xpath('//div[contains(@class, "title")][contains(@class, "col-md-2")]'):
        value = title.getnext()
        if value is not None and _has_class(value, "content"):
            _add(fields, _text(title), _text(value))
    for button in root.xpath("//button[@data-value]"):
        if re.fullmatch(r"[0-9A-F]{32}", button.get("data-value", "")):
            fields.setdefault("source_url", _OPENSTD_DETAIL.format(button.get("data-value")))
    return RawRecord(make_location(source.name, "detail page"), fields)


def _openstd_rows(source: SourceFile, table: HtmlElement) -> Iterator[RawRecord]:
    headers = [_text(th) for th in table.xpath(".//th")]
    rows = [row for row in table.xpath(".//tr") if row.findall("td")]
    for number, row in enumerate(rows, start=1):
        cells = row.findall("td")
        fields: dict[str, Any] = {}
        for header, cell in zip(headers, cells, strict=False):
            _add(fields, header, _text(cell))
        match = _HCNO.search(" ".join(a.get("onclick", "") for a in row.iter("a")))
        if match:
            fields["source_url"] = _OPENSTD_DETAIL.format(match.group(1))
        yield RawRecord(make_location(source.name, f"row {number}"), fields)


def read_openstd(source: SourceFile) -> RawReading:
    """Read an openstd.samr.gov.cn detail page or list page (one record per table row)."""
    root = _load(source)
    table = next(iter(root.xpath('//table[contains(@class, "result_list")]')), None)
    if table is not None:
        records: Iterator[RawRecord] = _openstd_rows(source, table)
    else:
        records = iter([_openstd_detail(source, root)])
    return RawReading(source="openstd.samr.gov.cn", profile="platform-page", records=records)


# ---------------------------------------------------------------- ttbz

_TTBZ_ID = re.compile(r"(?:StandardManage/Detail/|pms=)(\d+)")
_TTBZ_DETAIL = "http://www.ttbz.org.cn/StandardManage/Detail/{}"
# From the 团体详细信息 table only the issuing body is about the standard.
_TTBZ_GROUP_LABELS = frozenset({"团体名称", "登记证号"})


def read_ttbz(source: SourceFile) -> RawReading:
    """Read a ttbz.org.cn group-standard detail page."""
    root = _load(source)
    fields: dict[str, Any] = {}
    for table in root.xpath('//table[contains(@class, "tctable")]'):
        heading = _text(next(iter(table.xpath(".//th")), None))
        is_group = heading.startswith("团体")
        for row in table.xpath(".//tr"):
            cells = row.findall("td")
            for label_cell, value_cell in zip(cells[::2], cells[1::2], strict=False):
                label = _text(label_cell)
                if is_group and label not in _TTBZ_GROUP_LABELS:
                    continue
                _add(fields, label, _raw_text(value_cell))
    match = _TTBZ_ID.search(
        _handler_text(root) + " " + " ".join(a.get("href", "") for a in root.iter("a"))
    )
    if match:
        fields["source_url"] = _TTBZ_DETAIL.format(match.group(1))
    record = RawRecord(make_location(source.name, "detail page"), fields)
    return RawReading(source="ttbz.org.cn", profile="ttbz-page", records=iter([record]))
