"""The store's part for feeds (bot.feeds): a guild's feeds, the poller's FeedSource, and the
review queue. Store (base.py) includes it; kept apart so each file reads on its own."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from datetime import datetime

from bot.feeds.parse import FeedItem
from bot.feeds.poller import Feed
from bot.feeds.schedule import PollState
from bot.models import ReviewItem


class FeedStore(ABC):
    @abstractmethod
    async def feeds(self, guild_id: int) -> list[Feed]: ...

    @abstractmethod
    async def add_feed(
        self,
        guild_id: int,
        actor_id: int | None,
        *,
        url: str,
        keywords: tuple[str, ...],
        review_channel_id: int,
    ) -> tuple[Feed, bool]:
        """(the new feed, True), or (the guild's feed of this address, False) if it has one;
        FeedInputError when the guild follows as many feeds as it may."""

    @abstractmethod
    async def remove_feed(self, guild_id: int, actor_id: int | None, feed_id: int) -> Feed | None:
        """Remove one of the guild's feeds; its review cards keep working."""

    @abstractmethod
    async def pause_feed(
        self, guild_id: int, actor_id: int | None, feed_id: int, paused: bool
    ) -> Feed | None:
        """Pause or resume one of the guild's feeds (resumed: due at once)."""

    @abstractmethod
    async def due_feeds(
        self, now: datetime, guild_ids: Collection[int] | None = None
    ) -> list[Feed]:
        """Unpaused feeds due at `now`, most overdue first, a round's worth at most; only of
        `guild_ids` when given (a process polls the guilds it serves)."""

    @abstractmethod
    async def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """Those of `keys` the feed has seen, or its guild has a card for (by id or link)."""

    @abstractmethod
    async def mark_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None: ...

    @abstractmethod
    async def save_state(self, feed_id: int, state: PollState) -> None: ...

    @abstractmethod
    async def add_review_item(self, feed: Feed, outlet: str, item: FeedItem) -> ReviewItem | None:
        """The item to post as a card; None when the guild had it already (by id or link, from
        any of its feeds) or the feed is gone. One stored before whose card was never posted
        comes back, so it is posted this time."""

    @abstractmethod
    async def set_review_card(self, item_id: int, channel_id: int, message_id: int) -> None: ...

    @abstractmethod
    async def review_item(self, guild_id: int, item_id: int) -> ReviewItem | None: ...

    @abstractmethod
    async def decide_review_item(
        self,
        guild_id: int,
        item_id: int,
        actor_id: int,
        status: str,
        entry_id: int | None = None,
    ) -> ReviewItem | None:
        """Record ADDED or DISMISSED if the item is still pending; the item as it is now."""
