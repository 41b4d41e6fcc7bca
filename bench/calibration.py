"""The calibration figure every bench prints beside its own: a fixed pure-Python workload
measured in the same run, so figures taken on different (or differently loaded) machines can be
compared through ``figure / calibration`` and through ratios to a limit measured in the same run.

The workload parses a fixed list of generated standard codes with a small regular expression and
sorts and hashes the parts: string handling, a regex, dicts and tuples, as the import and search
paths do. It knows nothing of stdtrack, so a change to the project never moves it.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from functools import cache
from typing import Any

_CODE = re.compile(r"^(?P<prefix>[A-Z]+(?:/[A-Z])?)\s*(?P<number>\d+(?:\.\d+)?)"
                   r"(?:-(?P<year>\d{4}))?$")
UNITS = 20_000
ROUNDS = 5


@cache
def _codes() -> tuple[str, ...]:
    rng = random.Random(19)
    prefixes = ("GB", "GB/T", "QC/T", "JB/T", "DB", "ISO", "IEC", "NY/T")
    return tuple(f"{rng.choice(prefixes)} {rng.randint(1, 99999)}"
                 f"{'.' + str(rng.randint(1, 9)) if rng.random() < 0.2 else ''}"
                 f"{'-' + str(rng.randint(1980, 2025)) if rng.random() < 0.9 else ''}"
                 for _ in range(UNITS))


def _workload() -> int:
    groups: dict[str, list[tuple[int, str]]] = {}
    for code in _codes():
        match = _CODE.match(code)
        if match is None:
            continue
        number = match["number"]
        key = match["prefix"].replace("/", "").lower()
        groups.setdefault(key, []).append((int(number.split(".")[0]), match["year"] or ""))
    checksum = 0
    for key, items in groups.items():
        items.sort()
        checksum ^= hash((key, len(items), items[0], items[-1])) & 0xFFFF
    return checksum


def calibrate(rounds: int = ROUNDS) -> dict[str, Any]:
    """Run the workload ``rounds`` times; the best round as units per second (the best is the
    least disturbed by other processes on a shared machine), and the median beside it."""
    _codes()
    seconds = []
    for _ in range(max(1, rounds)):
        started = time.perf_counter()
        _workload()
        seconds.append(time.perf_counter() - started)
    return {"workload": "parse+group 20k codes (pure Python)",
            "units_per_s": round(UNITS / min(seconds)),
            "median_units_per_s": round(UNITS / statistics.median(seconds))}


def ratio(value: float | None, limit: float | None, digits: int = 3) -> float | None:
    """``value / limit`` rounded, or None when either is missing or the limit is 0."""
    if value is None or not limit:
        return None
    return round(value / limit, digits)
