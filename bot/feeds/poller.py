"""One round of feed checks: fetch each due feed, hand its new matching items on, record what happened.

The poller owns no storage and no clock: a `FeedSource` (the store, later) lists due feeds
and remembers item keys and poll states, `clock` says what time it is, and `deliver` turns a
new item into a review card. A feed that fails in any way, or makes the bot fail, is recorded
as failing and the round goes on with the others.
"""

from __future__ import annotations

import asyncio
import logging
import random as random_module
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.feeds.fetch import Fetcher, FetchResult, FetchStatus
from bot.feeds.keywords import matches
from bot.feeds.limits import MAX_NEW_ITEMS_PER_POLL
from bot.feeds.parse import FeedItem, NotAFeed, parse_feed
from bot.feeds.schedule import PollState, Random, after_failure, after_success

log = logging.getLogger(__name__)

OUR_FAULT = "could not be checked because of an error in the bot (it has been logged)"
_LONG_AGO = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    id: int
    guild_id: int
    url: str
    keywords: tuple[str, ...] = ()  # none: every item goes to review
    review_channel_id: int | None = None
    state: PollState = field(default_factory=PollState)
    paused: bool = False  # never due while paused (`/feeds pause`)


@dataclass(frozen=True)
class NewItem:
    """What `deliver` receives: one item to show as a review card."""

    feed: Feed
    outlet: str  # the feed's title, else its host name
    item: FeedItem


@dataclass(frozen=True)
class FeedOutcome:
    feed: Feed
    state: PollState  # as recorded with `save_state`
    sent: tuple[FeedItem, ...] = ()


class FeedSource(Protocol):
    """Where the poller finds feeds and keeps what it learned; the store implements it."""

    async def due_feeds(self, now: datetime) -> Sequence[Feed]:
        """Feeds not paused whose `state.next_check` is None or not after `now`."""
        ...

    async def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """Those of `keys` recorded for this feed by `mark_seen`, before or after a restart."""
        ...

    async def mark_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        """Remember `keys` for this feed (`now` lets the store forget very old ones)."""
        ...

    async def save_state(self, feed_id: int, state: PollState) -> None: ...


Deliver = Callable[[NewItem], Awaitable[None]]


class NotDelivered(Exception):
    """`deliver` could not hand the item on for a reason it can name (the review channel is
    gone, say): logged as one line, and the item is tried again later."""


def item_keys(item: FeedItem) -> tuple[str, ...]:
    """What makes an item "seen": its id, and its link too, so a re-published item with a new
    id but the same link is not sent again."""
    return (item.id, item.link) if item.link and item.link != item.id else (item.id,)


class Poller:
    def __init__(
        self,
        source: FeedSource,
        fetcher: Fetcher,
        deliver: Deliver,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        random: Random = random_module.random,
        concurrency: int = 4,
    ) -> None:
        self._source = source
        self._fetcher = fetcher
        self._deliver = deliver
        self._clock = clock
        self._random = random
        self._slots = asyncio.Semaphore(concurrency)

    async def poll_due(self) -> list[FeedOutcome]:
        """Check every due feed (a few at a time); never raises because of one feed."""
        feeds = await self._source.due_feeds(self._clock())
        return list(await asyncio.gather(*(self._poll_with_slot(feed) for feed in feeds)))

    async def _poll_with_slot(self, feed: Feed) -> FeedOutcome:
        async with self._slots:
            return await self.poll_feed(feed)

    async def poll_feed(self, feed: Feed) -> FeedOutcome:
        """Check one feed now, whether or not it is due (e.g. right after `/feeds add`)."""
        now = self._clock()
        sent: tuple[FeedItem, ...] = ()
        try:
            result = await self._fetcher.fetch(
                feed.url, etag=feed.state.etag, last_modified=feed.state.last_modified
            )
            if result.status is FetchStatus.FAILED:
                state = after_failure(feed.state, now, result.reason, self._random)
            elif result.status is FetchStatus.NOT_MODIFIED:
                state = self._success(now, result)
            else:
                state, sent = await self._read(feed, result, now)
        except Exception:
            log.exception("Checking feed %s (%s) failed", feed.id, feed.url)
            state = after_failure(feed.state, now, OUR_FAULT, self._random)
        try:
            await self._source.save_state(feed.id, state)
        except Exception:
            log.exception("Could not save the state of feed %s", feed.id)
        return FeedOutcome(feed, state, sent)

    async def _read(
        self, feed: Feed, result: FetchResult, now: datetime
    ) -> tuple[PollState, tuple[FeedItem, ...]]:
        try:
            # feedparser is synchronous and a feed may be 2 MB: keep the event loop free.
            parsed = await asyncio.to_thread(
                parse_feed, result.body, content_type=result.content_type, url=result.url
            )
        except NotAFeed as not_a_feed:
            return after_failure(feed.state, now, str(not_a_feed), self._random), ()
        new = await self._unseen(feed, parsed.items)
        wanted = [item for item in new if matches(feed.keywords, (item.title, item.summary))]
        # Oldest first, so cards read in order; only the newest few when many arrive at once.
        wanted.sort(key=lambda item: item.published or _LONG_AGO)
        to_send = wanted[-MAX_NEW_ITEMS_PER_POLL:]
        passed_over = [item for item in new if item not in to_send]
        if passed_over:
            await self._source.mark_seen(feed.id, _keys(passed_over), now)
        sent = []
        for item in to_send:
            try:
                await self._deliver(NewItem(feed, parsed.title, item))
            except NotDelivered as refused:
                log.warning("Item %r of feed %s not delivered: %s", item.id, feed.id, refused)
                continue
            except Exception:
                # Not marked seen, so it is tried again at the next full download.
                log.exception("Could not deliver item %r of feed %s", item.id, feed.id)
                continue
            await self._source.mark_seen(feed.id, item_keys(item), now)
            sent.append(item)
        state = self._success(
            now, result, new=len(new), sent=len(sent), unsent=len(to_send) - len(sent)
        )
        return state, tuple(sent)

    async def _unseen(self, feed: Feed, items: Sequence[FeedItem]) -> list[FeedItem]:
        """Items whose keys were never marked seen, each once (feeds do repeat themselves)."""
        seen = set(await self._source.seen_keys(feed.id, _keys(items)))
        unseen = []
        for item in reversed(items):  # feeds list the newest first
            keys = item_keys(item)
            if seen.isdisjoint(keys):
                unseen.append(item)
            seen.update(keys)  # a repeat further up the feed is not new
        return unseen

    def _success(
        self, now: datetime, result: FetchResult, *, new: int = 0, sent: int = 0, unsent: int = 0
    ) -> PollState:
        # Without validators the next check downloads the feed in full, so unsent items get
        # another chance.
        return after_success(
            now,
            new_items=new,
            sent_items=sent,
            etag=None if unsent else result.etag,
            last_modified=None if unsent else result.last_modified,
            random=self._random,
        )


def _keys(items: Sequence[FeedItem]) -> list[str]:
    return list(dict.fromkeys(key for item in items for key in item_keys(item)))
