"""Fetch an article page from a URL, safely.

A newsroom server must not become a way to reach its own network: every
address a host name resolves to is checked before any connection is opened,
and again for every redirect. Private, loopback, link-local and other
non-public addresses are refused unless ``ALLOW_PRIVATE_URLS`` is on (tests
serve pages on loopback that way).

The up-front check alone would not do: urllib resolves the name again to
connect, and a hostile DNS server can answer a public address to the check and
127.0.0.1 to the connection (DNS rebinding). So the connection resolves the
name itself, with the same resolver, vets those addresses and connects to them
and nothing else.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]


class FetchError(ValueError):
    """The page could not or may not be fetched; the message is for the editor.

    ``status`` is the HTTP status the site answered with, when it answered with an error.
    """

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchedPage:
    """What the site sent; ``status`` 304 means "not modified since" (no data): nothing new."""

    url: str
    data: bytes
    content_type: str
    status: int = 200
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The host name '{host}' could not be found.") from None
    return list(dict.fromkeys(info[4][0] for info in infos))  # in the system's order of preference


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
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # "http://[::1" and the like
        raise FetchError("The address is not a valid URL.") from None
    if parts.scheme not in {"http", "https"}:
        raise FetchError("Only http:// and https:// addresses can be imported.")
    if not parts.hostname:
        raise FetchError("The address has no host name.")
    _check_host_name(parts.hostname)
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not accepted.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("The address has an invalid port.") from None
    _vetted_addresses(parts.hostname, port, allow_private=allow_private, resolver=resolver)
    return url


def _check_host_name(host: str) -> None:
    """Refuse a name DNS cannot carry: a label over 63 characters once IDNA-encoded, or 253 in all."""
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        ip = None
    if ip is not None:
        return
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        raise FetchError(
            "The host name is not valid: each part between dots must be at most 63 characters "
            "(once non-Latin letters are encoded)."
        ) from None
    if len(encoded) > 253:
        raise FetchError("The host name is too long (more than 253 characters).")


def _vetted_addresses(host: str, port: int, *, allow_private: bool, resolver: Resolver) -> list[str]:
    """Resolve ``host`` once and return its addresses, unless one of them may not be reached.

    Raises:
        FetchError: the host has no address, or one of them is private or local.
    """
    addresses = resolver(host, port)
    if not addresses:
        raise FetchError(f"The host name '{host}' could not be found.")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone ("%eth0") is not part of the IP
        if not allow_private and not (ip.is_global and _embedded_ipv4_is_global(ip)):
            raise FetchError(
                f"'{host}' points to a private or local address ({ip}); importing from it is not allowed."
            )
    return addresses


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4_is_global(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """False when an IPv6 address carries a non-public IPv4 address that the network may reach.

    ``is_global`` judges 64:ff9b::7f00:1 (NAT64), 2002:7f00:1:: (6to4) and
    ::127.0.0.1 (IPv4-compatible) as public, yet a translator or relay can
    deliver them to 127.0.0.1.
    """
    if ip.version == 4:
        return True
    embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return all(v4.is_global for v4 in embedded if v4 is not None)


class _Deadline:
    """One time limit for the whole fetch: connecting, every redirect, the headers and the body.

    A socket timeout bounds each wait, not their sum: a server sending a byte
    every few seconds would hold a web worker for as long as it liked. When the
    limit passes, every socket of the fetch is shut down, which ends whatever
    read is waiting on it.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.001)

    def track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool, resolver: Resolver):
        self.allow_private = allow_private
        self.resolver = resolver

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl, allow_private=self.allow_private, resolver=self.resolver)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Opens its socket to addresses it resolved and vetted itself, never to the name."""

    def __init__(self, host: str, *, allow_private: bool, resolver: Resolver, deadline: _Deadline, **kwargs):
        super().__init__(host, **kwargs)
        self.allow_private = allow_private
        self.resolver = resolver
        self.deadline = deadline
        # HTTPConnection.connect opens the TCP socket through this attribute and nothing else, so the
        # rest of connect is kept, including HTTPS's TLS wrap with server_hostname=self.host: SNI and
        # the certificate check still use the name.
        self._create_connection = self._connect_pinned

    def _connect_pinned(
        self, address: tuple[str, int], timeout: float | None, source_address: tuple[str, int] | None
    ) -> socket.socket:
        host, port = address
        *others, last = _vetted_addresses(
            host, port, allow_private=self.allow_private, resolver=self.resolver
        )
        # The time limit covers all the attempts: a host naming many unreachable
        # addresses must not hold a web worker for the limit once per address.
        remaining = self.deadline.remaining
        for ip in others:
            try:
                return self.deadline.track(socket.create_connection((ip, port), remaining(), source_address))
            except OSError:
                pass  # try the next vetted address, as socket.create_connection does
        return self.deadline.track(socket.create_connection((last, port), remaining(), source_address))


class _PinnedHTTPSConnection(_PinnedHTTPConnection, http.client.HTTPSConnection):
    """The same under TLS: HTTPSConnection.connect wraps the pinned socket for the host name."""


class _Pinning:
    """What the pinned handlers pass to every connection they open."""

    def __init__(self, allow_private: bool, resolver: Resolver, deadline: _Deadline):
        super().__init__()
        self.pinning = {"allow_private": allow_private, "resolver": resolver, "deadline": deadline}


class _PinnedHTTPHandler(_Pinning, urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PinnedHTTPConnection, req, **self.pinning)


class _PinnedHTTPSHandler(_Pinning, urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_PinnedHTTPSConnection, req, context=self._context, **self.pinning)


def fetch_page(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 2 * 1024 * 1024,
    timeout: float = 10.0,
    resolver: Resolver = system_resolver,
    headers: dict[str, str] | None = None,
    what: str = "page",
) -> FetchedPage:
    """Download a page within a size and time limit, after the address checks.

    The up-front check gives the editor a clear reason before anything is opened; the pinned
    handlers check again, on the addresses they connect to. No proxy is used, even if the
    environment names one (``HTTP_PROXY``...): the proxy would resolve and connect on our behalf,
    out of the checks' sight.

    Args:
        headers: sent with the request (a feed's User-Agent, If-None-Match, If-Modified-Since);
            a 304 answer to a conditional request comes back as a FetchedPage with ``not_modified``.
        what: what the messages call the download ("page", "feed").
    """
    url = check_url(url, allow_private=allow_private, resolver=resolver)
    with _Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            _PinnedHTTPHandler(allow_private, resolver, deadline),
            _PinnedHTTPSHandler(allow_private, resolver, deadline),
            _GuardedRedirects(allow_private, resolver),
        )
        sent = {"User-Agent": "story-comparison/1.0 (newsroom import)", **(headers or {})}
        try:
            return _download(opener, urllib.request.Request(url, headers=sent), max_bytes, deadline, what)
        except FetchError:
            raise
        except urllib.error.HTTPError as exc:
            if exc.code == 304:  # urllib raises on anything but 2xx; 304 is the answer asked for
                return FetchedPage(
                    url=url,
                    data=b"",
                    content_type="",
                    status=304,
                    etag=exc.headers.get("ETag", ""),
                    last_modified=exc.headers.get("Last-Modified", ""),
                )
            raise _explained(url, exc, what) from None
        except Exception as exc:
            if deadline.expired:  # the shut socket surfaces as whatever the read was doing
                raise FetchError(f"The {what} took longer than {timeout:g} seconds to arrive.") from None
            raise _explained(url, exc, what) from None


def _download(
    opener, request: urllib.request.Request, max_bytes: int, deadline: _Deadline, what: str
) -> FetchedPage:
    with opener.open(request, timeout=deadline.remaining()) as response:
        chunks, size = [], 0
        while size <= max_bytes:
            # read1: what has arrived (one socket read), so the deadline is looked at between reads.
            chunk = response.read1(64 * 1024)
            if not chunk or deadline.expired:
                break
            chunks.append(chunk)
            size += len(chunk)
        if deadline.expired:
            raise TimeoutError("deadline")
        data = b"".join(chunks)
        if len(data) <= max_bytes and getattr(response, "length", None):
            # Fewer bytes than Content-Length announced: the page was cut off on the way.
            raise http.client.IncompleteRead(data, response.length)
        content_type = response.headers.get("Content-Type", "")
        final_url = response.geturl()
        etag, last_modified = response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
    if len(data) > max_bytes:
        raise FetchError(f"The {what} is larger than the {_size(max_bytes)} limit.")
    return FetchedPage(
        url=final_url, data=data, content_type=content_type, etag=etag, last_modified=last_modified
    )


def _size(limit: int) -> str:
    return f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _explained(url: str, exc: Exception, what: str = "page") -> FetchError:
    """The editor's message for a failed download; the details go to the log."""
    if isinstance(exc, urllib.error.HTTPError):
        return FetchError(f"The {what} answered with HTTP {exc.code}.", status=exc.code)
    if isinstance(exc, urllib.error.URLError | OSError):
        reason = getattr(exc, "reason", exc)
        logger.info("fetching %s failed: %r", url, reason)
        if isinstance(reason, FetchError):  # the guard refused an address it was about to connect to
            return reason
        if isinstance(reason, ssl.SSLError):
            return FetchError("The page could not be fetched: the site's security certificate is not valid.")
        if isinstance(reason, TimeoutError):
            return FetchError("The page could not be fetched: the site did not answer in time.")
        if isinstance(reason, ConnectionRefusedError):
            return FetchError("The page could not be fetched: the site refused the connection.")
        return FetchError(
            "The page could not be fetched: the site could not be reached or closed the connection."
        )
    if isinstance(exc, http.client.HTTPException | ValueError):
        # A garbled status line, an endless header, a broken chunk, a redirect to a malformed address...
        logger.info("fetching %s: invalid HTTP response: %r", url, exc)
        return FetchError("The site answered with something that is not a valid web page response.")
    raise exc
