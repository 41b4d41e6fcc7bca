"""The Litestar application factory: the composition root of every HTTP route."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Router, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router
from openapi_ui_bundles import swagger_ui
from piccolo.engine.base import Engine

from api.auth import role_guard
from api.database import configure_engine
from api.errors import EXCEPTION_HANDLERS
from api.openapi import document_answers
from api.pipelines.worker import job_lifespan
from api.portal.pages import PortalPages
from api.portal.public_pages import PublicPages
from api.portal.registration_pages import RegistrationPages
from api.routes.accounts import AccountController
from api.routes.alerts import AlertController
from api.routes.changes import ChangeAtomController, ChangeController
from api.routes.checks import CheckController
from api.routes.curation import CurationController
from api.routes.declarations import DeclarationController
from api.routes.drafting import DomainRuleController, DraftingController
from api.routes.enterprise_standards import (
    EnterpriseStandardController,
    EnterpriseStandardsOfEnterprise,
)
from api.routes.enterprises import EnterpriseController, ProductController
from api.routes.exports import ExportController
from api.routes.goals import GoalController
from api.routes.imports import ImportController
from api.routes.indicators import IndicatorController
from api.routes.jobs import JobController, ScheduleController
from api.routes.pages import PageController
from api.routes.public import PublicEnterpriseController, QrCodeController, SuggestionController
from api.routes.registrations import RegistrationController
from api.routes.reviews import (
    EvaluationController,
    FeedbackController,
    ReviewController,
    ReviewFileController,
    TriageController,
)
from api.routes.search import SearchController
from api.routes.sessions import SessionController
from api.routes.standards import StandardController
from api.routes.watches import WatchController
from api.search_service import search_lifespan
from api.web.account_pages import AccountPages
from api.web.check_pages import CheckPages, PortalCheckPages
from api.web.protocol import StdtrackApp, SwaggerPage, docs_script, security_headers
from api.web.render import API_DIR
from api.web.watch_pages import WatchPages
from api.workbench.catalogue_pages import CataloguePages
from api.workbench.job_pages import JobPages
from api.workbench.pages import WorkbenchPages
from api.workbench.planning_pages import PlanningPages
from api.workbench.review_pages import FeedbackPages, ReviewPages
from standards.db import close_engine, open_engine
from standards.settings import Settings

log = logging.getLogger("stdtrack")

SWAGGER_ASSETS = "/static/swagger"


@get("/health", opt={"roles": "public"}, include_in_schema=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/schema/openapi.json", opt={"roles": "public"}, include_in_schema=False)
async def openapi_json(request: Request) -> dict[str, Any]:
    """The OpenAPI document also at /schema/openapi.json (Swagger UI is at /docs)."""
    return request.app.openapi_schema.to_schema()


def create_app(settings: Settings, engine: Engine | None = None) -> Litestar:
    """Build the app for ``settings``.

    Args:
        engine: an engine the caller already opened and will close (tests open it on their
            own event loop); by default the app builds one and its lifespan opens and closes it.
    """
    owns_engine = engine is None
    if engine is None:
        engine = configure_engine(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not owns_engine:
            yield
            return
        await open_engine(engine)
        try:
            yield
        finally:
            await close_engine(engine)

    swagger = SwaggerPage(
        path="/",
        js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{SWAGGER_ASSETS}/favicon-32x32.png'>",
    )
    openapi = OpenAPIConfig(
        title="stdtrack",
        version="0.1.0",
        description=(
            "标准库与采标率跟踪 — standards library and adoption-rate tracker. Reference in the "
            "repository: docs/formats.md (import formats, headers and JSON keys with their "
            "aliases), docs/json.md (the JSON of reports, standards, search, indicators and "
            "goal progress), docs/indicators.md (indicator and goal rules)."
        ),
        path="/docs",
        use_handler_docstrings=True,  # a handler's docstring is its operation's description
        render_plugins=[swagger],
        # the docs pages are public like the read API; the router states it for the role guard
        openapi_router=Router(path="/docs", route_handlers=[], opt={"roles": "public"},
                              include_in_schema=False),
    )
    app = StdtrackApp(
        route_handlers=[
            health,
            openapi_json,
            docs_script,
            StandardController,
            CurationController,
            SearchController,
            ImportController,
            JobController,
            ScheduleController,
            AccountController,
            EnterpriseController,
            ProductController,
            EnterpriseStandardsOfEnterprise,
            EnterpriseStandardController,
            PublicEnterpriseController,
            QrCodeController,
            SuggestionController,
            DeclarationController,
            AlertController,
            ChangeController,
            ChangeAtomController,
            CheckController,
            WatchController,
            IndicatorController,
            DraftingController,
            DomainRuleController,
            GoalController,
            PageController,
            AccountPages,
            RegistrationPages,
            PortalPages,
            PublicPages,
            CheckPages,
            PortalCheckPages,
            WatchPages,
            WorkbenchPages,
            JobPages,
            PlanningPages,
            CataloguePages,
            ReviewPages,
            FeedbackPages,
            SessionController,
            RegistrationController,
            ExportController,
            ReviewController,
            ReviewFileController,
            EvaluationController,
            TriageController,
            FeedbackController,
            create_static_files_router(
                path="/static/dashboard",
                directories=[API_DIR / "dashboard" / "static"],
                include_in_schema=False,
                opt={"roles": "public"},
            ),
            create_static_files_router(
                path="/static/portal",
                directories=[API_DIR / "portal" / "static"],
                include_in_schema=False,
                opt={"roles": "public"},
            ),
            create_static_files_router(
                path="/static/web",
                directories=[API_DIR / "web" / "static"],
                include_in_schema=False,
                opt={"roles": "public"},
            ),
            create_static_files_router(
                path=SWAGGER_ASSETS,
                directories=[swagger_ui.static_path],
                include_in_schema=False,
                opt={"roles": "public"},
            ),
        ],
        openapi_config=openapi,
        exception_handlers=EXCEPTION_HANDLERS,
        guards=[role_guard],
        before_send=[security_headers],
        # uploads are streamed to disk and capped by STDTRACK_UPLOAD_LIMIT_MB in the route
        request_max_body_size=settings.upload_limit_bytes + 1024 * 1024,
        lifespan=[lifespan, search_lifespan(engine), job_lifespan(settings)],
        state=State({"settings": settings}),
    )
    document_answers(app)
    return app


def create_app_from_env() -> Litestar:
    """Entry point for ``uvicorn --factory api.app:create_app_from_env``."""
    return create_app(Settings.from_env(os.environ))
