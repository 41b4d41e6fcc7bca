"""Staff pages for planning: drafting projects (list with filters and the id shown, a project's
stage history, adding a stage under the stage-order rule) and goals (create, edit, archive,
progress). They call the same repositories as the API and the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect
from pydantic import ValidationError

from adoption import drafting_repository, goals_repository
from adoption.domains import DOMAIN_NAMES_ZH
from adoption.drafting import STAGE_NAMES_ZH, STAGE_ORDER_RULE, StageChange, parse_stage
from adoption.errors import DuplicateError, InvalidFieldError, StageOrderError
from adoption.goals import INDICATOR_METRICS, LOCAL_STANDARDS, GoalInput
from adoption.vocab import Domain, DraftingStage, KeyField, ProjectKind
from api.auth import Role, identity_in
from api.params import Page, RecordId
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, translator
from api.web.render import render_page

STAFF = {"roles": frozenset({Role.STAFF})}
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE_SIZE = 50
STAGE_CHOICES = [*[stage for stage in DraftingStage if stage not in (
    DraftingStage.POSTPONED, DraftingStage.CANCELLED)], DraftingStage.POSTPONED,
    DraftingStage.CANCELLED]
METRIC_LABELS = {LOCAL_STANDARDS: N_("地方标准数量"), "coverage": N_("产品标准覆盖率"),
                 "adoption": N_("采标率（产品）"), "standard-adoption": N_("采标率（标准）"),
                 "conversion": N_("国际标准转化率")}
GOAL_STATUS = {"achieved": N_("已达成"), "on_track": N_("进度正常"), "at_risk": N_("有风险"),
               "behind": N_("落后")}
DONE = {"stage": N_("阶段已记录。"), "created": N_("目标已创建。"), "saved": N_("目标已保存。"),
        "archived": N_("目标已归档：不再显示在看板上。"), "restored": N_("目标已恢复。")}


def _day(text: str | None) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidFieldError("date", text, "不是日期 is not a date (YYYY-MM-DD)") from None


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return f"{where}: {error['msg']}"
    return str(exc)


STAGE_WORDS = {
    DraftingStage.INITIATED: N_("立项"), DraftingStage.DRAFTING: N_("起草"),
    DraftingStage.CONSULTATION: N_("征求意见"), DraftingStage.REVIEW: N_("审查"),
    DraftingStage.SUBMITTED: N_("报批"), DraftingStage.PUBLISHED: N_("发布"),
    DraftingStage.FILED: N_("备案"), DraftingStage.POSTPONED: N_("延期"),
    DraftingStage.CANCELLED: N_("撤销")}
DOMAIN_WORDS = {
    Domain.SERVICE: N_("服务业"), Domain.AGRICULTURE: N_("农业"), Domain.INDUSTRY: N_("工业"),
    Domain.SOCIAL: N_("社会事业"), Domain.CULTURE: N_("文化产业"),
    Domain.SPECIAL_RESOURCE: N_("特色资源产业"), Domain.ECOLOGY: N_("生态环境")}


def _stage_names(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Stage names in the page's language (the vocabulary's Chinese names as msgids)."""
    _ = translator(request)
    assert set(STAGE_WORDS.values()) == set(STAGE_NAMES_ZH.values())
    return {stage.value: _(word) for stage, word in STAGE_WORDS.items()}


def domain_names(request: Request[Any, Any, Any]) -> dict[str, str]:
    _ = translator(request)
    assert set(DOMAIN_WORDS.values()) == set(DOMAIN_NAMES_ZH.values())
    return {domain.value: _(word) for domain, word in DOMAIN_WORDS.items()}


class PlanningPages(Controller):
    path = "/workbench"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = STAFF

    # --------------------------------------------------------------------------------------
    # Drafting projects
    # --------------------------------------------------------------------------------------

    @get("/drafting")
    async def drafting(
        self, request: Request[Any, Any, Any],
        region: Annotated[str | None, QueryParameter(max_length=6)] = None,
        stage: Annotated[str | None, QueryParameter(max_length=20)] = None,
        overdue: Annotated[str | None, QueryParameter(max_length=5)] = None,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        plan_year: Annotated[str | None, QueryParameter(max_length=4)] = None,
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
        page: Page = 1,
    ) -> Response[str]:
        region = (region or "").strip() or None
        if region and not (region.isascii() and region.isdigit() and 2 <= len(region) <= 6):
            raise InvalidFieldError("region", region, "行政区划代码前缀应为 2–6 位数字")
        wanted = parse_stage(stage) if stage else None
        year = (plan_year or "").strip()
        if year and not (year.isascii() and year.isdigit()):
            raise InvalidFieldError("plan_year", year, "计划年度应为四位数字")
        day = _day(as_of) or dt.date.today()
        filters = drafting_repository.ProjectFilters(
            region=region, stage=wanted, overdue=True if overdue else None,
            plan_year=int(year) if year else None, q=(q or "").strip() or None)
        listing = await drafting_repository.list_projects(filters, as_of=day, page=page,
                                                          page_size=PAGE_SIZE)
        values = {"region": region or "", "stage": wanted.value if wanted else "",
                  "overdue": "1" if overdue else "", "q": q or "", "plan_year": year,
                  "as_of": as_of or ""}
        return render_page(request, "workbench/drafting_list.html", listing=listing,
                           values=values, stages=STAGE_CHOICES, stage_names=_stage_names(request),
                           as_of=day, page=page,
                           query=urlencode({k: v for k, v in values.items() if v}),
                           next_page=page + 1 if page * PAGE_SIZE < listing.total else None)

    async def _project_page(self, request: Request[Any, Any, Any], project_id: int, *,
                            status_code: int = 200, error: str | None = None,
                            values: dict[str, str] | None = None) -> Response[str]:
        _ = translator(request)
        project = await drafting_repository.get_project(project_id)
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/drafting_project.html", status_code=status_code,
            project=project, stages=STAGE_CHOICES, stage_names=_stage_names(request),
            error=error, values=values or {"stage": "", "stage_on": dt.date.today().isoformat()},
            rule=STAGE_ORDER_RULE,
            domain_names=domain_names(request),
            message=_(DONE[done]) if done in DONE else None)

    @get("/drafting/{project_id:int}")
    async def project(self, request: Request[Any, Any, Any], project_id: RecordId
                      ) -> Response[str]:
        return await self._project_page(request, project_id)

    @post("/drafting/{project_id:int}/stages", status_code=303)
    async def add_stage(self, request: Request[Any, Any, Any], project_id: RecordId,
                        data: FormData) -> Response[Any]:
        """Record a stage; a refusal (the order rule, a bad date) shows the project again with
        the reason, naming the stage and the date."""
        values = {key: (data.get(key) or "").strip()[:500]
                  for key in ("stage", "stage_on", "deadline", "code", "note")}
        identity = identity_in(request)
        assert identity is not None
        try:
            change = StageChange.model_validate({
                "stage": parse_stage(values["stage"]) if values["stage"] else "",
                "stage_on": _day(values["stage_on"]) or "",
                "deadline": _day(values["deadline"]), "code": values["code"] or None,
                "note": values["note"]})
            await drafting_repository.record_stage(
                project_id, change, source=f"web:{identity.name}", now=dt.datetime.now(dt.UTC))
        except StageOrderError as exc:
            return await self._project_page(request, project_id, status_code=409,
                                            error=str(exc), values=values)
        except (InvalidFieldError, ValidationError) as exc:
            return await self._project_page(request, project_id, status_code=400,
                                            error=_problem_text(exc), values=values)
        return Redirect(f"/workbench/drafting/{project_id}?done=stage", status_code=303)

    # --------------------------------------------------------------------------------------
    # Goals
    # --------------------------------------------------------------------------------------

    def _goal_form(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        names = domain_names(request)
        return {"metrics": [LOCAL_STANDARDS, *INDICATOR_METRICS], "metric_labels": METRIC_LABELS,
                "domains": [(d.value, names[d.value]) for d in Domain],
                "key_fields": [k.value for k in KeyField],
                "kinds": [(ProjectKind.NEW.value, N_("制定")),
                          (ProjectKind.REVISION.value, N_("修订"))]}

    async def _goals_page(self, request: Request[Any, Any, Any], *, archived: bool = False,
                          status_code: int = 200, error: str | None = None,
                          values: dict[str, Any] | None = None) -> Response[str]:
        _ = translator(request)
        goals = await goals_repository.list_goals(archived=archived)
        progress = {}
        for goal in goals:
            progress[goal.id] = await goals_repository.goal_progress(goal.id)
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/goals.html", status_code=status_code, goals=goals,
            progress=progress, archived=archived, error=error,
            values=values or {"metric": LOCAL_STANDARDS, "kinds": ["new", "revision"]},
            status_names={k: _(v) for k, v in GOAL_STATUS.items()},
            message=_(DONE[done]) if done in DONE else None, **self._goal_form(request))

    @get("/goals")
    async def goals(self, request: Request[Any, Any, Any],
                    archived: Annotated[str | None, QueryParameter(max_length=5)] = None
                    ) -> Response[str]:
        return await self._goals_page(request, archived=bool(archived))

    @staticmethod
    def _goal_values(request: Request[Any, Any, Any], data: FormData) -> dict[str, Any]:
        values: dict[str, Any] = {key: (data.get(key) or "").strip()[:2000] for key in (
            "name", "name_en", "metric", "target", "region", "domain", "sector", "key_field",
            "start_on", "deadline", "note")}
        values["kinds"] = [k for k in ("new", "revision") if data.get(f"kind_{k}")]
        return values

    @staticmethod
    def _goal_input(values: dict[str, Any]) -> GoalInput:
        target = values["target"].replace("%", "")
        return GoalInput.model_validate({
            "name": values["name"], "name_en": values["name_en"], "metric": values["metric"],
            "target": float(target) if target else 0, "region": values["region"] or None,
            "domain": values["domain"] or None, "kinds": values["kinds"] or "",
            "sector": values["sector"] or None, "key_field": values["key_field"] or None,
            "start_on": _day(values["start_on"]), "deadline": _day(values["deadline"]) or "",
            "note": values["note"]})

    @post("/goals", status_code=303)
    async def create_goal(self, request: Request[Any, Any, Any], data: FormData
                          ) -> Response[Any]:
        values = self._goal_values(request, data)
        try:
            goal, _action = await goals_repository.save_goal(
                self._goal_input(values), source="web", replace=False)
        except (InvalidFieldError, ValidationError, ValueError) as exc:
            return await self._goals_page(request, status_code=400, error=_problem_text(exc),
                                          values=values)
        except DuplicateError as exc:
            return await self._goals_page(request, status_code=409, error=str(exc),
                                          values=values)
        return Redirect(f"/workbench/goals/{goal.id}?done=created", status_code=303)

    async def _goal_page(self, request: Request[Any, Any, Any], goal_id: int, *,
                         status_code: int = 200, error: str | None = None,
                         values: dict[str, Any] | None = None) -> Response[str]:
        _ = translator(request)
        goal = await goals_repository.get_goal(goal_id)
        progress = await goals_repository.goal_progress(goal.id)
        done = request.query_params.get("done")
        shown = values or {
            **goal.model_dump(mode="json"), "target": f"{goal.target:g}",
            "domain": goal.domain.value if goal.domain else "", "region": goal.region or "",
            "sector": goal.sector or "", "key_field": goal.key_field or "",
            "kinds": [k.value for k in goal.kinds]}
        return render_page(
            request, "workbench/goal.html", status_code=status_code, goal=goal,
            progress=progress, values=shown, error=error,
            status_names={k: _(v) for k, v in GOAL_STATUS.items()},
            stage_names=_stage_names(request),
            message=_(DONE[done]) if done in DONE else None, **self._goal_form(request))

    @get("/goals/{goal_id:int}")
    async def goal(self, request: Request[Any, Any, Any], goal_id: RecordId) -> Response[str]:
        return await self._goal_page(request, goal_id)

    @post("/goals/{goal_id:int}", status_code=303)
    async def save_goal(self, request: Request[Any, Any, Any], goal_id: RecordId,
                        data: FormData) -> Response[Any]:
        values = self._goal_values(request, data)
        try:
            changes = self._goal_input(values).model_dump()
            await goals_repository.update_goal(goal_id, changes)
        except (InvalidFieldError, ValidationError, ValueError) as exc:
            return await self._goal_page(request, goal_id, status_code=400,
                                         error=_problem_text(exc), values=values)
        except DuplicateError as exc:
            return await self._goal_page(request, goal_id, status_code=409, error=str(exc),
                                         values=values)
        return Redirect(f"/workbench/goals/{goal_id}?done=saved", status_code=303)

    @post("/goals/{goal_id:int}/archive", status_code=303)
    async def archive_goal(self, goal_id: RecordId) -> Response[Any]:
        await goals_repository.update_goal(goal_id, {"archived": True})
        return Redirect("/workbench/goals?done=archived", status_code=303)

    @post("/goals/{goal_id:int}/restore", status_code=303)
    async def restore_goal(self, goal_id: RecordId) -> Response[Any]:
        await goals_repository.update_goal(goal_id, {"archived": False})
        return Redirect(f"/workbench/goals/{goal_id}?done=restored", status_code=303)
