"""Parse and normalise standard codes (标准号) of every family the library meets.

One entry point, :func:`parse_code`, turns any spelling of a standard code into a
:class:`ParsedCode`: Chinese national / industry / local / group / enterprise codes, the
"other" Chinese series (GJB, JJF/JJG, TSG), international codes (ISO, IEC, ITU, ...),
regional and foreign national codes (EN, BS, DIN, JIS, GOST R, ...) and US-style SDO codes
(ASTM, IEEE, SAE, UL, API, ...). The grammar follows ``shared/domain/PRIMER.md`` section 1.

Pipeline (why in this order: each step makes the next one's regular expressions simpler):

1. clean: NFKC (full-width letters, digits, ``／``, ``（）``, U+3000), map the dashes NFKC keeps
   (U+2014, U+2013, U+2212, U+2010, U+2015, box-drawing lines ...) to ``-``, and ``一``
   between digits (``GB/T 7714一2015``), collapse whitespace, drop spaces around ``/`` and
   ``:``;
2. read the leading letters (the *stem*) and dispatch on them to one family parser;
3. the family parser reads prefix, number, part and year, then the suffixes: amendments
   (``/XG1-2020``, ``-XG1-2006``, ``第1号修改单``, ``/Amd 1:2024``, ``+AMD1:2004``), notes of
   included amendments (``（含第1号修改单2016）``), edition notes (``(2018年版)``, ``(英文版)``,
   ``CSV``), all-parts markers and adoption information (double numbers ``…/ISO 9001:2015``,
   cover markers ``(ISO 6892-1:2019, MOD)``, the degree first ``（等效ISO9001）``, legacy
   ``idt/eqv/neq …``); a trailing ``标准`` is dropped.

Decisions worth knowing (documented here because callers depend on them):

* ``normalized`` never contains amendments, edition notes or adoption information; those
  live in their own fields. This holds for IEC consolidated versions too:
  ``IEC 60335-1:2001+AMD1:2004 CSV`` normalises to ``IEC 60335-1:2001`` with
  ``amendment="+AMD1:2004"`` (the leading ``+`` marks a consolidated amendment, as printed)
  and ``edition_note="CSV"``. IEC/JIS publication variants (CSV, RLV, EXV, CMV, SER,
  ``SYMBOL …``, language tags ``(E)``) are edition notes.
* ``amendment`` makes a code the amendment's own (``GB 20891-2014/XG1-2020``, a catalogue
  entry of its own); ``amendment_note`` records amendments a listing says an edition
  *includes* (``GB/T 30357.2-2013（含第1号修改单2016）`` -> the edition GB/T 30357.2-2013 with
  ``amendment_note="XG1-2016"``; bracketed ``(第1号修改单)`` reads the same way).
* Mandatory local codes print with a slash and a space, as the official platforms list them:
  ``DB31/ 890-2015`` (from ``DB31/890-2015``, ``DB31 890-2015``); ``prefix`` stays ``DB31``
  and the ``/ `` is the separator before the number.
* Group and enterprise codes with a spaced organisation code may have sequences that start
  with letters and hold hyphenated groups (``T/PTSHOES GS001-2017``,
  ``T/XCFW TG06-011.3-2023``: number ``TG06-011``, part ``3``); the last ``-yyyy`` is the
  year. Slash-less group codes (``TCECS 1000``, ``T CECS 1000``) are read as ``T/…`` only
  after every known prefix was tried, and never for foreign bodies whose codes start with T
  (``_NOT_GROUP``: TIS, TSE, TAPPI ...; ``TCVN`` is a foreign national body). Compound
  sectors without slashes: ``NBSHT`` = ``NB/SH/T``.
* Error messages quote the input: an unknown prefix is named as typed (``'ｘｙｚ'``).
* Chinese 2-digit years are 19yy (``GB 3100-93`` -> 1993) and are printed with 4 digits in
  ``normalized``. Foreign 2-digit years (ASTM ``-19``, GOST ``-95``) keep the printed form in
  ``normalized``; ``year`` is 19yy when yy is greater than the current 2-digit year, else 20yy.
* ISO-like codes print parts with ``-`` and years with ``:``. A Chinese-style
  ``ISO 9001-2015`` is read as ``ISO 9001:2015`` when the last ``-`` group is a plausible
  year (1900..this year + 2) and no ``:`` year is present.
* ``IEC/TS``, ``ISO TS`` and friends are accepted; the canonical print follows each body's
  own style: ``ISO/TS 16949``, ``ISO/IEC TR 14475``, ``IEC TS 62351-1``, ``ISO Guide 34``.
* Stacked foreign adoptions (``BS EN ISO 9001:2015``) keep the whole stack in ``normalized``;
  ``prefix`` is the outermost body, ``adopted_ref`` the innermost international (or, failing
  that, regional) document, ``adoption_degree`` stays None.
* Local engineering-construction codes (best effort, PRIMER marks them unverified):
  Shanghai ``DGJ08-…`` / ``DG/TJ08-…`` -> region 31 (``08`` is Shanghai's construction
  series), printed with ``-`` as on the covers, volumes with a letter
  (``DG/TJ08-2291B-2022``); Jiangsu ``DGJ32/J …`` / ``DGJ32/TJ …``;
  ``DBxx/JT …`` (Jilin style); ``DBJ…``: region only when two digits are glued to ``DBJ`` and
  followed by ``/`` (``DBJ61/T 112-2016``), otherwise the digits belong to the number as
  printed (``DBJ 15-31-2016`` -- Guangdong's series 15 is not a province code). All are
  level local, kind ``local-engineering``; ``/T`` or ``T`` in the prefix means recommended.
* The result of :func:`parse_code` is cached (``functools.lru_cache``); :class:`ParsedCode`
  is immutable so sharing is safe. ``_parse_uncached`` is the uncached parser.
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from standards.errors import CodeError
from standards.vocab import AdoptionDegree, Level, Nature

__all__ = ["ParsedCode", "clear_cache", "normalize_code", "parse_code", "try_parse_code"]


@dataclass(frozen=True, slots=True)
class ParsedCode:
    """A standard code split into its parts (see the module docstring for the conventions)."""

    raw: str
    normalized: str
    family_key: str
    level: Level
    kind: str
    nature: Nature | None
    prefix: str
    base_prefix: str
    industry_code: str | None
    region_code: str | None
    org_code: str | None
    number: str
    part: str | None
    year: int | None
    year_digits: int | None
    amendment: str | None
    edition_note: str | None
    adoption_degree: AdoptionDegree | None
    adoption_marker: str | None
    adopted_ref: str | None
    # amendments a listing says this edition includes ("（含第1号修改单2016）" -> "XG1-2016"):
    # a note on the edition, unlike ``amendment``, which makes the code the amendment's own
    amendment_note: str | None = None


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

_THIS_YEAR = datetime.date.today().year
# Forthcoming IEC/ISO publications already carry next year's date; allow a little slack.
_MAX_YEAR = _THIS_YEAR + 2
_PIVOT_YY = _THIS_YEAR % 100

# GB/T 2260 province digits that issue DB standards (31 mainland units, PRIMER 1.3);
# 71/81/82 exist in GB/T 2260 but do not issue DB standards.
_PROVINCES = frozenset(
    str(code)
    for low, high in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
    for code in range(low, high + 1)
)

_DATA_DIR = Path(__file__).with_name("data")


def _load_industry_codes() -> frozenset[str]:
    """Read the 2-letter 行业标准代号 from the bundled copy of industry_codes.csv."""
    with open(_DATA_DIR / "industry_codes.csv", encoding="utf-8", newline="") as fh:
        return frozenset(
            row["code"].strip()
            for row in csv.DictReader(fh)
            if len(row["code"].strip()) == 2 and row["code"].strip().isalpha()
        )


_INDUSTRY_CODES = _load_industry_codes()


@dataclass(frozen=True, slots=True)
class _CnPrefix:
    """How one Chinese prefix stem behaves."""

    stem: str  # canonical print, e.g. "GB", "GBn", "JGJ"
    level: Level
    kind: str
    industry_code: str | None
    has_nature: bool  # True: bare = mandatory, /T recommended, /Z guidance; False: nature None


def _build_cn_table() -> dict[str, _CnPrefix]:
    """Industry codes from the CSV plus the national, engineering and "other" series."""
    L = Level
    table = {code: _CnPrefix(code, L.INDUSTRY, "industry", code, True) for code in _INDUSTRY_CODES}
    table.update(
        {
            "GB": _CnPrefix("GB", L.NATIONAL, "national", None, True),
            # GBZ = occupational health, never GB/Z (PRIMER 1.1).
            "GBZ": _CnPrefix("GBZ", L.NATIONAL, "occupational-health", None, True),
            "GBJ": _CnPrefix("GBJ", L.NATIONAL, "national-engineering", None, True),
            "GSB": _CnPrefix("GSB", L.NATIONAL, "national-reference-material", None, False),
            "GBN": _CnPrefix("GBn", L.NATIONAL, "national-internal", None, False),
            "GJB": _CnPrefix("GJB", L.OTHER, "military", None, False),
            "JJF": _CnPrefix("JJF", L.OTHER, "metrology", None, False),
            "JJG": _CnPrefix("JJG", L.OTHER, "metrology", None, False),
            "TSG": _CnPrefix("TSG", L.OTHER, "regulation", None, False),
            # Engineering-construction series of the housing and transport ministries.
            "JGJ": _CnPrefix("JGJ", L.INDUSTRY, "industry-engineering", "JG", True),
            "CJJ": _CnPrefix("CJJ", L.INDUSTRY, "industry-engineering", "CJ", True),
            "JTG": _CnPrefix("JTG", L.INDUSTRY, "industry-engineering", "JT", True),
            "JTJ": _CnPrefix("JTJ", L.INDUSTRY, "industry-engineering", "JT", True),
        }
    )
    return table


_CN = _build_cn_table()

# Foreign / international families: stem -> (level, kind).
_INTL = Level.INTERNATIONAL
_FOR = Level.FOREIGN
_REGIONAL_STEMS = ("EN", "CEN", "CLC", "CENELEC", "PREN", "CWA")
_NATIONAL_STEMS = (
    "BS", "DIN", "VDE", "NF", "UNE", "UNI", "NEN", "PN", "CSN", "SS", "SFS", "DS", "NS", "AS",
    "NZS", "SANS", "IS", "SNI", "OENORM", "TCVN",
)  # fmt: skip
_NATIONAL_ISOLIKE: dict[str, tuple[Level, str]] = {
    **{stem: (_FOR, "regional") for stem in _REGIONAL_STEMS},
    **{stem: (_FOR, "foreign-national") for stem in _NATIONAL_STEMS},
}
_DIVISION: dict[str, tuple[Level, str, str]] = {
    # stem -> (level, kind, base_prefix); number = division letter + digits ("G 3101")
    "JIS": (_FOR, "foreign-national", "JIS"),
    "TR": (_FOR, "foreign-national", "JIS"),  # JIS technical reports print as "TR X 0010"
    "TS": (_FOR, "foreign-national", "JIS"),  # JIS technical specifications "TS X 0040"
    "KS": (_FOR, "foreign-national", "KS"),
    "OIML": (_INTL, "international", "OIML"),
}
_SDO = frozenset((
    "ASME", "API", "SAE", "IEEE", "UL", "NFPA", "IATF", "AWS", "ASHRAE", "AWWA", "MSS", "ISA",
    "TIA", "NEMA", "IPC", "JEDEC", "CGA", "AAMI", "CSA", "NACE", "AATCC", "AGMA", "SEMI", "ASQ",
    "ACI", "AISC", "ANSI",
))  # fmt: skip
# Foreign bodies whose codes start with T: never read as a group code without its slash
# (TCECS 1000 = T/CECS 1000, but TIS 2061 is a Thai Industrial Standard).
_NOT_GROUP = frozenset(("TIS", "TSE", "TAPPI", "TEMA", "TGL", "TCCS"))
_SDO_COLON_YEAR = frozenset(("IATF",))  # bodies that print "number:yyyy"
_SDO_KEEP_CASE = frozenset(("IEEE",))  # "802.11ax", "1547a": lower-case letters are significant
# Prefixes that may follow a national/regional one in a stacked adoption ("BS EN ISO ...").
_STACKABLE = frozenset(("EN", "ISO", "IEC", "CISPR", "IWA", "CEN", "CLC", "PREN", "VDE"))

_DEGREES: dict[str, AdoptionDegree] = {
    "IDT": AdoptionDegree.IDT,
    "MOD": AdoptionDegree.MOD,
    "NEQ": AdoptionDegree.NEQ,
    "EQV": AdoptionDegree.EQV,
    "等同采用": AdoptionDegree.IDT,
    "等同": AdoptionDegree.IDT,
    "修改采用": AdoptionDegree.MOD,
    "修改": AdoptionDegree.MOD,
    "非等效采用": AdoptionDegree.NEQ,
    "非等效": AdoptionDegree.NEQ,
    "等效采用": AdoptionDegree.EQV,
    "等效": AdoptionDegree.EQV,
}

# --------------------------------------------------------------------------------------------
# Regular expressions (compiled once; matched on the upper-cased string unless noted)
# --------------------------------------------------------------------------------------------

# Dashes that NFKC leaves alone (PRIMER 1.5): em, en, minus, hyphen, non-breaking hyphen,
# figure dash, horizontal bar, small hyphen-minus, full-width hyphen-minus, and what typed and
# OCR'd lists put in their place (box-drawing lines, the katakana long vowel mark, two- and
# three-em dashes, hyphen bullet, modifier and heavy minus) -> "-"; invisible characters that
# pasted text and CSV exports carry (zero-width spaces, BOM, soft hyphen) -> "".
_CHAR_MAP = str.maketrans(
    {
        **dict.fromkeys(
            "\u2014\u2013\u2212\u2010\u2011\u2012\u2015\ufe63\uff0d"
            "\u2500\u2501\u30fc\u2e3a\u2e3b\u2043\u02d7\u2796",
            "-",
        ),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
    }
)
# The ideograph 一 ("one") typed for a dash between number and year (GB/T 7714一2015); only
# between digits, since amendment notes spell numbers with it (第一号修改单).
_CJK_ONE_RE = re.compile(r"(?<=\d) ?一 ?(?=\d)")
_CYRILLIC = (("ГОСТ Р", "GOST R"), ("ГОСТ", "GOST"), ("ИСО", "ISO"), ("МЭК", "IEC"))
_SP_AROUND_RE = re.compile(r" ?([/:]) ?")
_SP_DASH_RE = re.compile(r"(?<=\d) ?- ?(?=\d)")
_STEM_RE = re.compile(r"[A-Z]+")

# Chinese codes ------------------------------------------------------------------------------
# Where a number of a local engineering code may end: what can follow it (a suffix) or nothing.
_NUM_END = r"(?=$|[\s(/第含标]|-XG)"
_CN_NATURE_RE = re.compile(
    r"(?:/(?P<sub>[A-Z]{2})(?=/))?"  # compound sector: NB/SH/T
    r"(?:/(?P<tz>[TZ])?"  # /T, /Z, bare / (mandatory local "DB31/ 1234")
    r"|[-_](?P<tz2>[TZ])(?=[-_ ]?[A-Z]?\d)"  # file-name forms GB-T 15224, GB_T
    r"|\s(?P<tz3>[TZ])(?=\s))?"  # listing form "JTG T J22"
)
_CN_SLASH_RE = re.compile(r"/(?P<tz>[TZ])?")
_CN_BODY_RE = re.compile(
    r"[ \-_]?(?P<seq>[A-Z]{0,2}\d+[A-Z]?)"
    r"(?:\.(?P<part>\d+[A-Z]?(?:\.\d+[A-Z]?)*))?"
    r"(?:-(?P<year>\d{4}|\d{2})(?!\d))?"
)
_DB_REGION_RE = re.compile(r"(?:(?P<r1>\d+)(?=[/T _]|-T)| (?P<r2>\d+)(?=/|[-_]?T[-_ ]?\d))")
_DB_NATURE_RE = re.compile(r"/JT|/T|/Z|/|[-_]?T(?=[-_ ]?\d)")
_DBJ_RE = re.compile(
    r"DBJ(?: ?(?P<region>\d{2})(?=/))?(?P<slash>/(?P<tz>T)?)?[ \-]?"
    r"(?P<num>[A-Z]?\d+[A-Z]?(?:-\d+[A-Z]?)*?)(?:-(?P<year>\d{4}))?" + _NUM_END
)
_DGJ_RE = re.compile(
    r"DG(?P<t1>/T)?J(?P<region>\d{2})(?P<sub>/T?J)?[ \-]?"
    # Shanghai volumes carry a letter: DG/TJ08-2291B-2022, DG/TJ08-2433A-2023
    r"(?P<num>\d+[A-Z]?(?:\.\d+)?(?:-\d+[A-Z]?)*?)(?:-(?P<year>\d{4}))?" + _NUM_END
)
# A sequence after a spaced organisation code may start with letters and hold hyphenated
# groups (T/PTSHOES GS001-2017, T/XCFW TG06-011.3-2023); a group is part of the number only
# when more follows it, so the last "-yyyy" stays the year. Glued codes split before the first
# digit run, as before (T/CAS290-2017).
_LETTER_SEQ = r"[A-Z]{1,6}\d+[A-Z]?(?:-\d+[A-Z]?(?=[-.])(?!-XG))*"
_GROUP_RE = re.compile(
    rf"T/(?:(?P<org1>[A-Z0-9]+)[ _](?P<seq1>{_LETTER_SEQ}|\d+[A-Z]?)"
    r"|(?P<org2>[A-Z0-9]*[A-Z])(?P<seq2>\d+[A-Z]?))"
    r"(?:\.(?P<part>\d+(?:\.\d+)*))?(?:-(?P<year>\d{4}|\d{2})(?!\d))?"
)
_ENT_RE = re.compile(
    rf"Q/(?:(?P<org1>[A-Z0-9]+(?:/[A-Z0-9]+)*)[ _](?P<seq1>{_LETTER_SEQ}|\d+[A-Z]?)"
    r"|(?P<org2>[A-Z0-9]*[A-Z](?:/[A-Z])?)(?P<seq2>\d+[A-Z]?))"
    r"(?:\.(?P<part>\d+(?:\.\d+)*))?(?:-(?P<year>\d{4}|\d{2})(?!\d))?"
)
_CECS_RE = re.compile(r"CECS ?(?P<seq>\d+[A-Z]?)(?:[:\-](?P<year>\d{4}|\d{2})(?!\d))?")

# Chinese suffixes (matched on the cleaned, original-case text)
# "-XG1-2006" is how some lists glue an amendment to the year (GB 15629.11-2003-XG1-2006)
_XG_RE = re.compile(r"[/\-]?XG(?P<n>\d+)(?:-(?P<y>\d{4}))?(?!\d)", re.IGNORECASE)
_CN_DIGITS = "一二三四五六七八九十"
_XG_CN_RE = re.compile(rf"第 ?(?P<n>[0-9{_CN_DIGITS}]+) ?号 ?修改单")
# Amendments a listing says the edition includes, in brackets or after 含 ("includes"):
# (含第1号修改单2016), (含2026年第1号修改单), (含第1、2号修改单), (第1号修改单), 含XG1-2016.
_NOTE_BODY = rf"(?:[0-9{_CN_DIGITS}年第号、,和及 ]*修改单[0-9年 \-]*|XG[0-9XG、,/ \-]*)"
_XG_NOTE_RE = re.compile(
    rf"\((?:含|包含|包括)? ?(?P<b1>{_NOTE_BODY})\)|(?:含|包含|包括) ?(?P<b2>{_NOTE_BODY})$",
    re.IGNORECASE,
)
_NOTE_NUMBER_RE = re.compile(
    rf"XG ?(?P<xg>\d+)|(?P<n>[0-9{_CN_DIGITS}]+(?:[、,和及][0-9{_CN_DIGITS}]+)*) ?号",
    re.IGNORECASE,
)
_NOTE_LIST_RE = re.compile("[、,和及]")
_NOTE_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_EDITION_RE = re.compile(r"\(?(?P<y>\d{4}) ?年? ?(?:修订)?版\)?")
# What lists append that is not part of the code: "标准", and the language of a translation.
_TRAILER_RE = re.compile(r"标准$|\((?P<lang>英文版|中文版|英文|中文)\)|(?P<lang2>英文版)$")
_ALL_PARTS_RE = re.compile(r"\((?:所有部分|ALL PARTS)\)", re.IGNORECASE)
_DEG_ALT = "IDT|MOD|NEQ|EQV|等同采用|修改采用|非等效采用|等效采用|等同|修改|非等效|等效"
_COVER_RE = re.compile(
    rf"\((?P<ref>[^()]+?)(?: ?[,;] ?| )(?P<deg>{_DEG_ALT})\)", re.IGNORECASE
)
_LEGACY_RE = re.compile(
    r"(?P<open>\()?(?P<deg>IDT|EQV|NEQ|MOD) (?P<ref>[^()]+?)(?(open)\)|(?= ?\(|$))", re.IGNORECASE
)
# The degree in Chinese before the document, with or without brackets: (等效ISO9001),
# 等同采用 ISO 9001:2015
_DEG_FIRST_RE = re.compile(
    r"(?P<open>\()?(?P<deg>等同采用|修改采用|非等效采用|等效采用|等同|修改|非等效|等效) ?:? ?"
    r"(?P<ref>[A-Za-z][^()]*?)(?(open)\)|(?= ?\(|$))"
)
_DOUBLE_END_RE = re.compile(
    r" ?(?:[/\-]XG\d|第 ?\d|\(\d{4} ?年|\(所有部分| (?:IDT|EQV|NEQ) |\(?(?:含|包含|包括)|\(第"
    r"|标准$|\((?:英文|中文))",
    re.IGNORECASE,
)

# ISO-like codes -----------------------------------------------------------------------------
_ISO_HEAD_RE = re.compile(
    r"(?P<org>ISO/IEC/IEEE|IEC/ISO/IEEE|ISO/(?:IEC|IEEE|ASTM|ASME|CIE|SAE|HL7|OECD|UNDP)"
    r"|IEC/(?:IEEE|ASTM|SAE)|IEC/ISO"
    r"|ISO|IEC|CISPR|IWA)"
    r"(?:[/ ]?(?P<type>TS|TR|PAS|R|DATA|TTA|IWA|GUIDE|ISP|SRD|DIR|DIS|FDIS|CD|WD|NP|PRF|DTS"
    r"|DTR|DPAS|PWI|AWI|ACEE|CA|TECHNOLOGY AND MARKET OUTLOOK PAPER|TECHNOLOGY REPORT"
    r"|TREND REPORT|WHITE PAPER)(?=[ \d]))?"
)
_ISO_SLASH_TYPES = frozenset((
    "TS", "TR", "PAS", "R", "DATA", "TTA", "DIS", "FDIS", "CD", "WD", "NP", "PRF", "DTS", "DTR",
    "DPAS", "PWI", "AWI",
))  # fmt: skip
_ISO_TYPE_PRINT = {
    "GUIDE": "Guide",
    "TECHNOLOGY REPORT": "Technology Report",
    "TREND REPORT": "Trend Report",
    "WHITE PAPER": "White Paper",
    "TECHNOLOGY AND MARKET OUTLOOK PAPER": "Technology and Market Outlook Paper",
}
_REPORT_TYPES = frozenset((
    "TECHNOLOGY REPORT", "TREND REPORT", "WHITE PAPER", "TECHNOLOGY AND MARKET OUTLOOK PAPER",
))  # fmt: skip
_ISO_BODY_RE = re.compile(
    r" ?(?P<num>\d+[A-Z]?(?:\.\d+)*)"
    r"(?P<parts>(?:-(?:[A-Z]{0,3}\d+[A-Z]{0,2}|[A-Z]{1,5}))*)"
    r"(?P<sheet>/\d+(?=:))?"
    r"(?::(?P<year>\d{4})(?P<month>-(?:0[1-9]|1[0-2]))?(?!\d)|:(?=$|/))?"
    r"(?P<cons>(?:\+(?:AMD|A) ?\d+:\d{4})*)"
)
# Directives and their supplements: "ISO/IEC DIR 1 + IEC SUP:2016-05"
_DIR_BODY_RE = re.compile(
    r" (?P<num>[A-Z0-9]+(?: (?:\+ )?[A-Z0-9]+)*?)(?::(?P<year>\d{4})(?P<month>-\d{2})?)?$"
)
# IEC and ISO documents named by a word, not a number: IEC GIORGI:2001, ISO/IEC VIM:1993,
# IEC CENT-CHAL:2006, ISO/IEC JTC 1 DIR:2004
_DESIGNATION_RE = re.compile(r" ?(?P<num>[A-Z][A-Z0-9]*(?:[ \-][A-Z0-9]+)*):(?P<year>\d{4})(?!\d)")
_REPORT_BODY_RE = re.compile(r" (?P<num>.+?):(?P<year>\d{4})$")
_DIV_RE = re.compile(r" ?(?P<div>[A-Z]) ?(?=\d)")
_KS_STACK_RE = re.compile(r" (?P<div>[A-Z]) (?=ISO|IEC)")  # "KS C IEC 60335-1:2018"
_NAT_SUB_RE = re.compile(r"/(?P<sub>NZS|CLC|TS|TR|CWA|GUIDE)(?=[ \d/])")
# Tail of ISO-like codes (matched on the original-case text)
_TAIL_AMD_RE = re.compile(
    # after "/", or after a space as lists print it: "ISO 9001:2015 Amd 1:2024"
    r"(?:/| (?=(?:AMD|AMENDMENT|COR|CORRIGENDUM) ?\d))"
    r"(?:(?P<stage>CD|WD|AWI|NP|DIS|FDIS|PRF|PWI) )?"
    r"(?P<kw>AMENDMENT|CORRIGENDUM|EXPLANATION|FDAMD|FDAM|DAMD|DAM|FDCOR|DCOR|AMD|COR|ADD|ISH"
    r"|FRAG|EXPL|EXT|SUPPL|SUP)"
    r"(?P<sp> ?)(?P<n>\d+(?:\.\d+)?)?(?::(?P<y>\d{4}R?))?:?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_AMD_LOWER = {"amd": "Amd", "cor": "Cor", "add": "Add"}
_TAIL_VARIANT_RE = re.compile(
    r" (?P<v>(?:CSV|RLV|EXV|CMV|SER|PRV|DB|ED\d+)(?:-(?:CSV|RLV|EXV|CMV|SER))*)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_TAIL_LANG_RE = re.compile(r" ?\((?P<l>E|F|R|EN|FR|RU|ES|DE|ZH)\)", re.IGNORECASE)
_TAIL_SYMBOL_RE = re.compile(r" (?P<v>SYMBOL .+)$", re.IGNORECASE)
_TAIL_LETTER_RE = re.compile(r"R(?=$|[ /])")  # JIS "…:2000R"

# Other foreign families -----------------------------------------------------------------------
_ITU_RE = re.compile(
    r"ITU-(?P<sec>[TRD]) ?(?:REC(?:OMMENDATION)?\.? ?)?"
    r"(?P<num>[A-Z]{1,3}\.\d+(?:\.\d+)*(?:-\d+)?)"
    r"(?: ?\((?:(?P<mm>\d{2})/)?(?P<yyyy>\d{4})\))?$"
)
_ASTM_RE = re.compile(
    r"ASTM ?(?P<num>[A-Z] ?\d+[A-Z]?(?:/[A-Z] ?\d+[A-Z]?)?)(?:-(?P<year>\d{4}|\d{2})(?!\d))?"
)
_ASTM_TAIL_RE = re.compile(r"(?P<reap> ?\(\d{4}\))|(?P<ed>[EΕ]\d+)")
_SDO_BODY_RE = re.compile(
    r"[ \-]?(?:(?:STD|SPEC|RP|BULL)\.? ?(?=[A-Z]?\d))?"
    r"(?P<num>[A-Z0-9]+(?:[.\-/][A-Z0-9]+)*?)"
    r"(?:(?P<sep>[-:])(?P<year>(?:19|20)\d{2})|_(?P<sy>(?:19|20)\d{2})(?P<sm>0[1-9]|1[0-2]))?$"
)
_MIL_RE = re.compile(r"MIL-(?P<t>STD|HDBK|DTL|PRF|SPEC|[A-Z])-(?P<num>\d+[A-Z]?(?:/\d+[A-Z]?)?)$")
_ETSI_RE = re.compile(
    r"ETSI (?P<t>EN|ES|EG|TS|TR|GS|SR|GR|ETS) ?(?P<a>\d{3}) ?(?P<b>\d{3})(?P<parts>(?:-\d+)*)"
    r"(?: V(?P<v>\d+\.\d+\.\d+))?(?: ?\((?P<y>\d{4})-(?P<m>\d{2})\))?$"
)
_CODEX_RE = re.compile(
    r"(?P<p>CXS|CXC|CXG|CXM|CAC/(?:RCP|GL|MISC|RM)|CODEX STAN) ?(?P<num>\d+[A-Z]?)"
    r"(?:-(?P<year>\d{4}))?$"
)
_GOST_HEAD_RE = re.compile(r"GOST(?P<r> ?R)?(?=[ \d])")
_GOST_BODY_RE = re.compile(r" ?(?P<num>\d+(?:\.\d+)*)(?:-(?P<year>\d{4}|\d{2})(?!\d))?$")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _clean(raw: str) -> str:
    """Unicode- and spacing-normalise a code (step 1 of the pipeline)."""
    s = raw
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).translate(_CHAR_MAP)
        if "一" in s:
            s = _CJK_ONE_RE.sub("-", s)
        if "ГОСТ" in s or "ИСО" in s or "МЭК" in s:
            for cyr, lat in _CYRILLIC:
                s = s.replace(cyr, lat)
    s = " ".join(s.split())
    if " /" in s or "/ " in s or " :" in s or ": " in s:
        s = _SP_AROUND_RE.sub(r"\1", s)
    if " -" in s or "- " in s:
        s = _SP_DASH_RE.sub("-", s)
    return s


_RAW_WORD_RE = re.compile(r"\s*([^\W\d_]+)")


def _unknown_prefix(raw: str, s: str, end: int) -> CodeError:
    """"unknown prefix 'X'" quoting X as the input has it (``ｘｙｚ``, not ``XYZ``)."""
    prefix = s[:end]
    if prefix not in raw and (m := _RAW_WORD_RE.match(raw)) is not None:
        prefix = m.group(1)
    return CodeError(raw, f"unknown prefix {prefix!r}")


def _cn_year(raw: str, text: str | None) -> tuple[int | None, int | None]:
    """Year and digit count of a Chinese code; 2-digit years are 19yy (PRIMER 1.5)."""
    if text is None:
        return None, None
    if len(text) == 2:
        return 1900 + int(text), 2
    year = int(text)
    if not 1900 <= year <= _MAX_YEAR:
        raise CodeError(raw, f"year {year} is out of range")
    return year, 4


def _foreign_year(raw: str, text: str | None) -> tuple[int | None, int | None]:
    """Year of a foreign code; 2-digit years pivot on the current year (ASTM '-19' -> 2019)."""
    if text is None:
        return None, None
    if len(text) == 2:
        yy = int(text)
        return (1900 + yy if yy > _PIVOT_YY else 2000 + yy), 2
    year = int(text)
    if not 1900 <= year <= _MAX_YEAR:
        raise CodeError(raw, f"year {year} is out of range")
    return year, 4


def _dated(p: ParsedCode) -> str:
    """ISO-style reference (``family:yyyy``) of an inner document of a stack."""
    return f"{p.family_key}:{p.year}" if p.year is not None else p.family_key


def _foreign(
    raw: str,
    *,
    normalized: str,
    family_key: str,
    level: Level,
    kind: str,
    prefix: str,
    base_prefix: str,
    number: str,
    part: str | None = None,
    year: int | None = None,
    year_digits: int | None = None,
    amendment: str | None = None,
    edition_note: str | None = None,
    adopted_ref: str | None = None,
) -> ParsedCode:
    """Build a ParsedCode for codes without Chinese-only fields."""
    return ParsedCode(
        raw=raw,
        normalized=normalized,
        family_key=family_key,
        level=level,
        kind=kind,
        nature=None,
        prefix=prefix,
        base_prefix=base_prefix,
        industry_code=None,
        region_code=None,
        org_code=None,
        number=number,
        part=part,
        year=year,
        year_digits=year_digits,
        amendment=amendment,
        edition_note=edition_note,
        adoption_degree=None,
        adoption_marker=None,
        adopted_ref=adopted_ref,
    )


# --------------------------------------------------------------------------------------------
# Chinese codes
# --------------------------------------------------------------------------------------------

_Suffixes = tuple[
    str | None, str | None, bool, AdoptionDegree | None, str | None, str | None, str | None
]
_NO_SUFFIX: _Suffixes = (None, None, False, None, None, None, None)
_TZ_NATURE = {"T": Nature.RECOMMENDED, "Z": Nature.GUIDANCE, None: Nature.MANDATORY}


_CN_NUMBER_RE = re.compile(
    "^(?:(?P<tens>[一二三四五六七八九]?)(?P<ten>十))?(?P<units>[一二三四五六七八九]?)$"
)


def _cn_number(text: str) -> str:
    """An amendment number as digits: "1", "一" or "十二" -> "1", "1", "12"; other text as is."""
    if text.isascii() and text.isdigit():
        return str(int(text))
    m = _CN_NUMBER_RE.match(text)
    if m is None or not text:
        return text
    tens = (_CN_DIGITS.index(m["tens"]) + 1 if m["tens"] else 1) if m["ten"] else 0
    units = _CN_DIGITS.index(m["units"]) + 1 if m["units"] else 0
    return str(tens * 10 + units)


def _amendment_note(body: str) -> str:
    """``XG1-2016`` of a note such as 含第1号修改单2016; ``XG`` when it names no number."""
    numbers = [_cn_number(n) for m in _NOTE_NUMBER_RE.finditer(body)
               for n in ([m["xg"]] if m["xg"] else _NOTE_LIST_RE.split(m["n"]))]
    numbers = [n for n in numbers if len(n) < 3]  # "2016号" is no amendment number
    years = _NOTE_YEAR_RE.findall(body)
    if not numbers:
        return "XG"
    if len(years) == len(numbers):
        return "/".join(f"XG{n}-{y}" for n, y in zip(numbers, years, strict=True))
    return "/".join(f"XG{n}" for n in numbers)


def _cn_suffixes(raw: str, rest: str) -> _Suffixes:
    """Read what follows a Chinese code: amendments (its own, or the ones a listing says it
    includes), edition, all parts, adoption; a trailing "标准" is dropped."""
    amds: list[str] = []
    notes: list[str] = []
    edition = None
    all_parts = False
    degree: AdoptionDegree | None = None
    marker = None
    ref = None
    while rest:
        if rest[0] == " ":
            rest = rest[1:]
            continue
        if m := _XG_RE.match(rest):
            amds.append(f"XG{m['n']}-{m['y']}" if m["y"] else f"XG{m['n']}")
        elif m := _XG_CN_RE.match(rest):
            amds.append(f"XG{_cn_number(m['n'])}")
        elif m := _XG_NOTE_RE.match(rest):
            notes.append(_amendment_note(m["b1"] or m["b2"]))
        elif m := _EDITION_RE.match(rest):
            edition = f"{m['y']}年版"
        elif m := _ALL_PARTS_RE.match(rest):
            all_parts = True
        elif m := _TRAILER_RE.match(rest):
            lang = m["lang"] or m["lang2"]
            if lang:
                edition = lang if lang.endswith("版") else f"{lang}版"
        elif (
            (m := _COVER_RE.match(rest))
            or (m := _LEGACY_RE.match(rest))
            or (m := _DEG_FIRST_RE.match(rest))
        ):
            if degree is not None:
                raise CodeError(raw, "more than one adoption marker")
            marker = m["deg"]
            degree = _DEGREES[marker.upper()]
            ref = _adopted_ref(raw, m["ref"].strip(), strict=False)
        elif rest[0] == "/":
            # Double number (GB/T 20000.2 ch. 7): the right side is the identical document.
            if degree is not None:
                raise CodeError(raw, "more than one adoption marker")
            end = _DOUBLE_END_RE.search(rest, 1)
            stop = end.start() if end else len(rest)
            ref = _adopted_ref(raw, rest[1:stop], strict=True)
            degree, marker = AdoptionDegree.IDT, "/"
            rest = rest[stop:]
            continue
        else:
            raise CodeError(raw, f"unexpected text {rest!r} after the code")
        rest = rest[m.end() :]
    return (
        "/".join(amds) or None, edition, all_parts, degree, marker, ref, "/".join(notes) or None
    )


_TYPED_TRIES = 200
"""Parts of the input :func:`_typed` cleans at most (an error path, bounded on any input: a
file of bad codes costs no more per row than a good one)."""


def _typed(raw: str, text: str) -> str:
    """``text`` (a part of the cleaned code) as ``raw`` has it, when a part of ``raw`` cleans
    to it (cleaning keeps a character's count or shortens runs of spaces); else ``text``."""
    if text in raw or not text:
        return text
    tries = 0
    for start in range(len(raw)):
        if _clean(raw[start]) != text[0]:
            continue
        for stop in range(start + len(text), min(len(raw), start + 2 * len(text)) + 1):
            tries += 1
            if tries > _TYPED_TRIES:
                return text
            if _clean(raw[start:stop]) == text:
                return raw[start:stop]
    return text


def _adopted_ref(raw: str, text: str, strict: bool) -> str:
    """Normalise the document named in an adoption marker.

    Double numbers must name a real international/foreign code (``strict``); the free text of
    cover and legacy markers is kept as written when it does not parse, because the degree is
    still worth keeping.
    """
    try:
        p = _dispatch(text, text, text.upper())
    except CodeError as exc:
        if strict:
            typed = _typed(raw, text)
            reason = exc.reason
            if typed != text:  # quoted as the input has it (ＩＳＯ, not ISO)
                try:
                    _dispatch(typed, text, text.upper())
                except CodeError as again:
                    reason = again.reason
            raise CodeError(raw, f"adopted document {typed!r}: {reason}") from None
        return text
    if strict and p.level not in (Level.INTERNATIONAL, Level.FOREIGN):
        raise CodeError(raw, f"{text!r} after '/' is not an international or foreign code")
    return p.normalized


def _cn_result(
    raw: str,
    rest: str,
    *,
    prefix: str,
    base: str,
    level: Level,
    kind: str,
    nature: Nature | None,
    seq: str,
    part: str | None,
    year_text: str | None,
    industry: str | None = None,
    region: str | None = None,
    org: str | None = None,
    number_sep: str = " ",
    year_sep: str = "-",
) -> ParsedCode:
    """Read the suffixes in ``rest`` and build the result for any Chinese family."""
    year, digits = _cn_year(raw, year_text)
    amendment, edition, all_parts, degree, marker, ref, note = (
        _cn_suffixes(raw, rest) if rest else _NO_SUFFIX
    )
    if all_parts:
        if part is not None:
            raise CodeError(raw, "an all-parts reference cannot name a part")
        part = "ALL"
    key = f"{prefix}{number_sep}{seq}"
    if part is not None and part != "ALL":
        key = f"{key}.{part}"
    return ParsedCode(
        raw=raw,
        normalized=f"{key}{year_sep}{year}" if year else key,
        family_key=key,
        level=level,
        kind=kind,
        nature=nature,
        prefix=prefix,
        base_prefix=base,
        industry_code=industry,
        region_code=region,
        org_code=org,
        number=seq,
        part=part,
        year=year,
        year_digits=digits,
        amendment=amendment,
        edition_note=edition,
        adoption_degree=degree,
        adoption_marker=marker,
        adopted_ref=ref,
        amendment_note=note,
    )


def _parse_cn(
    raw: str, s: str, u: str, entry: _CnPrefix, pos: int, forced_tz: str | None,
    forced_sub: str | None = None,
) -> ParsedCode:
    """Chinese national / industry / other codes (GB, GB/T, JB/T, NB/SH/T, JGJ, GJB, ...)."""
    sub = forced_sub
    tz = forced_tz
    if forced_tz is None:
        if entry.has_nature:
            n = _CN_NATURE_RE.match(u, pos)  # every group is optional: always matches
            if n is not None:
                sub = n["sub"]
                tz = n["tz"] or n["tz2"] or n["tz3"]
                pos = n.end()
        elif (n := _CN_SLASH_RE.match(u, pos)) is not None:
            tz = n["tz"]
            pos = n.end()
    if sub is not None and (entry.level is not Level.INDUSTRY or sub not in _INDUSTRY_CODES):
        raise CodeError(raw, f"unknown sector code {sub!r} in {entry.stem}/{sub}")
    body = _CN_BODY_RE.match(u, pos)
    if body is None:
        raise CodeError(raw, "no number")
    seq = body["seq"]
    base = f"{entry.stem}/{sub}" if sub else entry.stem
    kind = entry.kind
    if entry.stem == "GB" and len(seq) == 5 and "50000" <= seq <= "51999":
        kind = "national-engineering"  # engineering-construction series GB 50xxx / 51xxx
    return _cn_result(
        raw,
        s[body.end() :],
        prefix=f"{base}/{tz}" if tz else base,
        base=base,
        level=entry.level,
        kind=kind,
        nature=_TZ_NATURE[tz] if entry.has_nature else None,
        seq=seq,
        part=body["part"],
        year_text=body["year"],
        industry=entry.industry_code,
    )


def _parse_db(raw: str, s: str, u: str) -> ParsedCode:
    """DB: local standards (DBxx, DBxxxx) or, without region digits, seismology (DB/T 15)."""
    m = _DB_REGION_RE.match(u, 2)
    if m is None:
        if u[2:3].isdigit():
            raise CodeError(raw, "region code must be followed by '/', 'T' or a space")
        return _parse_cn(raw, s, u, _CN["DB"], 2, None)
    region = m["r1"] or m["r2"]
    if len(region) == 2:
        if region not in _PROVINCES:
            raise CodeError(raw, f"{region} is not a province code (GB/T 2260)")
        kind = "local-province"
    elif len(region) == 4:
        if region[:2] not in _PROVINCES:
            raise CodeError(raw, f"{region[:2]} is not a province code (GB/T 2260)")
        if region[2:] == "00":
            raise CodeError(raw, f"{region} is not a city code (GB/T 2260)")
        kind = "local-city"
    else:
        raise CodeError(raw, f"region code {region!r} must have 2 (province) or 4 (city) digits")
    pos = m.end()
    n = _DB_NATURE_RE.match(u, pos)
    mark = n.group().lstrip("-_") if n else ""
    if n:
        pos = n.end()
    if mark == "/JT":
        prefix, nature, kind = f"DB{region}/JT", Nature.RECOMMENDED, "local-engineering"
    elif mark in ("/T", "T"):
        prefix, nature = f"DB{region}/T", Nature.RECOMMENDED
    elif mark == "/Z":
        prefix, nature = f"DB{region}/Z", Nature.GUIDANCE
    else:  # "DB31/ 1234" and "DB22 123" are the mandatory (legacy) forms
        prefix, nature = f"DB{region}", Nature.MANDATORY
    body = _CN_BODY_RE.match(u, pos)
    if body is None:
        raise CodeError(raw, "no number")
    return _cn_result(
        raw,
        s[body.end() :],
        prefix=prefix,
        base="DB",
        level=Level.LOCAL,
        kind=kind,
        nature=nature,
        seq=body["seq"],
        part=body["part"],
        year_text=body["year"],
        region=region,
        # the official platforms print mandatory local codes "DB31/ 890-2015"
        number_sep="/ " if nature is Nature.MANDATORY else " ",
    )


def _parse_local_engineering(raw: str, s: str, u: str, stem: str) -> ParsedCode:
    """DBJ… and Shanghai/Jiangsu DGJ… codes (best effort; see the module docstring)."""
    if stem == "DBJ":
        m = _DBJ_RE.match(u)
        if m is None:
            raise CodeError(raw, "no number")
        region = m["region"]
        if region is not None and region not in _PROVINCES:
            raise CodeError(raw, f"{region} is not a province code (GB/T 2260)")
        prefix = f"DBJ{region or ''}{m['slash'] or ''}".rstrip("/")
        base, sep = "DBJ", " "
        recommended = bool(m["tz"])
    else:
        m = _DGJ_RE.match(u)
        if m is None:
            raise CodeError(
                raw, "not a Shanghai or Jiangsu engineering code (e.g. 'DG/TJ08-2062-2017', "
                "'DGJ32/J 16-2014')")
        digits = m["region"]
        # "08" is Shanghai's construction series number, not a GB/T 2260 code.
        region = "31" if digits == "08" else digits
        if region not in _PROVINCES:
            raise CodeError(raw, f"{digits} is not a province code (GB/T 2260)")
        prefix = f"DG{m['t1'] or ''}J{digits}{m['sub'] or ''}"
        base = "DGJ"
        sep = "-" if digits == "08" else " "  # Shanghai covers print DG/TJ08-2062-2017
        recommended = bool(m["t1"]) or (m["sub"] or "").startswith("/T")
    return _cn_result(
        raw,
        s[m.end() :],
        prefix=prefix,
        base=base,
        level=Level.LOCAL,
        kind="local-engineering",
        nature=Nature.RECOMMENDED if recommended else Nature.MANDATORY,
        seq=m["num"],
        part=None,
        year_text=m["year"],
        region=region,
        number_sep=sep,
    )


def _parse_group_or_enterprise(raw: str, s: str, u: str, stem: str) -> ParsedCode:
    """T/<association> and Q/<enterprise> codes; a glued code splits before the digit run."""
    m = (_GROUP_RE if stem == "T" else _ENT_RE).match(u)
    if m is None:
        raise CodeError(raw, f"no organisation code and sequence number after '{s[:2]}'")
    org = m["org1"] or m["org2"]
    level, kind = (Level.GROUP, "group") if stem == "T" else (Level.ENTERPRISE, "enterprise")
    return _cn_result(
        raw,
        s[m.end() :],
        prefix=f"{stem}/{org}",
        base=stem,
        level=level,
        kind=kind,
        nature=None,
        seq=m["seq1"] or m["seq2"],
        part=m["part"],
        year_text=m["year"],
        org=org,
    )


def _parse_cecs(raw: str, s: str, u: str) -> ParsedCode:
    """CECS association engineering standards, printed ``CECS 02:2005``."""
    m = _CECS_RE.match(u)
    if m is None:
        raise CodeError(raw, "no number")
    return _cn_result(
        raw,
        s[m.end() :],
        prefix="CECS",
        base="CECS",
        level=Level.GROUP,
        kind="group",
        nature=None,
        seq=m["seq"],
        part=None,
        year_text=m["year"],
        org="CECS",
        year_sep=":",
    )


# --------------------------------------------------------------------------------------------
# ISO-like codes (ISO, IEC, EN, BS, DIN, JIS, KS ...)
# --------------------------------------------------------------------------------------------


def _intl_tail(raw: str, s: str, pos: int, cons: str) -> tuple[str | None, str | None]:
    """Amendments and edition notes after an ISO-like code (original-case text from pos)."""
    amds: list[str] = []
    notes: list[str] = []
    end = len(s)
    while pos < end:
        if m := _TAIL_AMD_RE.match(s, pos):
            kw = m["kw"]
            if kw.islower():
                kw = _AMD_LOWER.get(kw, kw.upper())
            stage = f"{m['stage'].upper()} " if m["stage"] else ""
            year = f":{m['y']}" if m["y"] else ""
            amds.append(f"{stage}{kw}{m['sp']}{m['n'] or ''}{year}")
        elif m := _TAIL_VARIANT_RE.match(s, pos):
            notes.append(m["v"].upper())
        elif m := _TAIL_LANG_RE.match(s, pos):
            notes.append(f"({m['l'].upper()})")
        elif m := _TAIL_SYMBOL_RE.match(s, pos):
            notes.append(m["v"])
        elif m := _TAIL_LETTER_RE.match(s, pos):
            notes.append(m.group())
        else:
            raise CodeError(raw, f"unexpected text {s[pos:]!r} after the code")
        pos = m.end()
    cons = cons.replace(" ", "")
    amendment = "/".join(amds)
    if cons:
        amendment = f"{cons}/{amendment}" if amendment else cons
    return amendment or None, " ".join(notes) or None


def _isolike_body(
    raw: str, s: str, u: str, pos: int
) -> tuple[str, str, str, str | None, str, str | None, str | None]:
    """Number, parts, sheet, year, month, amendment, edition note of an ISO-like code."""
    m = _ISO_BODY_RE.match(u, pos)
    if m is None:
        raise CodeError(raw, "no number")
    num, parts, sheet, year, month = m["num"], m["parts"], m["sheet"] or "", m["year"], m["month"]
    if year is None and parts and not sheet:
        last = parts[parts.rfind("-") + 1 :]
        # Chinese-style "ISO 9001-2015": a trailing 4-digit group that is a plausible year.
        if len(last) == 4 and last.isdigit() and 1900 <= int(last) <= _MAX_YEAR:
            year, parts = last, parts[: -len(last) - 1]
    if year is not None and not 1900 <= int(year) <= _MAX_YEAR:
        raise CodeError(raw, f"year {year} is out of range")
    amendment, edition = (
        _intl_tail(raw, s, m.end(), m["cons"]) if m.end() < len(s) or m["cons"] else (None, None)
    )
    return num, parts, sheet, year, month or "", amendment, edition


def _isolike_result(
    raw: str,
    s: str,
    u: str,
    pos: int,
    prefix: str,
    base: str,
    level: Level,
    kind: str,
    division: str = "",
) -> ParsedCode:
    """Parse the body at pos and build the result for an ISO-like prefix."""
    num, parts, sheet, year, month, amendment, edition = _isolike_body(raw, s, u, pos)
    number = f"{division} {num}" if division else num
    key = f"{prefix} {number}{parts}{sheet}"
    return _foreign(
        raw,
        normalized=f"{key}:{year}{month}" if year else key,
        family_key=key,
        level=level,
        kind=kind,
        prefix=prefix,
        base_prefix=base,
        number=number,
        part=(parts[1:] + sheet) or None,
        year=int(year) if year else None,
        year_digits=4 if year else None,
        amendment=amendment,
        edition_note=edition,
    )


def _stacked(
    raw: str,
    outer: str,
    prefix: str,
    base: str,
    level: Level,
    kind: str,
    inner: ParsedCode,
    sep: str = " ",
    dash_year: bool = False,
) -> ParsedCode:
    """A national/regional prefix stacked on another document (BS EN ISO 9001:2015)."""
    key = f"{outer}{sep}{inner.family_key}"
    if dash_year:  # GOST style: the outer body prints "-yyyy"
        normalized = f"{key}-{inner.year}" if inner.year is not None else key
    else:
        normalized = f"{outer}{sep}{inner.normalized}"
    if inner.adopted_ref is not None:
        adopted = inner.adopted_ref
    elif inner.level is Level.INTERNATIONAL or inner.kind == "regional":
        adopted = _dated(inner)
    else:
        adopted = None
    return _foreign(
        raw,
        normalized=normalized,
        family_key=key,
        level=level,
        kind=kind,
        prefix=prefix,
        base_prefix=base,
        number=inner.number,
        part=inner.part,
        year=inner.year,
        year_digits=inner.year_digits,
        amendment=inner.amendment,
        edition_note=inner.edition_note,
        adopted_ref=adopted,
    )


def _parse_iso_family(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """ISO, IEC, ISO/IEC, CISPR, IWA and their document types."""
    m = _ISO_HEAD_RE.match(u)
    if m is None:  # pragma: no cover - every stem routed here starts one of the alternatives
        raise CodeError(raw, f"unknown prefix {stem!r}")
    org, typ = m["org"], m["type"]
    if typ is None:
        prefix = org
    elif typ == "IWA":
        prefix = "IWA"
    elif org == "ISO" and typ in _ISO_SLASH_TYPES:
        prefix = f"ISO/{typ}"
    else:
        prefix = f"{org} {_ISO_TYPE_PRINT.get(typ, typ)}"
    pos = m.end()
    if typ in _REPORT_TYPES or typ == "DIR":
        # Titled IEC reports ("IEC White Paper Energy Challenge:2010") and the ISO/IEC
        # Directives keep their free-text designation as the number.
        b = (_REPORT_BODY_RE if typ != "DIR" else _DIR_BODY_RE).match(s, pos)
        if b is None:
            raise CodeError(raw, "no number")
        num = b["num"] if typ != "DIR" else b["num"].upper()
        key = f"{prefix} {num}"
        year = b["year"]
        month = (b["month"] or "") if typ == "DIR" else ""
        return _foreign(
            raw,
            normalized=f"{key}:{year}{month}" if year else key,
            family_key=key,
            level=_INTL,
            kind="international",
            prefix=prefix,
            base_prefix=prefix,
            number=num,
            part=None,
            year=int(year) if year else None,
            year_digits=4 if year else None,
        )
    if typ is None and (d := _DESIGNATION_RE.match(u, pos)) is not None:
        key = f"{prefix} {d['num']}"
        amendment, edition = (
            _intl_tail(raw, s, d.end(), "") if d.end() < len(s) else (None, None)
        )
        return _foreign(
            raw,
            normalized=f"{key}:{d['year']}",
            family_key=key,
            level=_INTL,
            kind="international",
            prefix=prefix,
            base_prefix=prefix,
            number=d["num"],
            year=int(d["year"]),
            year_digits=4,
            amendment=amendment,
            edition_note=edition,
        )
    return _isolike_result(raw, s, u, pos, prefix, prefix, _INTL, "international")


def _parse_national(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """Regional and national bodies with ISO-like numbers, possibly stacked (BS EN ISO ...)."""
    level, kind = _NATIONAL_ISOLIKE[stem]
    org = stem
    while m := _NAT_SUB_RE.match(u, pos):
        org += "/" + m["sub"]
        pos = m.end()
    sep = "-" if stem == "UNE" else " "  # Spanish standards print "UNE-EN ISO ..."
    if u.startswith((" ", "-"), pos):
        inner_stem = _STEM_RE.match(u, pos + 1)
        if inner_stem and inner_stem.group() in _STACKABLE:
            inner = _dispatch_foreign(raw, s[pos + 1 :], u[pos + 1 :])
            return _stacked(raw, org, org, stem, level, kind, inner, sep)
    if stem == "NF" and (d := _DIV_RE.match(u, pos)):
        # French index numbers "NF C 15-100": the hyphen belongs to the number.
        b = _ISO_BODY_RE.match(u, d.end())
        if b is None:
            raise CodeError(raw, "no number")
        number = f"{d['div']} {b['num']}{b['parts']}"
        amendment, edition = _intl_tail(raw, s, b.end(), b["cons"])
        key = f"NF {number}"
        year = b["year"]
        return _foreign(
            raw,
            normalized=f"{key}:{year}" if year else key,
            family_key=key,
            level=level,
            kind=kind,
            prefix="NF",
            base_prefix="NF",
            number=number,
            part=None,
            year=int(year) if year else None,
            year_digits=4 if year else None,
            amendment=amendment,
            edition_note=edition,
        )
    return _isolike_result(raw, s, u, pos, org, stem, level, kind)


def _parse_division(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """JIS / KS / JIS TR, TS / OIML: a division letter precedes the digits ("JIS G 3101")."""
    level, kind, base = _DIVISION[stem]
    d = _DIV_RE.match(u, pos)
    if d is None:
        if stem in ("TR", "TS"):
            raise _unknown_prefix(raw, s, pos)
        # KS with a stacked adoption: "KS C IEC 60335-1:2018"
        k = _KS_STACK_RE.match(u, pos) if stem == "KS" else None
        if k is None:
            raise CodeError(raw, "no number")
        start = k.end()
        inner = _dispatch_foreign(raw, s[start:], u[start:])
        return _stacked(raw, f"KS {k['div']}", "KS", "KS", level, kind, inner)
    return _isolike_result(raw, s, u, d.end(), stem, base, level, kind, d["div"])


def _parse_gost(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """GOST (interstate) and GOST R (Russian national); years print as ``-yyyy``."""
    m = _GOST_HEAD_RE.match(u)
    if m is None:
        raise CodeError(raw, "no number")
    prefix = "GOST R" if m["r"] else "GOST"
    pos = m.end()
    if u.startswith(" ", pos):
        inner_stem = _STEM_RE.match(u, pos + 1)
        if inner_stem and inner_stem.group() in _STACKABLE:
            inner = _dispatch_foreign(raw, s[pos + 1 :], u[pos + 1 :])
            return _stacked(
                raw, prefix, prefix, prefix, _FOR, "foreign-national", inner, dash_year=True
            )
    b = _GOST_BODY_RE.match(u, pos)
    if b is None:
        raise CodeError(raw, "no number" if pos == len(u) else f"cannot read {s[pos:]!r}")
    year, digits = _foreign_year(raw, b["year"])
    key = f"{prefix} {b['num']}"
    return _foreign(
        raw,
        normalized=f"{key}-{b['year']}" if b["year"] else key,
        family_key=key,
        level=_FOR,
        kind="foreign-national",
        prefix=prefix,
        base_prefix=prefix,
        number=b["num"],
        part=None,
        year=year,
        year_digits=digits,
    )


# --------------------------------------------------------------------------------------------
# Other foreign families
# --------------------------------------------------------------------------------------------


def _parse_itu(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """ITU-T / ITU-R / ITU-D Recommendations, optionally with the "(MM/YYYY)" edition."""
    m = _ITU_RE.match(u)
    if m is None:
        raise CodeError(raw, "not an ITU Recommendation number (e.g. 'ITU-T H.264')")
    prefix = f"ITU-{m['sec']}"
    key = f"{prefix} {m['num']}"
    yyyy = m["yyyy"]
    year, digits = _foreign_year(raw, yyyy)
    return _foreign(
        raw,
        normalized=(f"{key} ({m['mm']}/{yyyy})" if m["mm"] else f"{key} ({yyyy})")
        if yyyy else key,
        family_key=key,
        level=_INTL,
        kind="international",
        prefix=prefix,
        base_prefix=prefix,
        number=m["num"],
        part=None,
        year=year,
        year_digits=digits,
    )


def _parse_astm(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """ASTM: ``D638-14``, ``A36/A36M-19``, reapproval ``(2018)`` and editorial ``e1``."""
    m = _ASTM_RE.match(u)
    if m is None:
        raise CodeError(raw, "no number")
    notes: list[str] = []
    p = m.end()
    while p < len(u):
        t = _ASTM_TAIL_RE.match(u, p)
        if t is None:
            raise CodeError(raw, f"unexpected text {s[p:]!r} after the code")
        notes.append(s[t.start() : t.end()].strip())
        p = t.end()
    year, digits = _foreign_year(raw, m["year"])
    num = m["num"].replace(" ", "")  # "ASTM D 638-14" prints "ASTM D638-14"
    key = f"ASTM {num}"
    return _foreign(
        raw,
        normalized=f"{key}-{m['year']}" if m["year"] else key,
        family_key=key,
        level=_FOR,
        kind="foreign-sdo",
        prefix="ASTM",
        base_prefix="ASTM",
        number=num,
        part=None,
        year=year,
        year_digits=digits,
        amendment=None,
        edition_note="".join(notes) or None,
    )


def _parse_sdo(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """US-style SDO codes (IEEE, ASME, API, SAE, UL, NFPA, ANSI ...) with opaque numbers."""
    if stem == "ANSI" and u.startswith("/", pos):
        inner = _dispatch_foreign(raw, s[pos + 1 :], u[pos + 1 :])
        prefix = f"ANSI/{inner.prefix}"
        adopted = inner.adopted_ref or (
            _dated(inner) if inner.level is Level.INTERNATIONAL else None
        )
        return _foreign(
            raw,
            normalized=f"ANSI/{inner.normalized}",
            family_key=f"ANSI/{inner.family_key}",
            level=_FOR,
            kind="foreign-national",
            prefix=prefix,
            base_prefix="ANSI",
            number=inner.number,
            part=inner.part,
            year=inner.year,
            year_digits=inner.year_digits,
            amendment=inner.amendment,
            edition_note=inner.edition_note,
            adopted_ref=adopted,
        )
    m = _SDO_BODY_RE.match(u, pos)
    if m is None:
        raise CodeError(
            raw,
            "no number"
            if u[pos:].strip() == ""
            else (f"cannot read {s[pos:].strip()!r} as a {stem} number"),
        )
    num = s[m.start("num") : m.end("num")] if stem in _SDO_KEEP_CASE else m["num"]
    key = f"{stem} {num}"
    year: int | None
    digits: int | None
    if m["sy"]:
        year, digits = int(m["sy"]), 4
        normalized = f"{key}_{m['sy']}{m['sm']}"  # SAE "J1939_201810" revision stamp
    else:
        year, digits = _foreign_year(raw, m["year"])
        sep = ":" if stem in _SDO_COLON_YEAR else "-"
        normalized = f"{key}{sep}{m['year']}" if m["year"] else key
    kind = "foreign-national" if stem == "ANSI" else "foreign-sdo"
    return _foreign(
        raw,
        normalized=normalized,
        family_key=key,
        level=_FOR,
        kind=kind,
        prefix=stem,
        base_prefix=stem,
        number=num,
        part=None,
        year=year,
        year_digits=digits,
    )


def _parse_mil(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """US military standards: ``MIL-STD-810H``."""
    m = _MIL_RE.match(u)
    if m is None:
        raise CodeError(raw, "not a MIL document number (e.g. 'MIL-STD-810H')")
    prefix = f"MIL-{m['t']}"
    key = f"{prefix}-{m['num']}"
    return _foreign(
        raw,
        normalized=key,
        family_key=key,
        level=_FOR,
        kind="foreign-national",
        prefix=prefix,
        base_prefix="MIL",
        number=m["num"],
    )


def _parse_etsi(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """ETSI deliverables: ``ETSI EN 300 328 V2.2.2 (2019-07)``; the version is kept."""
    m = _ETSI_RE.match(u)
    if m is None:
        raise CodeError(raw, "not an ETSI deliverable number (e.g. 'ETSI EN 300 328')")
    prefix = f"ETSI {m['t']}"
    number = f"{m['a']} {m['b']}"
    key = f"{prefix} {number}{m['parts']}"
    normalized = (
        key + (f" V{m['v']}" if m["v"] else "") + (f" ({m['y']}-{m['m']})" if m["y"] else "")
    )
    year, digits = _foreign_year(raw, m["y"])
    return _foreign(
        raw,
        normalized=normalized,
        family_key=key,
        level=_FOR,
        kind="regional",
        prefix=prefix,
        base_prefix="ETSI",
        number=number,
        part=m["parts"][1:] or None,
        year=year,
        year_digits=digits,
    )


def _parse_codex(raw: str, s: str, u: str, stem: str, pos: int) -> ParsedCode:
    """Codex Alimentarius texts: ``CXS 192-1995``, ``CAC/RCP 1-1969``."""
    m = _CODEX_RE.match(u)
    if m is None:
        raise _unknown_prefix(raw, s, pos)
    prefix = m["p"]
    key = f"{prefix} {m['num']}"
    year, digits = _foreign_year(raw, m["year"])
    return _foreign(
        raw,
        normalized=f"{key}-{m['year']}" if m["year"] else key,
        family_key=key,
        level=_INTL,
        kind="international",
        prefix=prefix,
        base_prefix=prefix.split("/")[0],
        number=m["num"],
        part=None,
        year=year,
        year_digits=digits,
    )


_Handler = Callable[[str, str, str, str, int], ParsedCode]
_FOREIGN_HANDLERS: dict[str, _Handler] = {
    **dict.fromkeys(("ISO", "IEC", "CISPR", "IWA"), _parse_iso_family),
    **dict.fromkeys(_NATIONAL_ISOLIKE, _parse_national),
    **dict.fromkeys(_DIVISION, _parse_division),
    **dict.fromkeys(_SDO, _parse_sdo),
    **dict.fromkeys(("CXS", "CXC", "CXG", "CXM", "CAC", "CODEX"), _parse_codex),
    "GOST": _parse_gost,
    "ITU": _parse_itu,
    "ASTM": _parse_astm,
    "MIL": _parse_mil,
    "ETSI": _parse_etsi,
}


# --------------------------------------------------------------------------------------------
# Dispatch and public API
# --------------------------------------------------------------------------------------------


def _dispatch_foreign(raw: str, s: str, u: str) -> ParsedCode:
    """Parse the inner document of a stack; only foreign/international prefixes qualify."""
    m = _STEM_RE.match(u)
    if m is None:
        raise CodeError(raw, f"{s!r} does not start with a prefix")
    handler = _FOREIGN_HANDLERS.get(m.group())
    if handler is None:
        raise _unknown_prefix(raw, s, m.end())
    return handler(raw, s, u, m.group(), m.end())


def _dispatch(raw: str, s: str, u: str) -> ParsedCode:
    """Route a cleaned code to its family parser by its leading letters."""
    m = _STEM_RE.match(u)
    if m is None:
        if not s:
            raise CodeError(raw, "empty")
        if s[0].isdigit():
            raise CodeError(raw, "no prefix (the code starts with a digit)")
        raise CodeError(raw, f"no prefix (the code starts with {s[0]!r})")
    stem = m.group()
    pos = m.end()
    if stem == "DB":
        return _parse_db(raw, s, u)
    entry = _CN.get(stem)
    if entry is not None:
        return _parse_cn(raw, s, u, entry, pos, None)
    if stem in {"T", "Q"} and u.startswith("/", 1):
        return _parse_group_or_enterprise(raw, s, u, stem)
    handler = _FOREIGN_HANDLERS.get(stem)
    if handler is not None:
        return handler(raw, s, u, stem, pos)
    if stem in ("DBJ", "DGJ") or (stem == "DG" and u.startswith("/TJ", pos)):
        return _parse_local_engineering(raw, s, u, "DBJ" if stem == "DBJ" else "DGJ")
    if stem == "CECS":
        return _parse_cecs(raw, s, u)
    # Slash dropped: GBT, JBT, QCT ... (only when XX is known and XXT itself is not).
    if len(stem) > 2 and stem[-1] == "T":
        entry = _CN.get(stem[:-1])
        if entry is not None and entry.has_nature:
            return _parse_cn(raw, s, u, entry, pos, "T")
        # compound sector, slashes dropped: NBSHT 137-2013 = NB/SH/T 137-2013
        if len(stem) == 5 and stem[2:4] in _INDUSTRY_CODES:
            entry = _CN.get(stem[:2])
            if entry is not None and entry.level is Level.INDUSTRY:
                return _parse_cn(raw, s, u, entry, pos, "T", stem[2:4])
    # Group codes without their slash: TCECS 1000, TCCSAS 42-2023, "T CECS 1000". Every
    # known prefix was tried above; foreign bodies whose codes start with T are not groups.
    if stem[0] == "T" and stem not in _NOT_GROUP and (
        len(stem) >= 3
        or (stem == "T" and u.startswith(" ", 1) and u[2:3].isalpha())
    ):
        slashed = "T/" + (s[1:] if len(stem) > 1 else s[2:])
        try:
            return _parse_group_or_enterprise(raw, slashed, slashed.upper(), "T")
        except CodeError:  # "TBD", "TOTAL": no group code either; name what was typed
            raise _unknown_prefix(raw, s, pos) from None
    raise _unknown_prefix(raw, s, pos)


def _parse_uncached(raw: str) -> ParsedCode:
    """Parse without the cache (used by the benchmark and by :func:`parse_code`)."""
    if not isinstance(raw, str):
        raise CodeError(repr(raw), f"not a string ({type(raw).__name__})")
    s = _clean(raw)
    if not s:
        raise CodeError(raw, "empty")
    u = s.upper()
    if len(u) != len(s):  # rare case mappings that change length (ß -> SS)
        s = u
    return _dispatch(raw, s, u)


_parse_cached = functools.lru_cache(maxsize=16384)(_parse_uncached)


def parse_code(raw: str) -> ParsedCode:
    """Parse any spelling of a standard code.

    Raises :class:`~standards.errors.CodeError` (naming the input and the reason in plain
    words) when ``raw`` is not a standard code. Results are cached; they are immutable.
    """
    if type(raw) is not str:
        return _parse_uncached(raw)  # raises CodeError for non-strings, no caching
    return _parse_cached(raw)


def normalize_code(raw: str) -> str:
    """Return the canonical form of a code (``parse_code(raw).normalized``)."""
    return parse_code(raw).normalized


def try_parse_code(raw: str) -> ParsedCode | None:
    """Like :func:`parse_code` but return None instead of raising CodeError."""
    try:
        return parse_code(raw)
    except CodeError:
        return None


def clear_cache() -> None:
    """Drop the cached parse results (tests and benchmarks)."""
    _parse_cached.cache_clear()
