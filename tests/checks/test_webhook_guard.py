"""Webhooks never reach the server's own network (SSRF): a URL whose host resolves to a
loopback, private, link-local, multicast, reserved or unspecified address (IPv4, IPv6, mapped)
is refused by name when a watch is saved, and again at delivery time, when the delivery goes
to the very address checked. The suite's settings allow private addresses (its receivers are
on 127.0.0.1); these tests turn that off."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest
from piccolo.engine.base import Engine

from api.app import create_app
from api.errors import WebhookRefused
from api.pipelines.watches import run_watch_digest
from api.webhook_guard import check_webhook_url, refusal
from standards.settings import Settings
from tests.adoption.helpers import account, upload_catalogue
from tests.checks.test_watches import FIRST, Receiver, clean_watches

REFUSED_URLS = [
    "http://127.0.0.1/hook", "http://127.8.9.10:8080/hook", "http://localhost/hook",
    "http://2130706433/hook",  # 127.0.0.1 written as one number
    "http://0x7f.1/hook", "http://0.0.0.0/", "http://10.1.2.3/", "http://172.16.0.1/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
    "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/", "http://[::1]/",
    "http://[::]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]:8443/", "http://[64:ff9b::a00:1]/",
    "http://[2002:7f00:1::]/", "https://127.0.0.1:8443/hook",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_urls_into_the_servers_own_network_are_refused(url: str) -> None:
    with pytest.raises(WebhookRefused) as refused:
        check_webhook_url(url, allow_private=False)
    assert url in refused.value.detail and "public" in refused.value.detail


@pytest.mark.parametrize("url", ["ftp://example.cn/x", "file:///etc/passwd", "gopher://a/",
                                 "http:///nohost", "http://example.cn:99999/"])
def test_other_schemes_and_malformed_urls_are_refused_even_when_private_is_allowed(
        url: str) -> None:
    with pytest.raises(WebhookRefused, match="webhook_url="):
        check_webhook_url(url, allow_private=True)


def test_public_addresses_pass_and_the_delivery_goes_to_the_checked_address() -> None:
    target = check_webhook_url("https://93.184.216.34:8443/in?x=1", allow_private=False)
    assert target.url == "https://93.184.216.34:8443/in?x=1"
    assert (target.host_header, target.server_name) == ("93.184.216.34:8443", "93.184.216.34")
    v6 = check_webhook_url("http://[2606:2800:220:1:248:1893:25c8:1946]/", allow_private=False)
    assert v6.url == "http://[2606:2800:220:1:248:1893:25c8:1946]/"
    local = check_webhook_url("http://localhost:8123/hook", allow_private=True)
    assert local.host_header == "localhost:8123" and local.server_name == "localhost"
    assert "http://127.0.0.1:8123/hook" in local.urls


@pytest.mark.parametrize(("address", "word"), [
    ("127.0.0.1", "loopback"), ("::ffff:192.168.0.1", "private"), ("169.254.1.1", "link-local"),
    ("0.0.0.0", "unspecified"), ("ff05::2", "multicast"), ("198.18.0.1", "private"),
    ("8.8.8.8", None), ("2001:4860:4860::8888", None), ("::ffff:8.8.8.8", None),
])
def test_why_an_address_is_refused(address: str, word: str | None) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert (reason is None) if word is None else (reason is not None and word in reason)


def test_the_setting_is_off_unless_turned_on() -> None:
    assert Settings.from_env({}).webhook_allow_private is False
    assert Settings.from_env({"STDTRACK_WEBHOOK_ALLOW_PRIVATE": "on"}).webhook_allow_private


@pytest.fixture
async def strict(settings: Settings, engine: Engine) -> AsyncIterator[
        tuple[httpx.AsyncClient, Settings]]:
    """A client of an app whose settings refuse private webhook addresses (the default)."""
    variant = dataclasses.replace(settings, webhook_allow_private=False)
    app = create_app(variant, engine=engine)
    async with app.lifespan(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        yield other, variant


@pytest.mark.anyio
@pytest.mark.usefixtures("db", "adoption_db")
async def test_saving_refuses_private_urls_and_delivery_checks_again(
        client: httpx.AsyncClient, strict: tuple[httpx.AsyncClient, Settings],
        staff_headers: dict[str, str], settings: Settings) -> None:
    strict_client, strict_settings = strict
    await clean_watches()
    person = await account(client, staff_headers, "staff")
    for url in ("http://127.0.0.1:9/hook", "http://[::ffff:169.254.169.254]/",
                "http://localhost/x"):
        refused = await strict_client.post("/api/watches", headers=person, json={
            "kind": "prefix", "value": "QC/T", "webhook_url": url})
        assert refused.status_code == 400, refused.text
        assert url in refused.json()["detail"], refused.json()
    assert (await strict_client.get("/api/watches", headers=person)).json() == []

    # a URL saved while it was allowed (or whose name resolved elsewhere then) is checked
    # again at delivery: nothing reaches the receiver, the log says why
    receiver = Receiver(failures=0)
    try:
        made = await client.post("/api/watches", headers=person, json={
            "kind": "prefix", "value": "QC/T", "webhook_url": receiver.url})
        assert made.status_code == 201, made.text
        await upload_catalogue(client, staff_headers, "guard.csv", FIRST)
        now = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC)
        report = await run_watch_digest(dt.date(2026, 1, 10), settings=strict_settings, now=now)
        assert report.notices_created == 1 and report.webhooks_delivered == 0
        [failure] = report.webhook_failures
        assert "refused" in failure and "127.0.0.1" in failure and "loopback" in failure
        assert receiver.received == []
        log = (await client.get(f"/api/watches/{made.json()['id']}/deliveries",
                                headers=person)).json()
        assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log] == [
            ("pending", 1, None)]
        assert "loopback" in log[0]["last_error"]
        # allowed again (the suite's setting), the retry is delivered to the checked address
        later = await run_watch_digest(dt.date(2026, 1, 10), settings=settings,
                                       now=now + dt.timedelta(minutes=1))
        assert later.webhooks_delivered == 1 and len(receiver.received) == 1
        headers, _body, _status = receiver.received[0]
        assert headers["Host"] == receiver.url.split("/")[2]
    finally:
        receiver.close()


@pytest.mark.anyio
@pytest.mark.usefixtures("db", "adoption_db")
async def test_a_host_name_is_delivered_to_with_its_name_in_the_host_header(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    await clean_watches()
    receiver = Receiver(failures=0)
    person = await account(client, staff_headers, "staff")
    try:
        port = receiver.server.server_port
        made = await client.post("/api/watches", headers=person, json={
            "kind": "prefix", "value": "QC/T", "webhook_url": f"http://localhost:{port}/hook"})
        assert made.status_code == 201, made.text
        await upload_catalogue(client, staff_headers, "named.csv", FIRST)
        report = await run_watch_digest(dt.date(2026, 1, 10), settings=settings)
        assert report.webhooks_delivered == 1, report.webhook_failures
        headers, _body, _status = receiver.received[0]
        assert headers["Host"] == f"localhost:{port}"
    finally:
        receiver.close()
