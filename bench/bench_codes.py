"""Benchmark of standard-code parsing (``standards.codes``).

Builds a large mixed list of codes -- Chinese national / industry / local / group / enterprise
codes in the spellings met in practice (em dashes, full width, no spaces, slash dropped,
file-name forms, double numbers, amendments ...) plus the real ISO, IEC and JIS identifiers of
the relaton samples -- then times the *uncached* parser over it and prints one JSON object:

    {"bench": "code_parsing", "codes": n, "seconds": s, "codes_per_s": x, "errors": k}

``seconds`` is the median of ``--runs`` passes over the whole list. The list is built from a
fixed seed, so runs are comparable. Diagnostics (the sample-id check) go to stderr.

Run from the project root: ``.venv/bin/python -m bench.bench_codes``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from standards import codes
from standards.errors import CodeError

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SAMPLE_FILES = (
    "relaton-data-iso/iso_sample_2000.jsonl",
    "relaton-data-iec/iec_sample_2000.jsonl",
    "relaton-data-jis/jis_sample_2000.jsonl",
)

# Common issuers, weighted roughly like a provincial library holds them.
_NATIONAL = ("GB", "GB/T", "GB/T", "GB/T", "GB/Z", "GBZ")
_INDUSTRY = (
    "JB", "QC", "YY", "NB", "HG", "SH", "DL", "YD", "SJ", "GA", "HJ", "NY", "JT", "TB", "WS",
    "SN", "FZ", "QB", "JC", "YS", "YB", "MT", "SY", "DZ", "LY", "SL", "CJ", "JG", "AQ", "RB",
)  # fmt: skip
_ENGINEERING = ("JGJ", "JGJ/T", "CJJ", "CJJ/T", "JTG", "JTG/T")
_PROVINCES = ("11", "22", "22", "32", "32", "31", "33", "37", "44", "51")
_CITIES = ("2201", "2202", "2203", "3201", "3202", "3205", "3206", "4403", "3301")
_GROUPS = ("CAS", "CHEAA", "GZAEPI", "ZZB", "CSAE", "CECS", "CI", "JSQA")
_ENTERPRISES = ("ABCDE", "GDW", "SY", "XYZ/J", "JLQC", "320500ABC")
_ADOPTED = ("ISO 9001:2015", "IEC 60335-1:2020", "ISO 13485:2016", "ISO/IEC 27001:2022")
_FOREIGN = (
    "ASTM D638-14", "ASTM A36/A36M-19", "IEEE 802.3-2018", "SAE J1939", "UL 94", "API 5L",
    "BS EN ISO 9001:2015", "DIN EN 10025-2:2005", "EN 10025-2:2004", "GOST R 52931-2008",
    "KS D 3503:2018", "ITU-T H.264", "ASME B31.3-2020", "ANSI/ASME B16.5-2017",
)  # fmt: skip


def _full_width(text: str) -> str:
    """Turn ASCII into its full-width form, as pasted from Chinese documents."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text
    )


def _spell(rng: random.Random, prefix: str, body: str, slash_t: bool) -> str:
    """One spelling of ``prefix body`` chosen with realistic frequencies."""
    code = f"{prefix} {body}"
    r = rng.random()
    if r < 0.40:
        return code
    if r < 0.55:
        return code.replace("-", "—")  # printed covers and platform pages
    if r < 0.65:
        return code.replace(" ", "")
    if r < 0.70:
        return code.lower()
    if r < 0.74:
        return _full_width(code)
    if r < 0.82 and slash_t:
        return code.replace("/T", "T", 1)  # platform index form GBT 20223-2018
    if r < 0.86 and slash_t:
        return code.replace("/T", "-T", 1)  # file-name form GB-T 15224.2-2004
    if r < 0.90:
        return code.replace("/", " / ", 1)
    return code


def _chinese_code(rng: random.Random) -> str:
    """A random but real-looking Chinese code in one of its spellings."""
    year = rng.randint(1985, 2025)
    part = f".{rng.randint(1, 12)}" if rng.random() < 0.25 else ""
    kind = rng.random()
    if kind < 0.40:
        prefix = rng.choice(_NATIONAL)
        seq = str(rng.randint(1, 43000))
    elif kind < 0.65:
        prefix = rng.choice(_INDUSTRY) + rng.choice(("/T", "/T", "/T", ""))
        seq = f"{rng.randint(1, 40000):0{rng.choice((1, 4))}d}"
    elif kind < 0.70:
        prefix = rng.choice(_ENGINEERING)
        seq = str(rng.randint(1, 400))
        part = ""
    elif kind < 0.85:
        region = rng.choice(_PROVINCES) if rng.random() < 0.8 else rng.choice(_CITIES)
        prefix = f"DB{region}/T"
        seq = str(rng.randint(1, 4000))
    elif kind < 0.95:
        prefix = f"T/{rng.choice(_GROUPS)}"
        seq = f"{rng.randint(1, 300):03d}"
    else:
        prefix = f"Q/{rng.choice(_ENTERPRISES)}"
        seq = f"{rng.randint(1, 9999):04d}"
        part = ""
    yr = str(year)
    if year < 1995 and prefix in ("GB", "GB/T") and rng.random() < 0.5:
        yr = yr[2:]  # GB 3100-93
    body = f"{seq}{part}-{yr}" if rng.random() < 0.95 else f"{seq}{part}"
    code = _spell(rng, prefix, body, "/T" in prefix and not prefix.startswith(("T/", "Q/")))
    extra = rng.random()
    if extra < 0.04 and prefix.startswith(("GB", "YY")):
        code += "/" + rng.choice(_ADOPTED)
    elif extra < 0.06:
        code += f"/XG{rng.randint(1, 3)}-{min(year + rng.randint(1, 5), 2025)}"
    elif extra < 0.07 and prefix.startswith("GB"):
        code += f" ({rng.choice(_ADOPTED)}, MOD)"
    return code


def load_sample_ids(data_dir: Path) -> list[str]:
    """The ``id`` field of the ISO, IEC and JIS sample files that exist under data_dir."""
    ids: list[str] = []
    for rel in SAMPLE_FILES:
        path = data_dir / rel
        if not path.exists():
            print(f"bench_codes: {path} not found, skipped", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as fh:
            ids.extend(json.loads(line)["id"] for line in fh if line.strip())
    return ids


def build_codes(size: int, sample_ids: list[str], seed: int = 20240501) -> list[str]:
    """A shuffled list of ``size`` codes: ~30 % international/foreign, the rest Chinese."""
    rng = random.Random(seed)
    out: list[str] = []
    if sample_ids:
        intl = sample_ids + list(_FOREIGN)
        out.extend(intl[i % len(intl)] for i in range(int(size * 0.3)))
    out.extend(_chinese_code(rng) for _ in range(size - len(out)))
    rng.shuffle(out)
    return out


def check_samples(sample_ids: list[str]) -> list[str]:
    """Ids of the sample files that do not parse (expected: none)."""
    failures = []
    for raw in sample_ids:
        try:
            codes._parse_uncached(raw)
        except CodeError:
            failures.append(raw)
    return failures


def run(code_list: list[str]) -> tuple[float, int]:
    """Parse every code once with the uncached parser; return (seconds, errors)."""
    parse = codes._parse_uncached  # the lru_cache would otherwise measure dict look-ups
    errors = 0
    start = time.perf_counter()
    for raw in code_list:
        try:
            parse(raw)
        except CodeError:
            errors += 1
    return time.perf_counter() - start, errors


def main(argv: list[str] | None = None) -> int:
    """Build the list, time the parser and print the JSON result line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=200_000, help="number of codes (>= 200000)")
    ap.add_argument("--runs", type=int, default=3, help="passes; the median is reported")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="shared/data directory")
    args = ap.parse_args(argv)

    sample_ids = load_sample_ids(args.data_dir)
    failures = check_samples(sample_ids)
    print(
        f"bench_codes: {len(sample_ids)} sample ids, {len(failures)} fail to parse"
        + (f": {failures[:10]}" if failures else ""),
        file=sys.stderr,
    )

    code_list = build_codes(args.size, sample_ids)
    codes.clear_cache()
    timings = []
    errors = 0
    for _ in range(max(1, args.runs)):
        seconds, errors = run(code_list)
        timings.append(seconds)
    seconds = statistics.median(timings)
    from bench.calibration import calibrate, ratio

    calibration = calibrate()
    result = {
        "bench": "code_parsing",
        "codes": len(code_list),
        "seconds": round(seconds, 4),
        "codes_per_s": round(len(code_list) / seconds),
        "errors": errors,
        "calibration": calibration,
        # the parser against the fixed pure-Python workload: comparable across machines
        "ratio_to_calibration": ratio(len(code_list) / seconds, calibration["units_per_s"]),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
