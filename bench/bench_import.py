"""Import the three compact ISO / IEC / JIS files (107k real records) into a fresh database.

Prints, per engine, records/s of the first import (files -> readers -> upsert, search
indexing excluded) and of the re-import (every record unchanged).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from api.database import configure_engine, upgrade
from api.imports import ImportOptions, import_files
from bench.calibration import ratio
from bench.engines import run_on_engines
from bench.raw import CATALOGUE_TABLES, raw_insert_limit
from standards.db import close_engine, open_engine
from standards.settings import Settings

SHARED = Path(os.environ.get("STDTRACK_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))
FILES = [SHARED / "relaton-data-iso" / "iso_compact_all.jsonl.gz",
         SHARED / "relaton-data-iec" / "iec_compact_all.jsonl.gz",
         SHARED / "relaton-data-jis" / "jis_compact_all.jsonl.gz"]


async def run(settings: Settings) -> dict:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        figures: dict = {}
        for label in ("first", "again"):
            started = time.perf_counter()
            report = await import_files(FILES, ImportOptions(actor="bench"), settings.archive_dir)
            seconds = time.perf_counter() - started
            records = (report.created + report.updated + report.unchanged
                       + len(report.rejected))
            figures[label] = {
                "records": records, "seconds": round(seconds, 2),
                "records_per_s": round(records / seconds),
                # the machine is shared: the 1-minute load average the figure was taken under
                "load": round(os.getloadavg()[0], 2),
                "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged, "rejected": len(report.rejected),
                "conflicts": len(report.conflicts),
            }
            if label == "first":
                # the limit: the same rows through the driver's bulk path
                raw = await raw_insert_limit(engine, CATALOGUE_TABLES, foreign_keys=True)
                figures["raw"] = raw
                figures["first"]["share_of_raw"] = ratio(raw["seconds"], seconds)
        return figures
    finally:
        await close_engine(engine)


def main() -> None:
    missing = [str(f) for f in FILES if not f.exists()]
    if missing:
        raise SystemExit(f"bench_import: missing input files: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        run_on_engines("import_compact", Path(tmp), run)


if __name__ == "__main__":
    main()
