"""Poll rounds over a real local feed server, with an in-memory feed source and a hand-moved clock.

`MemorySource` is what the store will be: it survives a "restart" (a new Poller and Fetcher),
so deduplication across restarts is tested by keeping the source and replacing the rest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from feed_server import running_feed_server

from bot.feeds.fetch import Fetcher
from bot.feeds.guard import AddressPolicy, parse_allowed_hosts
from bot.feeds.poller import OUR_FAULT, Feed, FeedOutcome, NewItem, Poller
from bot.feeds.schedule import PollState, is_due, status_line

START = datetime(2024, 5, 18, 21, 0, tzinfo=UTC)
TEST_CONFIG = AddressPolicy(parse_allowed_hosts("127.0.0.1"))
RSS_TITLES_OLDEST_FIRST = [
    "Corrections",
    "Site notice: comments are moving",
    "Ilya Sutskever leaves OpenAI; Jakub Pachocki is the new Chief Scientist",
    "Jan Leike explains why he resigned",
    "OpenAI’s Superalignment team dissolves",
    "Sam Altman responds on exit paperwork and vested equity",
]


class MemorySource:
    """The FeedSource protocol over dictionaries."""

    def __init__(self, *feeds: Feed) -> None:
        self.feeds = {feed.id: feed for feed in feeds}
        self.seen: dict[int, set[str]] = defaultdict(set)

    async def due_feeds(self, now: datetime) -> Sequence[Feed]:
        return [feed for feed in self.feeds.values() if is_due(feed.state, now)]

    async def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        return self.seen[feed_id].intersection(keys)

    async def mark_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        self.seen[feed_id].update(keys)

    async def save_state(self, feed_id: int, state: PollState) -> None:
        self.feeds[feed_id] = replace(self.feeds[feed_id], state=state)

    def state(self, feed_id: int) -> PollState:
        return self.feeds[feed_id].state


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Bot:
    """A poller as the bot would run it, remembering what it delivered; `restart` keeps the source."""

    def __init__(
        self, source: MemorySource, clock: Clock, fail_for: set[str] = frozenset()
    ) -> None:
        self.source, self.clock, self.fail_for = source, clock, set(fail_for)
        self.delivered: list[NewItem] = []
        self.fetcher: Fetcher | None = None

    def start(self) -> Poller:
        self.fetcher = Fetcher(policy=TEST_CONFIG, resolve=_no_dns)
        return Poller(self.source, self.fetcher, self.deliver, clock=self.clock, random=lambda: 0.0)

    async def deliver(self, new: NewItem) -> None:
        if new.item.title in self.fail_for:
            raise RuntimeError("the review channel is gone")
        self.delivered.append(new)

    def titles(self) -> list[str]:
        return [new.item.title for new in self.delivered]

    async def stop(self) -> None:
        if self.fetcher:
            await self.fetcher.close()


async def _no_dns(host: str) -> list[str]:
    raise OSError("no DNS in tests")


@pytest.fixture
async def server():
    async with running_feed_server() as server:
        yield server


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
async def run(clock):
    """Makes a Bot over a source; closes every fetcher at the end."""
    bots: list[Bot] = []

    def make(source: MemorySource, **kwargs) -> Bot:
        bots.append(Bot(source, clock, **kwargs))
        return bots[-1]

    yield make
    for bot in bots:
        await bot.stop()


def feed(server, path: str, feed_id: int = 1, **kwargs) -> Feed:
    return Feed(id=feed_id, guild_id=99, url=server.url(path), review_channel_id=5, **kwargs)


async def test_a_first_check_sends_each_new_item_once_oldest_first(server, clock, run):
    source = MemorySource(feed(server, "/rss.xml"))
    bot = run(source)

    outcomes = await bot.start().poll_due()

    assert bot.titles() == RSS_TITLES_OLDEST_FIRST  # the repeated item only once
    assert {new.outlet for new in bot.delivered} == {"The Test Desk"}
    assert {new.feed.review_channel_id for new in bot.delivered} == {5}
    state = source.state(1)
    assert status_line(state, clock.now) == "last checked just now: 6 new items"
    assert state.next_check == START + timedelta(minutes=10)
    assert state.etag and state.last_modified
    assert [outcome.state for outcome in outcomes] == [state]


async def test_nothing_is_sent_twice_across_restarts_and_only_news_afterwards(server, clock, run):
    source = MemorySource(feed(server, "/rss.xml"))
    first = run(source)
    await first.start().poll_due()
    await first.stop()

    restarted = run(source)
    poller = restarted.start()
    clock.advance(minutes=11)
    await poller.poll_due()
    assert server.headers["/rss.xml"][-1]["If-None-Match"] == source.state(1).etag
    assert restarted.delivered == []

    # The outlet publishes one story and re-publishes an old one under a new guid.
    server.feeds["rss.xml"] = server.feeds["rss.xml"].replace(
        b"<item>",
        b"<item><title>Altman and Brockman respond to Leike</title>"
        b"<link>https://news.example.org/2024/05/18/response</link>"
        b"<pubDate>Sat, 18 May 2024 20:00:00 +0000</pubDate></item>"
        b"<item><title>Altman on equity (updated)</title><guid>test-desk-1004-v2</guid>"
        b"<link>https://news.example.org/2024/05/18/altman-equity</link></item><item>",
        1,
    )
    clock.advance(minutes=11)
    await poller.poll_due()

    assert restarted.titles() == ["Altman and Brockman respond to Leike"]
    assert status_line(source.state(1), clock.now) == "last checked just now: 1 new item"


async def test_lost_validators_cost_a_download_but_send_nothing_again(server, clock, run):
    source = MemorySource(feed(server, "/atom.xml"))
    bot = run(source)
    poller = bot.start()
    await poller.poll_due()
    source.feeds[1] = replace(source.feeds[1], state=PollState())

    await poller.poll_due()

    assert len(bot.delivered) == 3
    assert "If-None-Match" not in server.headers["/atom.xml"][-1]
    assert status_line(source.state(1), clock.now) == "last checked just now: nothing new"


async def test_a_feed_is_not_fetched_before_it_is_due(server, clock, run):
    source = MemorySource(feed(server, "/rss.xml"))
    poller = run(source).start()
    await poller.poll_due()

    clock.advance(minutes=9, seconds=59)
    assert await poller.poll_due() == []
    clock.advance(seconds=1)
    assert len(await poller.poll_due()) == 1
    assert server.hits["/rss.xml"] == 2


async def test_keywords_choose_what_goes_to_review(server, clock, run):
    source = MemorySource(feed(server, "/rss.xml", keywords=("Leike",)))
    bot = run(source)

    await bot.start().poll_due()

    assert bot.titles() == ["Jan Leike explains why he resigned"]
    assert status_line(source.state(1), clock.now) == (
        "last checked just now: 6 new items, 1 sent for review"
    )


async def test_accents_do_not_hide_an_item_from_keywords(server, run):
    source = MemorySource(feed(server, "/atom.xml", keywords=("demission",)))
    bot = run(source)

    await bot.start().poll_due()

    assert bot.titles() == ["Jan Leike démissionne d'OpenAI"]


async def test_a_flood_of_items_sends_only_the_newest_few(server, clock, run):
    items = "".join(
        f"<item><title>Item {n}</title><link>https://news.example.org/{n}</link>"
        f"<pubDate>Sat, 18 May 2024 {n:02d}:00:00 +0000</pubDate></item>"
        for n in range(15)
    )
    server.feeds["rss.xml"] = (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Busy</title>{items}"
        "</channel></rss>"
    ).encode()
    source = MemorySource(feed(server, "/rss.xml"))
    bot = run(source)
    poller = bot.start()

    await poller.poll_due()
    source.feeds[1] = replace(source.feeds[1], state=PollState())  # download it all again
    await poller.poll_due()

    assert bot.titles() == [f"Item {n}" for n in range(5, 15)]
    assert source.seen[1] >= {f"https://news.example.org/{n}" for n in range(15)}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "answered 404 (Not Found)"),
        ("/page", "sent a web page, not an RSS or Atom feed"),
        ("/malformed.xml", "sent malformed XML"),
        ("/huge.xml", "is larger than 2 MB"),
        ("/loop", "redirected more than 5 times"),
        ("/redirect?to=http://[::1]/", "leads to ::1, a private or local address"),
        ("/no-location", "answered 302 without a new address"),
    ],
)
async def test_a_bad_feed_never_stops_the_others(server, clock, run, path, reason):
    source = MemorySource(
        feed(server, "/rss.xml", feed_id=1),
        feed(server, path, feed_id=2),
        feed(server, "/atom.xml", feed_id=3),
    )
    bot = run(source)

    outcomes = await bot.start().poll_due()

    assert [outcome.feed.id for outcome in outcomes] == [1, 2, 3]
    assert len(bot.delivered) == 6 + 3
    bad = source.state(2)
    assert bad.failures == 1 and bad.last_error.startswith(reason)
    assert status_line(bad, clock.now).startswith(f"failing since just now: {reason}")
    assert source.state(1).failures == source.state(3).failures == 0


async def test_failing_feeds_back_off_and_recover(server, clock, run):
    server.down.add("/rss.xml")
    source = MemorySource(feed(server, "/rss.xml"))
    poller = run(source).start()

    await poller.poll_due()
    clock.advance(minutes=10)
    assert await poller.poll_due() == []  # 20 minutes after one failure
    clock.advance(minutes=10)
    await poller.poll_due()
    assert source.state(1).next_check == clock.now + timedelta(minutes=40)
    assert status_line(source.state(1), clock.now + timedelta(minutes=40)) == (
        "failing since 1 h: answered 503 (Service Unavailable)"
    )

    server.down.clear()
    clock.advance(minutes=40)
    await poller.poll_due()

    assert status_line(source.state(1), clock.now) == "last checked just now: 6 new items"
    assert source.state(1).next_check == clock.now + timedelta(minutes=10)
    assert server.hits["/rss.xml"] == 3


async def test_an_item_that_cannot_be_delivered_is_tried_again_next_time(server, clock, run):
    source = MemorySource(feed(server, "/rss.xml"))
    bot = run(source, fail_for={"Jan Leike explains why he resigned"})
    poller = bot.start()

    await poller.poll_due()
    assert len(bot.delivered) == 5
    assert status_line(source.state(1), clock.now) == (
        "last checked just now: 6 new items, 5 sent for review"
    )

    bot.fail_for.clear()
    clock.advance(minutes=10)
    await poller.poll_due()

    assert "If-None-Match" not in server.headers["/rss.xml"][-1]  # downloaded again in full
    assert bot.titles()[5:] == ["Jan Leike explains why he resigned"]
    assert source.state(1).etag  # everything delivered: validators kept again


class BrokenSource(MemorySource):
    """A store that fails for feed 2: reading seen keys, then (optionally) saving too."""

    def __init__(self, *feeds: Feed, save_fails: bool = False) -> None:
        super().__init__(*feeds)
        self.save_fails = save_fails

    async def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        if feed_id == 2:
            raise RuntimeError("database is locked")
        return await super().seen_keys(feed_id, keys)

    async def save_state(self, feed_id: int, state: PollState) -> None:
        if feed_id == 2 and self.save_fails:
            raise RuntimeError("database is locked")
        await super().save_state(feed_id, state)


async def test_an_error_in_the_bot_for_one_feed_is_logged_and_recorded(server, clock, run, caplog):
    source = BrokenSource(feed(server, "/atom.xml", feed_id=2), feed(server, "/rss.xml", feed_id=3))
    bot = run(source)

    with caplog.at_level(logging.ERROR, logger="bot.feeds.poller"):
        await bot.start().poll_due()

    assert len(bot.delivered) == 6  # feed 3
    assert source.state(2).last_error == OUR_FAULT
    assert status_line(source.state(2), clock.now) == f"failing since just now: {OUR_FAULT}"
    assert "Checking feed 2" in caplog.text and "database is locked" in caplog.text


async def test_a_state_that_cannot_be_saved_does_not_end_the_round(server, run, caplog):
    source = BrokenSource(
        feed(server, "/atom.xml", feed_id=2), feed(server, "/rss.xml", feed_id=3), save_fails=True
    )
    bot = run(source)

    with caplog.at_level(logging.ERROR, logger="bot.feeds.poller"):
        outcomes = await bot.start().poll_due()

    assert [type(outcome) for outcome in outcomes] == [FeedOutcome, FeedOutcome]
    assert source.state(2) == PollState()  # nothing saved
    assert source.state(3).new_items == 6
    assert "Could not save the state of feed 2" in caplog.text


async def test_a_feed_can_be_checked_at_once_whether_due_or_not(server, clock, run):
    source = MemorySource(feed(server, "/atom.xml"))
    bot = run(source)
    poller = bot.start()
    await poller.poll_due()

    outcome = await poller.poll_feed(source.feeds[1])

    assert outcome.sent == ()
    assert server.hits["/atom.xml"] == 2
