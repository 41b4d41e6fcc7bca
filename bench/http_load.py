"""Bounded loopback HTTP load harness for ``make bench``.

Typical use::

    from bench.http_load import serve, run_load

    with serve("api.app:create_app", env={"STDTRACK_DB": "..."}, workers=2) as base:
        figures = run_load(base, [f"/standards/{i}" for i in range(1, 500)],
                           concurrency=32, duration_s=10)
    print(json.dumps(figures))

``serve`` starts ``python -m uvicorn <factory> --factory --workers N`` on
127.0.0.1:<free port> in its own process group, waits for ``ready_path`` to
answer 200 and always tears the whole group down on exit.

``run_load`` drives the server with ``wrk`` (cheap C load generator; the
machine only has 2 cores) using ``bench/wrk_report.lua``, which rotates through
the given paths and prints one JSON summary line.  If ``wrk`` is missing and
cannot be installed with apt-get, a small asyncio raw-socket HTTP/1.1
keep-alive client is used instead and the result says
``"client": "python-fallback"``.

Latency percentiles use wrk's definition for both clients: latencies are kept
in whole microseconds and the p-th percentile is the smallest recorded value
whose cumulative count reaches ``rank = round(p/100 * n + 0.5)`` (i.e.
``floor(p*n/100) + 1``, clamped to ``n``) -- the nearest-rank value just above
p percent of the samples.  Requests cut off by the end of the run are not
counted; timed-out requests are counted as errors, not as latencies.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

__all__ = ["LOOPBACK", "ServerURL", "free_port", "run_load", "serve", "wrk_percentile"]

LOOPBACK = "127.0.0.1"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().with_name("wrk_report.lua")

# Hard bounds so a mistyped benchmark cannot hammer the box for ever.
MAX_CONCURRENCY = 1024
MAX_THREADS = 64
MAX_DURATION_S = 300.0
MAX_WARMUP_S = 10.0
DEFAULT_MAX_REQUESTS = 5_000_000
REQUEST_TIMEOUT_S = 5.0
SHUTDOWN_GRACE_S = 10.0

_REPORT_PREFIX = '{"wrk_report":1'


# --------------------------------------------------------------------------
# server
# --------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


class ServerURL(str):
    """The base URL yielded by :func:`serve` (a plain ``str``) that also
    carries the server's ``pid`` / ``pgid`` for diagnostics and tests."""

    pid: int
    pgid: int
    port: int

    def __new__(cls, url: str, *, pid: int, pgid: int, port: int) -> Self:
        obj = super().__new__(cls, url)
        obj.pid = pid
        obj.pgid = pgid
        obj.port = port
        return obj


def _log_tail(log: object, limit: int = 4000) -> str:
    try:
        log.flush()  # type: ignore[attr-defined]
        log.seek(0)  # type: ignore[attr-defined]
        data: bytes = log.read()  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return ""
    return data[-limit:].decode("utf-8", "replace")


def _probe(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _stop_group(
    proc: subprocess.Popen[bytes], grace_s: float = SHUTDOWN_GRACE_S
) -> None:
    """SIGTERM the whole process group, wait, SIGKILL whatever is left."""
    pgid = proc.pid  # start_new_session=True => the child leads its own group
    _signal_group(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        _signal_group(pgid, signal.SIGKILL)
        proc.wait()
    # uvicorn's supervisor joins its workers before exiting; anything still in
    # the group now is a straggler (e.g. a worker of a crashed supervisor).
    _signal_group(pgid, signal.SIGKILL)


@contextmanager
def serve(
    app_factory: str,
    env: dict[str, str],
    workers: int = 2,
    port: int | None = None,
    ready_path: str = "/health",
    timeout: float = 60,
) -> Iterator[str]:
    """Run ``uvicorn <app_factory> --factory`` on 127.0.0.1 and yield its base URL.

    ``env`` is merged over ``os.environ``; the project root is put first on
    ``PYTHONPATH`` (and is the working directory) so ``app_factory`` may live
    in any project package, including ``tests``.  Blocks until ``GET
    ready_path`` returns 200 (or raises after ``timeout`` seconds / if the
    server dies).  On exit -- normal or exceptional -- the server's process
    group is terminated and reaped.
    """
    if workers < 1:
        raise ValueError("workers must be >= 1")
    if not ready_path.startswith("/"):
        raise ValueError("ready_path must start with '/'")
    port = free_port() if port is None else int(port)

    child_env = {**os.environ, **env}
    pythonpath = child_env.get("PYTHONPATH", "")
    child_env["PYTHONPATH"] = str(PROJECT_ROOT) + (
        os.pathsep + pythonpath if pythonpath else ""
    )
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app_factory,
        "--factory",
        "--workers",
        str(workers),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]

    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd,
            env=child_env,
            cwd=str(PROJECT_ROOT),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                rc = proc.poll()
                if rc is not None:
                    raise RuntimeError(
                        f"uvicorn exited with code {rc} before becoming ready:\n"
                        + _log_tail(log)
                    )
                if _probe(port, ready_path) == 200:
                    break
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"server not ready on {LOOPBACK}:{port}{ready_path} after "
                        f"{timeout}s:\n" + _log_tail(log)
                    )
                time.sleep(0.05)
            yield ServerURL(
                f"http://{LOOPBACK}:{port}", pid=proc.pid, pgid=proc.pid, port=port
            )
        finally:
            _stop_group(proc)


# --------------------------------------------------------------------------
# load
# --------------------------------------------------------------------------

_wrk_install_attempted = False


def _find_or_install_wrk() -> str | None:
    """``wrk`` on PATH, installing the Debian package once if we are root."""
    global _wrk_install_attempted
    found = shutil.which("wrk")
    if found or _wrk_install_attempted or os.environ.get("STDTRACK_BENCH_NO_INSTALL"):
        return found
    _wrk_install_attempted = True
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def apt(*args: str) -> bool:
        try:
            return (
                subprocess.run(
                    ["apt-get", *args],
                    check=False,
                    env=apt_env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=600,
                ).returncode
                == 0
            )
        except (OSError, subprocess.TimeoutExpired):
            return False

    # Only refresh the package lists when the plain install failed.
    if not apt("install", "-y", "wrk") and apt("update"):
        apt("install", "-y", "wrk")
    return shutil.which("wrk")


def _check_target(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK or parts.port is None:
        raise ValueError(
            f"load may only target http://{LOOPBACK}:<port>, got {base_url!r}"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"base_url must not carry a path/query: {base_url!r}")
    return LOOPBACK, parts.port


def _check_paths(paths: list[str]) -> list[str]:
    if isinstance(paths, str) or not paths:
        raise ValueError("paths must be a non-empty list of URL paths")
    out = []
    for p in paths:
        if not isinstance(p, str) or not p.startswith("/"):
            raise ValueError(f"path must start with '/': {p!r}")
        if any(c.isspace() for c in p) or any(
            ord(c) < 0x20 or ord(c) == 0x7F for c in p
        ):
            raise ValueError(f"path must not contain whitespace/control chars: {p!r}")
        out.append(p)
    return out


def wrk_percentile(sorted_us: list[int], p: float) -> int:
    """wrk 4.x percentile: smallest value whose cumulative count reaches
    ``round(p/100*n + 0.5)`` (C ``round``: half away from zero)."""
    n = len(sorted_us)
    if n == 0:
        return 0
    rank = math.floor(p * n / 100.0 + 1.0)  # == C round(p/100*n + 0.5) for x >= 0
    rank = min(max(rank, 1), n)
    return sorted_us[rank - 1]


def _result(
    client: str,
    concurrency: int,
    threads: int,
    duration_s: float,
    requests: int,
    errors: dict[str, int],
    non_2xx: int,
    lat_ms: dict[str, float],
    n_paths: int,
    warmup_s: float,
    capped: bool,
) -> dict:
    return {
        "client": client,
        "concurrency": concurrency,
        "threads": threads,
        "duration_s": round(duration_s, 3),
        "requests": requests,
        "requests_per_s": round(requests / duration_s, 1) if duration_s > 0 else 0.0,
        # socket-level failures (connect/read/write/timeout); HTTP statuses
        # outside 2xx are reported separately in non_2xx.
        "errors": sum(errors[k] for k in ("connect", "read", "write", "timeout")),
        "errors_detail": errors,
        "non_2xx": non_2xx,
        "p50_ms": lat_ms["p50"],
        "p95_ms": lat_ms["p95"],
        "p99_ms": lat_ms["p99"],
        "mean_ms": lat_ms["mean"],
        "max_ms": lat_ms["max"],
        "paths": n_paths,
        "warmup_s": warmup_s,
        # True when the max_requests safety cap ended the run early; wrk still
        # waits out the full duration, so requests_per_s then understates.
        "capped": capped,
    }


# --- wrk -------------------------------------------------------------------


def _wrk_once(
    wrk: str,
    base_url: str,
    paths_file: str,
    concurrency: int,
    threads: int,
    seconds: int,
    per_thread_max: int,
) -> dict:
    cmd = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(concurrency),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{math.ceil(REQUEST_TIMEOUT_S)}s",
        "-s",
        str(WRK_SCRIPT),
        base_url.rstrip("/") + "/",
    ]
    env = {
        **os.environ,
        "WRK_PATHS_FILE": paths_file,
        "WRK_MAX_REQUESTS": str(per_thread_max),
    }
    env.pop("WRK_PATHS", None)
    proc = subprocess.run(
        cmd,
        check=False,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=seconds + REQUEST_TIMEOUT_S + 30,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(_REPORT_PREFIX):
            return json.loads(line)
    raise RuntimeError(
        f"wrk (rc={proc.returncode}) printed no report:\n{proc.stdout[-2000:]}\n"
        f"{proc.stderr[-2000:]}"
    )


def _run_wrk(
    wrk: str,
    base_url: str,
    paths: list[str],
    concurrency: int,
    threads: int,
    duration_s: float,
    warmup_s: float,
    max_requests: int,
) -> dict:
    seconds = max(1, int(duration_s + 0.5))  # wrk only takes whole seconds
    per_thread_max = max(1, math.ceil(max_requests / threads))
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as fh:
        fh.write("\n".join(paths) + "\n")
        paths_file = fh.name
    try:
        if warmup_s > 0:
            _wrk_once(
                wrk,
                base_url,
                paths_file,
                concurrency,
                threads,
                max(1, int(warmup_s + 0.5)),
                per_thread_max,
            )
        rep = _wrk_once(
            wrk, base_url, paths_file, concurrency, threads, seconds, per_thread_max
        )
    finally:
        os.unlink(paths_file)
    return _result(
        "wrk",
        concurrency,
        threads,
        float(rep["duration_s"]),
        int(rep["requests"]),
        {k: int(v) for k, v in rep["errors"].items()},
        int(rep["non_2xx"]),
        {k: float(v) for k, v in rep["latency_ms"].items()},
        len(paths),
        warmup_s,
        int(rep["requests"]) >= per_thread_max * threads,
    )


# --- pure-python fallback ----------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; return (status, keep_alive)."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        status = int(rest[:3])
        if 100 <= status < 200 and status != 101:
            continue  # interim response; the real one follows
        break
    length: int | None = None
    chunked = False
    keep_alive = version == b"HTTP/1.1"
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        name = name.strip().lower()
        value = value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            if b"close" in value:
                keep_alive = False
            elif b"keep-alive" in value:
                keep_alive = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                break
            await reader.readexactly(size + 2)
    elif length is not None:
        await reader.readexactly(length)
    elif status in (204, 304):
        pass
    else:
        await reader.read()  # body delimited by EOF
        keep_alive = False
    return status, keep_alive


async def _py_load(
    host: str,
    port: int,
    paths: list[str],
    concurrency: int,
    duration_s: float,
    max_requests: int,
) -> dict:
    loop = asyncio.get_running_loop()
    host_hdr = f"{host}:{port}".encode()
    reqs = [
        b"GET "
        + p.encode("ascii")
        + b" HTTP/1.1\r\nHost: "
        + host_hdr
        + b"\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n"
        for p in paths
    ]
    n = len(reqs)
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0}
    latencies: list[int] = []
    counters = {"done": 0, "non_2xx": 0}
    start = loop.time()
    deadline = start + duration_s

    async def worker(wid: int) -> None:
        i = (wid * 7919) % n
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None

        def close() -> None:
            nonlocal reader, writer
            if writer is not None:
                writer.close()
            reader = writer = None

        async def close_and_wait() -> None:
            w = writer
            close()
            if w is not None:
                try:
                    await asyncio.wait_for(w.wait_closed(), 1.0)
                except (OSError, TimeoutError):
                    pass

        try:
            while loop.time() < deadline and counters["done"] < max_requests:
                if writer is None:
                    try:
                        async with asyncio.timeout_at(
                            min(deadline, loop.time() + REQUEST_TIMEOUT_S)
                        ):
                            reader, writer = await asyncio.open_connection(
                                host, port, limit=1 << 20
                            )
                    except TimeoutError:
                        if loop.time() < deadline:
                            errors["timeout"] += 1
                        continue
                    except OSError:
                        errors["connect"] += 1
                        await asyncio.sleep(0.01)
                        continue
                assert reader is not None and writer is not None
                req = reqs[i]
                i = i + 1 if i + 1 < n else 0
                t0 = time.perf_counter_ns()
                try:
                    writer.write(req)
                    await writer.drain()
                except OSError:
                    errors["write"] += 1
                    close()
                    continue
                try:
                    async with asyncio.timeout_at(
                        min(deadline, loop.time() + REQUEST_TIMEOUT_S)
                    ):
                        status, keep = await _read_response(reader)
                except TimeoutError:
                    if loop.time() < deadline:
                        errors["timeout"] += 1
                    close()  # cut off by the end of the run: not counted
                    continue
                except (
                    OSError,
                    EOFError,
                    ValueError,
                    asyncio.LimitOverrunError,
                    asyncio.IncompleteReadError,
                ):
                    errors["read"] += 1
                    close()
                    continue
                latencies.append((time.perf_counter_ns() - t0) // 1000)
                counters["done"] += 1
                if not 200 <= status <= 299:
                    counters["non_2xx"] += 1
                    if status > 399:
                        errors["status"] += 1
                if not keep:
                    close()
        finally:
            await close_and_wait()

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    elapsed = loop.time() - start
    latencies.sort()
    lat = {
        "p50": wrk_percentile(latencies, 50.0) / 1000.0,
        "p95": wrk_percentile(latencies, 95.0) / 1000.0,
        "p99": wrk_percentile(latencies, 99.0) / 1000.0,
        "mean": round(sum(latencies) / len(latencies) / 1000.0, 3)
        if latencies
        else 0.0,
        "max": (latencies[-1] / 1000.0) if latencies else 0.0,
    }
    return {
        "duration_s": elapsed,
        "requests": counters["done"],
        "errors": errors,
        "non_2xx": counters["non_2xx"],
        "latency_ms": lat,
    }


def _run_async(fn, *args):  # type: ignore[no-untyped-def]
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(fn(*args))
    # Called from inside an event loop: run ours on a private thread.
    with ThreadPoolExecutor(max_workers=1) as ex:
        return ex.submit(lambda: asyncio.run(fn(*args))).result()


def _run_python(
    base_url: str,
    paths: list[str],
    concurrency: int,
    duration_s: float,
    warmup_s: float,
    max_requests: int,
) -> dict:
    host, port = _check_target(base_url)
    if warmup_s > 0:
        _run_async(_py_load, host, port, paths, concurrency, warmup_s, max_requests)
    rep = _run_async(_py_load, host, port, paths, concurrency, duration_s, max_requests)
    return _result(
        "python-fallback",
        concurrency,
        1,
        rep["duration_s"],
        rep["requests"],
        rep["errors"],
        rep["non_2xx"],
        rep["latency_ms"],
        len(paths),
        warmup_s,
        rep["requests"] >= max_requests,
    )


# --- entry point ---------------------------------------------------------------


def run_load(
    base_url: str,
    paths: list[str],
    concurrency: int = 32,
    duration_s: float = 10,
    threads: int = 2,
    *,
    warmup_s: float = 1.0,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    client: str = "auto",
) -> dict:
    """Drive ``base_url`` (must be ``http://127.0.0.1:<port>``) with a bounded load.

    ``concurrency`` keep-alive connections request ``paths`` round-robin for
    ``duration_s`` seconds (wrk: rounded to whole seconds, at least 1) after
    an unmeasured warm-up of ``warmup_s``.  Stops early after ``max_requests``
    responses (approximately, per wrk thread).  ``client`` is ``"auto"``
    (wrk, installing it if possible, else Python; the env var
    ``STDTRACK_BENCH_CLIENT=wrk|python`` overrides auto), ``"wrk"`` or
    ``"python"``.

    Returns ``{"client", "concurrency", "duration_s", "requests",
    "requests_per_s", "errors", "non_2xx", "p50_ms", "p95_ms", "p99_ms", ...}``
    where ``errors`` counts connect/read/write/timeout failures and
    ``non_2xx`` counts responses whose status is outside 200-299.
    """
    _check_target(base_url)
    paths = _check_paths(list(paths) if not isinstance(paths, str) else paths)
    if concurrency < 1 or threads < 1:
        raise ValueError("concurrency and threads must be >= 1")
    if not (duration_s > 0):
        raise ValueError("duration_s must be > 0")
    if max_requests < 1:
        raise ValueError("max_requests must be >= 1")
    concurrency = min(int(concurrency), MAX_CONCURRENCY)
    threads = max(1, min(int(threads), concurrency, MAX_THREADS))
    duration_s = min(float(duration_s), MAX_DURATION_S)
    warmup_s = min(max(float(warmup_s), 0.0), MAX_WARMUP_S)
    max_requests = min(int(max_requests), DEFAULT_MAX_REQUESTS)

    if client == "auto":
        client = os.environ.get("STDTRACK_BENCH_CLIENT", "auto") or "auto"
    if client not in ("auto", "wrk", "python"):
        raise ValueError(f"unknown client {client!r}")

    if client != "python":
        wrk = _find_or_install_wrk()
        if wrk is not None:
            return _run_wrk(
                wrk,
                base_url,
                paths,
                concurrency,
                threads,
                duration_s,
                warmup_s,
                max_requests,
            )
        if client == "wrk":
            raise RuntimeError("wrk is not available and could not be installed")
    return _run_python(base_url, paths, concurrency, duration_s, warmup_s, max_requests)
