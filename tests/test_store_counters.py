"""The counters behind totals (migration 002) always equal a full count, whatever happens."""

from __future__ import annotations

import random
import sqlite3
from datetime import date

import pytest

from bot.config import DEFAULT_STORY_PATH
from bot.models import Cursor, EntryChanges, TimelineFilters
from bot.store import open_store
from bot.store.db import connect
from bot.story import load_story

GUILDS = (111_111_111_111_111_111, 222_222_222_222_222_222)


def recount(path) -> dict[str, list]:
    """The counters next to the same numbers counted the slow way."""
    conn = sqlite3.connect(path)
    try:
        pairs = {
            "entries": (
                "SELECT scope, n FROM entry_counts WHERE n > 0",
                "SELECT scope, count(*) FROM entries WHERE removed_at IS NULL GROUP BY scope",
            ),
            "person entries": (
                "SELECT scope, person_id, n FROM person_entry_counts WHERE n > 0",
                """SELECT e.scope, ep.person_id, count(*) FROM entry_people ep
                JOIN entries e ON e.id = ep.entry_id WHERE e.removed_at IS NULL GROUP BY 1, 2""",
            ),
            "person quotes": (
                "SELECT scope, person_id, n FROM person_quote_counts WHERE n > 0",
                "SELECT scope, person_id, count(*) FROM quotes WHERE removed_at IS NULL GROUP BY 1, 2",
            ),
            "denormalised people": (
                "SELECT entry_id, scope, date, visible FROM entry_people",
                """SELECT ep.entry_id, e.scope, e.date, e.removed_at IS NULL FROM entry_people ep
                JOIN entries e ON e.id = ep.entry_id""",
            ),
        }
        return {
            name: [sorted(conn.execute(kept).fetchall()), sorted(conn.execute(counted).fetchall())]
            for name, (kept, counted) in pairs.items()
        }
    finally:
        conn.close()


async def test_counters_follow_random_edits(tmp_path):
    path = tmp_path / "x.db"
    store = await open_store(path, load_story(DEFAULT_STORY_PATH))
    rng = random.Random(3)
    people = [p.id for p in store.people]
    entries: list[tuple[int, int]] = []
    quotes: list[tuple[int, int]] = []
    try:
        for _ in range(300):
            guild = rng.choice(GUILDS)
            action = rng.random()
            if action < 0.35 or not entries:
                entry = (
                    await store.add_entry(
                        guild,
                        1,
                        day=date(2024, rng.randint(1, 12), rng.randint(1, 28)),
                        precision="day",
                        headline="h",
                        body="b",
                        person_ids=rng.sample(people, rng.randint(0, 3)),
                        source_url=None,
                    )
                ).entry
                entries.append((guild, entry.id))
            elif action < 0.5:
                guild, entry_id = rng.choice(entries)
                await store.remove_entry(guild, 1, entry_id)
            elif action < 0.6:
                guild, entry_id = rng.choice(entries)
                await store.restore_entry(guild, 1, entry_id)
            elif action < 0.75:
                guild, entry_id = rng.choice(entries)
                changes = EntryChanges(
                    person_ids=tuple(rng.sample(people, rng.randint(0, 3))),
                    day=date(2023, 1, rng.randint(1, 28)),
                    precision="day",
                )
                await store.edit_entry(guild, 1, entry_id, changes)
            elif action < 0.9:
                quote = await store.add_quote(
                    guild,
                    1,
                    person_id=rng.choice(people),
                    text="q",
                    day=date(2024, 5, 1),
                    context="",
                    source_url=None,
                )
                quotes.append((guild, quote.id))
            elif quotes:
                guild, quote_id = rng.choice(quotes)
                await store.remove_quote(guild, 1, quote_id)
        for guild in GUILDS:
            page = await store.timeline(guild, TimelineFilters(), Cursor(), 5)
            everything = await store.timeline(guild, TimelineFilters(), Cursor(), 10_000)
            assert page.total == len(everything.items)
    finally:
        await store.close()

    for name, (kept, counted) in recount(path).items():
        assert kept == counted, name


@pytest.mark.parametrize("entries", [0, 25])
def test_migration_002_backfills_the_counters(tmp_path, entries):
    """A version-1 database with data gets correct counters when it upgrades."""
    from bot.store import db

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    first = db.migrations()[0]
    conn.execute("BEGIN")
    for statement in db.split_statements(first.sql):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.execute("INSERT INTO people (slug, name) VALUES ('a', 'A'), ('b', 'B')")
    for n in range(entries):
        entry_id = conn.execute(
            "INSERT INTO entries (scope, date, precision, headline, body, created_at, removed_at) "
            "VALUES (?, ?, 'day', 'h', 'b', 'now', ?)",
            (n % 2, f"2024-05-{n % 28 + 1:02d}", "gone" if n % 5 == 0 else None),
        ).lastrowid
        conn.execute(
            "INSERT INTO entry_people (entry_id, person_id, position) VALUES (?, ?, 0)",
            (entry_id, 1 + n % 2),
        )
        conn.execute(
            "INSERT INTO quotes (scope, person_id, text, date, created_at) VALUES (?, 1, 'q', '2024-05-01', 'now')",
            (n % 2,),
        )
    conn.close()

    connect(path).close()

    for name, (kept, counted) in recount(path).items():
        assert kept == counted, name
