"""Where a watch's webhook may be sent: ``http``/``https`` to public addresses only.

A saved URL could otherwise make the server POST into its own network (SSRF): the host is
resolved and every address it gives is checked — loopback, private, link-local, multicast,
reserved, unspecified, shared (100.64/10) or otherwise non-global addresses are refused, IPv4 and
IPv6 alike, IPv4-mapped (``::ffff:127.0.0.1``), NAT64 and 6to4 forms by the IPv4 address they
carry. The check runs when the watch is saved and again right before each delivery (DNS may
have changed since), and the delivery connects to the address that was checked (the URL's host
name is kept for the Host header and TLS), so a second lookup cannot point it elsewhere.
Redirects are never followed. ``STDTRACK_WEBHOOK_ALLOW_PRIVATE=on`` lifts the address check
(a closed network; the test suite's local receivers) but not the scheme check.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from api.errors import WebhookRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def refusal(address: IPAddress) -> str | None:
    """Why a webhook may not go to ``address`` (None: a public address it may go to)."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = _carried_ipv4(address)
        if carried is not None:
            reason = refusal(carried)
            return f"{reason} (carried in {address})" if reason else None
    for word, flag in (("unspecified", address.is_unspecified),
                       ("loopback", address.is_loopback),
                       ("link-local", address.is_link_local),
                       ("multicast", address.is_multicast),
                       ("private", address.is_private),
                       ("reserved", address.is_reserved)):
        if flag:
            return f"{address} is a {word} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """A checked webhook destination: the URL with each checked address in place of the host
    (in the resolver's order), and the host name for the Host header and TLS (SNI,
    certificate)."""

    urls: tuple[str, ...]
    host_header: str
    server_name: str

    @property
    def url(self) -> str:
        return self.urls[0]


def _split(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of a webhook URL.

    Raises:
        WebhookRefused: not http/https, no host, a malformed port.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise WebhookRefused(f"webhook_url={url!r}: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise WebhookRefused(f"webhook_url={url!r}: only http:// and https:// addresses may "
                             "receive webhooks")
    if not parts.hostname:
        raise WebhookRefused(f"webhook_url={url!r}: the address names no host")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to (blocking: call it in a thread)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 scope (fe80::1%eth0) is not part
        address = ipaddress.ip_address(text)
        if address not in found:
            found.append(address)
    return found


def check_webhook_url(url: str, *, allow_private: bool) -> Target:
    """Check a webhook URL and resolve its host (blocking: call it in a thread).

    Returns:
        where to connect: the addresses the host resolves to, every one of them checked.

    Raises:
        WebhookRefused: not http/https, a host that does not resolve, or one address of the
            host is not public (unless ``allow_private``); the message names the URL.
    """
    scheme, host, port = _split(url)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise WebhookRefused(f"webhook_url={url!r}: the host {host!r} cannot be resolved "
                             f"({exc})") from exc
    if not addresses:
        raise WebhookRefused(f"webhook_url={url!r}: the host {host!r} has no address")
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise WebhookRefused(
                    f"webhook_url={url!r}: {host} resolves to {reason}; webhooks are sent "
                    "only to public addresses (not to this server's own network)")
    parsed = httpx.URL(url.strip())
    default_port = (scheme == "https" and port == 443) or (scheme == "http" and port == 80)
    shown_host = f"[{host}]" if ":" in host else host
    return Target(urls=tuple(str(parsed.copy_with(host=str(a))) for a in addresses),
                  host_header=shown_host if default_port else f"{shown_host}:{port}",
                  server_name=host)


def post_checked(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool,
                 timeout: float = 10.0) -> int:
    """Check ``url`` again, then POST to the addresses just checked, the next one when one
    cannot be connected to (blocking: call it in a thread); the answer's status code.
    Redirects are not followed (a webhook answers where it was registered; a redirect counts
    as a failed attempt).

    Raises:
        WebhookRefused: the URL is refused now (see :func:`check_webhook_url`).
        httpx.HTTPError: the request failed.
    """
    target = check_webhook_url(url, allow_private=allow_private)
    extensions = {"sni_hostname": target.server_name} if target.url.startswith("https") else {}
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for index, address_url in enumerate(target.urls):
            try:
                answer = client.post(address_url, content=body,
                                     headers={**headers, "Host": target.host_header},
                                     extensions=extensions)
            except httpx.ConnectError:
                if index == len(target.urls) - 1:
                    raise
                continue  # the next checked address of the host (IPv6, then IPv4 ...)
            return answer.status_code
    raise AssertionError("unreachable: a checked target has at least one address")
