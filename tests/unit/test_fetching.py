"""The URL guard decides before any connection is opened, and again as it connects.

The resolver is injected; the fetching tests connect to a server on 127.0.0.1 and nowhere else.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from compare.services.fetching import FetchError, check_url, fetch_page


def resolver_for(*addresses):
    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "0.0.0.0",
        "100.64.0.1",
        # IPv6 addresses that carry a private IPv4 one, which a translator or relay may reach.
        "::ffff:127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::1",
        "2002:a00:5::1",
        "::127.0.0.1",
    ],
)
def test_it_refuses_private_loopback_and_link_local_addresses(address):
    with pytest.raises(FetchError, match="private or local address"):
        check_url("http://news.example/page", allow_private=False, resolver=resolver_for(address))


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(FetchError):
        check_url(
            "https://news.example/", allow_private=False, resolver=resolver_for("93.184.215.14", "10.1.1.1")
        )


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "64:ff9b::808:808"]
)
def test_a_public_address_passes(address):
    url = check_url(" https://news.example/a ", allow_private=False, resolver=resolver_for(address))
    assert url == "https://news.example/a"


def test_private_addresses_pass_when_allowed():
    assert check_url("http://intranet/a", allow_private=True, resolver=resolver_for("10.0.0.2"))


@pytest.mark.parametrize(
    "url", ["ftp://news.example/a", "file:///etc/passwd", "javascript:alert(1)", "http://"]
)
def test_it_refuses_other_schemes_and_hostless_urls(url):
    with pytest.raises(FetchError):
        check_url(url, allow_private=True, resolver=resolver_for("93.184.215.14"))


def test_credentials_in_the_url_are_refused():
    with pytest.raises(FetchError, match="user name or password"):
        check_url("http://user:pw@news.example/", allow_private=False, resolver=resolver_for("93.184.215.14"))


def test_a_host_with_no_address_is_refused():
    with pytest.raises(FetchError, match="could not be found"):
        check_url("http://news.example/", allow_private=False, resolver=resolver_for())


def test_fetch_page_checks_before_connecting():
    def exploding_resolver(host, port):
        return ["10.0.0.1"]

    with pytest.raises(FetchError, match="private"):
        fetch_page("http://internal.example/", resolver=exploding_resolver)


PUBLIC = "93.184.216.34"  # stands for a public news site; ``network`` serves it from loopback


class _Recorder(BaseHTTPRequestHandler):
    """Records each request; answers /go/<url> with a redirect to <url>, anything else with a page."""

    def do_GET(self):
        self.server.requests.append((self.headers["Host"], self.path))
        if self.path.startswith("/go/"):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/go/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><body><p>Storm shuts Valletta port</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    # A short poll lets shutdown() return at once instead of after the default half second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def network(monkeypatch, server):
    """Connections to PUBLIC reach the local server, loopback is let through, anything else fails the test."""
    real_create_connection = socket.create_connection

    def fake_internet(address, *args, **kwargs):
        host = address[0]
        if host == PUBLIC:
            return real_create_connection(("127.0.0.1", server.server_port), *args, **kwargs)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:  # a name: the system would resolve it, out of the guard's sight
            loopback = False
        if not loopback:
            # AssertionError, not OSError, so urllib cannot pass it off as an ordinary fetch failure.
            raise AssertionError(f"a test tried to connect to {address}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", fake_internet)
    return server


def rebinding_resolver(host_name: str):
    """Answers ``host_name`` with PUBLIC the first time and loopback ever after, as a hostile DNS could."""
    calls = []

    def resolve(host: str, port: int) -> list[str]:
        if host != host_name:
            return [PUBLIC]
        calls.append(host)
        return [PUBLIC] if len(calls) == 1 else ["127.0.0.1"]

    resolve.calls = calls
    return resolve


def test_a_host_that_rebinds_to_loopback_after_the_check_is_refused_as_it_connects(network):
    resolver = rebinding_resolver("rebind.test")
    with pytest.raises(FetchError, match="'rebind.test' points to a private or local address"):
        fetch_page(f"http://rebind.test:{network.server_port}/", resolver=resolver)
    assert len(resolver.calls) == 2  # the check, then the connection: both answers were vetted
    assert network.requests == []


def test_a_redirect_to_a_host_that_rebinds_is_refused_as_it_connects(network):
    port = network.server_port
    resolver = rebinding_resolver("rebind.test")
    with pytest.raises(FetchError, match="'rebind.test' points to a private or local address"):
        fetch_page(f"http://news.example:{port}/go/http://rebind.test:{port}/secret", resolver=resolver)
    assert [path for _, path in network.requests] == [f"/go/http://rebind.test:{port}/secret"]


def test_a_redirect_to_a_private_address_is_refused(network):
    port = network.server_port

    def resolve(host: str, port: int) -> list[str]:
        return {"news.example": [PUBLIC], "internal.example": ["10.0.0.7"]}[host]

    with pytest.raises(FetchError, match="'internal.example' points to a private or local address"):
        fetch_page(f"http://news.example:{port}/go/http://internal.example/", resolver=resolve)
    assert len(network.requests) == 1


def test_the_connection_goes_to_the_address_the_resolver_vetted(network):
    port = network.server_port
    page = fetch_page(f"http://news.example:{port}/a", allow_private=True, resolver=resolver_for("127.0.0.1"))
    assert b"Storm shuts Valletta port" in page.data
    assert network.requests == [(f"news.example:{port}", "/a")]  # the Host header keeps the name


def test_an_environment_proxy_is_not_used(network, monkeypatch):
    """A proxy would connect wherever it likes on our behalf, out of the guard's sight."""
    port = network.server_port
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
    fetch_page(f"http://news.example:{port}/a", resolver=resolver_for(PUBLIC))
    assert network.requests == [(f"news.example:{port}", "/a")]  # a proxy would be sent the full URL


def test_https_connects_to_the_vetted_address_and_verifies_the_host_name(network, monkeypatch):
    """TLS is replaced by a pass-through that records the name the certificate would be checked against."""
    server_hostnames = []

    def recording_context():
        context = ssl.create_default_context()
        context.wrap_socket = lambda sock, server_hostname: server_hostnames.append(server_hostname) or sock
        return context

    monkeypatch.setattr(ssl, "_create_default_https_context", recording_context)
    page = fetch_page(f"https://news.example:{network.server_port}/a", resolver=resolver_for(PUBLIC))
    assert b"Storm shuts Valletta port" in page.data
    assert server_hostnames == ["news.example"]  # SNI and certificate check use the name, not the IP


def test_vetted_addresses_are_tried_in_the_resolvers_order_within_one_time_limit(server, monkeypatch):
    real_create_connection = socket.create_connection
    attempts = []

    def slow_unreachable_then_up(address, timeout=None, *args, **kwargs):
        attempts.append((address[0], timeout))
        if address[0] != PUBLIC:
            time.sleep(0.3)
            raise OSError("unreachable")
        return real_create_connection(("127.0.0.1", server.server_port), timeout, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", slow_unreachable_then_up)
    addresses = ["93.184.216.40", "93.184.216.41", PUBLIC]
    # The limit is spent on the first two before the third is tried (which may or may not answer in time).
    with contextlib.suppress(FetchError):
        fetch_page("http://news.example/", timeout=0.5, resolver=lambda host, port: addresses)
    assert [ip for ip, _ in attempts] == addresses
    assert 0.45 < attempts[0][1] <= 0.5 and attempts[1][1] < 0.25 and attempts[2][1] < 0.05


def test_the_system_resolver_keeps_the_systems_order_of_preference(monkeypatch):
    from compare.services.fetching import system_resolver

    answers = [
        (socket.AF_INET, 0, 0, "", ("93.184.216.34", 80)),
        (socket.AF_INET6, 0, 0, "", ("2606:2800::1", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers + answers)
    assert system_resolver("news.example", 80) == ["93.184.216.34", "2606:2800::1"]


@contextlib.contextmanager
def raw_server(payload: bytes, *, drip: float = 0.0):
    """A loopback server answering one request with these bytes (``drip``: one byte at a time)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)

    def serve():
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                if drip:
                    for byte in payload:
                        conn.sendall(bytes([byte]))
                        time.sleep(drip)
                else:
                    conn.sendall(payload)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/story"
    finally:
        listener.close()
        thread.join(timeout=5)


BAD_RESPONSES = {
    "garbled status line": b"HELLO THERE\r\n\r\n",
    "endless header": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n",
    "broken chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n",
    "short body": b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<p>only this</p>",
    "malformed redirect": b"HTTP/1.1 302 Found\r\nLocation: http://[::1/\r\nContent-Length: 0\r\n\r\n",
    "nothing at all": b"",
}


@pytest.mark.parametrize("payload", BAD_RESPONSES.values(), ids=BAD_RESPONSES.keys())
def test_a_response_that_is_not_valid_http_is_a_clear_fetch_error(payload):
    with raw_server(payload) as url, pytest.raises(FetchError) as refused:
        fetch_page(url, allow_private=True, timeout=5)
    assert "could not be fetched" in str(refused.value) or "not a valid" in str(refused.value)


@pytest.mark.parametrize(
    "host", ["ü" * 60 + ".example", "a" * 64 + ".example", ".".join(["abcdefghij"] * 30), "a..b.example"]
)
def test_a_host_name_dns_cannot_carry_is_refused_before_resolving(host):
    def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("resolved")

    with pytest.raises(FetchError, match="host name"):
        check_url(f"http://{host}/", allow_private=False, resolver=resolver)


def test_the_system_resolver_turns_an_idna_failure_into_a_fetch_error():
    from compare.services.fetching import system_resolver

    with pytest.raises(FetchError, match="could not be found"):
        system_resolver("ü" * 60 + ".example", 80)


SLOW_PAGE = b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n" + b"<p>" + b"a" * 53 + b"</p>"


def test_a_page_that_drips_in_is_cut_off_at_the_overall_time_limit():
    # Each byte arrives well within the socket timeout; all of them would take 6 s.
    started = time.monotonic()
    with raw_server(SLOW_PAGE, drip=0.05) as url, pytest.raises(FetchError, match="longer than 1 seconds"):
        fetch_page(url, allow_private=True, timeout=1)
    assert time.monotonic() - started < 4  # the limit and a margin, not the 6 s the page would take


def test_a_page_within_the_time_limit_arrives_whole():
    with raw_server(SLOW_PAGE, drip=0.001) as url:
        page = fetch_page(url, allow_private=True, timeout=10)
    assert page.data == b"<p>" + b"a" * 53 + b"</p>"


def test_a_refused_connection_is_told_in_plain_words():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    with pytest.raises(FetchError) as refused:
        fetch_page(f"http://127.0.0.1:{port}/", allow_private=True, timeout=5)
    assert str(refused.value) == "The page could not be fetched: the site refused the connection."
    assert "Errno" not in str(refused.value)
