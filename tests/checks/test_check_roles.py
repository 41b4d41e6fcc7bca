"""The roles the 标准查新 and watch routes state: short checks public, documents and watches
for anyone signed in, the one-click check for enterprises only."""

from __future__ import annotations

from litestar import Litestar

from tests.api.test_people_roles import stated_roles

SIGNED_IN = frozenset({"staff", "leader", "enterprise"})
ROUTE_ROLES = {
    ("POST", "/api/checks"): "public", ("POST", "/api/checks/report"): "public",
    ("POST", "/api/checks/files"): SIGNED_IN, ("POST", "/api/checks/files/report"): SIGNED_IN,
    ("GET", "/checks"): "public", ("POST", "/checks"): "public",
    ("GET", "/portal/checks"): frozenset({"enterprise"}),
    ("POST", "/portal/checks"): frozenset({"enterprise"}),
    ("GET", "/api/watches"): SIGNED_IN, ("POST", "/api/watches"): SIGNED_IN,
    ("DELETE", "/api/watches/{watch_id:int}"): SIGNED_IN,
    ("GET", "/api/watches/{watch_id:int}/deliveries"): SIGNED_IN,
    ("GET", "/api/watches/notices"): SIGNED_IN,
    ("POST", "/api/watches/notices/read"): SIGNED_IN,
    ("GET", "/watches"): SIGNED_IN, ("POST", "/watches"): SIGNED_IN,
    ("POST", "/watches/{watch_id:int}/delete"): SIGNED_IN, ("POST", "/watches/read"): SIGNED_IN,
}

CHECK_AND_WATCH_WRITES = {key for key in ROUTE_ROLES if key[0] != "GET"}
"""The write routes this file covers (tests/api/test_declarations.py leaves them to it; who
may use them is tested in tests/checks/)."""


def test_every_check_and_watch_route_states_its_roles(app: Litestar) -> None:
    stated = stated_roles(app)
    assert {key: stated.get(key) for key in ROUTE_ROLES} == ROUTE_ROLES
    mine = {key for key in stated if key[1].startswith(("/api/checks", "/checks", "/api/watches",
                                                        "/watches", "/portal/checks"))}
    assert mine == set(ROUTE_ROLES)
