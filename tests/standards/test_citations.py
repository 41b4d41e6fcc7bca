"""Finding the codes a text cites: every code found in any spelling, nothing that is not a
code; precision and recall on a written foreword with its 规范性引用文件 and on the
normative references of the STS samples."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from importers.sources import parse_xml
from standards.citations import TextChunk, extract_citations
from standards.codes import parse_code, try_parse_code

DATA = Path(__file__).resolve().parent.parent / "data"

# Spellings the parser reads alone but that are not looked for inside prose, on purpose:
# slash-less group codes ("TCECS 1000" would also make "TABLE 3" a group code), and ISO/IEC
# designations without a number or with words inside (DIR, VIM, MIL-HDBK).
NOT_IN_PROSE = frozenset({
    "TCECS 1000", "TCCSAS 42-2023", "MIL-HDBK-217E",
    "ISO/IEC DIR 1 + IEC SUP:2016-05", "ISO/IEC JTC 1 DIR:2004", "ISO/IEC VIM:1993",
    "IEC GIORGI:2001", "IEC CENT-CHAL:2006", "ISO/IEC SYMBOL:2025 DB",
    "IEC Technology and Market Outlook Paper Smart hydropower:2025",
})


def _codes(text: str) -> list[str | None]:
    return [c.parsed.normalized if c.parsed else None
            for c in extract_citations([TextChunk("x", text)])]


def _table_rows() -> list[tuple[str, str]]:
    rows = []
    for name in ("code_examples.csv", "code_spellings.csv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                parsed = try_parse_code(row["raw"])
                if parsed is not None and row["raw"] not in NOT_IN_PROSE:
                    rows.append((row["raw"], parsed.normalized))
    return rows


@pytest.mark.parametrize(("raw", "normalized"), _table_rows())
def test_every_spelling_is_found_inside_chinese_prose(raw: str, normalized: str) -> None:
    assert _codes(f"产品依据{raw}组织生产，") == [normalized]
    assert _codes(f"{raw}\t标准名称") == [normalized]


def test_the_foreword_and_normative_references_have_full_precision_and_recall() -> None:
    text = (DATA / "checks" / "normative_references.txt").read_text(encoding="utf-8")
    chunks = [TextChunk(f"第{n}行", line) for n, line in enumerate(text.splitlines(), 1)]
    found = extract_citations(chunks)
    expected = [
        ("GB/T 1.1—2020", "GB/T 1.1-2020"), ("DB22/T 1234—2015", "DB22/T 1234-2015"),
        ("DB22/T 1234—2015", "DB22/T 1234-2015"), ("GB 2762", "GB 2762"),
        ("GB 2763—2021", "GB 2763-2021"), ("GB/T 191", "GB/T 191"),
        ("GB/T 6543-2008", "GB/T 6543-2008"), ("GB/T 8321（所有部分）", "GB/T 8321"),
        ("ＧＢ／Ｔ\u3000１９００１－２０１６／ＩＳＯ\u3000９００１：２０１５", "GB/T 19001-2016"),
        ("GB／T 2828.1一2012", "GB/T 2828.1-2012"), ("NY/T 1276-2007", "NY/T 1276-2007"),
        ("DB22/T 2000-2014", "DB22/T 2000-2014"), ("T/CAS 115-2005", "T/CAS 115-2005"),
        ("ISO 22000:2018", "ISO 22000:2018"), ("JJF 1070-2005", "JJF 1070-2005"),
        ("GB/T 19000—2016", "GB/T 19000-2016"), ("gb/t 6543-2008", "GB/T 6543-2008"),
        ("GB 5009.3-2016", "GB 5009.3-2016"), ("GB 2762", "GB 2762"),
        ("GB/T 19O01-2016", None), ("GB/T 19001", "GB/T 19001"),
    ]
    got = [(c.written, c.parsed.normalized if c.parsed else None) for c in found]
    true_positives = len([pair for pair in got if pair in expected])
    precision, recall = true_positives / len(got), true_positives / len(expected)
    assert (precision, recall) == (1.0, 1.0), (precision, recall, got)
    assert got == expected
    assert found[0].location == "第2行" and found[-1].location == "第24行"
    double = found[8].parsed
    assert double is not None and double.adopted_ref == "ISO 9001:2015"
    assert found[-2].error  # the malformed code says why


def test_the_sts_samples_normative_references() -> None:
    """Every code an STS sample tags (std-ref) is found in its paragraph; every code found
    belongs to a tagged family (precision 1, recall 1 over the samples)."""
    tagged = found_in_family = found_total = recalled = 0
    for path in sorted((DATA / "sts-samples").glob("*.xml")):
        tree = parse_xml(path.read_text(encoding="utf-8"), path.name)
        for part in [*tree.iter("body"), *tree.iter("back")]:
            for element in part.iter("p", "ref", "title", "td", "th"):
                if any(child.tag in ("p", "ref") for child in element.iterdescendants()):
                    continue
                refs = [" ".join("".join(ref.itertext()).split())
                        for ref in element.iter("std-ref")]
                if not refs:
                    continue
                codes = [parse_code(piece.strip()) for ref in refs for piece in ref.split("|")
                         if try_parse_code(piece.strip())]
                text = " ".join("".join(element.itertext()).split())
                found = extract_citations([TextChunk(path.name, text)])
                normalized = {c.parsed.normalized for c in found if c.parsed}
                families = {code.family_key for code in codes}
                tagged += len({code.normalized for code in codes})
                recalled += len({code.normalized for code in codes} & normalized)
                found_total += len(found)
                found_in_family += sum(1 for c in found
                                       if c.parsed and c.parsed.family_key in families)
    assert tagged >= 10
    assert (recalled / tagged, found_in_family / found_total) == (1.0, 1.0)


@pytest.mark.parametrize("text", [
    "见Table 3和TABLE 4、table 5，PDF 2, is 5", "No. 12 地块，25 ℃，pH 6.5，CO2，H2O",
    "Figure 2 NOTE 1 Part 1 Clause 4 A 1 B 2", "XYZ-100 ABC 12 MODEL-1 A4 MP3 USB 3.0",
    "Wi-Fi 6 IP 67 IPX7 HDMI 2.1 Iso 9001", "2016年12月30日发布 第1部分 表1",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 12 AND 34",
])
def test_nothing_that_is_not_a_code_is_found(text: str) -> None:
    assert extract_citations([TextChunk("x", text)]) == []


def test_a_limit_stops_the_search() -> None:
    text = " ".join(f"GB/T {n}-2015" for n in range(1000, 1100))
    assert len(extract_citations([TextChunk("x", text)], limit=10)) == 10
