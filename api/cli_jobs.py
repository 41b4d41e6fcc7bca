"""``stdtrack worker`` (runs background jobs and the daily tasks) and ``stdtrack jobs``
(list, show, cancel)."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from typing import Any

import click

from api.cli import EXIT_REJECTED, emit_json, fail, run_with_db
from api.cli_progress import progress_reporter
from api.pipelines.worker import make_worker
from standards import job_repository
from standards.settings import Settings


def _line(job: dict[str, Any]) -> str:
    percent = f" {job['percent']:.0f}%" if job.get("percent") is not None else ""
    return (f"job {job['id']} {job['kind']} {job['state']}{percent}: read {job['read_count']}, "
            f"created {job['created_count']}, rejected {job['rejected_count']}"
            + (f" — {job['error']}" if job.get("error") else ""))


@click.command("worker")
@click.option("--no-schedules", is_flag=True, help="do not run the daily tasks here")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05, 60),
              help="seconds between looks at the queue when nothing woke the worker")
@click.pass_obj
def worker(settings: Settings, no_schedules: bool, poll: float) -> None:
    """Run background jobs (imports, index rebuilds, recomputes, exports) and the daily tasks
    until stopped (Ctrl-C or SIGTERM: a running job goes back to the queue). Start one or more
    on any host sharing the PostgreSQL database; each job runs on exactly one (pgqueuer's
    queue hands it out; notifications wake an idle worker at once)."""

    def said(event: str, item: dict[str, Any]) -> None:
        if event == "schedule":
            click.echo(f"daily task {item['name']}: {item['state']}", err=True)
        elif event == "reaped":
            click.echo(f"job {item['id']} taken back from {item['worker']}: {item['action']}",
                       err=True)
        else:
            click.echo(f"job {item['id']} {item['kind']}: {event}"
                       + (f" — {item['error']}" if event == "failed" else ""), err=True)

    async def work() -> None:
        running = make_worker(settings, poll_seconds=poll, run_schedules=not no_schedules,
                              on_event=said)
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(running.run())
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)
        click.echo(f"worker {running.id} started", err=True)
        try:
            await task
        except asyncio.CancelledError:
            click.echo(f"worker {running.id} stopped", err=True)

    run_with_db(settings, work)


@click.group("jobs")
def jobs() -> None:
    """Background jobs: list them, show one (its progress, report or error), cancel one."""


@jobs.command("list")
@click.option("--status", type=click.Choice(["queued", "running", "done", "failed",
                                             "cancelled"]), default=None)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def jobs_list(settings: Settings, status: str | None, limit: int, as_json: bool) -> None:
    """Jobs, newest first."""
    total, items = run_with_db(settings, lambda: job_repository.list_jobs(limit=limit,
                                                                         state=status))
    if as_json:
        emit_json({"total": total, "items": items})
        return
    for job in items:
        click.echo(_line(job))
    click.echo(f"{total} jobs")


@jobs.command("show")
@click.argument("job_id", type=click.IntRange(1, 2**63 - 1))
@click.option("--wait", is_flag=True, help="follow the job until it ends, showing progress")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def jobs_show(settings: Settings, job_id: int, wait: bool, as_json: bool) -> None:
    """One job; with --wait, its progress until it ends (exit 1 when it failed)."""

    async def follow() -> dict[str, Any]:
        job = await job_repository.get_job(job_id)
        if not wait:
            return job
        with progress_reporter(f"job {job_id}", total=job.get("total")) as advance:
            seen = 0
            while job["state"] not in job_repository.FINAL_STATES:
                await asyncio.sleep(0.5)
                job = await job_repository.get_job(job_id)
                advance(job["read_count"] - seen)
                seen = job["read_count"]
        return job

    started = time.monotonic()
    job = run_with_db(settings, follow)
    if as_json:
        emit_json(job)
    else:
        click.echo(_line(job))
        if wait:
            click.echo(f"followed for {time.monotonic() - started:.0f} s", err=True)
    if job["state"] == job_repository.FAILED:
        sys.exit(EXIT_REJECTED)


@jobs.command("cancel")
@click.argument("job_id", type=click.IntRange(1, 2**63 - 1))
@click.pass_obj
def jobs_cancel(settings: Settings, job_id: int) -> None:
    """Cancel a queued job, or ask a running one to stop (what it wrote is kept)."""

    async def cancel() -> dict[str, Any]:
        job = await job_repository.get_job(job_id, with_report=False)
        if job["state"] in job_repository.FINAL_STATES:
            fail(f"job {job_id} has ended ({job['state']})")
        return await job_repository.request_cancel(job_id)

    job = run_with_db(settings, cancel)
    click.echo(_line(job) + (" (stopping)" if job["state"] == "running" else ""))
