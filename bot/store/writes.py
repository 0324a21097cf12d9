"""Write transactions, each an async function over the store's one writer connection.

Each change and its audit row commit together, or not at all: BEGIN IMMEDIATE … COMMIT, with
the caller holding the writer's lock for the whole transaction. The row helpers (insert_entry,
update_entry, set_entry_links, insert_quote, update_quote, audit; sources.source_for_url) are shared
with seeding, so the shipped story and moderators' updates are written alike.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta

import aiosqlite

from bot.models import (
    SHIPPED,
    Entry,
    EntryAdded,
    EntryChanges,
    GuildSettings,
    MessageRef,
    Person,
    Quote,
    SettingsChanges,
    changed_fields,
)
from bot.store import reads
from bot.store.db import transaction
from bot.store.sources import source_for_url

RETRY_WINDOW = timedelta(minutes=10)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


async def audit(
    conn: aiosqlite.Connection,
    scope: int,
    actor_id: int | None,
    action: str,
    kind: str,
    target_id: int,
    before: dict | None,
    after: dict | None,
) -> None:
    await conn.execute(
        """INSERT INTO audit_log (scope, actor_id, action, target_kind, target_id, before, after, at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            scope,
            actor_id,
            action,
            kind,
            target_id,
            json.dumps(before, ensure_ascii=False) if before is not None else None,
            json.dumps(after, ensure_ascii=False) if after is not None else None,
            now(),
        ),
    )


def entry_snapshot(entry: Entry) -> dict:
    return {
        "date": entry.date.isoformat(),
        "precision": entry.precision,
        "headline": entry.headline,
        "body": entry.body,
        "people": [p.slug for p in entry.people],
        "sources": [s.url or s.name for s in entry.sources],
        "provenance": entry.provenance,
    }


def quote_snapshot(quote: Quote) -> dict:
    return {
        "person": quote.person.slug,
        "text": quote.text,
        "date": quote.date.isoformat(),
        "context": quote.context,
        "source": quote.source.url if quote.source else None,
        "provenance": quote.provenance,
    }


async def insert_entry(
    conn: aiosqlite.Connection,
    scope: int,
    author_id: int | None,
    day: date,
    precision: str,
    headline: str,
    body: str,
    seed_key: str | None = None,
    provenance: str = "",
    from_message: MessageRef | None = None,
) -> tuple[int, str]:
    """A new entry row, without links: its id and created_at."""
    created_at = now()
    found = await conn.execute_fetchall(
        """INSERT INTO entries (seed_key, scope, date, precision, headline, body, provenance,
        author_id, created_at, from_channel_id, from_message_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (
            seed_key,
            scope,
            day.isoformat(),
            precision,
            headline,
            body,
            provenance,
            author_id,
            created_at,
            from_message.channel_id if from_message else None,
            from_message.message_id if from_message else None,
        ),
    )
    return found[0][0], created_at


async def update_entry(conn: aiosqlite.Connection, entry_id: int, columns: dict) -> None:
    """Set some of date, precision, headline, body and provenance (as stored), marking it edited."""
    assignments = "".join(f"{name} = :{name}, " for name in columns)
    await conn.execute(
        f"UPDATE entries SET {assignments}edited_at = :edited_at WHERE id = :id",
        {**columns, "edited_at": now(), "id": entry_id},
    )


async def set_entry_links(
    conn: aiosqlite.Connection,
    entry_id: int,
    person_ids: list[int] | None,
    source_ids: list[int] | None,
    *,
    new: bool = False,
) -> None:
    """Replace an entry's people and/or sources (None: leave them), in the order given."""
    for table, column, ids in (
        ("entry_people", "person_id", person_ids),
        ("entry_sources", "source_id", source_ids),
    ):
        if ids is None:
            continue
        if not new:
            await conn.execute(f"DELETE FROM {table} WHERE entry_id = ?", (entry_id,))
        if ids:
            await conn.execute(
                f"""INSERT INTO {table} (entry_id, {column}, position)
                SELECT ?, value, key FROM json_each(?)""",
                (entry_id, json.dumps(list(dict.fromkeys(ids)))),
            )


async def add_entry(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    author_id: int | None,
    day: date,
    precision: str,
    headline: str,
    body: str,
    person_ids: list[int],
    source_url: str | None,
    from_message: MessageRef | None = None,
) -> EntryAdded:
    async with transaction(conn):
        twin = await _recent_twin(conn, people_by_id, scope, author_id, day, headline, body)
        if twin is not None:
            return EntryAdded(twin, duplicate=True)
        entry_id, created_at = await insert_entry(
            conn, scope, author_id, day, precision, headline, body, from_message=from_message
        )
        sources = (await source_for_url(conn, source_url),) if source_url else ()
        await set_entry_links(conn, entry_id, person_ids, [s.id for s in sources], new=True)
        # Built, not read back: every value is known (the tests compare it with a read).
        entry = Entry(
            id=entry_id,
            date=day,
            precision=precision,
            headline=headline,
            body=body,
            people=tuple(people_by_id[pid] for pid in dict.fromkeys(person_ids)),
            sources=sources,
            scope=scope,
            author_id=author_id,
            created_at=created_at,
            from_message=from_message,
        )
        await audit(conn, scope, author_id, "add", "entry", entry_id, None, entry_snapshot(entry))
    return EntryAdded(entry, duplicate=False)


async def _recent_twin(
    conn, people_by_id, scope: int, author_id: int | None, day: date, headline: str, body: str
) -> Entry | None:
    """The same update by the same moderator in the last RETRY_WINDOW: a retry after a lost reply."""
    since = (datetime.now(UTC) - RETRY_WINDOW).isoformat(timespec="milliseconds")
    found = await conn.execute_fetchall(
        """SELECT id FROM entries WHERE scope = ? AND date = ? AND removed_at IS NULL
        AND author_id IS ? AND headline = ? AND body = ? AND created_at >= ?
        ORDER BY id DESC LIMIT 1""",
        (scope, day.isoformat(), author_id, headline, body, since),
    )
    return await reads.entry(conn, people_by_id, scope, found[0][0]) if found else None


async def edit_entry(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    entry_id: int,
    changes: EntryChanges,
) -> Entry | None:
    """Apply `changes` to a guild's own entry; None when it has no such entry."""
    fields = changed_fields(changes)
    async with transaction(conn):
        before = await _own_entry(conn, people_by_id, scope, entry_id)
        if before is None:
            return None
        columns = {k: fields[k] for k in ("precision", "headline", "body") if k in fields}
        if "day" in fields:
            columns["date"] = fields["day"].isoformat()
        await update_entry(conn, entry_id, columns)
        source_ids = None
        if "source_url" in fields:
            url = fields["source_url"]
            source_ids = [(await source_for_url(conn, url)).id] if url else []
        await set_entry_links(conn, entry_id, fields.get("person_ids"), source_ids)
        after = await reads.entry(conn, people_by_id, scope, entry_id)
        await audit(
            conn,
            scope,
            actor_id,
            "edit",
            "entry",
            entry_id,
            entry_snapshot(before),
            entry_snapshot(after),
        )
    return after


async def set_entry_removed(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    entry_id: int,
    removed: bool,
) -> Entry | None:
    """Soft-delete (or restore) a guild's own entry; None when it has no such entry to change."""
    async with transaction(conn):
        before = await _own_entry(conn, people_by_id, scope, entry_id)
        if before is None or (before.removed_at is not None) == removed:
            return None
        removed_at = now() if removed else None
        await conn.execute("UPDATE entries SET removed_at = ? WHERE id = ?", (removed_at, entry_id))
        action = "remove" if removed else "restore"
        await audit(conn, scope, actor_id, action, "entry", entry_id, entry_snapshot(before), None)
    return replace(before, removed_at=removed_at)


async def _own_entry(conn, people_by_id, scope: int, entry_id: int) -> Entry | None:
    if scope == SHIPPED:
        return None
    entry = await reads.entry(conn, people_by_id, scope, entry_id)
    return entry if entry is not None and entry.scope == scope else None


async def insert_quote(
    conn: aiosqlite.Connection,
    scope: int,
    author_id: int | None,
    person_id: int,
    text: str,
    day: date,
    context: str,
    source_id: int | None,
    seed_key: str | None = None,
    provenance: str = "",
) -> tuple[int, str]:
    """A new quote row: its id and created_at."""
    created_at = now()
    found = await conn.execute_fetchall(
        """INSERT INTO quotes (seed_key, scope, person_id, text, date, context, source_id,
        provenance, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (
            seed_key,
            scope,
            person_id,
            text,
            day.isoformat(),
            context,
            source_id,
            provenance,
            author_id,
            created_at,
        ),
    )
    return found[0][0], created_at


async def update_quote(
    conn: aiosqlite.Connection,
    quote_id: int,
    person_id: int,
    text: str,
    day: date,
    context: str,
    source_id: int | None,
    provenance: str = "",
) -> None:
    await conn.execute(
        """UPDATE quotes SET person_id = ?, text = ?, date = ?, context = ?, source_id = ?,
        provenance = ? WHERE id = ?""",
        (person_id, text, day.isoformat(), context, source_id, provenance, quote_id),
    )


async def add_quote(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    author_id: int | None,
    person_id: int,
    text: str,
    day: date,
    context: str,
    source_url: str | None,
) -> Quote:
    async with transaction(conn):
        source = await source_for_url(conn, source_url) if source_url else None
        quote_id, created_at = await insert_quote(
            conn, scope, author_id, person_id, text, day, context, source.id if source else None
        )
        quote = Quote(
            id=quote_id,
            person=people_by_id[person_id],
            text=text,
            date=day,
            context=context,
            source=source,
            scope=scope,
            author_id=author_id,
            created_at=created_at,
        )
        await audit(conn, scope, author_id, "add", "quote", quote_id, None, quote_snapshot(quote))
    return quote


async def remove_quote(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    quote_id: int,
) -> Quote | None:
    async with transaction(conn):
        quote = await reads.quote(conn, people_by_id, scope, quote_id)
        if scope == SHIPPED or quote is None or quote.scope != scope or quote.removed_at:
            return None
        await conn.execute("UPDATE quotes SET removed_at = ? WHERE id = ?", (now(), quote_id))
        await audit(conn, scope, actor_id, "remove", "quote", quote_id, quote_snapshot(quote), None)
    return quote


async def update_guild_settings(
    conn: aiosqlite.Connection, guild_id: int, actor_id: int | None, changes: SettingsChanges
) -> GuildSettings:
    async with transaction(conn):
        before = await reads.guild_settings(conn, guild_id)
        after = replace(before, **changed_fields(changes))
        await conn.execute(
            """INSERT INTO guild_settings (guild_id, updates_channel_id, updates_role_id,
            moderator_role_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET updates_channel_id = excluded.updates_channel_id,
            updates_role_id = excluded.updates_role_id, moderator_role_id = excluded.moderator_role_id""",
            (guild_id, after.updates_channel_id, after.updates_role_id, after.moderator_role_id),
        )
        await audit(
            conn, guild_id, actor_id, "config", "settings", guild_id, asdict(before), asdict(after)
        )
    return after


async def set_meta(conn: aiosqlite.Connection, key: str, value: str) -> None:
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
