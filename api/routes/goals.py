"""Goals over HTTP: staff define them, staff and leaders read them, their progress as of any
day (docs/json.md) and the burn-up series."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from adoption import goals_repository
from adoption.goals import GoalChange, GoalInput, GoalProgress, GoalRead, GoalSeries
from api.openapi import problems
from api.routes.access import STAFF, STAFF_OR_LEADER, translated


class GoalController(Controller):
    path = "/api/goals"
    tags = ["goals"]

    @get("/", summary="Goals (staff, leader)", description="Goals in force; "
         "`archived=true` lists the archived ones instead.", opt=STAFF_OR_LEADER)
    async def list_goals(
        self, archived: Annotated[bool, QueryParameter(description="the archived goals")] = False,
    ) -> list[GoalRead]:
        return await goals_repository.list_goals(archived=archived)

    @post("/", summary="Create a goal, or update the goal of that name (staff)",
          status_code=201, opt=STAFF,
          responses=problems(409, 422))
    async def save_goal(self, data: JSONBody[GoalInput]) -> GoalRead:
        with translated():
            goal, _action = await goals_repository.save_goal(data, source="api")
        return goal

    @get("/{goal:str}", summary="One goal by id or name (staff, leader)", opt=STAFF_OR_LEADER)
    async def get_goal(self, goal: FromPath[str]) -> GoalRead:
        return await goals_repository.get_goal(goal)

    @patch("/{goal:str}", summary="Change a goal, archive it or bring it back (staff)",
           description="Only the fields given change; the goal is validated as a whole. "
           "`archived: true` keeps the goal and its history but leaves it off the dashboard.",
           opt=STAFF, responses=problems(409, 422))
    async def change_goal(self, goal: FromPath[str], data: JSONBody[GoalChange]) -> GoalRead:
        found = await goals_repository.get_goal(goal)
        changes = {name: getattr(data, name) for name in data.model_fields_set}
        with translated():
            return await goals_repository.update_goal(found.id, changes)

    @delete("/{goal:str}", summary="Delete a goal by id or name (staff)", status_code=200,
            opt=STAFF)
    async def delete_goal(self, goal: FromPath[str]) -> GoalRead:
        found = await goals_repository.get_goal(goal)
        return await goals_repository.delete_goal(found.id)

    @get("/{goal:str}/progress", summary="Progress of a goal as of a day (staff, leader; "
         "docs/json.md): value, target, gap, status and its rule, time elapsed, forecast, "
         "pipeline by stage, overdue projects", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def progress(
        self, goal: FromPath[str],
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
    ) -> GoalProgress:
        with translated():
            return await goals_repository.goal_progress(goal, as_of)

    @get("/{goal:str}/series", summary="Burn-up series: value at each month end with the "
         "target line (staff, leader)", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def series(
        self, goal: FromPath[str],
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
        step: Annotated[int, QueryParameter(ge=1, le=12, description="months between "
                                            "points")] = 1,
    ) -> GoalSeries:
        with translated():
            return await goals_repository.goal_series(goal, as_of, step)
