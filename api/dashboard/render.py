"""Page rendering: the package's Jinja templates, autoescaped, and the labels pages share."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Response

from api.auth import Identity, Role

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
HTML = "text/html; charset=utf-8"

ROLE_LABELS = {Role.LEADER: "领导 leader", Role.STAFF: "工作人员 staff",
               Role.ENTERPRISE: "企业 enterprise", Role.PUBLIC: "公众 public"}


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def render(template: str, identity: Identity | None, status_code: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> Response[str]:
    """A page as an HTML response; pages are never cached (they show a session's data)."""
    html = environment().get_template(template).render(
        identity=identity, role_label=ROLE_LABELS.get(identity.role, "") if identity else "",
        today=dt.date.today().isoformat(), **context)
    return Response(html, media_type=HTML, status_code=status_code,
                    headers={"Cache-Control": "no-store", **(headers or {})})
