"""Find the standard codes a text cites (标准查新): in lists, in 规范性引用文件 clauses and in
Chinese prose, in any spelling, dated or undated, with double numbers
(``GB/T 19001-2016/ISO 9001:2015``).

How: the text is normalised character by character (NFKC, the dashes :mod:`standards.codes`
maps, ``一`` between digits) keeping each character's place in the original, so a citation is
reported as written. A regular expression finds *candidates* (a body of capital letters, its
slash-separated parts, a number, a year, amendments and a double number); each candidate is
handed to :func:`standards.codes.parse_code`, which decides. A candidate that does not parse
is a citation *with an error* (编号有误) only when its prefix is one the parser knows
(``GB/T 19O01-2016``); otherwise it was not a code (``PDF 2``, ``Table 3``). Lower-case
spellings (``gb/t 7714``) count only for Chinese codes, so English prose (``is 5``) is not
read as codes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from standards.codes import ParsedCode, parse_code
from standards.errors import CodeError
from standards.vocab import Level

__all__ = ["Citation", "TextChunk", "extract_citations", "normalise_text"]

MAX_CODE_CHARS = 80
"""A candidate longer than this is not a code (codes are capped at 80 characters elsewhere)."""

_DASHES = "\u2014\u2013\u2212\u2010\u2011\u2012\u2015\ufe63\uff0d\u2500\u2501\u30fc\u2e3a\u2e3b"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CJK_ONE_RE = re.compile(r"(?<=\d)( ?)一( ?)(?=\d)")

# the grammar of a candidate, on the normalised, ASCII-upper-cased text
_SP = r" {0,3}"  # typed lists pad codes with spaces: "GB  /  T   20223 -2018"
_BODY = r"(?:[A-Z]{2,10}+(?:-[A-Z])?|[TQ](?= ?/))"  # possessive: words are not re-split
_PREFIX = rf"{_BODY}(?:{_SP}\d{{1,6}}T?)?(?:{_SP}/{_SP}(?:[A-Z]{{1,10}}\d{{0,6}}|\d{{2,6}}))*"
# stacked bodies and divisions: BS EN ISO, JIS G, GOST R, ISO/IEC TR
_STACK = r"(?: {1,3}[A-Z]{1,6}+(?![A-Z])(?:/[A-Z]{2,4})?){0,3}"
_NUMBER = rf"(?:{_SP}|-)[A-Z]{{0,3}}\.?\d+[A-Z]?(?:[.\-]\d+[A-Z]?)*"
_YEAR = rf"(?:{_SP}[:\-]{_SP}\d{{2,4}}(?:-[01]\d(?:-[0-3]\d)?)?)?"  # DIN: ":2008-12"
_AMENDMENTS = (r"(?: ?[/+] ?(?:XG\d+(?:-\d{4})?|A(?:MD)? ?\d+(?::\d{4})?|COR ?\d+(?::\d{4})?))*")
_INTL = r"(?:ISO|IEC|EN|ITU-T|IEEE|CISPR)(?:/[A-Z]{2,4})?" + _STACK + (
    r" ?[A-Z]?\d+[A-Z]?(?:[.\-]\d+[A-Z]?)*(?: ?[:\-] ?\d{4})?")
_DEGREE = r"(?:IDT|MOD|NEQ|EQV)"
_ADOPTION = (  # a double number, a cover marker, a legacy marker, the degree first in Chinese
    rf"(?: ?/ ?{_INTL}(?: ?, ?{_DEGREE})?"
    rf"| ?\( ?{_INTL} ?, ?{_DEGREE} ?\)"
    rf"| {_DEGREE} {_INTL}"
    rf"| ?\((?:等同|等效|修改|非等效)(?:采用)? ?{_INTL}\))?")
_ALL_PARTS = r"(?: ?\((?:所有部分|ALL PARTS)\))?"
_ITU = r"ITU-[TR](?: RECOMMENDATION)? [A-Z]\.\d+(?:\.\d+)*(?: ?\(\d{4}\))?"
_CANDIDATE_RE = re.compile(
    rf"(?<![A-Z0-9/.\-])(?:(?P<itu>{_ITU})|(?P<prefix>{_PREFIX}{_STACK})(?P<rest>{_NUMBER}"
    rf"{_YEAR}{_AMENDMENTS}{_ADOPTION}{_ALL_PARTS}))")
_DAY_TAIL_RE = re.compile(r"(?<=:\d{4})-\d{2}(?:-\d{2})?$")
_GLUED_RE = re.compile(r"[A-Z0-9][A-Z0-9.\-:/]*")
_CHINESE_LEVELS = frozenset({Level.NATIONAL, Level.INDUSTRY, Level.LOCAL, Level.GROUP,
                             Level.ENTERPRISE, Level.OTHER})


@dataclass(frozen=True, slots=True)
class TextChunk:
    """A piece of a document and where it is (``第3行``, ``Sheet1!B4``, ``第2页``)."""

    location: str
    text: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A code found in a text: as written, where, and what it parses to (or why it does not)."""

    written: str
    location: str
    parsed: ParsedCode | None
    error: str | None


def _normal_char(char: str) -> str:
    if char.isascii():
        return char
    if char in _DASHES:
        return "-"
    if char in _ZERO_WIDTH:
        return ""
    return _normal_nonascii(char)


@functools.lru_cache(maxsize=4096)
def _normal_nonascii(char: str) -> str:
    out = unicodedata.normalize("NFKC", char)
    if out.isspace():
        return " "
    return out


def normalise_text(text: str) -> tuple[str, list[int]]:
    """The text as candidates are matched on, and for each of its characters the index of the
    original character it came from (plus one entry for the end)."""
    if text.isascii():
        out = text.translate(_UPPER).replace("\t", " ").replace("\r", " ").replace("\n", " ")
        return out, list(range(len(text) + 1))
    parts: list[str] = []
    places: list[int] = []
    for index, char in enumerate(text):
        normal = _normal_char(char)
        if char in "\t\r\n":
            normal = " "
        parts.append(normal)
        places.extend([index] * len(normal))
    places.append(len(text))
    out = "".join(parts).translate(_UPPER)
    if "一" in out:
        out = _CJK_ONE_RE.sub(lambda m: f"{m.group(1)}-{m.group(2)}", out)
    return out, places


@functools.lru_cache(maxsize=2048)
def _known_prefix(prefix: str) -> bool:
    """True when the parser reads ``prefix`` followed by a number as a code."""
    for probe in (f"{prefix} 1", f"{prefix} 1-2000", f"{prefix} 1:2000"):
        try:
            parsed = parse_code(probe)
        except CodeError:
            continue
        # "THELAZYDOG 1" reads as the slash-less group code T/HELAZYDOG: not in a text
        return not (parsed.prefix.startswith("T/") and "/" not in prefix)
    return False


def _parsed(candidate: str) -> tuple[ParsedCode | None, str | None]:
    if len(candidate) > MAX_CODE_CHARS:
        return None, f"longer than {MAX_CODE_CHARS} characters"
    try:
        return parse_code(candidate), None
    except CodeError as exc:
        return None, exc.reason


def _shorter(candidate: str) -> list[str]:
    """The candidate without a month and day after its year, without a double number or
    trailing amendments, in case the parser refuses the tail (``GB/T 1-2000/ISO 1`` still
    cites ``GB/T 1-2000``)."""
    cuts = []
    dated = _DAY_TAIL_RE.search(candidate)  # "ISO 12100-1:2003-11-00": the year is the edition
    if dated is not None:
        cuts.append(candidate[: dated.start()])
    at = candidate.rfind("/")
    while at > 0:
        cuts.append(candidate[:at].rstrip())
        at = candidate.rfind("/", 0, at)
    return cuts


def _read_match(original: str, normal: str, places: list[int], match: re.Match[str],
                location: str) -> tuple[Citation | None, int]:
    start, end = match.span()
    prefix = " ".join((match.group("prefix") or match.group("itu")[:5]).split())
    glued = _GLUED_RE.match(normal, end)
    if glued is not None:  # "GB/T 19O01-2016": the code runs on past what the grammar reads
        end = glued.end()
    written = original[places[start]: places[end]].strip()
    candidate = normal[start:end].strip()
    parsed, error = _parsed(candidate)
    if parsed is None and glued is None:
        for shorter in _shorter(candidate):
            parsed, _ = _parsed(shorter)
            if parsed is not None:
                written = original[places[start]: places[start + len(shorter)]].strip()
                break
    as_typed = original[places[start]: places[min(start + len(prefix), len(places) - 1)]]
    if parsed is not None:
        if not _plausible_case(as_typed, parsed.level in _CHINESE_LEVELS):
            return None, end
        if parsed.prefix.startswith("T/") and "/" not in as_typed.replace("／", "/"):
            return None, end  # "TABLE 3" is no slash-less group code (T/ABLE) in a text
        return Citation(written, location, parsed, None), end
    if not _known_prefix(prefix.replace(" ", "")) and not _known_prefix(prefix):
        return None, end
    if not _plausible_case(as_typed, _chinese_prefix(prefix)):
        return None, end
    return Citation(written, location, None, error), end


def _plausible_case(prefix: str, chinese: bool) -> bool:
    """Capitals, or (Chinese codes only) lower case: ``gb/t``, ``GJB/z``, never ``Table`` or
    ``is``."""
    letters = [c for c in prefix if c.isascii() and c.isalpha()]
    if not any(c.islower() for c in letters):
        return True
    if not chinese:
        return False
    stem = prefix.split("/")[0]  # "GJB/z 299B": a capital stem, a lower-case nature
    return all(c.islower() for c in letters) or (stem.isupper() and stem.isascii())


@functools.lru_cache(maxsize=1024)
def _chinese_prefix(prefix: str) -> bool:
    try:
        return parse_code(f"{prefix} 1").level in _CHINESE_LEVELS
    except CodeError:
        return False


def extract_citations(chunks: Iterable[TextChunk], limit: int | None = None) -> list[Citation]:
    """Every code cited in ``chunks``, in order (repeats included).

    Args:
        chunks: the text, piece by piece, with locations.
        limit: stop after this many citations.
    """
    found: list[Citation] = []
    for chunk in chunks:
        normal, places = normalise_text(chunk.text)
        position = 0
        while True:
            match = _CANDIDATE_RE.search(normal, position)
            if match is None:
                break
            citation, end = _read_match(chunk.text, normal, places, match, chunk.location)
            # not a code: a later word of the candidate may start one ("and ISO 1")
            position = end if citation is not None else match.start() + 1
            if citation is not None:
                found.append(citation)
                if limit is not None and len(found) >= limit:
                    return found
    return found
