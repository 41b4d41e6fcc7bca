"""Import the three compact ISO / IEC / JIS files (107k real records) into a fresh database.

Prints, per engine, records/s of the first import (files -> readers -> upsert, search
indexing excluded) and of the re-import (every record unchanged).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from api.database import configure_engine, upgrade
from api.imports import ImportOptions, import_files
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
        return figures
    finally:
        await close_engine(engine)


async def admin(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main() -> None:
    missing = [str(f) for f in FILES if not f.exists()]
    if missing:
        raise SystemExit(f"bench_import: missing input files: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        sqlite = Settings.from_env({"STDTRACK_HOME": str(home / "sqlite")})
        print(json.dumps({"bench": "import_compact", "engine": "sqlite",
                          **asyncio.run(run(sqlite))}))
        base = urlsplit(os.environ.get("BENCH_PG_URL",
                                       "postgresql://postgres@127.0.0.1:5432/postgres"))
        name = f"stdtrack_bench_{uuid.uuid4().hex[:8]}"
        admin_url = urlunsplit(base._replace(path="/postgres"))
        try:
            asyncio.run(admin(admin_url, f'CREATE DATABASE "{name}"'))
        except OSError as exc:
            print(json.dumps({"bench": "import_compact", "engine": "postgres",
                              "error": f"unreachable: {exc}"}))
            return
        try:
            pg = Settings.from_env({"STDTRACK_HOME": str(home / "pg"),
                                    "DATABASE_URL": urlunsplit(base._replace(path=f"/{name}"))})
            print(json.dumps({"bench": "import_compact", "engine": "postgres",
                              **asyncio.run(run(pg))}))
        finally:
            asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
