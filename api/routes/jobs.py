"""Background jobs over HTTP (staff): queue an import of uploaded files or other long work,
follow its state and progress, cancel it, fetch what an export produced; the daily tasks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict

from api.auth import STAFF_ONLY, Identity
from api.errors import ConflictError, InputError
from api.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, content_disposition
from api.imports import parse_column_map
from api.openapi import problems
from api.params import Page, PageSize, RecordId
from api.pipelines import schedules
from api.pipelines.jobs import JobKind, queue_import
from api.uploads import safe_filename, saved_uploads
from standards import job_repository
from standards.errors import NotFoundError
from standards.settings import Settings

STATES = ("queued", "running", "done", "failed", "cancelled")


class JobImportUpload(BaseModel):
    """Multipart form of ``POST /api/jobs/imports``: the fields of ``POST /api/imports`` and
    which import it is."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile
    format: str | None = None
    column: list[str] | str | None = None
    dry_run: bool = False
    strict: bool = False
    kind: Literal["catalogue", "declarations", "plans"] = "catalogue"


class JobCreate(BaseModel):
    """Long work without files: rebuild the search index, recompute every indicator fact, or
    export the catalogue (``format`` csv or xlsx)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["index-rebuild", "indicator-recompute", "export"]
    format: Literal["csv", "xlsx"] = "csv"


def _read_all(paths: list[Any]) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in paths]


async def queue_uploads(request: Request[Any, Any, Any], data: JobImportUpload
                        ) -> dict[str, Any]:
    """Keep the uploads in the database (within the upload cap) and queue their import."""
    settings: Settings = request.app.state.settings
    identity: Identity = request.scope["state"]["identity"]
    try:
        column_map = parse_column_map(data.column)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if data.format is not None and len(data.format) > 40:
        raise InputError("format: at most 40 characters")
    async with saved_uploads(data.files, settings) as paths:
        files = await anyio.to_thread.run_sync(_read_all, paths)
    names = [(safe_filename(name), content) for name, content in files]
    params = {"format": data.format, "column_map": column_map, "dry_run": data.dry_run,
              "strict": data.strict}
    return await queue_import(data.kind, names, params, created_by=identity.name)


class JobController(Controller):
    path = "/api/jobs"
    tags = ["jobs"]
    opt = STAFF_ONLY

    @post("/imports", summary="Queue an import of uploaded files as a background job (staff)",
          status_code=202, responses=problems(422),
          description="The fields of `POST /api/imports`, plus `kind` (catalogue, declarations "
          "or plans). The files are kept in the database so that a worker on any host runs "
          "the import; the answer is the queued job (202). Follow it at `GET /api/jobs/{id}`: "
          "`state` queued → running (with `read_count`, `created_count`, `rejected_count`, "
          "`percent` when the number of records is known) → done (`report`, as "
          "`POST /api/imports` answers), failed (`error`) or cancelled.")
    async def create_import(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[JobImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        return await queue_uploads(request, data)

    @post("/", summary="Queue an index rebuild, indicator recompute or catalogue export (staff)",
          status_code=202,
          description="`export` keeps the file as the job's output: "
          "`GET /api/jobs/{id}/output` once the job is done.")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[JobCreate]
                     ) -> dict[str, Any]:
        identity: Identity = request.scope["state"]["identity"]
        params = {"format": data.format} if data.kind == JobKind.EXPORT else {}
        return await job_repository.create_job(data.kind, params, created_by=identity.name)

    @get("/", summary="Jobs, newest first (staff)",
         description="Filter by `status` (the job's state) and `kind`; each job without its "
         "report.")
    async def list_jobs(
        self,
        status: Annotated[str | None, QueryParameter(
            pattern=r"^(queued|running|done|failed|cancelled)$")] = None,
        kind: Annotated[str | None, QueryParameter(max_length=40)] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> dict[str, Any]:
        total, items = await job_repository.list_jobs(
            limit=page_size, offset=(page - 1) * page_size, state=status, kind=kind)
        return {"page": page, "page_size": page_size, "total": total, "items": items}

    @get("/{job_id:int}", summary="One job: state, progress, report or error (staff)")
    async def get_job(self, job_id: RecordId) -> dict[str, Any]:
        return await job_repository.get_job(job_id)

    @post("/{job_id:int}/cancel", summary="Cancel a job (staff)", status_code=200,
          responses=problems(409),
          description="A queued job is cancelled at once; a running one stops at its worker's "
          "next heartbeat (what it wrote before is kept). 409 when the job has ended.")
    async def cancel(self, job_id: RecordId) -> dict[str, Any]:
        job = await job_repository.get_job(job_id, with_report=False)
        if job["state"] in job_repository.FINAL_STATES:
            raise ConflictError(f"job {job_id} has ended ({job['state']})")
        return await job_repository.request_cancel(job_id)

    @get("/{job_id:int}/output", summary="The file an export job produced (staff)",
         opt={"downloads": (CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE)})
    async def output(self, job_id: RecordId) -> Response[bytes]:
        files = await job_repository.job_files(job_id, role="output")
        if not files:
            raise NotFoundError(f"job {job_id} has no output file")
        item = files[0]
        media = XLSX_MEDIA_TYPE if item["name"].endswith(".xlsx") else CSV_MEDIA_TYPE
        return Response(bytes(item["content"]), media_type=media,
                        headers={"Content-Disposition": content_disposition(item["name"])})


class ScheduleController(Controller):
    path = "/api/schedules"
    tags = ["jobs"]
    opt = STAFF_ONLY

    @get("/", summary="Daily tasks with their time and last run (staff)")
    async def list_schedules(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        return await schedules.schedule_states(request.app.state.settings)

