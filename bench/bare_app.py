"""The limit HTTP figures are compared with: a bare Litestar app whose handler returns the same
JSON body as the route being measured (read once from ``BENCH_BARE_JSON``), served by the same
uvicorn workers. No database, no guard, no middleware of ours: what is left is Litestar,
uvicorn and JSON encoding. Bench-only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from litestar import Litestar, get


def create_bare_app() -> Litestar:
    body: Any = json.loads(Path(os.environ["BENCH_BARE_JSON"]).read_text(encoding="utf-8"))

    @get("/api/standards/{standard_id:int}", sync_to_thread=False)
    def standard(standard_id: int) -> Any:
        return body

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar([standard, health], openapi_config=None)
