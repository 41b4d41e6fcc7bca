"""Turns a RawRecord (labels as a file printed them) into a StandardInput.

The record's labels are resolved through its source's profile (``importers.profiles``); the
values are then cleaned and checked: codes as printed (HTML highlight tags and extra
whitespace removed), dates in every catalogue form, ICS without Chinese captions, CCS,
statuses through the source's own table, replacement and adoption relations.

Problems raise MappingError naming the field and the value; ``to_outcome`` turns them into a
rejected ReadOutcome so one bad record never stops a file.

An AdoptionRef with an empty ``code`` means the source says the standard adopts an
international or foreign document without saying which (openstd's 采 flag); its marker is 采.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import ValidationError

from importers import vocab
from importers.errors import MappingError
from importers.profiles import (
    LIST_TARGETS,
    SCALAR_TARGETS,
    MappingProfile,
)
from importers.schemas import RawRecord, ReadOutcome, RowNote
from standards.citations import TextChunk, extract_citations
from standards.codes import try_parse_code
from standards.schemas import AdoptionRef, StandardInput
from standards.vocab import AdoptionDegree, Nature, Status

# ---------------------------------------------------------------- value cleaning

# Tags only (<sacinfo>, </p>, <br />): a title may well say "pH < 7 and > 5".
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_EMPTY_WORDS = frozenset({"", "无", "-", "—", "--", "/", "n/a", "na", "none", "null", "暂无"})
_LINE_BREAK_TAG = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li)\s*>", re.I)


def is_empty(value: Any) -> bool:
    """None, blank text and placeholders (无, -, N/A) count as no value."""
    if value is None:
        return True
    if isinstance(value, str):
        if len(value) > 6:
            return value.isspace()
        return value.strip().casefold() in _EMPTY_WORDS
    if isinstance(value, list | tuple | dict | set):
        return not value
    return False


def clean_text(value: Any) -> str | None:
    """One-line text: HTML tags (e.g. ``<sacinfo>`` highlights) removed, whitespace collapsed
    (NBSP and U+3000 count as whitespace)."""
    if value is None:
        return None
    text = value if type(value) is str else str(value)
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html_text.unescape(text)
    text = " ".join(text.split())
    if len(text) <= 6 and text.casefold() in _EMPTY_WORDS:
        return None
    return text


def clean_block(value: Any) -> str | None:
    """Multi-line text (scope, abstract): HTML turned into lines, each line tidied."""
    if is_empty(value):
        return None
    text = str(value).replace("\r\n", "\n")
    if "<" in text:
        text = _TAG.sub("", _LINE_BREAK_TAG.sub("\n", text))
    text = html_text.unescape(text)
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]
    joined = "\n".join(line for line in lines if line)
    return joined or None


def clean_code(value: Any) -> str | None:
    """A code as printed, cleaned only of HTML highlight tags and extra whitespace."""
    return clean_text(value)


def as_text(value: Any) -> str:
    """A value as kept in ``extra``: lists joined with ``; ``."""
    if isinstance(value, list | tuple):
        return "; ".join(part for part in (clean_text(v) for v in value) if part)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return clean_text(value) or ""


_ITEM_SEPARATORS = re.compile(r"[、,，;；\n]+")


def split_items(value: Any) -> list[str]:
    """Items of a list-like value: a list, or text separated by 、 , ， ; ； or new lines."""
    items: list[str] = []
    values = value if isinstance(value, list | tuple) else [value]
    for one in values:
        if is_empty(one):
            continue
        if isinstance(one, list | tuple):
            items.extend(split_items(one))
            continue
        for part in _ITEM_SEPARATORS.split(str(one)):
            text = clean_text(part)
            if text:
                items.append(text)
    return items


def _unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, first occurrence kept."""
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------- dates

_CHINA = dt.timezone(dt.timedelta(hours=8))
_DATE_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DATE_YEAR = re.compile(r"^(\d{4})\s*年?$")
_DATE_TIME_SUFFIX = re.compile(
    r"^(\S+?)(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$"
)
_EXCEL_SERIALS = range(20000, 80000)  # 1954..2119: a plain number in a date column
_EPOCH_MS_FLOOR = 10**11  # larger integers are epoch milliseconds (hbba)


class ParsedDate(NamedTuple):
    """A date and how precise the source was (``day``, ``month`` or ``year``)."""

    value: dt.date
    precision: str = "day"


def parse_date(value: Any, field_name: str) -> ParsedDate | None:
    """Parse the date forms catalogues use.

    ``2019-05-01``, ``2019-5-1``, ``2019/05/01``, ``2019.5.1``, ``2019年5月1日``,
    ``20190501``, a timestamp text (the time is dropped), Excel date cells, epoch milliseconds
    (hbba JSON; read in China time, UTC+8), ``YYYY-MM`` / ``YYYY`` (first day, precision kept).

    Raises:
        MappingError: the value is no date or an impossible one.
    """
    if type(value) is str and len(value) == 7 and value[4] == "-":
        # relaton-data-iso's month precision, 47,000 times a file: no regex for it.
        year_text, month_text = value[:4], value[5:]
        if year_text.isdigit() and month_text.isdigit():
            return ParsedDate(
                _checked_date(int(year_text), int(month_text), 1, value, field_name), "month"
            )
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return ParsedDate(value.date())
    if isinstance(value, dt.date):
        return ParsedDate(value)
    if isinstance(value, bool):
        raise MappingError(field_name, value, f"{field_name}: {value!r} is not a date")
    if isinstance(value, int | float):
        return _date_from_number(value, field_name)
    text = (value if type(value) is str else str(value)).strip()
    if len(text) == 4 and text.isdigit():
        return ParsedDate(_checked_date(int(text), 1, 1, value, field_name), "year")
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        # The ISO form most sources use; checked by hand because this runs 100k times a file.
        try:
            return ParsedDate(
                _checked_date(int(text[:4]), int(text[5:7]), int(text[8:]), value, field_name)
            )
        except ValueError:
            pass
    elif len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return ParsedDate(
            _checked_date(int(text[:4]), int(text[5:]), 1, value, field_name), "month"
        )
    match = _DATE_FULL.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        timed = _DATE_TIME_SUFFIX.match(text)
        if timed is not None:
            match = _DATE_FULL.match(timed.group(1))
    if match is not None:
        year, month, day = (int(part) for part in match.groups())
        return ParsedDate(_checked_date(year, month, day, value, field_name))
    match = _DATE_MONTH.match(text)
    if match is not None:
        year, month = int(match.group(1)), int(match.group(2))
        return ParsedDate(_checked_date(year, month, 1, value, field_name), "month")
    match = _DATE_YEAR.match(text)
    if match is not None:
        return ParsedDate(_checked_date(int(match.group(1)), 1, 1, value, field_name), "year")
    spelled = _english_date(text)
    if spelled is not None:
        return ParsedDate(_checked_date(spelled.year, spelled.month, spelled.day, value,
                                        field_name))
    raise MappingError(field_name, value, f"{field_name}: {text!r} is not a date")


# Dates with English month names in exports: 1 May 2019, May 1, 2019, 01-May-2019.
_ENGLISH_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y",
                         "%b %d %Y", "%d-%b-%Y", "%d-%B-%Y", "%Y-%b-%d")


def _english_date(text: str) -> dt.date | None:
    if not any(char.isalpha() for char in text):
        return None
    cleaned = " ".join(text.replace(".", " ").split()) if "-" not in text else text
    for pattern in _ENGLISH_DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def _checked_date(year: int, month: int, day: int, raw: Any, field_name: str) -> dt.date:
    if not 1800 <= year <= 2200:
        raise MappingError(field_name, raw, f"{field_name}: {raw!r} has an implausible year")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise MappingError(
            field_name, raw, f"{field_name}: {raw!r} is not a valid date ({exc})"
        ) from exc


def _date_from_number(value: float, field_name: str) -> ParsedDate:
    number = int(value)
    if number >= _EPOCH_MS_FLOOR:
        moment = dt.datetime.fromtimestamp(number / 1000, tz=_CHINA)
        return ParsedDate(moment.date())
    if number in _EXCEL_SERIALS:
        return ParsedDate(dt.date(1899, 12, 30) + dt.timedelta(days=number))
    if 1800 <= number <= 2200:
        return ParsedDate(dt.date(number, 1, 1), "year")
    raise MappingError(field_name, value, f"{field_name}: {value!r} is not a date")


# ---------------------------------------------------------------- classification codes

_ICS_CODE = re.compile(r"(?<![\d.])\d{2}(?:\.\d{2,3}){0,2}(?![\d.]*\d)")
_CCS_CODE = re.compile(r"(?<![A-Za-z])([A-Z])\s?\.?\s?(\d{2})(?!\d)")
_ICS_IN_CCS = re.compile(r"ICS\s*([\d.]+)", re.I)


_ICS_EXACT = re.compile(r"\d{2}(?:\.\d{2,3}){0,2}")


def clean_ics(values: Any) -> list[str]:
    """ICS codes without the Chinese captions std.samr and ttbz print beside them.

    ``59 纺织和皮革技术 59.060 纺织纤维 59.060.10 天然纤维`` is the hierarchy of one code: only
    the most specific code of a chain is kept, giving ``["59.060.10"]``.

    Raises:
        MappingError: a non-empty value holds no ICS code at all.
    """
    if type(values) is list:
        fullmatch = _ICS_EXACT.fullmatch
        for item in values:
            if type(item) is not str or fullmatch(item) is None:
                break
        else:
            # Clean codes (ISO, IEC, JIS data): only duplicates and ancestors to drop.
            if len(values) == 1:
                return list(values)
            joined = "\n" + "\n".join(values)
            return [code for code in dict.fromkeys(values) if f"\n{code}." not in joined]
    codes = []
    for item in values if isinstance(values, list | tuple) else [values]:
        if is_empty(item):
            continue
        text = str(item)
        found = _ICS_CODE.findall(text)
        if not found:
            raise MappingError("ics", item, f"ICS {clean_text(text)!r} holds no ICS code")
        codes.extend(found)
    unique = _unique(codes)
    return [code for code in unique if not any(o.startswith(code + ".") for o in unique)]


def clean_ccs(value: Any) -> tuple[str | None, list[str]]:
    """The CCS code (``Q 34`` → ``Q34``) and any ICS codes printed in the same cell.

    ttbz prints ``Y68       ICS 97.040.99`` in its CCS cell.

    Raises:
        MappingError: a non-empty value holds no CCS code.
    """
    if is_empty(value):
        return None, []
    text = clean_text(value) or ""
    extra_ics: list[str] = []
    ics_part = _ICS_IN_CCS.search(text)
    if ics_part is not None:
        extra_ics = clean_ics(ics_part.group(1))
        text = text[: ics_part.start()] + text[ics_part.end() :]
    match = _CCS_CODE.search(text.upper() if text.isascii() else text)
    if match is None:
        raise MappingError("ccs", value, f"CCS {clean_text(value)!r} is not a CCS code")
    return match.group(1) + match.group(2), extra_ics


# ---------------------------------------------------------------- codes in relations

_DRAFT_MARK = re.compile(
    r"[/\s](?:AWI|NP|PWI|WD|CD|DIS|FDIS|PRF|DTS|DTR|DPAS|DAmd|FDAmd|DAM|FDAM|PDAM|"
    r"DCOR|FDCOR|DCor|FDCor|DAD|FDAD)(?=[\s\d.]|$)"
)
_YEAR_IN_CODE = re.compile(r"[:\-—](\d{4})(?!\d)")
_REPLACE_WORDS = re.compile(r"^(?:全部代替|部分代替|代替|被)\s*|\s*(?:代替)$")


def is_draft_code(code: str) -> bool:
    """True for identifiers of drafts (ISO/DIS 1234, ISO 10087:2022/DAmd 1...)."""
    return _DRAFT_MARK.search(code) is not None


def _code_year(code: str) -> int | None:
    match = _YEAR_IN_CODE.search(code)
    return int(match.group(1)) if match else None


_PARTIAL_MARK = re.compile(r"\s*[(（]\s*部分(?:代替|替代)?\s*[)）]\s*$")


def _replacement_codes(value: Any) -> tuple[list[str], list[str]]:
    """Codes of a replaces-like value split into (full, partial) replacements: ``部分代替 X``
    and ``X（部分）`` are partial."""
    full: list[str] = []
    partial: list[str] = []
    for item in split_items(value):
        target = partial if item.startswith("部分代替") else full
        marked = _PARTIAL_MARK.search(item)
        if marked is not None:
            item, target = item[: marked.start()], partial
        code = clean_code(_REPLACE_WORDS.sub("", item))
        if code:
            target.append(code)
    return full, partial


def _is_standard_code(code: str) -> bool:
    """A standard code, or an amendment of one (``CEN ISO/TS 21003-7:2008/A1:2010``)."""
    if try_parse_code(code) is not None:
        return True
    base, slash, rest = code.rpartition("/")
    return bool(slash and base and any(c.isdigit() for c in rest)
                and try_parse_code(base) is not None)


# A Chinese code in a run of codes without separators: GB/T 28001-2011 GB/T 28002-2011.
_CODE_IN_RUN = re.compile(
    r"[A-Z]{1,8}(?:\s*/\s*[A-Z]{1,10})?\s*\d[\d.]*\s*[-—–－]\s*\d{2,4}(?![\d.])")


def _run_together(text: str) -> list[str]:
    """The codes of a value that is several codes separated by spaces only, else nothing."""
    found = [match.group(0) for match in _CODE_IN_RUN.finditer(text)]
    rest = _CODE_IN_RUN.sub("", text).strip(" ,，;；、/")
    if len(found) < 2 or rest or not all(try_parse_code(code) for code in found):
        return []
    return found


def _standard_codes(field_name: str, codes: list[str], own: str,
                    notes: list[RowNote] | None) -> list[str]:
    """The codes of a relation that are standard codes; each other value is dropped with a
    note (``TC291``, a committee number, is no standard to be replaced by)."""
    kept: list[str] = []
    for code in codes:
        if _is_standard_code(code):
            kept.append(code)
            continue
        several = _run_together(code)
        if several:
            kept.extend(several)
        elif notes is not None and code != own:
            notes.append(RowNote(
                "rejected_field", field_name, code,
                f"{field_name} {code!r} 不是标准号 (is not a standard code): dropped, the rest "
                "of the row is kept"))
    return kept


MAX_REFERENCES = 1000
"""Normative references kept per record (a long GB lists a few dozen; more is not a list)."""


def _reference_codes(values: list[Any], notes: list[RowNote] | None) -> list[str]:
    """The codes a normative-references value cites (规范性引用文件): codes with or without
    their titles, in any list shape, read by the citation finder (standards/citations.py). A
    code-like text that does not parse (``GB/T 19O01-2016``) is dropped with a note."""
    chunks = [TextChunk("references", text) for text in map(as_text, values) if text]
    found: list[str] = []
    for citation in extract_citations(chunks, limit=MAX_REFERENCES + 1):
        if citation.parsed is None:
            if notes is not None:
                notes.append(RowNote(
                    "rejected_field", "references", citation.written,
                    f"引用标准 {citation.written!r} 编号有误 ({citation.error}): dropped, the "
                    "rest of the row is kept"))
            continue
        found.append(citation.written)
    if len(found) > MAX_REFERENCES and notes is not None:
        notes.append(RowNote(
            "rejected_field", "references", str(len(found)),
            f"引用标准超过 {MAX_REFERENCES} 项 (more than {MAX_REFERENCES} normative references): "
            f"the first {MAX_REFERENCES} are kept"))
    return _unique(found[:MAX_REFERENCES])


def _date_order_notes(dates: dict[str, dt.date | None], notes: list[RowNote]) -> None:
    """Dates that contradict each other are kept, and said."""
    published = dates["published"]
    if published is None:
        return
    for name, word in (("implemented", "实施"), ("withdrawn", "废止")):
        other = dates[name]
        if other is not None and other < published:
            notes.append(RowNote(
                "date_order", name, other.isoformat(),
                f"{word}日期 {other.isoformat()} 早于发布日期 {published.isoformat()} "
                f"({name} before published); kept as given"))


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _title_by_script(title: Any, scalars: dict[str, Any]) -> None:
    """A title whose language the label does not say: Chinese when it has Chinese characters."""
    text = clean_text(title)
    if text:
        scalars.setdefault("title_zh" if _CJK.search(text) else "title_en", text)


_NOTE_REPLACES = re.compile(r"(部分)?代替\s*([^，,;；。]+)")


def _replaces_in_note(note: str) -> tuple[list[str], list[str]]:
    """openstd 备注 such as ``2005-03-01实施,代替GB/T 5606.1-1996``."""
    full: list[str] = []
    partial: list[str] = []
    for match in _NOTE_REPLACES.finditer(note):
        codes = [c for c in (clean_code(p) for p in re.split(r"[、]", match.group(2))) if c]
        (partial if match.group(1) else full).extend(codes)
    return full, partial


# ---------------------------------------------------------------- adoption

_DEGREE_WORD = re.compile(
    "|".join(
        re.escape(word) if not word.isascii() else rf"\b{re.escape(word)}\b"
        for word in vocab.ADOPTION_DEGREE_WORDS
    ),
    re.I,
)
_ADOPTION_ITEM_SEPARATORS = re.compile(r"[;；\n]+")
_EDGE_PUNCTUATION = " ,，、:：()（）[]【】"


def parse_adoption_text(value: Any) -> list[AdoptionRef]:
    """Adoption statements such as ``ISO 9001:2015, IDT``, ``等同 ISO/TS 9002``,
    ``idt ISO 1234:1990`` or ``ISO 6892-1:2019 (MOD)``; several separated by ``;``.

    Raises:
        MappingError: a statement names a degree but no document.
    """
    refs: list[AdoptionRef] = []
    values = value if isinstance(value, list | tuple) else [value]
    for one in values:
        if is_empty(one):
            continue
        for item in _ADOPTION_ITEM_SEPARATORS.split(str(one)):
            text = clean_text(item)
            if not text:
                continue
            if vocab.vocab_key(text) in vocab.ADOPTION_FLAG_WORDS:
                refs.append(AdoptionRef(code="", degree=None, marker=text))
                continue
            if vocab.vocab_key(text) in vocab.NO_ADOPTION_WORDS:
                continue
            match = _DEGREE_WORD.search(text)
            marker = match.group(0) if match else None
            rest = text if match is None else text[: match.start()] + " " + text[match.end() :]
            code = " ".join(rest.replace("()", " ").replace("（）", " ").split())
            code = code.strip(_EDGE_PUNCTUATION)
            if not code:
                raise MappingError("adoption", one, f"adoption {text!r} names no adopted document")
            degree = vocab.lookup_degree(marker) if marker else None
            refs.append(AdoptionRef(code=code, degree=degree, marker=marker))
    return refs


# National and European prefixes in front of an ISO/IEC number: BS EN ISO 8848, DIN EN ISO
# 13849-1, CEN ISO/TS 21003-7, EN ISO 9001. Such documents are identical adoptions (EN ISO
# under the Vienna Agreement; national adoptions of EN without alteration).
_STACKED_ID = re.compile(
    r"^(?:(?P<national>BS|DIN|NF|UNE|NEN|ÖNORM|OENORM|SS|SN|UNI|PN|DS|NS|SFS|ČSN|CSN|STN|"
    r"I\.S\.|LST|LVS|EVS|MSZ|SIST|SR|BDS|HRN|CYS|NBN|ELOT|ÍST)\s+)?"
    r"(?:(?P<regional>EN|CEN|CENELEC|CLC)\s+)?"
    r"(?P<adopted>(?:ISO/IEC|ISO|IEC)\b.+)$"
)
_TRAILING_DATE = re.compile(r"\s*:\s*\d{4}(?:-\d{2}){0,2}\s*$")
_TITLE_REFERENCE = re.compile(r"\((?P<ref>(?:ISO/IEC|ISO|IEC)\b[^()]*?:\d{4})\)")


def adoptions_from_identifier(code: str, title: str | None) -> list[AdoptionRef]:
    """The documents a stacked identifier carries, all identical adoptions.

    ``BS EN ISO 8848`` adopts ``EN ISO 8848`` and ``ISO 8848``; ``CEN ISO/TS 21003-7`` adopts
    ``ISO/TS 21003-7``, dated when the title names the edition (``(ISO/TS 21003-7:2019)``).
    The identifier's own year is the adopting edition's, so it is not carried over.
    """
    if code.startswith(("ISO", "IEC", "JIS", "GB", "DB", "T/", "Q/")):
        return []
    match = _STACKED_ID.match(code)
    if match is None or not (match.group("national") or match.group("regional")):
        return []
    national, regional = match.group("national"), match.group("regional")
    adopted = _TRAILING_DATE.sub("", match.group("adopted")).strip()
    if title:
        for ref in _TITLE_REFERENCE.finditer(title):
            candidate = ref.group("ref").strip()
            if _TRAILING_DATE.sub("", candidate).strip() == adopted:
                adopted = candidate
                break
    refs: list[AdoptionRef] = []
    if national and regional:
        regional_code = f"{regional} {_TRAILING_DATE.sub('', match.group('adopted')).strip()}"
        refs.append(AdoptionRef(code=regional_code, degree=AdoptionDegree.IDT, marker=national))
    marker = " ".join(part for part in (national, regional) if part)
    refs.append(AdoptionRef(code=adopted, degree=AdoptionDegree.IDT, marker=marker))
    return refs


_ADOPTION_HINT = re.compile(r"/\s*(?:ISO|IEC|ITU)|[(（]|\b(?:idt|eqv|neq|mod|IDT|MOD|NEQ|EQV)\b")


def adoptions_in_code(code: str) -> list[AdoptionRef]:
    """The adoption a Chinese code prints: a double number (``GB/T 19001-2016/ISO 9001:2015``,
    IDT) or a cover marker (``GB/T 228.1-2021 (ISO 6892-1:2019, MOD)``, ``idt ISO …``).

    Reading the code is ``standards.codes``' job; this only asks it when the code shows a hint.
    """
    if _ADOPTION_HINT.search(code) is None:
        return []
    parsed = try_parse_code(code)
    if parsed is None or parsed.adopted_ref is None or parsed.adoption_degree is None:
        return []
    word = _DEGREE_WORD.search(code)
    marker = word.group(0) if word else "double number"
    return [AdoptionRef(code=parsed.adopted_ref, degree=parsed.adoption_degree, marker=marker)]


def _structured_adoptions(value: Any) -> list[AdoptionRef]:
    refs: list[AdoptionRef] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, AdoptionRef):
            refs.append(item)
            continue
        code, marker = (item[0], item[1]) if isinstance(item, list | tuple) else (item, None)
        code_text = clean_code(code)
        if not code_text:
            continue
        degree = vocab.lookup_degree(marker) if marker else None
        refs.append(AdoptionRef(code=code_text, degree=degree, marker=marker))
    return refs


def _merge_adoptions(refs: list[AdoptionRef]) -> list[AdoptionRef]:
    """Drop duplicates, undated references already covered by a dated one, and the bare
    采 flag once the adopted document itself is known. A covering reference without a degree
    takes the degree of the one it covers (structure says *what*, the identifier says IDT)."""
    if any(ref.code for ref in refs):
        refs = [ref for ref in refs if ref.code]
    merged: list[AdoptionRef] = []
    for ref in refs:
        for index, other in enumerate(merged):
            same = other.code == ref.code or (
                bool(ref.code) and other.code.startswith(ref.code + ":")
            )
            if same or (not ref.code and not other.code):
                if other.degree is None and ref.degree is not None:
                    merged[index] = AdoptionRef(
                        code=other.code, degree=ref.degree, marker=ref.marker or other.marker
                    )
                break
        else:
            merged.append(ref)
    return merged


# ---------------------------------------------------------------- the mapping itself

# How a resolved label is handled; resolved once per (profile, label) and cached.
_SKIP, _SCALAR, _LIST, _EXTRA, _EXTRA_DATE, _RELATION, _UNKNOWN = range(7)


def _resolve_spec(profile: MappingProfile, label: str) -> tuple[int, str]:
    target = profile.target(label)
    if target is None:
        return _UNKNOWN, clean_text(label) or label
    if target == "skip":
        return _SKIP, target
    if target in SCALAR_TARGETS:
        return _SCALAR, target
    if target in LIST_TARGETS:
        return _LIST, target
    if target.startswith("extra:"):
        return _EXTRA, target[6:]
    if target.startswith("extra_date:"):
        return _EXTRA_DATE, target[11:]
    if target.startswith("relation:"):
        return _RELATION, target[9:]
    return _UNKNOWN, label


@dataclass(slots=True)
class _Collected:
    scalars: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    relations: dict[str, list[str]] = field(default_factory=dict)


def _collect(raw: RawRecord, profile: MappingProfile) -> _Collected:
    collected = _Collected()
    scalars, lists, extra = collected.scalars, collected.lists, collected.extra
    specs = profile.specs
    for label, value in raw.fields.items():
        if value is None or value == "" or value == []:
            continue
        spec = specs.get(label)
        if spec is None:
            spec = specs[label] = _resolve_spec(profile, label)
        kind, key = spec
        if kind == _SCALAR:
            if key not in scalars and not is_empty(value):
                scalars[key] = value
        elif kind == _LIST:
            bucket = lists.setdefault(key, [])
            if isinstance(value, list):
                bucket.extend(value)
            else:
                bucket.append(value)
        elif kind == _EXTRA or (kind == _UNKNOWN and profile.unknown_to_extra):
            if key not in extra:
                text = as_text(value)
                if text:
                    extra[key] = text
        elif kind == _EXTRA_DATE:
            parsed = parse_date(value, key)
            if parsed is not None:
                extra.setdefault(key, parsed.value.isoformat())
        elif kind == _RELATION:
            codes = [c for c in (clean_code(v) for v in _as_list(value)) if c]
            collected.relations.setdefault(key, []).extend(codes)
    return collected


def _as_list(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    return list(value) if isinstance(value, tuple) else [value]


def _reject_non_standards(code: str, scalars: dict[str, Any], extra: dict[str, str]) -> None:
    kind = clean_text(scalars.get("record_kind"))
    if kind and kind in vocab.PLAN_RECORD_KINDS:
        state = clean_text(scalars.get("status"))
        produced = extra.get("标准编号")
        reason = f"{code} is a standardization plan project ({kind}"
        reason += f", {state})" if state else ")"
        reason += ", not a published standard"
        if produced:
            reason += f"; the standard it produced is {produced}"
        raise MappingError("record_kind", kind, reason)
    doctype = clean_text(scalars.get("doctype"))
    if doctype and doctype.casefold() in vocab.NON_STANDARD_DOCTYPES:
        what = vocab.NON_STANDARD_DOCTYPES[doctype.casefold()]
        raise MappingError("doctype", doctype, f"{code} is {what} (doctype {doctype!r})")
    if code.startswith(("ISO/IEC DIR", "ISO/IEC JTC")):
        raise MappingError(
            "code",
            code,
            f"{code} belongs to the ISO/IEC Directives (procedures for the technical work), "
            "not a standard",
        )


# Published stage -> (status, stage); a file holds a handful of stages 50,000 times.
_PUBLISHED_STAGES: dict[Any, tuple[Status | None, str]] = {}


def _stage_status(code: str, stage_value: Any, extra: dict[str, str]) -> tuple[Status | None, str]:
    known = _PUBLISHED_STAGES.get(stage_value)
    if known is not None:
        extra.setdefault("stage", known[1])
        return known
    stage = vocab.iso_stage_code(stage_value)
    if stage is None:
        raise MappingError("stage", stage_value, f"stage {stage_value!r} is not an ISO stage code")
    extra.setdefault("stage", stage)
    if not vocab.iso_stage_is_published(stage):
        if stage.startswith("60"):
            raise MappingError(
                "stage",
                stage,
                f"{code} is under publication (stage {stage}), not yet a published standard",
            )
        phase = vocab.ISO_STAGE_NAMES.get(stage[:2], "development")
        raise MappingError(
            "stage",
            stage,
            f"{code} is under development (stage {stage}, {phase}), not a published standard",
        )
    result = vocab.iso_stage_status(stage), stage
    if isinstance(stage_value, str | int) and len(_PUBLISHED_STAGES) < 1000:
        _PUBLISHED_STAGES[stage_value] = result
    return result


def _apply_relations(
    code: str,
    relations: dict[str, list[str]],
    replaces: list[str],
    replaced_by: list[str],
    adopts: list[AdoptionRef],
    extra: dict[str, str],
    references: list[str] | None = None,
) -> None:
    """Relaton relation types to our relations (``cites``: a normative reference).

    relaton-data-iso writes iso.org's "revised by" and "corrected by" as ``updates`` pointing
    at the newer document, so the direction of updates/updatedBy is read from the codes:
    amendments of this document are amendments, newer editions replace it, drafts only say a
    revision is under way.
    """
    own_year: int | None = None
    own_year_known = False
    amended_by: list[str] = []
    amends: list[str] = []
    in_progress: list[str] = []
    draft = _DRAFT_MARK.search
    for kind, targets in relations.items():
        for target in targets:
            if kind == "obsoletes":
                # A draft listed here is an earlier stage of this very document.
                if draft(target) is None:
                    replaces.append(target)
            elif kind in ("obsoletedBy", "replacedBy"):
                replaced_by.append(target)
            elif kind in ("updates", "updatedBy"):
                if code.startswith(target + "/"):
                    amends.append(target)
                elif draft(target) is not None:
                    in_progress.append(target)
                elif target.startswith(code + "/"):
                    amended_by.append(target)
                else:
                    target_year = _code_year(target)
                    if kind == "updatedBy":
                        # Undated: the next edition is still a project.
                        (in_progress if target_year is None else replaced_by).append(target)
                        continue
                    if not own_year_known:
                        own_year, own_year_known = _code_year(code), True
                    newer = target_year is not None and (own_year is None or target_year > own_year)
                    (replaced_by if newer else replaces).append(target)
            elif kind == "cites" and references is not None:
                references.append(target)
            elif kind in ("adoptedFrom", "identical", "nonequivalent", "equivalent"):
                marker = None if kind == "adoptedFrom" else kind
                degree = {"identical": AdoptionDegree.IDT, "nonequivalent": AdoptionDegree.NEQ}
                adopts.append(AdoptionRef(code=target, degree=degree.get(kind), marker=marker))
    if amended_by:
        extra.setdefault("amended_by", "; ".join(_unique(amended_by)))
    if amends:
        extra.setdefault("amends", "; ".join(_unique(amends)))
    if in_progress:
        extra.setdefault("in_progress", "; ".join(_unique(in_progress)))


def _text_field(scalars: dict[str, Any], key: str) -> str | None:
    value = scalars.get(key)
    return None if value is None else clean_text(value)


def _tags(
    tags: list[Any],
    profile: MappingProfile,
    nature: Nature | None,
    status_text: str | None,
    status: Status | None,
    extra: dict[str, str],
) -> tuple[Nature | None, str | None, Status | None]:
    """Page badges (推荐性, 现行, 国家标准...) say the nature or status, or something else."""
    other: list[str] = []
    for tag in split_items(tags):
        tag_nature = vocab.lookup_nature(tag)
        tag_status = vocab.lookup_status(profile.status_table, tag)
        if tag_nature is not None:
            nature = nature or tag_nature
        elif tag_status is not None:
            if status_text is None:
                status_text, status = tag, tag_status
        else:
            other.append(tag)
    if other:
        extra.setdefault("标签", "; ".join(other))
    return nature, status_text, status


def map_record(raw: RawRecord, profile: MappingProfile, source: str,
               notes: list[RowNote] | None = None) -> StandardInput:
    """Map one raw record to a StandardInput.

    ``notes`` (when given) receives what was wrong with single values of the record: relation
    targets that are no standard codes (dropped) and contradictory dates (kept).

    Raises:
        MappingError: the record cannot become a standard (no code, malformed date, ICS or
            CCS, a draft, a plan project, a document that is not a standard...).
    """
    if raw.problem is not None:
        raise MappingError("record", None, raw.problem)
    got = _collect(raw, profile)
    scalars, lists, extra = got.scalars, got.lists, got.extra
    if "title" in scalars:
        _title_by_script(scalars.pop("title"), scalars)

    code = _check_code(scalars.get("code"))
    _reject_non_standards(code, scalars, extra)

    status: Status | None = None
    status_text = _text_field(scalars, "status")
    if "stage" in scalars:
        status, stage = _stage_status(code, scalars["stage"], extra)
        status_text = status_text or stage
    if status_text and status is None:
        status = vocab.lookup_status(profile.status_table, status_text)

    nature: Nature | None = None
    nature_word = _text_field(scalars, "nature")
    if nature_word:
        nature = vocab.lookup_nature(nature_word)
        if nature is None:
            extra.setdefault("nature_text", nature_word)
    if "tags" in lists:
        nature, status_text, status = _tags(
            lists["tags"], profile, nature, status_text, status, extra
        )
    kind = _text_field(scalars, "record_kind")
    if kind:
        kind_nature = vocab.lookup_nature(kind)
        if kind_nature is not None:
            nature = nature or kind_nature
        else:
            extra.setdefault("标准层级", kind)

    dates: dict[str, dt.date | None] = {"published": None, "implemented": None, "withdrawn": None}
    for name in dates:
        if name in scalars:
            parsed = parse_date(scalars[name], name)
            if parsed is not None:
                dates[name] = parsed.value
                if parsed.precision != "day":
                    extra.setdefault(f"{name}_precision", parsed.precision)
    if notes is not None:
        _date_order_notes(dates, notes)

    ics = clean_ics(lists["ics"]) if "ics" in lists else []
    ccs: str | None = None
    if "ccs" in scalars:
        ccs, ics_in_ccs = clean_ccs(scalars["ccs"])
        if ics_in_ccs:
            ics = _unique([*ics, *ics_in_ccs])

    replaces: list[str] = []
    partially: list[str] = []
    replaced_by: list[str] = []
    if "replaces" in lists:
        replaces, partially = _replacement_codes(lists["replaces"])
    if "partially_replaces" in lists:
        more_full, more_partial = _replacement_codes(lists["partially_replaces"])
        partially += more_full + more_partial
    if "replaced_by" in lists:
        replaced_by, _ = _replacement_codes(lists["replaced_by"])
    for note in lists.get("note", ()):
        text = clean_text(note)
        if text:
            extra.setdefault("备注", text)
            note_full, note_partial = _replaces_in_note(text)
            replaces += note_full
            partially += note_partial

    adopts: list[AdoptionRef] = []
    if "adoption" in lists:
        adopts += parse_adoption_text(lists["adoption"])
    if "adopts" in lists:
        adopts += _structured_adoptions(lists["adopts"])
    flag = _text_field(scalars, "adoption_flag")
    if flag and vocab.vocab_key(flag) in vocab.ADOPTION_FLAG_WORDS:
        adopts.append(AdoptionRef(code="", degree=None, marker=flag))
        extra.setdefault("采标", flag)

    references = _reference_codes(lists["references"], notes) if "references" in lists else []
    if got.relations:
        _apply_relations(code, got.relations, replaces, replaced_by, adopts, extra, references)

    title_en = _text_field(scalars, "title_en")
    adopts += adoptions_from_identifier(code, title_en)
    adopts += adoptions_in_code(code)
    replaces = _standard_codes("replaces", replaces, code, notes)
    partially = _standard_codes("partially_replaces", partially, code, notes)
    replaced_by = _standard_codes("replaced_by", replaced_by, code, notes)
    if adopts:
        named = _standard_codes("adoption", [ref.code for ref in adopts if ref.code], code, notes)
        adopts = [ref for ref in adopts if not ref.code or ref.code in named]

    doctype = _text_field(scalars, "doctype")
    if doctype:
        extra.setdefault("doctype", doctype)

    try:
        return StandardInput(
            code=code,
            source=source,
            source_url=_text_field(scalars, "source_url"),
            title_zh=_text_field(scalars, "title_zh"),
            title_en=title_en,
            status=status,
            status_text=status_text,
            nature=nature,
            published_on=dates["published"],
            implemented_on=dates["implemented"],
            withdrawn_on=dates["withdrawn"],
            ics=ics,
            ccs=ccs,
            scope=clean_block(scalars["scope"]) if "scope" in scalars else None,
            department=_text_field(scalars, "department"),
            technical_committee=_committee(scalars.get("technical_committee")),
            drafters=_unique(split_items(lists["drafters"])) if "drafters" in lists else [],
            replaces=_unique(replaces) if replaces else [],
            partially_replaces=_unique(partially) if partially else [],
            replaced_by=_unique(replaced_by) if replaced_by else [],
            adopts=_merge_adoptions(adopts) if adopts else [],
            references=_unique(references),
            domains=_unique(split_items(lists["domains"])) if "domains" in lists else [],
            extra=extra,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise MappingError(where, first.get("input"), f"{where}: {first['msg']}") from exc


def _committee(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if len(value) == 1 and type(value[0]) is str:
            return clean_text(value[0])
        return "; ".join(_unique(split_items(value))) or None
    return clean_text(value)


_HAS_LETTER = re.compile(r"[^\W\d_]")


def _check_code(value: Any) -> str:
    code = clean_text(value)
    if not code:
        raise MappingError("code", value, "no standard code in this record")
    if not code[0].isalpha() and _HAS_LETTER.search(code) is None:
        # Every standard code starts with an issuer (GB, DB22, T/, ISO...); bare numbers are
        # region codes, row numbers or the platforms' prefix-less search forms.
        raise MappingError("code", code, f"{code!r} is not a standard code (no issuer prefix)")
    return code


def map_compact_record(raw: RawRecord, profile: MappingProfile, source: str) -> StandardInput:
    """``map_record`` for the compact ISO/IEC/JIS lines, unrolled for their fixed keys.

    The three compact files hold 100,000+ records and the generic label walk costs twice as
    much per record. The result must equal ``map_record`` under the ``relaton-compact``
    profile, which the tests check on the real samples.

    Raises:
        MappingError: as ``map_record``.
    """
    if raw.problem is not None:
        raise MappingError("record", None, raw.problem)
    get = raw.fields.get
    code = _check_code(get("id"))
    extra: dict[str, str] = {}
    doctype = get("doctype")
    if doctype in vocab.NON_STANDARD_DOCTYPES or code.startswith("ISO/IEC "):
        _reject_non_standards(code, {"doctype": doctype}, extra)

    status: Status | None = None
    status_text: str | None
    stage = get("stage")
    if stage:
        status, status_text = _stage_status(code, stage, extra)
    else:
        status_text = clean_text(get("status"))
        if status_text:
            status = vocab.lookup_status(profile.status_table, status_text)

    for key in ("title_fr", "title_ja", "edition"):
        value = get(key)
        if value is not None and value != "":
            text = clean_text(value)
            if text:
                extra[key] = text
    for key in ("confirmed", "stable_until"):
        value = get(key)
        if value:
            parsed = parse_date(value, key)
            if parsed is not None:
                extra[key] = parsed.value.isoformat()

    title_en = clean_text(get("title_en"))
    kwargs: dict[str, Any] = {
        "code": code,
        "source": source,
        "title_en": title_en,
        "status": status,
        "status_text": status_text,
        "source_url": clean_text(get("src")),
        "extra": extra,
    }
    published = get("published") or get("issued")
    if published:
        parsed = parse_date(published, "published")
        if parsed is not None:
            kwargs["published_on"] = parsed.value
            if parsed.precision != "day":
                extra["published_precision"] = parsed.precision
    withdrawn = get("obsoleted")
    if withdrawn:
        parsed = parse_date(withdrawn, "withdrawn")
        if parsed is not None:
            kwargs["withdrawn_on"] = parsed.value
            if parsed.precision != "day":
                extra["withdrawn_precision"] = parsed.precision
    ics = get("ics")
    if ics:
        kwargs["ics"] = clean_ics(ics)
    tc = get("tc")
    if tc:
        kwargs["technical_committee"] = _committee(tc)

    obsoletes, updated_by = get("obsoletes"), get("updated_by")
    adopts: list[AdoptionRef] = []
    if obsoletes or updated_by:
        relations: dict[str, list[str]] = {}
        if obsoletes:
            relations["obsoletes"] = [c for c in map(clean_text, _as_list(obsoletes)) if c]
        if updated_by:
            relations["updatedBy"] = [c for c in map(clean_text, _as_list(updated_by)) if c]
        replaces: list[str] = []
        replaced_by: list[str] = []
        _apply_relations(code, relations, replaces, replaced_by, adopts, extra)
        if replaces:
            kwargs["replaces"] = _unique(replaces)
        if replaced_by:
            kwargs["replaced_by"] = _unique(replaced_by)
    adopts += adoptions_from_identifier(code, title_en)
    if adopts:
        kwargs["adopts"] = _merge_adoptions(adopts)
    if doctype:
        doctype_text = clean_text(doctype)
        if doctype_text:
            extra["doctype"] = doctype_text
    try:
        return StandardInput.model_validate(kwargs)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise MappingError(where, first.get("input"), f"{where}: {first['msg']}") from exc


Mapper = Callable[[RawRecord, MappingProfile, str], StandardInput]


def mapper_for(profile: MappingProfile) -> Mapper:
    """The mapping function of a profile: the unrolled one for compact lines, else generic."""
    return map_compact_record if profile.name == "relaton-compact" else map_record


def to_outcome(raw: RawRecord, profile: MappingProfile, source: str) -> ReadOutcome:
    """Map a raw record, turning a MappingError into a rejected outcome with its reason."""
    return next(map_all([raw], profile, source))


def map_all(
    records: Iterable[RawRecord], profile: MappingProfile, source: str
) -> Iterator[ReadOutcome]:
    """``to_outcome`` over a stream of raw records (the mapper is looked up once); accepted
    records carry the notes the generic mapping made on their values."""
    if profile.name == "relaton-compact":
        for raw in records:
            try:
                yield ReadOutcome(raw.location, map_compact_record(raw, profile, source))
            except MappingError as exc:
                yield ReadOutcome(raw.location, None, exc.reason)
        return
    for raw in records:
        notes: list[RowNote] = []
        try:
            yield ReadOutcome(raw.location, map_record(raw, profile, source, notes), None, notes)
        except MappingError as exc:
            yield ReadOutcome(raw.location, None, exc.reason)
