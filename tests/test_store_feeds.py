"""Feeds and the review queue in the store, on a real SQLite file: a guild's feeds, the poller's
FeedSource (also across a reopen), and review items that never come back once decided."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from feed_server import running_feed_server

from bot.feeds.fetch import Fetcher
from bot.feeds.guard import AddressPolicy, parse_allowed_hosts
from bot.feeds.limits import MAX_FEEDS_PER_GUILD, SEEN_KEPT
from bot.feeds.parse import FeedItem
from bot.feeds.poller import NewItem, Poller
from bot.feeds.schedule import PollState
from bot.feeds.urls import FeedInputError
from bot.models import ADDED, DISMISSED
from bot.store import open_store

GUILD_A = 111111111111111111
GUILD_B = 222222222222222222
MOD, OTHER_MOD = 333333333333333333, 444444444444444444
CHANNEL = 555555555555555555
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example.org/feed.xml"


async def add(store, guild=GUILD_A, url=URL, keywords=()):
    feed, added = await store.add_feed(
        guild, MOD, url=url, keywords=keywords, review_channel_id=CHANNEL
    )
    assert added
    return feed


def item(key: str, link: str | None = None, title: str = "A story") -> FeedItem:
    return FeedItem(key, title, link, datetime(2024, 5, 17, 16, tzinfo=UTC), "Summary.")


async def test_a_guild_follows_each_address_once_and_at_most_so_many(store):
    feed = await add(store, keywords=("Sutskever", "Jan Leike"))
    again, added = await store.add_feed(
        GUILD_A, MOD, url=URL, keywords=(), review_channel_id=CHANNEL
    )
    assert (again, added) == (feed, False)
    assert feed.keywords == ("Sutskever", "Jan Leike") and feed.state == PollState()
    await add(store, guild=GUILD_B)  # another guild's feed of the same address
    for n in range(1, MAX_FEEDS_PER_GUILD):
        await add(store, url=f"{URL}?n={n}")
    with pytest.raises(FeedInputError, match="already follows 10 feeds"):
        await add(store, url=f"{URL}?n=more")
    followed = await store.feeds(GUILD_A)
    assert len(followed) == MAX_FEEDS_PER_GUILD and followed[0] == feed
    history = await store.history(GUILD_A, feed.id, 0, 10)
    assert history.items[0].after["url"] == URL


async def test_due_feeds_skip_paused_ones_and_unserved_guilds(store):
    a = await add(store)
    b = await add(store, guild=GUILD_B)
    later = PollState(last_checked=NOW, next_check=NOW + timedelta(minutes=10))
    await store.save_state(b.id, later)

    assert [f.id for f in await store.due_feeds(NOW)] == [a.id]
    assert [f.id for f in await store.due_feeds(NOW + timedelta(minutes=10))] == [a.id, b.id]
    assert await store.due_feeds(NOW, guild_ids=[GUILD_B]) == []
    assert await store.pause_feed(GUILD_B, MOD, a.id, True) is None  # not theirs
    paused = await store.pause_feed(GUILD_A, MOD, a.id, True)
    assert paused.paused and await store.due_feeds(NOW) == []
    await store.save_state(a.id, later)
    resumed = await store.pause_feed(GUILD_A, MOD, a.id, False)
    assert resumed.state.next_check is None  # due at once
    assert [f.id for f in await store.due_feeds(NOW)] == [a.id]


async def test_poll_state_and_seen_keys_survive_reopening(store, settings, story):
    feed = await add(store)
    state = PollState(
        last_checked=NOW,
        next_check=NOW + timedelta(minutes=11, microseconds=5),
        failures=2,
        failing_since=NOW - timedelta(hours=2),
        last_error="answered 404 (Not Found)",
        new_items=3,
        sent_items=1,
        etag='"abc"',
        last_modified="Sat, 18 May 2024 20:05:00 GMT",
    )
    await store.save_state(feed.id, state)
    await store.mark_seen(feed.id, ["a", "b"], NOW)

    reopened = await open_store(settings.database_path, story)
    try:
        [again] = await reopened.feeds(GUILD_A)
        assert again.state == state
        assert await reopened.seen_keys(feed.id, ["a", "c", "b"]) == {"a", "b"}
        # Keys older than SEEN_KEPT are forgotten as new ones are remembered.
        await reopened.mark_seen(feed.id, ["c"], NOW + SEEN_KEPT + timedelta(seconds=1))
        assert await reopened.seen_keys(feed.id, ["a", "b", "c"]) == {"c"}
    finally:
        await reopened.close()


async def test_removing_a_feed_forgets_its_keys_but_keeps_its_review_items(store):
    feed = await add(store)
    await store.mark_seen(feed.id, ["a"], NOW)
    queued = await store.add_review_item(feed, "The Test Desk", item("a", "https://x.org/a"))
    await store.set_review_card(queued.id, CHANNEL, 777)

    assert await store.remove_feed(GUILD_B, MOD, feed.id) is None
    assert (await store.remove_feed(GUILD_A, MOD, feed.id)).id == feed.id

    assert await store.feeds(GUILD_A) == []
    kept = await store.review_item(GUILD_A, queued.id)
    assert kept.feed_id is None and kept.pending
    await store.mark_seen(feed.id, ["late"], NOW)  # a poll that was under way: no error
    assert await store.seen_keys(feed.id, ["a", "late"]) == set()
    assert await store.add_review_item(feed, "The Test Desk", item("b")) is None
    readded = await add(store)
    # Items the guild already had never come back, whichever feed brings them.
    assert await store.add_review_item(readded, "Desk", item("a")) is None


async def test_a_guild_gets_an_item_once_by_id_or_link_from_any_of_its_feeds(store):
    one = await add(store)
    two = await add(store, url=URL + "?section=ai")
    theirs = await add(store, guild=GUILD_B)
    first = await store.add_review_item(one, "Desk", item("id-1", "https://x.org/story"))
    await store.set_review_card(first.id, CHANNEL, 777)

    # The poller counts what the guild has a card for as seen, whichever feed brought it.
    keys = ["id-1", "https://x.org/story", "id-9"]
    assert await store.seen_keys(two.id, keys) == {"id-1", "https://x.org/story"}
    assert await store.seen_keys(theirs.id, keys) == set()
    assert await store.add_review_item(one, "Desk", item("id-1")) is None
    assert await store.add_review_item(two, "Desk", item("id-2", "https://x.org/story")) is None
    assert await store.add_review_item(theirs, "Desk", item("id-1", "https://x.org/story"))
    # Stored, but its card never posted (the send failed): it comes back to be posted.
    unposted = await store.add_review_item(one, "Desk", item("id-3"))
    assert await store.add_review_item(one, "Desk", item("id-3")) == unposted


async def test_the_first_decision_stands(store):
    feed = await add(store)
    queued = await store.add_review_item(feed, "Desk", item("a"))
    assert await store.decide_review_item(GUILD_B, queued.id, MOD, DISMISSED) is None

    dismissed = await store.decide_review_item(GUILD_A, queued.id, MOD, DISMISSED)
    late = await store.decide_review_item(GUILD_A, queued.id, OTHER_MOD, ADDED, entry_id=None)

    assert (dismissed.status, dismissed.decided_by) == (DISMISSED, MOD)
    assert late == dismissed


async def no_dns(host: str) -> list[str]:
    raise OSError("no DNS in tests")


async def test_the_store_is_the_pollers_feed_source_across_restarts(store, settings, story):
    delivered: list[NewItem] = []

    async def deliver(new: NewItem) -> None:
        queued = await store.add_review_item(new.feed, new.outlet, new.item)
        if queued is not None:
            delivered.append(new)

    async with running_feed_server() as server:
        await add(store, url=server.url("/rss.xml"), keywords=("Leike",))
        policy = AddressPolicy(parse_allowed_hosts("127.0.0.1"))
        async with Fetcher(policy=policy, resolve=no_dns) as fetcher:
            poller = Poller(store, fetcher, deliver, clock=lambda: NOW, random=lambda: 0.0)
            await poller.poll_due()
        assert [n.item.title for n in delivered] == ["Jan Leike explains why he resigned"]

        reopened = await open_store(settings.database_path, story)
        try:
            [again] = await reopened.feeds(GUILD_A)
            assert again.state.next_check == NOW + timedelta(minutes=10)
            server.feeds["rss.xml"] += b"\n"  # changed: a full download, same items
            later = NOW + timedelta(minutes=10)
            async with Fetcher(policy=policy, resolve=no_dns) as fetcher:
                poller = Poller(reopened, fetcher, deliver, clock=lambda: later)
                [outcome] = await poller.poll_due()
            assert outcome.sent == () and len(delivered) == 1
            assert server.hits["/rss.xml"] == 2
        finally:
            await reopened.close()


async def test_a_copy_of_the_database_carries_feeds_review_items_and_guild_people(store, tmp_path):
    toner = await store.add_person(
        GUILD_A, MOD, name="Helen Toner", role="", aliases=(), kind="person"
    )
    feed = await add(store)
    await store.mark_seen(feed.id, ["a"], NOW)
    queued = await store.add_review_item(feed, "Desk", item("b", "https://x.org/b"))
    await store.set_review_card(queued.id, CHANNEL, 777)
    exported = await store.export_data()

    copied = await open_store(tmp_path / "copy.db")
    try:
        added = await copied.import_data(exported, "export.json")
        assert (added["feeds"], added["feed_seen"], added["review_items"]) == (1, 1, 1)
        assert await copied.export_data() == exported
        assert copied.person(GUILD_A, toner.id) == toner
        assert await copied.seen_keys(feed.id, ["a", "b", "c"]) == {"a", "b"}
    finally:
        await copied.close()
