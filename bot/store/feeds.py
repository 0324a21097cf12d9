"""Feeds and the review queue in SQL: a guild's feeds, the poller's state and seen item keys
(the FeedSource of bot.feeds.poller), and the items posted as review cards.

Times are stored as ISO 8601 text in UTC, always with microseconds, so they compare as text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import aiosqlite

from bot.feeds.limits import MAX_FEEDS_PER_ROUND, SEEN_KEPT
from bot.feeds.parse import FeedItem
from bot.feeds.poller import Feed
from bot.feeds.schedule import PollState
from bot.feeds.urls import check_feed_count
from bot.models import ReviewItem
from bot.store.db import transaction
from bot.store.writes import audit, now


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def feed_row(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        guild_id=row["guild_id"],
        url=row["url"],
        keywords=tuple(json.loads(row["keywords"])),
        review_channel_id=row["review_channel_id"],
        paused=bool(row["paused"]),
        state=PollState(
            last_checked=moment(row["last_checked"]),
            next_check=moment(row["next_check"]),
            failures=row["failures"],
            failing_since=moment(row["failing_since"]),
            last_error=row["last_error"],
            new_items=row["new_items"],
            sent_items=row["sent_items"],
            etag=row["etag"],
            last_modified=row["last_modified"],
        ),
    )


def feed_snapshot(feed: Feed) -> dict:
    return {
        "url": feed.url,
        "keywords": list(feed.keywords),
        "review_channel_id": feed.review_channel_id,
        "paused": feed.paused,
    }


def review_row(row: sqlite3.Row) -> ReviewItem:
    return ReviewItem(
        id=row["id"],
        guild_id=row["guild_id"],
        feed_id=row["feed_id"],
        item_key=row["item_key"],
        link=row["link"],
        outlet=row["outlet"],
        title=row["title"],
        published=moment(row["published"]),
        summary=row["summary"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        status=row["status"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        entry_id=row["entry_id"],
    )


# A guild's feeds.


async def guild_feeds(conn: aiosqlite.Connection, guild_id: int) -> list[Feed]:
    found = await conn.execute_fetchall(
        "SELECT * FROM feeds WHERE guild_id = ? ORDER BY id", (guild_id,)
    )
    return [feed_row(row) for row in found]


async def _own_feed(conn: aiosqlite.Connection, guild_id: int, feed_id: int) -> Feed | None:
    found = await conn.execute_fetchall(
        "SELECT * FROM feeds WHERE id = ? AND guild_id = ?", (feed_id, guild_id)
    )
    return feed_row(found[0]) if found else None


async def add_feed(
    conn: aiosqlite.Connection,
    guild_id: int,
    actor_id: int | None,
    url: str,
    keywords: tuple[str, ...],
    review_channel_id: int,
) -> tuple[Feed, bool]:
    """The new feed and True; the guild's feed of this address and False if it has one.
    FeedInputError when the guild follows as many feeds as it may."""
    async with transaction(conn):
        found = await conn.execute_fetchall(
            "SELECT * FROM feeds WHERE guild_id = ? AND url = ?", (guild_id, url)
        )
        if found:
            return feed_row(found[0]), False
        count = await conn.execute_fetchall(
            "SELECT count(*) FROM feeds WHERE guild_id = ?", (guild_id,)
        )
        check_feed_count(count[0][0])
        found = await conn.execute_fetchall(
            """INSERT INTO feeds (guild_id, url, keywords, review_channel_id, added_by, added_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING *""",
            (guild_id, url, json.dumps(list(keywords)), review_channel_id, actor_id, now()),
        )
        feed = feed_row(found[0])
        await audit(conn, guild_id, actor_id, "add", "feed", feed.id, None, feed_snapshot(feed))
    return feed, True


async def remove_feed(
    conn: aiosqlite.Connection, guild_id: int, actor_id: int | None, feed_id: int
) -> Feed | None:
    """Remove the feed and its seen keys; its review items (and their cards) stay."""
    async with transaction(conn):
        feed = await _own_feed(conn, guild_id, feed_id)
        if feed is None:
            return None
        await conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        await audit(conn, guild_id, actor_id, "remove", "feed", feed_id, feed_snapshot(feed), None)
    return feed


async def pause_feed(
    conn: aiosqlite.Connection, guild_id: int, actor_id: int | None, feed_id: int, paused: bool
) -> Feed | None:
    """Pause or resume; a resumed feed is due at once."""
    async with transaction(conn):
        before = await _own_feed(conn, guild_id, feed_id)
        if before is None:
            return None
        found = await conn.execute_fetchall(
            """UPDATE feeds SET paused = ?, next_check = CASE WHEN ? THEN next_check END
            WHERE id = ? RETURNING *""",
            (int(paused), int(paused), feed_id),
        )
        after = feed_row(found[0])
        await audit(
            conn,
            guild_id,
            actor_id,
            "edit",
            "feed",
            feed_id,
            feed_snapshot(before),
            feed_snapshot(after),
        )
    return after


# The poller's side (FeedSource).


async def due_feeds(
    conn: aiosqlite.Connection, moment_now: datetime, guild_ids: Collection[int] | None
) -> list[Feed]:
    """Unpaused feeds due at `moment_now`, most overdue first, of `guild_ids` only if given."""
    where = "paused = 0 AND (next_check IS NULL OR next_check <= :now)"
    params: dict = {"now": iso(moment_now), "limit": MAX_FEEDS_PER_ROUND}
    if guild_ids is not None:
        where += " AND guild_id IN (SELECT value FROM json_each(:guilds))"
        params["guilds"] = json.dumps(sorted(guild_ids))
    found = await conn.execute_fetchall(
        f"SELECT * FROM feeds WHERE {where} ORDER BY next_check IS NOT NULL, next_check, id "
        "LIMIT :limit",
        params,
    )
    return [feed_row(row) for row in found]


async def seen_keys(conn: aiosqlite.Connection, feed_id: int, keys: Sequence[str]) -> set[str]:
    """Those of `keys` the feed has seen, and those its guild already has a card for (from any
    of its feeds, by id or link): a guild reviews an item once, and a card's decision stands."""
    found = await conn.execute_fetchall(
        """WITH wanted AS (SELECT value FROM json_each(:keys)),
            guild AS (SELECT guild_id FROM feeds WHERE id = :feed)
        SELECT key FROM feed_seen WHERE feed_id = :feed AND key IN wanted
        UNION SELECT item_key FROM review_items WHERE guild_id IN guild
            AND item_key IN wanted AND message_id IS NOT NULL
        UNION SELECT link FROM review_items WHERE guild_id IN guild
            AND link IN wanted AND message_id IS NOT NULL""",
        {"feed": feed_id, "keys": json.dumps(list(keys))},
    )
    return {row[0] for row in found}


async def mark_seen(
    conn: aiosqlite.Connection, feed_id: int, keys: Sequence[str], moment_now: datetime
) -> None:
    """Remember the keys (unless the feed was removed meanwhile), and forget those older than
    SEEN_KEPT."""
    async with transaction(conn):
        await conn.execute(
            """INSERT INTO feed_seen (feed_id, key, seen_at)
            SELECT :feed, value, :now FROM json_each(:keys)
            WHERE EXISTS (SELECT 1 FROM feeds WHERE id = :feed)
            ON CONFLICT (feed_id, key) DO NOTHING""",
            {"feed": feed_id, "keys": json.dumps(list(keys)), "now": iso(moment_now)},
        )
        await conn.execute(
            "DELETE FROM feed_seen WHERE feed_id = ? AND seen_at < ?",
            (feed_id, iso(moment_now - SEEN_KEPT)),
        )


async def save_state(conn: aiosqlite.Connection, feed_id: int, state: PollState) -> None:
    await conn.execute(
        """UPDATE feeds SET last_checked = ?, next_check = ?, failures = ?, failing_since = ?,
        last_error = ?, new_items = ?, sent_items = ?, etag = ?, last_modified = ?
        WHERE id = ?""",
        (
            iso(state.last_checked),
            iso(state.next_check),
            state.failures,
            iso(state.failing_since),
            state.last_error,
            state.new_items,
            state.sent_items,
            state.etag,
            state.last_modified,
            feed_id,
        ),
    )


# The review queue.


async def add_review_item(
    conn: aiosqlite.Connection, feed: Feed, outlet: str, item: FeedItem
) -> ReviewItem | None:
    """The item to post as a card; None when the guild has had it already (from any of its
    feeds, by id or link) or the feed is gone. An item stored earlier whose card was never
    posted is returned again, so a card that failed to post is tried again."""
    async with transaction(conn):
        found = await conn.execute_fetchall(
            """SELECT * FROM review_items WHERE guild_id = :guild AND item_key = :key
            UNION SELECT * FROM review_items WHERE guild_id = :guild AND link = :link
            ORDER BY id LIMIT 1""",
            {"guild": feed.guild_id, "key": item.id, "link": item.link},
        )
        if found:
            earlier = review_row(found[0])
            return earlier if earlier.message_id is None and earlier.pending else None
        found = await conn.execute_fetchall(
            """INSERT INTO review_items (guild_id, feed_id, item_key, link, outlet, title,
            published, summary, created_at)
            SELECT guild_id, id, ?, ?, ?, ?, ?, ?, ? FROM feeds WHERE id = ? RETURNING *""",
            (
                item.id,
                item.link,
                outlet,
                item.title,
                iso(item.published),
                item.summary,
                now(),
                feed.id,
            ),
        )
    return review_row(found[0]) if found else None


async def set_review_card(
    conn: aiosqlite.Connection, item_id: int, channel_id: int, message_id: int
) -> None:
    await conn.execute(
        "UPDATE review_items SET channel_id = ?, message_id = ? WHERE id = ?",
        (channel_id, message_id, item_id),
    )


async def review_item(conn: aiosqlite.Connection, guild_id: int, item_id: int) -> ReviewItem | None:
    found = await conn.execute_fetchall(
        "SELECT * FROM review_items WHERE id = ? AND guild_id = ?", (item_id, guild_id)
    )
    return review_row(found[0]) if found else None


async def decide_review_item(
    conn: aiosqlite.Connection,
    guild_id: int,
    item_id: int,
    actor_id: int,
    status: str,
    entry_id: int | None,
) -> ReviewItem | None:
    """Record the decision if the item is still pending; the item as it is now either way
    (decided by someone else first: their decision)."""
    await conn.execute(
        """UPDATE review_items SET status = ?, decided_by = ?, decided_at = ?, entry_id = ?
        WHERE id = ? AND guild_id = ? AND status = 'pending'""",
        (status, actor_id, now(), entry_id, item_id, guild_id),
    )
    return await review_item(conn, guild_id, item_id)
