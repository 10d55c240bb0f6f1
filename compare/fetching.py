"""Fetch an article page from a URL, safely.

A newsroom server must not become a way to reach its own network: every
address a host name resolves to is checked before any connection is opened,
and again for every redirect. Private, loopback, link-local and other
non-public addresses are refused unless ``ALLOW_PRIVATE_URLS`` is on (tests
serve pages on loopback that way).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

Resolver = Callable[[str, int], list[str]]


class FetchError(ValueError):
    """The page could not or may not be fetched; the message is for the editor."""


@dataclass(frozen=True)
class FetchedPage:
    url: str
    data: bytes
    content_type: str


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"The host name '{host}' could not be found.") from None
    return sorted({info[4][0] for info in infos})


def check_url(url: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> str:
    """Refuse URLs that are not http(s) or that point at non-public addresses.

    Args:
        url: as typed by the editor.
        allow_private: let private and loopback addresses through (tests, intranets).
        resolver: host -> addresses; injected so tests never open a connection.
    Returns:
        The URL, stripped.
    Raises:
        FetchError: with the reason.
    """
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError("Only http:// and https:// addresses can be imported.")
    if not parts.hostname:
        raise FetchError("The address has no host name.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not accepted.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("The address has an invalid port.") from None
    for address in resolver(parts.hostname, port):
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global and not allow_private:
            raise FetchError(
                f"'{parts.hostname}' points to a private or local address ({ip}); "
                "importing from it is not allowed."
            )
    return url


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool, resolver: Resolver):
        self.allow_private = allow_private
        self.resolver = resolver

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl, allow_private=self.allow_private, resolver=self.resolver)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 2 * 1024 * 1024,
    timeout: float = 10.0,
    resolver: Resolver = system_resolver,
) -> FetchedPage:
    """Download a page within a size and time limit, after the address checks."""
    url = check_url(url, allow_private=allow_private, resolver=resolver)
    opener = urllib.request.build_opener(_GuardedRedirects(allow_private, resolver))
    request = urllib.request.Request(url, headers={"User-Agent": "story-comparison/1.0 (newsroom import)"})
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
            content_type = response.headers.get("Content-Type", "")
            final_url = response.geturl()
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"The page answered with HTTP {exc.code}.") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"The page could not be fetched ({reason}).") from None
    if len(data) > max_bytes:
        raise FetchError(f"The page is larger than the {max_bytes // 1024 // 1024} MB limit.")
    return FetchedPage(url=final_url, data=data, content_type=content_type)
