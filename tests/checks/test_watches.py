"""Watches (关注): what each kind follows, the run that turns catalogue changes into notices
(new, new edition, replaced, withdrawn, upcoming within N days, changed), repeat runs adding
nothing, the inbox API and page with their role checks, and e-mail through a local SMTP server
that first fails and then recovers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from adoption.schemas import WatchRead
from adoption.vocab import WatchKind
from adoption.watches import matches
from api.pipelines import schedules
from api.pipelines.watches import run_watch_digest
from standards.queries import IndexSource
from standards.settings import Settings
from tests.adoption.helpers import account, enterprise, upload_catalogue
from tests.api.session_helpers import csrf_of, sign_in_with_token

HEADER = "标准号,标准名称,发布日期,实施日期,废止日期,代替标准,ICS,CCS,起草单位,归口单位"
FIRST = [
    HEADER,
    "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,,,03.120.10,A00,中国标准化研究院,"
    "全国质量管理和质量保证标准化技术委员会",
    "DB22/T 1234-2015,人参种植技术规程,2015-01-02,2015-03-01,,,65.020.20,B05,吉林农业大学,"
    "吉林省农业农村厅",
    "QC/T 29106-2014,汽车电线束技术条件,2014-10-14,2015-04-01,,,43.040.10,T36,一汽,"
    "全国汽车标准化技术委员会",
]


def source(**given: Any) -> IndexSource:
    values: dict[str, Any] = {
        "id": 1, "code": "GB/T 7714-2015", "normalized_code": "GB/T 7714-2015",
        "family_key": "GB/T 7714", "level": "national", "prefix": "GB/T", "base_prefix": "GB",
        "region_code": None, "industry_code": None, "number": "7714", "part": None,
        "year": 2015, "amendment": None, "title_zh": "信息与文献 参考文献著录规则",
        "title_en": "Information and documentation—Rules for bibliographic references",
        "published_on": None, "implemented_on": None, "effective_on": None,
        "withdrawn_on": None, "withdrawn_undated": False, "upcoming_undated": False,
        "ics": ("01.140.20",), "ccs": "A14", "scope": "本标准规定了参考文献的著录项目",
        "department": "国家标准化管理委员会",
        "technical_committee": "全国信息与文献标准化技术委员会",
        "drafters": ("北京大学信息管理系", "中国科学技术信息研究所"), "adopts": ()}
    values.update(given)
    return IndexSource(**values)


def watch(kind: WatchKind, value: str) -> WatchRead:
    return WatchRead(id=1, kind=kind, value=value, created_at=dt.datetime.now(dt.UTC))


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (WatchKind.CODE, "ＧＢ／Ｔ　７７１４", True), (WatchKind.CODE, "GB/T 7714-2005", True),
    (WatchKind.CODE, "GB/T 7713", False), (WatchKind.PREFIX, "GB/T", True),
    (WatchKind.PREFIX, "gb/t 77", True), (WatchKind.PREFIX, "GB/T 8", False),
    (WatchKind.PREFIX, "GB", False), (WatchKind.ICS, "01.140", True), (WatchKind.ICS, "01", True),
    (WatchKind.ICS, "01.14", False), (WatchKind.CCS, "A1", True), (WatchKind.CCS, "B", False),
    (WatchKind.REGION, "22", False), (WatchKind.ORGANISATION, "北京大学", True),
    (WatchKind.ORGANISATION, "信息与文献标准化技术委员会", True),
    (WatchKind.ORGANISATION, "清华大学", False), (WatchKind.QUERY, "参考文献 著录", True),
    (WatchKind.QUERY, "bibliographic RULES", True), (WatchKind.QUERY, "参考文献 人参", False),
])
def test_what_each_kind_of_watch_follows(kind: WatchKind, value: str, expected: bool) -> None:
    assert matches(watch(kind, value), source()) is expected


def test_a_region_watch_follows_local_standards_of_the_region_and_below() -> None:
    local = source(region_code="220100", normalized_code="DB2201/T 5-2020", prefix="DB2201/T")
    assert matches(watch(WatchKind.REGION, "22"), local)
    assert matches(watch(WatchKind.REGION, "2201"), local)
    assert not matches(watch(WatchKind.REGION, "2202"), local)


class Inbox:
    """A local SMTP server keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_port() -> Iterator[int]:
    yield free_port()


pytestmark_db = pytest.mark.usefixtures("db", "adoption_db")


async def clean_watches() -> None:
    """No watches, notices, deliveries or cursors (other tests' watches would match too)."""
    from adoption.tables import Watch

    for table in ("webhook_delivery", "watch_notice", "watch", "watch_cursor"):
        await Watch.raw(f"DELETE FROM {table}")


@pytest.mark.anyio
@pytestmark_db
async def test_the_watch_run_makes_notices_once_and_mails_them_when_the_server_recovers(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings,
        smtp_port: int) -> None:
    await clean_watches()
    await upload_catalogue(client, staff_headers, "before.csv", FIRST)  # before any watch
    person = await account(client, staff_headers, "leader")
    other = await account(client, staff_headers, "staff")
    made = {}
    for kind, value, extra in [
        ("code", "GB/T 19001", {"email_to": "zhang@example.cn"}),
        ("region", "22", {"events": ["upcoming", "withdrawn", "replaced"],
                          "upcoming_days": 60}),
        ("organisation", "全国汽车标准化技术委员会", {}),
        ("query", "人参 种子", {"email_to": "zhang@example.cn", "digest": "immediate"}),
        ("ics", "43.040", {"events": ["changed"]}),
    ]:
        done = await client.post("/api/watches", headers=person,
                                 json={"kind": kind, "value": value, **extra})
        assert done.status_code == 201, done.text
        made[kind] = done.json()
    assert made["code"]["label"] == "code: GB/T 19001" and made["code"]["digest"] == "daily"

    failing = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{smtp_port}")
    first = await run_watch_digest(dt.date(2026, 1, 10), settings=failing)
    assert first.notices_created == 0  # everything stored came before the watches
    assert first.standards_read == 3

    await upload_catalogue(client, staff_headers, "after.csv", [
        HEADER,
        "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,,03.120.10,A00,"
        "中国标准化研究院,全国质量管理和质量保证标准化技术委员会",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008,03.120.10,"
        "A00,中国标准化研究院,全国质量管理和质量保证标准化技术委员会",
        "DB22/T 1234-2015,人参种植技术规程,2015-01-02,2015-03-01,2026-02-01,,65.020.20,B05,"
        "吉林农业大学,吉林省农业农村厅",
        "DB22/T 3000-2025,人参种子质量分级,2025-12-01,2026-02-20,,,65.020.20,B05,"
        "吉林农业大学,吉林省农业农村厅",
        "QC/T 29106-2014,汽车电线束技术条件(修订),2014-10-14,2015-04-01,,,43.040.10,T36,一汽,"
        "全国汽车标准化技术委员会",
    ])
    second = await run_watch_digest(dt.date(2026, 1, 10), settings=failing)
    assert second.emails_sent == 0 and len(second.mail_failures) == 1  # nobody listens yet

    inbox = (await client.get("/api/watches/notices", headers=person)).json()
    got = {(n["watch_id"], n["code"], n["event"]) for n in inbox["items"]}
    assert got == {
        (made["code"]["id"], "GB/T 19001-2008", "replaced"),
        (made["code"]["id"], "GB/T 19001-2016", "new_edition"),
        (made["region"]["id"], "DB22/T 1234-2015", "withdrawn"),
        (made["region"]["id"], "DB22/T 3000-2025", "upcoming"),  # within 60 days of 01-10
        (made["query"]["id"], "DB22/T 3000-2025", "new"),
        (made["organisation"]["id"], "QC/T 29106-2014", "changed"),
        (made["ics"]["id"], "QC/T 29106-2014", "changed"),
    }
    assert inbox["unread"] == 7 and second.notices_created == 7
    by_code = {(n["code"], n["event"]): n for n in inbox["items"]}
    assert by_code[("GB/T 19001-2008", "replaced")]["detail"] == "被 GB/T 19001-2016 代替"
    assert by_code[("DB22/T 3000-2025", "upcoming")]["occurred_on"] == "2026-02-20"
    assert "title_zh" in by_code[("QC/T 29106-2014", "changed")]["detail"]

    again = await run_watch_digest(dt.date(2026, 1, 10), settings=failing)
    assert again.notices_created == 0 and again.changes_read == 0  # nothing twice

    handler = Inbox()
    server = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        recovered = await run_watch_digest(dt.date(2026, 1, 11), settings=failing)
    finally:
        server.stop()
    assert recovered.emails_sent == 1 and recovered.mail_failures == []
    [message] = handler.messages
    assert message["To"] == "zhang@example.cn"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "[被代替] GB/T 19001-2008" in body and "[新标准] DB22/T 3000-2025" in body
    assert "QC/T 29106-2014" not in body  # that watch mails nobody
    server = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        quiet = await run_watch_digest(dt.date(2026, 1, 11), settings=failing)
    finally:
        server.stop()
    assert quiet.emails_sent == 0 and len(handler.messages) == 1  # each notice mailed once

    # one's own watches and notices only
    assert (await client.get("/api/watches/notices", headers=other)).json()["total"] == 0
    assert (await client.delete(f"/api/watches/{made['code']['id']}",
                                headers=other)).status_code == 404
    assert (await client.get("/api/watches")).status_code == 401
    marked = await client.post("/api/watches/notices/read", headers=person,
                               json={"ids": [inbox["items"][0]["id"]]})
    assert marked.json() == {"marked": 1}
    unread = (await client.get("/api/watches/notices", headers=person,
                               params={"unread": True})).json()
    assert unread["total"] == 6
    assert (await client.delete(f"/api/watches/{made['code']['id']}",
                                headers=person)).status_code == 204
    left = (await client.get("/api/watches/notices", headers=person)).json()
    assert left["total"] == 5


@pytest.mark.anyio
@pytestmark_db
async def test_the_watch_page(browser: httpx.AsyncClient, staff_headers: dict[str, str],
                              settings: Settings) -> None:
    await clean_watches()
    _uscc, headers = await enterprise(browser, staff_headers)
    await sign_in_with_token(browser, headers["Authorization"].removeprefix("Bearer "))
    page = await browser.get("/watches")
    assert page.status_code == 200 and "还没有提醒" in page.text
    token = csrf_of(page.text)
    bad = await browser.post("/watches", data={"kind": "prefix", "value": "",
                                               "csrf_token": token})
    assert bad.status_code == 400 and 'id="watch-error"' in bad.text
    saved = await browser.post("/watches", data={
        "kind": "prefix", "value": "QC/T", "events": ["new", "changed"],
        "upcoming_days": "10", "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    await upload_catalogue(browser, staff_headers, "qc.csv", FIRST)
    # the daily schedule runs the digest
    said = await schedules.SCHEDULES["watch-digest"].task(settings, dt.date(2026, 1, 10))
    assert said.startswith("notices 1,"), said
    listed = await browser.get("/watches")
    assert "QC/T 29106-2014" in listed.text and "未读 1 条" in listed.text
    english = await browser.get("/watches?lang=en")
    assert "New standard" in english.text and "Code prefix" in english.text
    await browser.post("/watches/read", data={"csrf_token": token})
    assert "未读 0 条" in (await browser.get("/watches?lang=zh")).text
    assert (await browser.get("/watches", headers=staff_headers)).status_code == 200
    browser.cookies.clear()
    assert (await browser.get("/watches", follow_redirects=False)).status_code in (302, 303)



class Receiver:
    """A local webhook receiver that fails its first ``failures`` requests, then accepts."""

    def __init__(self, failures: int) -> None:
        import http.server
        import threading

        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if len(receiver.received) < receiver.failures else 204
                receiver.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.anyio
@pytestmark_db
async def test_webhooks_are_signed_logged_and_retried_with_backoff(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    import hashlib
    import hmac
    import json

    await clean_watches()
    receiver = Receiver(failures=2)
    person = await account(client, staff_headers, "staff")
    secret = "s3cret-for-the-hook-0123"
    try:
        made = await client.post("/api/watches", headers=person, json={
            "kind": "prefix", "value": "QC/T", "webhook_url": receiver.url,
            "webhook_secret": secret})
        assert made.status_code == 201, made.text
        shown = made.json()
        assert "webhook_secret" not in shown and shown["has_webhook_secret"] is True
        refused = await client.post("/api/watches", headers=person, json={
            "kind": "prefix", "value": "QC/T", "webhook_url": "ftp://example.cn/x"})
        assert refused.status_code == 400
        await upload_catalogue(client, staff_headers, "hook.csv", FIRST)
        start = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC)
        first = await run_watch_digest(dt.date(2026, 1, 10), settings=settings, now=start)
        assert first.notices_created == 1 and first.webhooks_delivered == 0
        assert first.webhook_failures == [f"{receiver.url}: HTTP 500"]
        log = (await client.get(f"/api/watches/{shown['id']}/deliveries", headers=person)).json()
        assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log] == [
            ("pending", 1, 500)]
        assert log[0]["next_attempt_at"].startswith("2026-01-10T08:01")  # 1 minute later
        too_soon = await run_watch_digest(dt.date(2026, 1, 10), settings=settings,
                                          now=start + dt.timedelta(seconds=30))
        assert too_soon.webhook_failures == [] and len(receiver.received) == 1
        second = await run_watch_digest(dt.date(2026, 1, 10), settings=settings,
                                        now=start + dt.timedelta(minutes=1))
        assert len(second.webhook_failures) == 1
        log = (await client.get(f"/api/watches/{shown['id']}/deliveries", headers=person)).json()
        assert log[0]["next_attempt_at"].startswith("2026-01-10T08:03")  # then 2 minutes
        third = await run_watch_digest(dt.date(2026, 1, 10), settings=settings,
                                       now=start + dt.timedelta(minutes=3))
        assert third.webhooks_delivered == 1
        log = (await client.get(f"/api/watches/{shown['id']}/deliveries", headers=person)).json()
        assert [(d["status"], d["attempts"], d["last_status_code"], d["notices"])
                for d in log] == [("delivered", 3, 204, 1)]
        headers, body, _status = receiver.received[-1]
        assert [r[1] for r in receiver.received] == [body] * 3  # the same delivery each time
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Stdtrack-Signature"] == expected
        payload = json.loads(body)
        assert payload["watch"]["value"] == "QC/T"
        assert [(n["code"], n["event"]) for n in payload["notices"]] == [
            ("QC/T 29106-2014", "new")]
        quiet = await run_watch_digest(dt.date(2026, 1, 10), settings=settings,
                                       now=start + dt.timedelta(minutes=10))
        assert quiet.webhooks_delivered == 0 and len(receiver.received) == 3
        other = await account(client, staff_headers, "staff")
        assert (await client.get(f"/api/watches/{shown['id']}/deliveries",
                                 headers=other)).status_code == 404
    finally:
        receiver.close()
