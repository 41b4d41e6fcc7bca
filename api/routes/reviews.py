"""The review clock over HTTP (docs/reviews.md): due and overdue lists, reviewed on time,
reviews recorded one by one or imported (staff record; staff and leaders read)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict

from adoption import reviews_repository
from adoption.reviews import DueReport, OnTimeReport, ReviewInput, ReviewRead
from adoption.vocab import Domain
from api.errors import InputError
from api.openapi import problems
from api.params import Page, QueryId
from api.review_imports import import_reviews
from api.routes.access import STAFF, STAFF_OR_LEADER, identity_of, translated
from api.uploads import saved_uploads
from importers.errors import ImporterError
from standards.settings import Settings

RegionParam = Annotated[str | None, QueryParameter(
    pattern=r"^\d{2}(\d{2}(\d{2})?)?$", description="region code prefix: 22, 2201")]
DayParam = Annotated[dt.date | None, QueryParameter(description="the day t (default today)")]


class ReviewUpload(BaseModel):
    """Multipart form of ``POST /api/reviews/imports``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile


class ReviewRecorded(BaseModel):
    action: str
    review: ReviewRead


class ReviewController(Controller):
    path = "/api/reviews"
    tags = ["reviews"]

    @get("/due", summary="Local standards due for review and overdue (staff, leader)",
         description="Counts and lists as of a day: due within N months (due date in [t, t + "
         "N months]) and overdue (valid on t, due date before t, no review since the clock "
         "started), by city and by domain. The rules are in every answer (`rules`).",
         opt=STAFF_OR_LEADER, responses=problems(422))
    async def due(
        self, request: Request[Any, Any, Any], region: RegionParam = None,
        domain: Annotated[Domain | None, QueryParameter()] = None, as_of: DayParam = None,
        within: Annotated[int, QueryParameter(ge=0, le=120, description="months")] = 6,
    ) -> DueReport:
        settings: Settings = request.app.state.settings
        with translated():
            return await reviews_repository.due_report(
                region, as_of=as_of, within=within, domain=domain.value if domain else None,
                cycle_years=settings.review_cycle_years)

    @get("/on-time", summary="Reviewed on time over a window of due dates (staff, leader)",
         description="Review cycles whose due date falls in [start, min(end, as_of)] and the "
         "share closed (reviewed, revised or withdrawn) on or before their due date.",
         opt=STAFF_OR_LEADER, responses=problems(422))
    async def on_time(
        self, request: Request[Any, Any, Any], start: Annotated[dt.date, QueryParameter()],
        end: Annotated[dt.date, QueryParameter()], region: RegionParam = None,
        domain: Annotated[Domain | None, QueryParameter()] = None, as_of: DayParam = None,
    ) -> OnTimeReport:
        settings: Settings = request.app.state.settings
        if end < start:
            raise InputError("end is before start (窗口结束早于开始)")
        return await reviews_repository.on_time_report(
            region, start, end, as_of, domain=domain.value if domain else None,
            cycle_years=settings.review_cycle_years)

    @get("/", summary="Reviews of one standard, oldest first (staff, leader)",
         opt=STAFF_OR_LEADER)
    async def list_reviews(self, standard: QueryId = None) -> list[ReviewRead]:
        if standard is None:
            raise InputError("give ?standard= (a standard id) 请指定标准")
        return await reviews_repository.reviews_of(standard)

    @post("/", summary="Record one review of a local standard (staff)",
          description="复审日期 and 复审结论 (继续有效 | 修订 | 废止); a second review of the same "
          "standard on the same day updates it (`action`: created, updated, unchanged).",
          status_code=201, opt=STAFF, responses=problems(422))
    async def record(self, request: Request[Any, Any, Any],
                     data: JSONBody[ReviewInput]) -> ReviewRecorded:
        with translated():
            review, action = await reviews_repository.record_review(
                data, source="api", recorded_by=f"http:{identity_of(request).name}")
        return ReviewRecorded(action=action, review=review)

    @post("/imports", summary="Import review files (staff; CSV/XLSX: 标准号, 复审日期, "
          "复审结论, 备注)", description="Idempotent: importing the same file again changes "
          "nothing; rejected rows are reported with their row and value.",
          status_code=201, opt=STAFF)
    async def create_import(
        self, request: Request[Any, Any, Any],
        data: Annotated[ReviewUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        async with saved_uploads(data.files, settings) as paths:
            try:
                report = await import_reviews(
                    paths, actor=f"http:{identity_of(request).name}",
                    archive_dir=settings.archive_dir, limits=settings.read_limits)
            except ImporterError as exc:
                raise InputError(str(exc)) from exc
        return report.as_dict()

    @get("/imports", summary="Review imports, newest first (staff)", opt=STAFF)
    async def list_imports(
        self, page: Page = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        rows = await reviews_repository.list_imports(limit=page_size,
                                                     offset=(page - 1) * page_size)
        return {"page": page, "page_size": page_size, "items": rows}

    @get("/reminders", summary="Open review reminders raised by the daily run (staff, leader)",
         opt=STAFF_OR_LEADER)
    async def reminders(self) -> list[dict[str, Any]]:
        return await reviews_repository.open_reminders()
