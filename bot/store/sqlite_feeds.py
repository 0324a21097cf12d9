"""SqliteStore's feed methods (bot.store.feeds holds their SQL): mixed into SqliteStore.

Reads take a reader from the pool, writes the writer under its lock, as every store method.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.feeds.parse import FeedItem
from bot.feeds.poller import Feed
from bot.feeds.schedule import PollState
from bot.models import ReviewItem
from bot.store import feeds


class FeedsOnSqlite:
    # A guild's feeds.

    async def feeds(self, guild_id: int) -> list[Feed]:
        async with self._reading() as conn:
            return await feeds.guild_feeds(conn, guild_id)

    async def add_feed(
        self,
        guild_id: int,
        actor_id: int | None,
        *,
        url: str,
        keywords: tuple[str, ...],
        review_channel_id: int,
    ) -> tuple[Feed, bool]:
        async with self._writing() as conn:
            return await feeds.add_feed(conn, guild_id, actor_id, url, keywords, review_channel_id)

    async def remove_feed(self, guild_id: int, actor_id: int | None, feed_id: int) -> Feed | None:
        async with self._writing() as conn:
            return await feeds.remove_feed(conn, guild_id, actor_id, feed_id)

    async def pause_feed(
        self, guild_id: int, actor_id: int | None, feed_id: int, paused: bool
    ) -> Feed | None:
        async with self._writing() as conn:
            return await feeds.pause_feed(conn, guild_id, actor_id, feed_id, paused)

    # The poller's FeedSource.

    async def due_feeds(
        self, now: datetime, guild_ids: Collection[int] | None = None
    ) -> list[Feed]:
        async with self._reading() as conn:
            return await feeds.due_feeds(conn, now, guild_ids)

    async def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        async with self._reading() as conn:
            return await feeds.seen_keys(conn, feed_id, keys)

    async def mark_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        async with self._writing() as conn:
            await feeds.mark_seen(conn, feed_id, keys, now)

    async def save_state(self, feed_id: int, state: PollState) -> None:
        async with self._writing() as conn:
            await feeds.save_state(conn, feed_id, state)

    # The review queue.

    async def add_review_item(self, feed: Feed, outlet: str, item: FeedItem) -> ReviewItem | None:
        async with self._writing() as conn:
            return await feeds.add_review_item(conn, feed, outlet, item)

    async def set_review_card(self, item_id: int, channel_id: int, message_id: int) -> None:
        async with self._writing() as conn:
            await feeds.set_review_card(conn, item_id, channel_id, message_id)

    async def review_item(self, guild_id: int, item_id: int) -> ReviewItem | None:
        async with self._reading() as conn:
            return await feeds.review_item(conn, guild_id, item_id)

    async def decide_review_item(
        self,
        guild_id: int,
        item_id: int,
        actor_id: int,
        status: str,
        entry_id: int | None = None,
    ) -> ReviewItem | None:
        async with self._writing() as conn:
            return await feeds.decide_review_item(
                conn, guild_id, item_id, actor_id, status, entry_id
            )
