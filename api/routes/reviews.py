"""The review clock over HTTP (docs/reviews.md): due and overdue lists, reviewed on time,
reviews recorded one by one or imported (staff record; staff and leaders read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from adoption import (
    evaluation_repository,
    feedback_repository,
    reviews_repository,
    triage_repository,
)
from adoption.evaluation import EvaluationItem, EvaluationReport
from adoption.feedback_repository import FeedbackInput, FeedbackRead
from adoption.reviews import (
    CLOCK_RULES,
    ClockRead,
    DueReport,
    OnTimeReport,
    ReviewInput,
    ReviewRead,
    clock_read,
)
from adoption.triage import Decision, TriageItem, TriageReport
from adoption.vocab import Domain, FeedbackStatus, Grade, TriageAction
from api.auth import Role
from api.errors import InputError
from api.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ExportFormat,
    Table,
    columns,
    export_response,
)
from api.openapi import problems
from api.params import Page, QueryId, RecordId
from api.review_imports import import_reviews
from api.routes.access import STAFF, STAFF_OR_LEADER, identity_of, translated
from api.sessions import require_json
from api.sign_in import client_address
from api.uploads import saved_uploads
from importers.errors import ImporterError
from standards import repository as standards_repository
from standards.schemas import StandardRead
from standards.settings import Settings
from standards.threads import run_to_end
from standards.vocab import Level

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
         description="Local standards with a due date in [start, min(end, as_of)] and the "
         "share reviewed, revised or withdrawn on or before it.",
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


# ------------------------------------------------------------------------------------------
# Implementation evaluation, triage, feedback, a standard's review file
# ------------------------------------------------------------------------------------------

EVALUATION_COLUMNS = columns(
    ("code", "标准号 code"), ("title_zh", "标准名称 title"), ("grade_zh", "评价 grade"),
    ("score", "得分 score"), ("percentile", "百分位 percentile"),
    ("enterprises", "声明企业 enterprises"), ("enterprises_year_ago", "一年前 a year ago"),
    ("products", "声明产品 products"), ("citations", "被引用 citations"),
    ("revising_projects", "修订项目 revising projects"), ("feedback", "反馈 feedback"),
    ("views", "浏览 views"), ("explanation", "说明 explanation"))
TRIAGE_COLUMNS = columns(
    ("code", "标准号 code"), ("title_zh", "标准名称 title"), ("ics", "ICS"),
    ("suggested_zh", "建议 suggested"), ("reasons_text", "依据 evidence"),
    ("decision_zh", "决定 decision"), ("decision_note", "决定说明 note"))
DOWNLOADS = {"roles": STAFF_OR_LEADER["roles"], "downloads": (CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE)}
FormatParam = Annotated[ExportFormat, QueryParameter(description="csv or xlsx")]


def evaluation_table(report: EvaluationReport) -> Table:
    rows = [{"code": i.code, "title_zh": i.title_zh, "grade_zh": i.grade_zh, "score": i.score,
             "percentile": i.percentile, "enterprises_year_ago": i.enterprises_year_ago,
             "explanation": i.explanation, **i.signals} for i in report.items]
    title = (f"实施评价 implementation evaluation · {report.region or '全部 all'} · 截至 as of "
             f"{report.as_of} · 强 {report.grades['strong']} 中 {report.grades['medium']} 弱 "
             f"{report.grades['weak']}")
    return Table(name="evaluation", columns=EVALUATION_COLUMNS, rows=rows, title=title)


def reasons_text(reasons: dict[str, Any]) -> str:
    parts = []
    labels = {"overlaps_national": "与国家/行业标准重复",
              "duplicates_same_province": "与本省标准重复",
              "duplicates_other_province": "与外省标准重复"}
    for key, label in labels.items():
        for match in reasons.get(key, []):
            parts.append(f"{label} {match['code']} {match['title_zh'] or ''} "
                         f"({match['similarity']:.2f})")
    if "review_overdue" in reasons:
        parts.append(f"复审逾期 (due {reasons['review_overdue']['due_on']})")
    if "weak_unused" in reasons:
        parts.append("评价为弱, 无企业声明, 无反馈")
    return "; ".join(parts)


def triage_table(report: TriageReport) -> Table:
    rows = [{"code": i.code, "title_zh": i.title_zh, "ics": " ".join(i.ics),
             "suggested_zh": i.suggested_zh, "reasons_text": reasons_text(i.reasons),
             "decision_zh": i.decision.action_zh if i.decision else "",
             "decision_note": i.decision.note if i.decision else ""} for i in report.items]
    return Table(name="triage", columns=TRIAGE_COLUMNS, rows=rows,
                 title=f"清理整合 triage · {report.region or '全部 all'} · 截至 as of "
                 f"{report.as_of}")


def _export(table_of: Callable[[Any], Table], report: Any, format: ExportFormat,
            stem: str) -> Response[bytes]:
    """A province's sheet (tens of thousands of rows), built in a worker thread."""
    return export_response(table_of(report), format, stem)


class EvaluationController(Controller):
    path = "/api/evaluation"
    tags = ["reviews"]

    @get("/", summary="Implementation evaluation of a region's local standards (staff, "
         "leader)", description="Signals, score and grade 强/中/弱 of every local standard in "
         "force; thresholds are percentiles of the scores within the region; each item "
         "explains its grade.", opt=STAFF_OR_LEADER, responses=problems(422))
    async def evaluation(
        self, region: RegionParam = None, as_of: DayParam = None,
        grade: Annotated[Grade | None, QueryParameter()] = None,
    ) -> EvaluationReport:
        return await evaluation_repository.evaluate_region(region, as_of, grade=grade)

    @get("/export", summary="The evaluation as a spreadsheet for the review committee (CSV or "
         "XLSX)", opt=DOWNLOADS, responses=problems(422))
    async def export(self, region: RegionParam = None, as_of: DayParam = None,
                     format: FormatParam = ExportFormat.XLSX) -> Response[bytes]:
        report = await evaluation_repository.evaluate_region(region, as_of)
        return await run_to_end(_export, evaluation_table, report, format,
                                f"evaluation-{report.region or 'all'}-{report.as_of}")


class DecisionInput(BaseModel):
    action: str = Field(max_length=20, description="保留 keep, 修订 revise, 转化为团体标准 "
                        "convert, 整合 merge, 废止 abolish")
    note: str = Field(default="", max_length=2000)


class TriageController(Controller):
    path = "/api/triage"
    tags = ["reviews"]

    @get("/", summary="Candidates for cutting and merging, with evidence (staff, leader)",
         description="Overlaps with current national or industry standards and with local "
         "standards (same ICS, title similarity), overdue reviews, weak and unused standards; "
         "a suggested action by a stated rule; staff decisions; the stock over time.",
         opt=STAFF_OR_LEADER, responses=problems(422))
    async def triage(
        self, request: Request[Any, Any, Any], region: RegionParam = None,
        as_of: DayParam = None,
        action: Annotated[TriageAction | None, QueryParameter()] = None,
    ) -> TriageReport:
        settings: Settings = request.app.state.settings
        return await triage_repository.triage_region(
            region, as_of, action=action, cycle_years=settings.review_cycle_years)

    @get("/export", summary="The triage list as a spreadsheet (CSV or XLSX)", opt=DOWNLOADS,
         responses=problems(422))
    async def export(
        self, request: Request[Any, Any, Any], region: RegionParam = None,
        as_of: DayParam = None, format: FormatParam = ExportFormat.XLSX,
        action: Annotated[TriageAction | None, QueryParameter()] = None,
    ) -> Response[bytes]:
        settings: Settings = request.app.state.settings
        report = await triage_repository.triage_region(
            region, as_of, action=action, cycle_years=settings.review_cycle_years)
        return await run_to_end(_export, triage_table, report, format,
                                f"triage-{report.region or 'all'}-{report.as_of}")

    @post("/{standard_id:int}/decision", summary="Record staff's decision on a local standard "
          "(staff)", status_code=201, opt=STAFF, responses=problems(422))
    async def decide(self, request: Request[Any, Any, Any], standard_id: RecordId,
                     data: JSONBody[DecisionInput]) -> Decision:
        with translated():
            return await triage_repository.record_decision(
                standard_id, data.action, data.note, by=f"http:{identity_of(request).name}")


class ModerationInput(BaseModel):
    status: FeedbackStatus


class FeedbackController(Controller):
    path = "/api/feedback"
    tags = ["reviews"]

    @post("/standards/{standard_id:int}", summary="Send implementation feedback on a local "
          "standard (public, JSON only; rate-limited)", description="类型: 问题 problem, 建议 "
          "suggestion, 与其他标准冲突 conflict, 已过时 outdated. Staff moderate it before it "
          "counts.", status_code=201, opt={"roles": Role.PUBLIC, "csrf": False},
          responses=problems(422, 429))
    async def submit(self, request: Request[Any, Any, Any], standard_id: RecordId,
                     data: JSONBody[FeedbackInput]) -> dict[str, Any]:
        require_json(request)
        with translated():
            created = await feedback_repository.submit_feedback(
                standard_id, data, address=client_address(request), now=dt.datetime.now(dt.UTC))
        return {"id": created, "status": "pending"}

    @get("/", summary="Feedback, newest first (staff)", opt=STAFF)
    async def list_feedback(
        self, status: Annotated[FeedbackStatus | None, QueryParameter()] = None,
        standard: QueryId = None,
    ) -> list[FeedbackRead]:
        return await feedback_repository.list_feedback(status=status, standard_id=standard)

    @post("/{feedback_id:int}/moderation", summary="Accept or reject a feedback (staff)",
          status_code=200, opt=STAFF, responses=problems(422))
    async def moderate(self, request: Request[Any, Any, Any], feedback_id: RecordId,
                       data: JSONBody[ModerationInput]) -> FeedbackRead:
        with translated():
            return await feedback_repository.moderate(
                feedback_id, data.status, by=f"http:{identity_of(request).name}",
                now=dt.datetime.now(dt.UTC))


class ReviewFile(BaseModel):
    """复审档案: a local standard's clock, reviews, evaluation, feedback and overlaps."""

    standard: StandardRead
    clock: ClockRead | None
    rules: dict[str, str]
    reviews: list[ReviewRead]
    evaluation: EvaluationItem | None
    evaluation_thresholds: dict[str, float]
    feedback: list[FeedbackRead]
    triage: TriageItem | None


async def review_file(standard_id: int, as_of: dt.date | None,
                      cycle_years: int) -> ReviewFile:
    """Raises: NotFoundError: no standard has this id."""
    t = as_of or dt.date.today()
    standard = await standards_repository.get_standard(standard_id, t)
    clock = await reviews_repository.clock_of(standard_id, t, cycle_years)
    province = (standard.region_code or "")[:2] or None
    evaluation = triage = None
    thresholds: dict[str, float] = {}
    if standard.level is Level.LOCAL:
        # its own signals against its province's kept thresholds: a view costs one standard
        evaluation, region = await evaluation_repository.evaluate_standard(standard_id, t)
        if region is None:  # not in force on t: the province's thresholds all the same
            region = await evaluation_repository.region_thresholds(province, t)
        thresholds = {"strong": region.strong, "weak": region.weak}
        judged = await triage_repository.triage_region(province, t, only=standard_id,
                                                       cycle_years=cycle_years)
        triage = judged.items[0] if judged.items else None
    return ReviewFile(
        standard=standard, clock=clock_read(clock) if clock else None, rules=CLOCK_RULES,
        reviews=await reviews_repository.reviews_of(standard_id), evaluation=evaluation,
        evaluation_thresholds=thresholds,
        feedback=await feedback_repository.list_feedback(standard_id=standard_id),
        triage=triage)


class ReviewFileController(Controller):
    path = "/api/reviews/file"
    tags = ["reviews"]

    @get("/{standard_id:int}", summary="A local standard's review file (staff, leader)",
         description="Its clock on a day with the rules, its reviews, its evaluation with the "
         "signals, the feedback received and the overlaps found by the triage.",
         opt=STAFF_OR_LEADER)
    async def review_file(self, request: Request[Any, Any, Any], standard_id: RecordId,
                          as_of: DayParam = None) -> ReviewFile:
        settings: Settings = request.app.state.settings
        return await review_file(standard_id, as_of, settings.review_cycle_years)
