"""Pages of the review work on local standards (docs/reviews.md): the review calendar (due and
overdue by month, reminders, recording a review), a standard's review file (clock, reviews,
evaluation, feedback to moderate, overlaps), the triage list (filters, decisions, export);
and the public feedback form's answer. Staff record and moderate; leaders read."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect

from adoption import feedback_repository, reviews_repository, triage_repository
from adoption.errors import InvalidFieldError, RecordNotFound, TooMuchFeedback
from adoption.feedback_repository import FeedbackInput
from adoption.reviews import ReviewInput, add_months
from adoption.vocab import FeedbackStatus, TriageAction
from api.auth import Role, identity_in
from api.params import RecordId
from api.routes.reviews import reasons_text, review_file
from api.sign_in import client_address
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, translator
from api.web.render import render_page
from standards import repository as standards_repository
from standards.errors import NotFoundError
from standards.settings import Settings

STAFF = {"roles": frozenset({Role.STAFF})}
READERS = {"roles": frozenset({Role.STAFF, Role.LEADER})}
PUBLIC = {"roles": Role.PUBLIC}
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Region = Annotated[str | None, QueryParameter(pattern=r"^\d{2}(\d{2}(\d{2})?)?$")]
Day = Annotated[dt.date | None, QueryParameter()]
CodeFilter = Annotated[str | None, QueryParameter(max_length=80)]
SHOWN = 200
"""Overdue standards listed on the page at most (the filter by code finds any other)."""


def code_filter(items: list[Any], needle: str | None) -> list[Any]:
    """Items whose code holds ``needle`` (any width or case: ``db22/t 88`` finds DB22/T 8801)."""
    wanted = unicodedata.normalize("NFKC", needle or "").upper().strip()
    return [i for i in items if wanted in i.code.upper()] if wanted else list(items)
DONE = {
    "created": N_("复审已记录。"), "updated": N_("复审已更新。"),
    "unchanged": N_("这条复审已经记录过了。"), "decided": N_("决定已记录。"),
    "moderated": N_("反馈已处理。"),
}
ACTION_WORDS = {TriageAction.KEEP: N_("保留"), TriageAction.REVISE: N_("修订"),
                TriageAction.CONVERT: N_("转化为团体标准"), TriageAction.MERGE: N_("整合"),
                TriageAction.ABOLISH: N_("废止")}
CONCLUSION_WORDS = {"continue": N_("继续有效"), "revise": N_("修订"), "abolish": N_("废止")}
FEEDBACK_KINDS = (("problem", N_("问题")), ("suggestion", N_("建议")),
                  ("conflict", N_("与其他标准冲突")), ("outdated", N_("已过时")))


def _staff(request: Request[Any, Any, Any]) -> bool:
    identity = identity_in(request)
    return identity is not None and identity.role is Role.STAFF


def _who(request: Request[Any, Any, Any]) -> str:
    identity = identity_in(request)
    return f"web:{identity.name}" if identity else "web"


def month_table(due: list[Any], overdue: list[Any], t: dt.date, months: int = 12
                ) -> list[dict[str, Any]]:
    """Due dates per month from t's month on, and overdue standards by the month they fell
    due (before t)."""
    counts = Counter(item.due_on.strftime("%Y-%m") for item in due)
    late = Counter(item.due_on.strftime("%Y-%m") for item in overdue)
    rows = [{"month": month, "due": 0, "overdue": n} for month, n in sorted(late.items())]
    for offset in range(months + 1):
        index = t.year * 12 + t.month - 1 + offset
        month = f"{index // 12:04d}-{index % 12 + 1:02d}"
        rows.append({"month": month, "due": counts.get(month, 0), "overdue": 0})
    return rows


class ReviewPages(Controller):
    path = "/workbench"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS

    async def _calendar(self, request: Request[Any, Any, Any], region: str | None,
                        as_of: dt.date | None, *, status_code: int = 200,
                        problem: str | None = None, values: dict[str, str] | None = None,
                        code: str | None = None) -> Response[str]:
        _ = translator(request)
        settings: Settings = request.app.state.settings
        t = as_of or dt.date.today()
        report = await reviews_repository.due_report(region, as_of=t, within=12,
                                                     cycle_years=settings.review_cycle_years)
        soon = [i for i in report.due_items if i.due_on <= add_months(t, 6)]
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/reviews.html", status_code=status_code, report=report,
            region=region or "", as_of=t.isoformat(), months=month_table(
                report.due_items, report.overdue_items, t),
            soon=soon, reminders=await reviews_repository.open_reminders(50),
            overdue=code_filter(report.overdue_items, code), shown=SHOWN, code=code or "",
            staff=_staff(request), problem=problem, values=values or {},
            conclusions=[(key, _(word)) for key, word in CONCLUSION_WORDS.items()],
            message=_(DONE[done]) if done in DONE else None,
            query=urlencode({k: v for k, v in (("region", region), ("as_of", t.isoformat()))
                             if v}))

    @get("/reviews", opt=READERS)
    async def calendar(self, request: Request[Any, Any, Any], region: Region = None,
                       as_of: Day = None, code: CodeFilter = None) -> Response[str]:
        return await self._calendar(request, region, as_of, code=code)

    @post("/reviews", opt=STAFF, status_code=303)
    async def record(self, request: Request[Any, Any, Any], data: FormData) -> Response[Any]:
        _ = translator(request)
        values = {key: (data.get(key) or "").strip()[:2000]
                  for key in ("code", "reviewed_on", "conclusion", "note")}
        try:
            day = dt.date.fromisoformat(values["reviewed_on"])
        except ValueError:
            return await self._calendar(request, None, None, status_code=400, values=values,
                                        problem=_("复审日期应为 YYYY-MM-DD。"))
        try:
            _review, action = await reviews_repository.record_review(
                ReviewInput(code=values["code"][:80] or "?", reviewed_on=day,
                            conclusion=values["conclusion"][:20] or "?", note=values["note"]),
                source="web", recorded_by=_who(request))
        except InvalidFieldError as exc:
            return await self._calendar(request, None, None, status_code=400, values=values,
                                        problem=str(exc))
        return Redirect(f"/workbench/reviews?done={action}", status_code=303)

    @get("/reviews/standards/{standard_id:int}", opt=READERS)
    async def file(self, request: Request[Any, Any, Any], standard_id: RecordId,
                   as_of: Day = None) -> Response[str]:
        _ = translator(request)
        settings: Settings = request.app.state.settings
        found = await review_file(standard_id, as_of, settings.review_cycle_years)
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/review_file.html", file=found, staff=_staff(request),
            conclusion_names={k: _(v) for k, v in CONCLUSION_WORDS.items()},
            kind_names={k: _(v) for k, v in FEEDBACK_KINDS},
            reasons=reasons_text(found.triage.reasons) if found.triage else "",
            actions=[(a.value, _(w)) for a, w in ACTION_WORDS.items()],
            suggested=_(ACTION_WORDS[found.triage.suggested]) if found.triage else "",
            message=_(DONE[done]) if done in DONE else None)

    @post("/reviews/feedback/{feedback_id:int}", opt=STAFF, status_code=303)
    async def moderate(self, request: Request[Any, Any, Any], feedback_id: RecordId,
                       data: FormData) -> Response[Any]:
        status = data.get("status") or ""
        if status not in (FeedbackStatus.ACCEPTED.value, FeedbackStatus.REJECTED.value):
            raise InvalidFieldError("status", status, "应为 accepted 或 rejected")
        done = await feedback_repository.moderate(feedback_id, FeedbackStatus(status),
                                                  by=_who(request),
                                                  now=dt.datetime.now(dt.UTC))
        return Redirect(f"/workbench/reviews/standards/{done.standard_id}?done=moderated",
                        status_code=303)

    @get("/triage", opt=READERS)
    async def triage(self, request: Request[Any, Any, Any], region: Region = None,
                     as_of: Day = None,
                     action: Annotated[TriageAction | None, QueryParameter()] = None
                     ) -> Response[str]:
        _ = translator(request)
        settings: Settings = request.app.state.settings
        # a province or city at a time: the whole country's triage is a job for the CLI
        report = await triage_repository.triage_region(
            region, as_of, action=action, cycle_years=settings.review_cycle_years) \
            if region else None
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/triage.html", report=report, region=region or "",
            action=action.value if action else "", staff=_staff(request),
            actions=[(a.value, _(w)) for a, w in ACTION_WORDS.items()],
            action_names={a.value: _(w) for a, w in ACTION_WORDS.items()},
            reasons={i.standard_id: reasons_text(i.reasons)  # the rows shown (300)
                     for i in (report.items[:300] if report else [])},
            message=_(DONE[done]) if done in DONE else None,
            export_query=urlencode({k: v for k, v in (("region", region),
                                                      ("action", action.value if action
                                                       else None)) if v}))

    @post("/triage/{standard_id:int}", opt=STAFF, status_code=303)
    async def decide(self, request: Request[Any, Any, Any], standard_id: RecordId,
                     data: FormData) -> Response[Any]:
        await triage_repository.record_decision(
            standard_id, (data.get("action") or "")[:20], (data.get("note") or "")[:2000],
            by=_who(request))
        back = data.get("back") or ""
        target = back if back.startswith("/workbench/") and "//" not in back else \
            "/workbench/triage"
        joiner = "&" if "?" in target else "?"
        return Redirect(f"{target}{joiner}done=decided", status_code=303)


class FeedbackPages(Controller):
    """The answer of the feedback form on a local standard's public page."""

    path = "/standard"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS

    @post("/feedback", opt=PUBLIC, status_code=200)
    async def send(self, request: Request[Any, Any, Any], data: FormData) -> Response[str]:
        _ = translator(request)
        code = (data.get("code") or "")[:200]
        try:
            standard = await standards_repository.find_standard(code)
        except (NotFoundError, ValueError):
            return render_page(request, "web/error.html", status_code=404,
                               heading=_("没有这个标准"), back="/",
                               message=_("请从标准页面提交反馈。"))
        back = f"/standard?{urlencode({'code': standard.code})}"
        try:
            await feedback_repository.submit_feedback(
                standard.id, FeedbackInput(kind=(data.get("kind") or "")[:20] or "?",
                                           text=(data.get("text") or "")[:2000] or " ",
                                           contact=(data.get("contact") or "")[:200]),
                address=client_address(request), now=dt.datetime.now(dt.UTC))
        except TooMuchFeedback:
            return render_page(request, "web/error.html", status_code=429, back=back,
                               heading=_("提交过于频繁"), message=_("请一小时后再试。"))
        except (InvalidFieldError, RecordNotFound):
            return render_page(request, "web/error.html", status_code=400, back=back,
                               heading=_("反馈未能提交"),
                               message=_("请选择反馈类型并填写内容。"))
        return render_page(request, "workbench/feedback_sent.html", back=back)

