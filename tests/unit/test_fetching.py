"""The URL guard decides before any connection is opened (the resolver is injected)."""

from __future__ import annotations

import pytest

from compare.fetching import FetchError, check_url, fetch_page


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


def test_a_public_address_passes():
    url = check_url(" https://news.example/a ", allow_private=False, resolver=resolver_for("93.184.215.14"))
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


def test_fetch_page_checks_before_connecting():
    def exploding_resolver(host, port):
        return ["10.0.0.1"]

    with pytest.raises(FetchError, match="private"):
        fetch_page("http://internal.example/", resolver=exploding_resolver)
