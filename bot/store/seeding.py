"""Putting the shipped story (data/story.json) into the database without duplicating or clobbering.

Rows are written with the same helpers as moderators' updates (bot.store.writes), in one
transaction on the writer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import aiosqlite

from bot.models import SHIPPED, Entry, Person, Quote, SeedResult
from bot.store import reads, rows
from bot.store.writes import (
    audit,
    entry_snapshot,
    insert_entry,
    insert_quote,
    quote_snapshot,
    set_entry_links,
    set_meta,
    transaction,
    update_entry,
    update_quote,
)
from bot.story import SeedEntry, SeedQuote, Story

STORY_HASH_KEY = "story_hash"


def story_hash(story: Story) -> str:
    return hashlib.sha256(json.dumps(asdict(story), default=str).encode()).hexdigest()


async def seed(conn: aiosqlite.Connection, story: Story, *, update: bool = False) -> SeedResult:
    """Add what the database lacks from `story`; with `update`, also rewrite changed shipped items.

    Skipped entirely (one indexed read) when this exact story was seeded before, so a restart
    costs nothing however large the database is.
    """
    digest = story_hash(story)
    if not update and await reads.meta(conn, STORY_HASH_KEY) == digest:
        return SeedResult()
    async with transaction(conn):
        # The file is always right about the shipped people (servers add theirs apart).
        await conn.executemany(
            """INSERT INTO people (scope, slug, name, role, aliases, kind) VALUES (0, ?, ?, ?, ?, ?)
            ON CONFLICT (scope, slug) DO UPDATE SET name = excluded.name, role = excluded.role,
            aliases = excluded.aliases, kind = excluded.kind""",
            [(p.slug, p.name, p.role, json.dumps(list(p.aliases)), p.kind) for p in story.people],
        )
        conflict = (
            "DO UPDATE SET name = excluded.name, url = excluded.url" if update else "DO NOTHING"
        )
        await conn.executemany(
            f"INSERT INTO sources (seed_key, name, url) VALUES (?, ?, ?) ON CONFLICT (seed_key) {conflict}",
            [(s.key, s.name, s.url) for s in story.sources],
        )
        people = await reads.people(conn)
        ids = _Ids(
            {p.slug: p.id for p in people if p.shipped},
            dict(
                await conn.execute_fetchall(
                    "SELECT seed_key, id FROM sources WHERE seed_key IS NOT NULL"
                )
            ),
        )
        people_by_id = {p.id: p for p in people}
        entries = await _seed_entries(conn, people_by_id, ids, story.entries, update)
        quotes = await _seed_quotes(conn, people_by_id, ids, story.quotes, update)
        await set_meta(conn, STORY_HASH_KEY, digest)
    return SeedResult(entries.added + quotes.added, entries.updated + quotes.updated)


@dataclass(frozen=True)
class _Ids:
    """Database ids of the story's people (by slug) and sources (by key)."""

    people: dict[str, int]
    sources: dict[str, int]

    def entry_links(self, e: SeedEntry) -> tuple[list[int], list[int]]:
        # Deduplicated as set_entry_links stores them, so an unchanged entry compares equal.
        return (
            list(dict.fromkeys(self.people[slug] for slug in e.people)),
            list(dict.fromkeys(self.sources[key] for key in e.sources)),
        )


async def _seed_entries(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    ids: _Ids,
    entries: tuple[SeedEntry, ...],
    update: bool,
) -> SeedResult:
    stored = await _shipped_entries(conn, people_by_id, [e.key for e in entries])
    added = updated = 0
    for e in entries:
        person_ids, source_ids = ids.entry_links(e)
        before = stored.get(e.key)
        if before is None:
            entry_id, _ = await insert_entry(
                conn,
                SHIPPED,
                None,
                e.date,
                e.precision,
                e.headline,
                e.body,
                seed_key=e.key,
                provenance=e.provenance,
            )
            await set_entry_links(conn, entry_id, person_ids, source_ids, new=True)
            added += 1
        elif update and not _entry_matches(before, e, person_ids, source_ids):
            columns = {"date": e.date.isoformat(), "precision": e.precision}
            texts = {"headline": e.headline, "body": e.body, "provenance": e.provenance}
            await update_entry(conn, before.id, {**columns, **texts})
            await set_entry_links(conn, before.id, person_ids, source_ids)
            after = await reads.entry(conn, people_by_id, SHIPPED, before.id)
            await audit(
                conn,
                SHIPPED,
                None,
                "edit",
                "entry",
                before.id,
                entry_snapshot(before),
                entry_snapshot(after),
            )
            updated += 1
    return SeedResult(added, updated)


def _entry_matches(entry: Entry, e: SeedEntry, person_ids: list[int], source_ids: list[int]):
    stored = (entry.date, entry.precision, entry.headline, entry.body, entry.provenance)
    wanted = (e.date, e.precision, e.headline, e.body, e.provenance)
    links = ([p.id for p in entry.people], [s.id for s in entry.sources])
    return stored == wanted and links == (person_ids, source_ids)


async def _seed_quotes(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    ids: _Ids,
    quotes: tuple[SeedQuote, ...],
    update: bool,
) -> SeedResult:
    stored = await _shipped_quotes(conn, people_by_id, [q.key for q in quotes])
    added = updated = 0
    for q in quotes:
        values = (ids.people[q.person], q.text, q.date, q.context, ids.sources[q.source])
        before = stored.get(q.key)
        if before is None:
            await insert_quote(
                conn, SHIPPED, None, *values, seed_key=q.key, provenance=q.provenance
            )
            added += 1
        elif update and _quote_values(before) != (*values, q.provenance):
            await update_quote(conn, before.id, *values, provenance=q.provenance)
            after = await reads.quote(conn, people_by_id, SHIPPED, before.id)
            await audit(
                conn,
                SHIPPED,
                None,
                "edit",
                "quote",
                before.id,
                quote_snapshot(before),
                quote_snapshot(after),
            )
            updated += 1
    return SeedResult(added, updated)


def _quote_values(quote: Quote) -> tuple:
    source_id = quote.source.id if quote.source else None
    return (quote.person.id, quote.text, quote.date, quote.context, source_id, quote.provenance)


async def _shipped_entries(
    conn: aiosqlite.Connection, people_by_id: dict[int, Person], seed_keys: list[str]
) -> dict[str, Entry]:
    """The shipped entries with these keys (from the story file), by key."""
    found = await conn.execute_fetchall(
        f"""WITH page AS (SELECT * FROM entries WHERE seed_key IN (SELECT value FROM json_each(?)))
        SELECT page.*, {reads.ENTRY_DETAILS} FROM page""",
        (json.dumps(seed_keys),),
    )
    return {row["seed_key"]: rows.entry(row, people_by_id) for row in found}


async def _shipped_quotes(
    conn: aiosqlite.Connection, people_by_id: dict[int, Person], seed_keys: list[str]
) -> dict[str, Quote]:
    """The shipped quotes with these keys (from the story file), by key."""
    found = await conn.execute_fetchall(
        f"""SELECT {reads.QUOTE_COLUMNS} FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
        WHERE q.seed_key IN (SELECT value FROM json_each(?))""",
        (json.dumps(seed_keys),),
    )
    return {row["seed_key"]: rows.quote(row, people_by_id) for row in found}
