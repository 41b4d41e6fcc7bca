"""`make bench`: run every benchmark, print each JSON figure and keep them in bench/out/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHES = ("bench.bench_codes", "bench.bench_api", "bench.bench_import",
           "bench.bench_declarations", "bench.bench_indicators", "bench.bench_search",
           "bench.bench_goals", "bench.bench_dashboard", "bench.bench_jobs",
           "bench.bench_checks", "bench.bench_reviews", "bench.bench_leader")
OUT = Path(__file__).resolve().parent / "out"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    failed = 0
    for module in sys.argv[1:] or BENCHES:
        done = subprocess.run([sys.executable, "-m", module], capture_output=True, text=True)
        figures = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not figures:
            failed += 1
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            print(json.dumps({"bench": module, "error": f"exit {done.returncode}: {tail}"}))
            continue
        for figure in figures:
            print(json.dumps(figure, ensure_ascii=False))
        (OUT / f"{module.split('.')[-1]}.json").write_text(
            json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
