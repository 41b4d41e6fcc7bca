"""The province-size data set of ``make bench-scale`` (and the nation's, ``NATION=1``).

A province (Jiangsu is about a tenth of the national self-declaration platform): 600,000
products, 2,000,000 declarations, 60,000 enterprises, and a catalogue of 1,000,000 editions —
the real ISO / IEC / JIS records of ``STDTRACK_SHARED_DATA`` (about 107,000) plus generated
national, industry and local editions (``bench/search_corpus.py``: real title vocabulary,
families of editions that replace each other, parts, adoptions), group standards
(``T/JSQA 012-2022``: several hundred associations) and enterprise standards
(``Q/JSHL 0003-2021``, ``Q/320500ABC 0012-2021``: about ten per standard-writing enterprise).
Everything is drawn from fixed seeds; ``scale`` shrinks every count (``BENCH_SCALE=0.05`` is a
twentieth) for development.

The catalogue is written as JSON lines (the generic list format staff import) and the
declarations as the bulk CSV of docs/formats.md, so the bench goes through the real importers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.search_corpus import DOMAINS, REAL_FILES, SHARED, _title, chinese_records

PROVINCE = {"products": 600_000, "declarations": 2_000_000, "enterprises": 60_000,
            "standards": 1_000_000}
# the national self-declaration platform: 5.27 M products, 472 k enterprises, 3.17 M standards
NATION = {"products": 5_300_000, "declarations": 10_000_000, "enterprises": 472_000,
          "standards": 3_200_000}
REAL_RECORDS = 107_207  # the three compact files of shared/data
SHARES = {"chinese": 0.26, "group": 0.09}  # of the generated editions; enterprise: the rest
GROUP_ORGS = ("CAS", "CECS", "CSAE", "JSQA", "ZZB", "CHEAA", "CI", "CNIA", "CSTM", "CCSA",
              "CAICI", "CFNA", "CMIF", "CEEIA", "CBMF", "SZAS", "ZJZL", "JSBIA", "JSSZ", "NJAS")
SECTORS = ("C36 汽车制造业", "C26 化学原料和化学制品制造业", "C13 农副食品加工业",
           "C38 电气机械和器材制造业", "C17 纺织业", "C34 通用设备制造业", "C39 计算机、通信和"
           "其他电子设备制造业", "C29 橡胶和塑料制品业", "C33 金属制品业", "C14 食品制造业")
KEY_FIELDS = ("汽车", "石化", "汽车;石化", "食品", "", "", "", "")
HEADER = ["统一社会信用代码", "企业名称", "行政区划代码", "行业", "重点领域", "产品名称",
          "产品型号", "产品分类", "主要产品", "执行标准", "公开日期"]


@dataclass(frozen=True)
class Sizes:
    products: int
    declarations: int
    enterprises: int
    standards: int

    @classmethod
    def of(cls, scale: float, nation: bool = False) -> Sizes:
        base = NATION if nation else PROVINCE
        return cls(**{key: max(1, round(value * scale)) for key, value in base.items()})

    def generated(self, scale: float) -> int:
        """Editions generated beside the real records (a share ``scale`` of them)."""
        return max(0, self.standards - round(REAL_RECORDS * min(scale, 1.0)))


def real_files(scale: float, work: Path, shared: Path = SHARED) -> list[Path]:
    """The real ISO / IEC / JIS files; below scale 1 the first lines of each (same names, in
    ``work``), so that a scaled-down run keeps the province's mix."""
    import gzip

    found = [shared / name for name in REAL_FILES if (shared / name).exists()]
    if scale >= 1:
        return found
    out = []
    for source in found:
        target = work / source.name
        with gzip.open(source, "rt", encoding="utf-8") as reading, \
                gzip.open(target, "wt", encoding="utf-8") as writing:
            lines = sum(1 for _ in reading)
            reading.seek(0)
            for number, line in enumerate(reading):
                if number >= lines * scale:
                    break
                writing.write(line)
        out.append(target)
    return out


def _org(index: int) -> str:
    """An enterprise's own code in its standards: letters, or its region code and letters."""
    letters = ""
    number = index
    for _ in range(3 + index % 2):
        letters += chr(ord("A") + number % 26)
        number //= 26
    if index % 5 == 0:
        return f"32{(index * 37) % 10000:04d}{letters[:3]}"
    return f"JS{letters}"


def _date(rng: random.Random, first: int, last: int) -> dt.date:
    return dt.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


def _group_and_enterprise(count_group: int, count_enterprise: int,
                          seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    orgs = list(GROUP_ORGS) + [f"{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{'ABCDEFGH'[i % 8]}A"
                               for i in range(max(0, count_group // 150))]
    numbers: dict[str, int] = {}
    for kind, count in (("T", count_group), ("Q", count_enterprise)):
        made = 0
        index = 0
        while made < count:
            index += 1
            org = rng.choice(orgs) if kind == "T" else _org(index)
            editions = rng.choices((1, 2), weights=(80, 20))[0] if kind == "T" else \
                rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
            for _family in range(1 if kind == "T" else rng.randint(4, 16)):
                domain = rng.choice(DOMAINS)
                title_zh, title_en, _subject = _title(domain, rng)
                number = numbers.get(org, 0) + rng.randint(1, 3)
                numbers[org] = number
                digits = f"{number:03d}" if kind == "T" else f"{number:04d}"
                year = rng.randint(2012, 2025 - 3 * (editions - 1))
                previous = None
                for edition in range(editions):
                    published = _date(rng, year, year)
                    last = edition == editions - 1
                    code = f"{kind}/{org} {digits}-{year}"
                    record: dict[str, Any] = {
                        "code": code, "title_zh": title_zh,
                        "published": published.isoformat(),
                        "implemented": (published + dt.timedelta(days=30)).isoformat(),
                        "ics": [rng.choice(domain.ics)],
                    }
                    if kind == "T" and rng.random() < 0.5:
                        record["title_en"] = title_en
                    if previous:
                        record["replaces"] = [previous]
                    if not last:
                        year = min(year + rng.randint(2, 4), 2025)
                        record["withdrawn"] = dt.date(year, 6, 1).isoformat()
                    previous = code
                    made += 1
                    yield record
                    if made >= count:
                        break
                if made >= count:
                    break


def _chinese(count: int, seed: int) -> Iterator[dict[str, Any]]:
    for item in chinese_records(count, seed=seed):
        record: dict[str, Any] = {"code": item.code, "title_zh": item.title_zh,
                                  "ics": item.ics, "ccs": item.ccs}
        if item.title_en:
            record["title_en"] = item.title_en
        for key, day in (("published", item.published_on), ("implemented", item.implemented_on),
                         ("withdrawn", item.withdrawn_on)):
            if day:
                record[key] = day.isoformat()
        if item.replaces:
            record["replaces"] = item.replaces
        if item.adopts:
            record["adoption"] = [{"code": ref.code, "degree": ref.degree.value}
                                  for ref in item.adopts]
        if item.drafters:
            record["drafters"] = item.drafters
        if item.scope:
            record["scope"] = item.scope
        yield record


def write_catalogue(path: Path, sizes: Sizes, scale: float, seed: int = 19) -> list[str]:
    """The generated editions as JSON lines; returns the codes enterprises declare (every
    generated Chinese, group and enterprise edition)."""
    generated = sizes.generated(scale)
    chinese = round(generated * SHARES["chinese"])
    group = round(generated * SHARES["group"])
    enterprise = generated - chinese - group
    codes: list[str] = []
    with path.open("w", encoding="utf-8") as handle:
        for record in (*_chinese(chinese, seed), *_group_and_enterprise(group, enterprise, seed)):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            codes.append(record["code"])
    return codes


def _spelled(code: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.65:
        return code
    if roll < 0.78:
        return code.replace("/", "").replace(" ", "") if not code.startswith(("Q/", "T/")) \
            else code.replace(" ", "")
    if roll < 0.88:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in code)
    if roll < 0.97:
        return code.lower().replace("-", "—")
    return code.rsplit("-", 1)[0]  # undated: the edition in force


def write_declarations(path: Path, sizes: Sizes, codes: list[str], regions: list[str],
                       seed: int = 2026) -> int:
    """The bulk declaration CSV: ``sizes.products`` rows of ``sizes.enterprises`` enterprises
    with ``sizes.declarations`` codes in all (3 % unknown to the catalogue); returns the
    number of declared codes."""
    from adoption.uscc import make_uscc

    rng = random.Random(seed)
    per_product, extra = divmod(sizes.declarations, sizes.products)
    bonus = set(rng.sample(range(sizes.products), extra)) if extra else set()
    enterprises = []
    for serial in range(1, sizes.enterprises + 1):
        region = rng.choice(regions)
        enterprises.append([make_uscc(region, f"{serial:08d}"), f"江苏测试企业{serial}有限公司",
                            region, rng.choice(SECTORS), rng.choice(KEY_FIELDS)])
    words = [subject for domain in DOMAINS for subject, _en in domain.subjects]
    declared = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(sizes.products):
            company = enterprises[index * sizes.enterprises // sizes.products]
            count = per_product + (1 if index in bonus else 0)
            chosen = [_spelled(code, rng) for code in rng.sample(codes, min(count, len(codes)))]
            for position in range(len(chosen)):
                if rng.random() < 0.03:
                    chosen[position] = f"GB/T {90000 + (index + position) % 9000}-2015"
            declared += len(chosen)
            day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3500))
            writer.writerow([*company, f"{rng.choice(words)}产品{index}", f"M-{index % 997}",
                             "工业产品", "是" if index % 4 == 0 else "否", ";".join(chosen),
                             day.isoformat()])
    return declared


def province_regions() -> list[str]:
    """Jiangsu's counties (GB/T 2260)."""
    from adoption.regions import region_names

    return [code for code in region_names() if code.startswith("32") and not code.endswith("00")]
