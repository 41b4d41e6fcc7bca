"""Staff pages for imports and background work: upload files (queued as a job), watch the job
(the page refreshes itself while it runs: no JavaScript needed), read its report; import batch
history with the archived originals, counts and rejections (filtered, exported as CSV/XLSX);
the daily tasks with their last run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter, QueryParameter
from litestar.response import Redirect

from api.auth import Role
from api.exports import ExportFormat, Table, columns, content_disposition, export_response
from api.params import Page, RecordId
from api.pipelines import schedules
from api.routes.jobs import STATES, JobImportUpload, queue_uploads
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, translator
from api.web.render import render_page
from standards import job_repository, repository
from standards.errors import NotFoundError
from standards.settings import Settings

STAFF = {"roles": frozenset({Role.STAFF})}
PAGE_SIZE = 50
REJECTIONS_SHOWN = 200
STATE_LABELS = {"queued": N_("排队中"), "running": N_("进行中"), "done": N_("已完成"),
                "failed": N_("失败"), "cancelled": N_("已取消"), "finished": N_("已完成"),
                "interrupted": N_("已中断")}
KIND_LABELS = {"catalogue-import": N_("标准目录导入"), "declarations-import": N_("自我声明导入"),
               "plans-import": N_("制修订计划导入"), "index-rebuild": N_("重建检索索引"),
               "indicator-recompute": N_("重算指标"), "export": N_("导出目录")}
REJECTION_COLUMNS = columns(("file", "文件 file"), ("location", "位置 location"),
                            ("reason", "原因 reason"))


def _labels(request: Request[Any, Any, Any]) -> dict[str, Any]:
    _ = translator(request)
    return {"state_names": {key: _(label) for key, label in STATE_LABELS.items()},
            "kind_names": {key: _(label) for key, label in KIND_LABELS.items()}}


def _rejections(batch: dict[str, Any], file: str | None, text: str | None
                ) -> list[dict[str, Any]]:
    rows = list((batch.get("report") or {}).get("rejected") or [])
    if file:
        rows = [row for row in rows if row.get("file") == file]
    if text:
        folded = text.casefold()
        rows = [row for row in rows
                if folded in f"{row.get('location', '')} {row.get('reason', '')}".casefold()]
    return rows


FileFilter = Annotated[str | None, QueryParameter(max_length=300)]
TextFilter = Annotated[str | None, QueryParameter(max_length=200)]


class JobPages(Controller):
    path = "/workbench"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = STAFF

    @get("/imports")
    async def imports(self, request: Request[Any, Any, Any]) -> Response[str]:
        _total, recent = await job_repository.list_jobs(limit=10)
        settings: Settings = request.app.state.settings
        return render_page(request, "workbench/imports.html", recent=recent,
                           limit_mb=settings.upload_limit_bytes // (1024 * 1024),
                           **_labels(request))

    @post("/imports", status_code=303)
    async def upload(
        self, request: Request[Any, Any, Any],
        data: Annotated[JobImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[Any]:
        """Queue the upload's import and go to the job's page."""
        job = await queue_uploads(request, data)
        return Redirect(f"/workbench/jobs/{job['id']}", status_code=303)

    @get("/jobs")
    async def jobs(
        self, request: Request[Any, Any, Any],
        status: Annotated[str | None, QueryParameter(
            pattern=r"^(queued|running|done|failed|cancelled)$")] = None,
        page: Page = 1,
    ) -> Response[str]:
        total, items = await job_repository.list_jobs(
            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, state=status)
        return render_page(request, "workbench/jobs.html", jobs=items, total=total,
                           status=status or "", states=STATES, page=page,
                           next_page=page + 1 if page * PAGE_SIZE < total else None,
                           **_labels(request))

    @get("/jobs/{job_id:int}")
    async def job(self, request: Request[Any, Any, Any], job_id: RecordId) -> Response[str]:
        job = await job_repository.get_job(job_id)
        report = job.get("report") or {}
        running = job["state"] in ("queued", "running")
        return render_page(
            request, "workbench/job.html", job=job, report=report, running=running,
            rejected=list(report.get("rejected") or [])[:20],
            has_output=job["kind"] == "export" and job["state"] == "done", **_labels(request))

    @post("/jobs/{job_id:int}/cancel", status_code=303)
    async def cancel(self, job_id: RecordId) -> Response[Any]:
        job = await job_repository.get_job(job_id, with_report=False)
        if job["state"] not in job_repository.FINAL_STATES:
            await job_repository.request_cancel(job_id)
        return Redirect(f"/workbench/jobs/{job_id}", status_code=303)

    @get("/batches")
    async def batches(self, request: Request[Any, Any, Any], page: Page = 1) -> Response[str]:
        rows = await repository.list_batches(limit=PAGE_SIZE + 1,
                                             offset=(page - 1) * PAGE_SIZE)
        return render_page(request, "workbench/batches.html", batches=rows[:PAGE_SIZE],
                           page=page, next_page=page + 1 if len(rows) > PAGE_SIZE else None,
                           **_labels(request))

    @get("/batches/{batch_id:int}")
    async def batch(self, request: Request[Any, Any, Any], batch_id: RecordId,
                    file: FileFilter = None, q: TextFilter = None) -> Response[str]:
        batch = await repository.get_batch(batch_id)
        rows = _rejections(batch, file, q)
        names = sorted({str(row.get("file")) for row in
                        (batch.get("report") or {}).get("rejected") or []})
        return render_page(request, "workbench/batch.html", batch=batch,
                           rejections=rows[:REJECTIONS_SHOWN], matching=len(rows),
                           file=file or "", q=q or "", file_names=names,
                           shown=REJECTIONS_SHOWN, **_labels(request))

    @get("/batches/{batch_id:int}/rejections")
    async def rejections_export(self, batch_id: RecordId, file: FileFilter = None,
                                q: TextFilter = None,
                                format: Annotated[ExportFormat, QueryParameter()] =
                                ExportFormat.CSV) -> Response[bytes]:
        batch = await repository.get_batch(batch_id)
        table = Table(name=f"rejections-{batch_id}", columns=REJECTION_COLUMNS,
                      rows=_rejections(batch, file, q),
                      title=f"导入批次 {batch_id} 的拒收行 (rejected rows of batch {batch_id})")
        return export_response(table, format, f"batch-{batch_id}-rejections")

    @get("/batches/{batch_id:int}/files/{position:int}")
    async def original(self, request: Request[Any, Any, Any], batch_id: RecordId,
                       position: Annotated[int, PathParameter(ge=0, le=10_000)]
                       ) -> Response[bytes]:
        """The archived original: from the database when a job's upload kept it (any host),
        else from this host's archive."""
        batch = await repository.get_batch(batch_id)
        files = batch.get("files") or []
        if position >= len(files):
            raise NotFoundError(f"import batch {batch_id} has no file {position}")
        entry = files[position]
        name = str(entry.get("name") or "original")
        headers = {"Content-Disposition": content_disposition(name)}
        kept = await job_repository.file_by_checksum(str(entry.get("sha256") or ""))
        if kept is not None:
            return Response(bytes(kept["content"]), media_type="application/octet-stream",
                            headers=headers)
        settings: Settings = request.app.state.settings
        archived = Path(str(entry.get("archived_as") or ""))
        root = settings.archive_dir.resolve()
        if entry.get("archived_as") and archived.resolve().is_relative_to(root) \
                and archived.is_file():
            return Response(archived.read_bytes(), media_type="application/octet-stream",
                            headers=headers)
        raise NotFoundError(f"the original of {name} is not kept on this host")

    @get("/schedules")
    async def schedules_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        settings: Settings = request.app.state.settings
        _ = translator(request)
        states = await schedules.schedule_states(settings)
        return render_page(request, "workbench/schedules.html",
                           tasks=[{**item, "label": _(item["label"])} for item in states],
                           enabled=settings.schedules_enabled, **_labels(request))

