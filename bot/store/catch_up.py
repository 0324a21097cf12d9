"""/whatsnew's read and the marks it keeps: what a member has caught up on, per guild.

A member's marks are the newest entry id, quote id and text-edit number there were when they
last looked (bot.models.SeenMarks). What is new is what lies between those marks and the
newest ones now: entries and quotes with larger ids (shipped ones `db seed` adds too), and
entries seen before whose headline or body changed since (a larger text_edit). Ids and edit
numbers are handed out in the order writes commit, so a mark read in the same snapshot as the
items it bounds never skips one that commits later.

Each write here is one statement, so it runs as its own transaction on the writer (no BEGIN).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.models import NewItem, Page, Person, SeenMarks, WhatsNew
from bot.store import rows
from bot.store.reads import COUNT_CAP, ENTRY_DETAILS, _page_of
from bot.store.slices import scope_params
from bot.store.writes import now

# The marks: given (a page turn carries them), or the member's row and the newest now.
_MARKS = """
    member AS (SELECT * FROM seen_marks WHERE guild_id = :guild AND user_id = :user),
    marks AS (SELECT
        coalesce(:since_entry, (SELECT entry_id FROM member), 0) AS since_entry,
        coalesce(:since_quote, (SELECT quote_id FROM member), 0) AS since_quote,
        coalesce(:since_edit, (SELECT text_edit FROM member), 0) AS since_edit,
        coalesce(:upto_entry, (SELECT max(id) FROM entries), 0) AS upto_entry,
        coalesce(:upto_quote, (SELECT max(id) FROM quotes), 0) AS upto_quote,
        coalesce(:upto_edit, (SELECT n FROM text_edits), 0) AS upto_edit,
        (SELECT seen_at FROM member) AS seen_at)"""

# Each slice reads one scope's items between the marks from one index, newest first.
_ADDED_ENTRIES = """FROM entries WHERE scope = :{scope} AND removed_at IS NULL
    AND id > (SELECT since_entry FROM marks) AND id <= (SELECT upto_entry FROM marks)"""
_ADDED_QUOTES = """FROM quotes WHERE scope = :{scope} AND removed_at IS NULL
    AND id > (SELECT since_quote FROM marks) AND id <= (SELECT upto_quote FROM marks)"""
# Edited: entries from before the member's entry mark (newer ones are shown as added).
_EDITED_ENTRIES = """FROM entries WHERE scope = :{scope} AND removed_at IS NULL
    AND text_edit > (SELECT since_edit FROM marks) AND text_edit <= (SELECT upto_edit FROM marks)
    AND id <= (SELECT since_entry FROM marks)"""
_SLICES = (
    ("entry", "created_at", "id", _ADDED_ENTRIES),
    ("quote", "created_at", "id", _ADDED_QUOTES),
    ("edit", "text_edited_at", "text_edit", _EDITED_ENTRIES),
)

# A quote's columns beside the entry's (page.*) in one row, prefixed to keep them apart.
_QUOTE_PREFIX = "q_"
_QUOTE_FIELDS = (
    *("id", "person_id", "text", "date", "context", "source_id", "scope", "author_id"),
    *("created_at", "removed_at", "provenance", "source_name", "source_url"),
)


def _statement(scope_names: list[str]) -> str:
    """One statement: the marks, the total (none counted on a first look), and a page of items
    with their details, newest first (takes :offset and :per_page)."""
    slices, counted = [], []
    for kind, at, order, where in _SLICES:
        for name in scope_names:
            source = where.format(scope=name)
            slices.append(
                f"SELECT * FROM (SELECT '{kind}' AS kind, id, {at} AS at {source}"
                f" ORDER BY {order} DESC LIMIT :offset + :per_page)"
            )
            counted.append(f"(SELECT count(*) FROM (SELECT 1 {source} LIMIT {COUNT_CAP + 1}))")
    table_of = {"source_name": "s.name", "source_url": "s.url"}
    quote_columns = ", ".join(
        f"{table_of.get(c, 'q.' + c)} AS {_QUOTE_PREFIX}{c}" for c in _QUOTE_FIELDS
    )
    return f"""WITH {_MARKS},
    total AS (SELECT CASE WHEN (SELECT seen_at FROM marks) IS NULL AND :since_entry IS NULL
        THEN 0 ELSE {" + ".join(counted)} END AS n),
    pick AS ({" UNION ALL ".join(slices)}
        ORDER BY at DESC, kind, id DESC LIMIT :per_page OFFSET :offset)
    SELECT total.n AS total, 0 AS capped, marks.*, pick.kind, pick.at, page.*, {ENTRY_DETAILS},
        {quote_columns}
    FROM total JOIN marks LEFT JOIN pick ON 1
    LEFT JOIN entries AS page ON page.id = pick.id AND pick.kind != 'quote'
    LEFT JOIN quotes AS q ON q.id = pick.id AND pick.kind = 'quote'
    LEFT JOIN sources AS s ON s.id = q.source_id
    ORDER BY pick.at DESC, pick.kind, pick.id DESC"""


def _item(row: sqlite3.Row, people_by_id: dict[int, Person]) -> NewItem:
    if row["kind"] == "quote":
        fields = {name: row[_QUOTE_PREFIX + name] for name in _QUOTE_FIELDS}
        return NewItem(row["at"], quote=rows.quote(fields, people_by_id))
    return NewItem(row["at"], entry=rows.entry(row, people_by_id), edited=row["kind"] == "edit")


async def whats_new(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    guild_id: int,
    user_id: int,
    per_page: int,
    page: int = 0,
    window: tuple[SeenMarks, SeenMarks] | None = None,
) -> WhatsNew:
    """A page of what was added to a guild's story between the member's marks and the newest
    now (or within `window`, which a page turn carries), newest first; one statement."""
    since, upto = window if window is not None else (None, None)
    scopes = scope_params(guild_id)
    params = {
        "guild": guild_id,
        "user": user_id,
        "per_page": per_page,
        **scopes,
        **_mark_params("since", since),
        **_mark_params("upto", upto),
    }
    found, total, exact, page = await _page_of(
        conn, _statement(list(scopes)), params, page, per_page
    )
    marks = found[0]
    items = tuple(_item(row, people_by_id) for row in found if row["kind"] is not None)
    return WhatsNew(
        Page(items, total, page, per_page, exact),
        SeenMarks(marks["since_entry"], marks["since_quote"], marks["since_edit"]),
        SeenMarks(marks["upto_entry"], marks["upto_quote"], marks["upto_edit"]),
        marks["seen_at"] if window is None else None,
    )


def _mark_params(prefix: str, marks: SeenMarks | None) -> dict[str, int | None]:
    return {
        f"{prefix}_entry": marks.entry_id if marks else None,
        f"{prefix}_quote": marks.quote_id if marks else None,
        f"{prefix}_edit": marks.text_edit if marks else None,
    }


async def mark_seen(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, marks: SeenMarks
) -> None:
    """The member has seen everything up to `marks`. Marks never go back (two answers at once
    may finish in either order), and a look that finds nothing new on a day already recorded
    writes nothing (the date is all /whatsnew shows, and all pruning needs)."""
    await conn.execute(
        """INSERT INTO seen_marks (guild_id, user_id, entry_id, quote_id, text_edit, seen_at)
            VALUES (:guild, :user, :entry, :quote, :edit, :seen_at)
            ON CONFLICT (guild_id, user_id) DO UPDATE SET
                entry_id = max(entry_id, excluded.entry_id),
                quote_id = max(quote_id, excluded.quote_id),
                text_edit = max(text_edit, excluded.text_edit),
                seen_at = excluded.seen_at
            WHERE excluded.entry_id > entry_id OR excluded.quote_id > quote_id
                OR excluded.text_edit > text_edit
                OR substr(excluded.seen_at, 1, 10) > substr(seen_at, 1, 10)""",
        {
            "guild": guild_id,
            "user": user_id,
            "entry": marks.entry_id,
            "quote": marks.quote_id,
            "edit": marks.text_edit,
            "seen_at": now(),
        },
    )


async def mark_entries_seen(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, entry_id: int
) -> None:
    """The member read the timeline's newest page, up to `entry_id`: only members who use
    /whatsnew have a row to move on (no one else gets one from reading the timeline)."""
    await conn.execute(
        """UPDATE seen_marks SET entry_id = :entry, seen_at = :seen_at
            WHERE guild_id = :guild AND user_id = :user AND entry_id < :entry""",
        {"guild": guild_id, "user": user_id, "entry": entry_id, "seen_at": now()},
    )


async def prune_seen(conn: aiosqlite.Connection, older_than: timedelta) -> int:
    """Forget the marks of members who have not looked for `older_than`; how many."""
    cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="milliseconds")
    cursor = await conn.execute("DELETE FROM seen_marks WHERE seen_at < ?", (cutoff,))
    return cursor.rowcount
