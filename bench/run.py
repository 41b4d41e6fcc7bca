"""`make bench`: run every benchmark, print each JSON figure and keep them in bench/out/, plus
one summary (bench/out/summary.json): the calibration figure at the start and the end of the
run, every figure, and the ratios to the limits measured in the same run gathered in one place
(imports over raw driver inserts, search over tantivy, HTTP over a bare Litestar handler)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.calibration import calibrate

BENCHES = ("bench.bench_codes", "bench.bench_api", "bench.bench_import",
           "bench.bench_declarations", "bench.bench_indicators", "bench.bench_search",
           "bench.bench_goals", "bench.bench_dashboard", "bench.bench_jobs",
           "bench.bench_checks", "bench.bench_reviews", "bench.bench_leader", "bench.bench_hosts",
           "bench.bench_changes")
OUT = Path(__file__).resolve().parent / "out"
RATIO_KEYS = ("share_of_raw", "share_of_bare", "p95_ratio_to_tantivy", "ratio_to_calibration")


def ratios_of(figure: Any, path: str = "") -> dict[str, Any]:
    """Every ratio in a figure, by its path (``bench_import.sqlite.first.share_of_raw``)."""
    found: dict[str, Any] = {}
    if isinstance(figure, dict):
        for key, value in figure.items():
            where = f"{path}.{key}" if path else str(key)
            if key in RATIO_KEYS:
                found[where] = value
            else:
                found.update(ratios_of(value, where))
    return found


def label(module: str, figure: dict[str, Any]) -> str:
    parts = [module.split(".")[-1]]
    parts += [str(figure[key]) for key in ("engine", "backend", "phase", "kind") if key in figure]
    return ".".join(parts)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    failed = 0
    summary: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "calibration_start": calibrate(), "benches": {}, "errors": []}
    for module in sys.argv[1:] or BENCHES:
        done = subprocess.run([sys.executable, "-m", module], capture_output=True, text=True)
        figures = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not figures:
            failed += 1
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            error = {"bench": module, "error": f"exit {done.returncode}: {tail}"}
            summary["errors"].append(error)
            print(json.dumps(error))
            continue
        for figure in figures:
            print(json.dumps(figure, ensure_ascii=False))
        summary["benches"][module.split(".")[-1]] = figures
        (OUT / f"{module.split('.')[-1]}.json").write_text(
            json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    summary["calibration_end"] = calibrate()
    summary["ratios"] = {}
    for module, figures in summary["benches"].items():
        for figure in figures:
            summary["ratios"].update(ratios_of(figure, label(module, figure)))
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    print(json.dumps({"bench": "summary", "calibration": summary["calibration_end"],
                      "ratios": summary["ratios"]}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
