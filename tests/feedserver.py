"""A site of feeds and article pages served on 127.0.0.1, for the feed tests and the feed bench.

What each path answers can be changed between two polls (``site.page(...)`` again). Pages with an
``etag`` or ``last_modified`` answer a matching conditional request with 304, as real sites do;
``slow`` pages send a byte at a time, ``huge`` ones stream until the client hangs up. Every request
is recorded with its headers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape as xml_escape


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str = ""
    last_modified: str = ""
    slow: float = 0.0  # seconds between bytes
    huge: int = 0  # bytes to stream (the body is repeated)


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self):
        site = self.server.site
        site.requests.append(Request(self.path, dict(self.headers.items()), time.monotonic()))
        route = site.routes.get(self.path)
        if route is None:
            return self._send(404, b"not here", "text/plain")
        if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
        ):
            return self._send(304, b"", "", route)
        if route.huge:
            return self._stream(route)
        if route.slow:
            return self._drip(route)
        return self._send(route.status, route.body, route.content_type, route)

    def _headers(self, status: int, content_type: str, route: Route | None, length: int | None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if route and route.etag:
            self.send_header("ETag", route.etag)
        if route and route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str, route: Route | None = None) -> None:
        self._headers(status, content_type, route, len(body) if status != 304 else None)
        if status != 304:
            self.wfile.write(body)

    def _stream(self, route: Route) -> None:
        self._headers(200, route.content_type, route, route.huge)
        chunk = (route.body * (64 * 1024 // max(len(route.body), 1) + 1))[: 64 * 1024]
        sent = 0
        try:
            while sent < route.huge:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the reader refused the rest: what the test wants

    def _drip(self, route: Route) -> None:
        self._headers(200, route.content_type, route, len(route.body))
        try:
            for byte in route.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(route.slow)
        except OSError:
            pass

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FeedSite


class FeedSite:
    """Start with ``with FeedSite() as site:`` (or ``start()``/``stop()``)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def start(self) -> FeedSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FeedSite:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: str | bytes, **route) -> str:
        """Answer ``path`` with ``body`` from now on; returns its full URL."""
        self.routes[path] = Route(body.encode("utf-8") if isinstance(body, str) else body, **route)
        return self.url(path)

    def article(self, path: str, title: str, paragraphs: list[str], **route) -> str:
        return self.serve(path, article_html(title, paragraphs), **route)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def article_html(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
        f"<nav>Home | World | Sport</nav><article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Share this article</footer></body></html>"
    )


PUBLISHED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def rss(items: list[tuple[str, str]], *, title: str = "News") -> str:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{xml_escape(t)}</title><link>{xml_escape(link)}</link><guid>{xml_escape(link)}</guid>"
        f"<pubDate>{format_datetime(PUBLISHED, usegmt=True)}</pubDate></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
        f"<channel><title>{xml_escape(title)}</title><link>http://127.0.0.1/</link><description>d</description>{entries}</channel></rss>"
    )


def atom(items: list[tuple[str, str]], *, title: str = "News") -> str:
    """An Atom 1.0 feed of (title, link) items."""
    entries = "".join(
        f'<entry><title>{xml_escape(t)}</title><link href="{xml_escape(link)}"/><id>{xml_escape(link)}</id>'
        "<updated>2026-12-01T10:00:00Z</updated></entry>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_escape(title)}</title><id>urn:feed</id><updated>2026-12-01T10:00:00Z</updated>"
        f"{entries}</feed>"
    )
