"""Fetching feeds from a real local server; refusing every address that is not public.

The server listens on 127.0.0.1 only. Host names never reach DNS: `resolve` below answers for
the names the tests use. The "test config" allows 127.0.0.1 (or the name feeds.test); the
SSRF tests use the default policy, which allows nothing private.
"""

from __future__ import annotations

import socket

import pytest
from feed_server import DATA, LAST_MODIFIED, running_feed_server
from yarl import URL

from bot.feeds.fetch import USER_AGENT, Fetcher, FetchStatus
from bot.feeds.guard import AddressPolicy, parse_allowed_hosts
from bot.feeds.parse import NotAFeed, parse_feed

NAMES = {
    "feeds.test": ["127.0.0.1"],
    "loopback.test": ["127.0.0.1"],
    "metadata.test": ["169.254.169.254"],
    "intranet.test": ["93.184.215.14", "10.0.0.1"],  # one private address is enough to refuse
}
TEST_CONFIG = AddressPolicy(parse_allowed_hosts("127.0.0.1"))


async def resolve(host: str) -> list[str]:
    if host in NAMES:
        return NAMES[host]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture
async def server():
    async with running_feed_server() as server:
        yield server


@pytest.fixture
async def fetcher():
    async with Fetcher(policy=TEST_CONFIG, resolve=resolve) as fetcher:
        yield fetcher


async def test_a_feed_comes_with_its_validators_and_our_user_agent(server, fetcher):
    result = await fetcher.fetch(server.url("/rss.xml"))

    assert result.status is FetchStatus.NEW
    assert result.body == (DATA / "story.rss").read_bytes()
    assert result.content_type == "application/rss+xml"
    assert result.etag and result.etag.startswith('"')
    assert result.last_modified == LAST_MODIFIED
    assert result.url == server.url("/rss.xml")
    sent = server.headers["/rss.xml"][0]
    assert sent["User-Agent"] == USER_AGENT
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent


async def test_an_unchanged_feed_answers_304_and_keeps_its_validators(server, fetcher):
    first = await fetcher.fetch(server.url("/atom.xml"))

    again = await fetcher.fetch(server.url("/atom.xml"), etag=first.etag)
    by_date = await fetcher.fetch(server.url("/atom.xml"), last_modified=first.last_modified)

    assert again.status is by_date.status is FetchStatus.NOT_MODIFIED
    assert again.body == b"" and again.etag == first.etag
    assert by_date.last_modified == LAST_MODIFIED
    assert server.headers["/atom.xml"][1]["If-None-Match"] == first.etag
    assert server.headers["/atom.xml"][2]["If-Modified-Since"] == LAST_MODIFIED


async def test_a_changed_feed_is_sent_again_with_new_validators(server, fetcher):
    first = await fetcher.fetch(server.url("/rss.xml"))
    server.feeds["rss.xml"] = first.body.replace(b"<channel>", b"<channel><ttl>60</ttl>")

    changed = await fetcher.fetch(server.url("/rss.xml"), etag=first.etag)

    assert changed.status is FetchStatus.NEW
    assert b"<ttl>60</ttl>" in changed.body and changed.etag != first.etag


async def test_a_redirect_is_followed_and_the_final_address_reported(server, fetcher):
    result = await fetcher.fetch(server.url("/moved"))

    assert result.status is FetchStatus.NEW
    assert result.url == server.url("/rss.xml")
    assert server.hits["/moved"] == server.hits["/rss.xml"] == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "answered 404 (Not Found)"),
        ("/loop", "redirected more than 5 times"),
        ("/no-location", "answered 302 without a new address"),
        ("/huge.xml", "is larger than 2 MB"),
        ("/huge-declared.xml", "is larger than 2 MB"),
        ("/redirect?to=ftp://files.example.org/feed", "redirected to an address that must start"),
        ("/redirect?to=https://u:p@news.example.org/", "redirected to an address that must not"),
    ],
)
async def test_a_bad_feed_fails_with_a_reason_in_plain_words(server, fetcher, path, reason):
    result = await fetcher.fetch(server.url(path))

    assert result.status is FetchStatus.FAILED
    assert result.reason.startswith(reason)
    assert result.body == b""


async def test_endless_redirects_stop_after_the_limit(server, fetcher):
    await fetcher.fetch(server.url("/loop"))

    assert server.hits["/loop"] == 6  # the address itself and five redirects


@pytest.mark.parametrize("path", ["/slow.xml", "/trickle.xml"])
async def test_a_slow_feed_is_given_up_after_the_timeout(server, path):
    async with Fetcher(policy=TEST_CONFIG, resolve=resolve, timeout=0.3) as fetcher:
        result = await fetcher.fetch(server.url(path))

    assert result.status is FetchStatus.FAILED
    assert result.reason == "did not answer within 0.3 seconds"


async def test_an_html_page_is_fetched_but_refused_as_a_feed(server, fetcher):
    result = await fetcher.fetch(server.url("/page"))

    assert result.status is FetchStatus.NEW
    with pytest.raises(NotAFeed, match="sent a web page, not an RSS or Atom feed"):
        parse_feed(result.body, content_type=result.content_type, url=result.url)


async def test_malformed_xml_is_fetched_but_refused_as_a_feed(server, fetcher):
    result = await fetcher.fetch(server.url("/malformed.xml"))

    with pytest.raises(NotAFeed, match=r"sent malformed XML \(.+ at line 2\)"):
        parse_feed(result.body, content_type=result.content_type, url=result.url)


async def test_a_closed_port_and_an_unknown_name_fail_in_plain_words(fetcher):
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    closed = await fetcher.fetch(f"http://127.0.0.1:{port}/rss.xml")
    unknown = await fetcher.fetch("http://nowhere.test/rss.xml")

    assert closed.reason == "could not be reached (connection refused)"
    assert unknown.reason == "could not be found (no such server name)"


async def test_connections_use_the_injected_resolver(server):
    """feeds.test exists only in `resolve`: reaching the server proves aiohttp connected to the
    address our resolver returned (and checked), not to one from a second lookup."""
    port = URL(server.base).port
    calls: list[str] = []

    async def counting(host: str) -> list[str]:
        calls.append(host)
        return await resolve(host)

    policy = AddressPolicy(parse_allowed_hosts("feeds.test"))
    async with Fetcher(policy=policy, resolve=counting) as fetcher:
        result = await fetcher.fetch(f"http://feeds.test:{port}/rss.xml")

    assert result.status is FetchStatus.NEW
    assert calls == ["feeds.test"]
    assert server.headers["/rss.xml"][0]["Host"] == f"feeds.test:{port}"


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("http://127.0.0.1:{port}/rss.xml", "leads to 127.0.0.1"),
        ("http://10.0.0.1:{port}/rss.xml", "leads to 10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "leads to 169.254.169.254"),
        ("http://[::1]:{port}/rss.xml", "leads to ::1"),
        ("http://[::ffff:127.0.0.1]:{port}/rss.xml", "leads to ::ffff:7f00:1"),
        ("http://0.0.0.0:{port}/rss.xml", "leads to 0.0.0.0"),
        ("http://224.0.0.1/rss.xml", "leads to 224.0.0.1"),
        ("http://loopback.test:{port}/rss.xml", "loopback.test leads to 127.0.0.1"),
        ("http://metadata.test/latest/meta-data/", "metadata.test leads to 169.254.169.254"),
        ("http://intranet.test/rss.xml", "intranet.test leads to 10.0.0.1"),
    ],
)
async def test_private_and_local_addresses_are_refused_by_default(server, address, refused):
    address = address.format(port=URL(server.base).port)
    async with Fetcher(resolve=resolve) as fetcher:
        result = await fetcher.fetch(address)

    assert result.status is FetchStatus.FAILED
    assert result.reason == f"{refused}, a private or local address the bot does not contact"
    assert not server.hits


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/rss.xml",
        "http://loopback.test:{port}/rss.xml",
        "http://[::1]:{port}/rss.xml",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
async def test_a_redirect_to_a_local_address_is_refused(server, target):
    port = URL(server.base).port
    only_the_feed_host = AddressPolicy(parse_allowed_hosts("feeds.test"))
    start = f"http://feeds.test:{port}/redirect?to=" + target.format(port=port)
    async with Fetcher(policy=only_the_feed_host, resolve=resolve) as fetcher:
        result = await fetcher.fetch(start)

    assert result.status is FetchStatus.FAILED
    assert "a private or local address the bot does not contact" in result.reason
    assert result.url == target.format(port=port)
    assert server.hits == {"/redirect": 1}
