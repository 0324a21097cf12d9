"""Search on a real SQLite file: the scoped index follows every write, old databases get it,
the budget bounds the candidates (best first among the most recent) and stops a long search."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.models import Cursor, EntryChanges, TimelineFilters
from bot.search_terms import SearchTerms, search_terms
from bot.store import SearchBudget, SearchStopped, SqliteStore, Store, open_store
from bot.store.db import latest_version, migrations, split_statements
from bot.store.searching import RULES, RULES_KEY

GUILD_A, GUILD_B = 111_111_111_111_111_111, 222_222_222_222_222_222


async def add(store: Store, guild: int, body: str, headline: str = "A note") -> int:
    added = await store.add_entry(
        guild,
        7,
        day=date(2024, 5, 20),
        precision="day",
        headline=headline,
        body=body,
        person_ids=[],
        source_url=None,
    )
    return added.entry.id


async def found(store: Store, guild: int | None, text: str) -> list[int]:
    page = await store.search(guild, search_terms(text), 0, 100)
    return [hit.id for hit in page.items if hit.kind == "entry"]


async def test_the_index_follows_adds_edits_removals_and_restores(store):
    quokka = await add(store, GUILD_A, "A quokka smiles.")
    both = await add(store, GUILD_A, "A quokka meets a wombat.")
    other = await add(store, GUILD_B, "Their quokka.")
    assert sorted(await found(store, GUILD_A, "quokka")) == [quokka, both]
    assert await found(store, GUILD_B, "quokka") == [other]

    await store.edit_entry(GUILD_A, 7, quokka, EntryChanges(body="A numbat smiles."))
    await store.remove_entry(GUILD_A, 7, both)
    assert await found(store, GUILD_A, "quokka") == []
    assert await found(store, GUILD_A, "numbat") == [quokka]
    assert await found(store, GUILD_A, "wombat") == []

    await store.restore_entry(GUILD_A, 7, both)
    assert await found(store, GUILD_A, "quokka wombat") == [both]
    assert await found(store, GUILD_B, "quokka") == [other]  # never the other guild's
    assert await found(store, None, "quokka") == []  # DMs read the shipped story only


async def test_quotes_are_indexed_and_unindexed_as_they_come_and_go(store):
    person = store.people[0].id
    quote = await store.add_quote(
        GUILD_A, 7, person_id=person, text="Quokkas first.", day=date(2024, 5, 20), context="", source_url=None
    )  # fmt: skip
    page = await store.search(GUILD_A, search_terms("quokkas"), 0, 10)
    assert [(h.kind, h.id) for h in page.items] == [("quote", quote.id)]
    assert (await store.quote_at(GUILD_A, person, 0, search_terms("quokkas"))).total == 1
    await store.remove_quote(GUILD_A, 7, quote.id)
    assert (await store.search(GUILD_A, search_terms("quokkas"), 0, 10)).total == 0


async def test_only_the_most_recent_matches_are_ranked_and_best_first(tmp_path, story):
    path = tmp_path / "bot.db"
    tight = await SqliteStore.open(path, story, search_budget=SearchBudget(candidates=3))
    roomy = await SqliteStore.open(path)
    try:
        # The older an entry, the more often it says "quokka" (same length): the best
        # matches are the oldest, so a budget of the most recent three leaves them out.
        ids = [
            await add(tight, GUILD_A, " ".join(["quokka"] * (5 - n) + ["filler"] * n))
            for n in range(5)
        ]
        within = await tight.search(GUILD_A, search_terms("quokka"), 0, 10)
        assert [hit.id for hit in within.items] == ids[2:]  # best first among the three
        assert (within.total, within.exact) == (3, False)

        everything = await roomy.search(GUILD_A, search_terms("quokka"), 0, 10)
        assert [hit.id for hit in everything.items] == ids
        assert (everything.total, everything.exact) == (5, True)
    finally:
        await tight.close()
        await roomy.close()


async def test_a_busy_guild_does_not_crowd_out_the_shipped_story(tmp_path, story):
    store = await SqliteStore.open(
        tmp_path / "bot.db", story, search_budget=SearchBudget(candidates=2)
    )
    try:
        ours = [await add(store, GUILD_A, f"Equity note {n}.") for n in range(4)]
        page = await store.search(GUILD_A, search_terms("equity"), 0, 100)
        entries = [hit.id for hit in page.items if hit.kind == "entry"]
        assert set(entries) & set(ours) == set(ours[2:])  # the guild's two most recent
        assert len(set(entries) - set(ours)) == 2  # and the shipped story's two most recent
        assert not page.exact
    finally:
        await store.close()


STOPPED_READS = {
    "search": lambda s: s.search(GUILD_A, search_terms("equity"), 0, 5),
    "timeline": lambda s: s.timeline(
        GUILD_A, TimelineFilters(search=search_terms("equity")), Cursor(), 5
    ),
    "quote": lambda s: s.quote_at(GUILD_A, s.people[1].id, 0, search_terms("safety")),
}


@pytest.mark.parametrize("read", STOPPED_READS)
async def test_a_search_past_its_time_is_stopped_and_the_reader_reads_on(tmp_path, story, read):
    # No time at all: the first look at the clock stops the statement.
    budget = SearchBudget(seconds=0, check_every=1)
    store = await SqliteStore.open(tmp_path / "bot.db", story, readers=1, search_budget=budget)
    try:
        with pytest.raises(SearchStopped, match="took too long"):
            await STOPPED_READS[read](store)
        # Only searches run on the clock, and the one reader is free again at once.
        page = await store.timeline(GUILD_A, TimelineFilters(), Cursor(), 5)
        assert page.total == len(story.entries)
        assert (await store.export_data())["tables"]["entries"]
    finally:
        await store.close()


async def test_the_same_searches_run_within_the_default_budget(store):
    for read in STOPPED_READS.values():
        assert (await read(store)).total > 0


async def test_words_are_quoted_into_the_index_query_whatever_they_hold(store):
    # SearchTerms normally come from search_terms(); a hand-made one still cannot inject syntax.
    odd = SearchTerms(('quo"kka', "NEAR(", "*"))
    assert (await store.search(GUILD_A, odd, 0, 5)).total == 0


def database_at_version_4(path: Path) -> None:
    """A database as the bot left it before 005, with shipped, guild and removed rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in migrations()[:4]:
        for statement in split_statements(migration.sql):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO people (id, slug, name) VALUES (1, 'leike', 'Jan Leike')")
    rows = [
        (1, 0, "Shipped quokka", None),
        (2, GUILD_A, "Guild quokka", None),
        (3, GUILD_A, "Removed quokka", "then"),
        (4, GUILD_B, "Other quokka", None),
    ]
    for entry_id, scope, body, removed_at in rows:
        conn.execute(
            "INSERT INTO entries (id, scope, date, precision, headline, body, created_at, "
            "removed_at) VALUES (?, ?, '2024-05-19', 'day', 'Note', ?, 'then', ?)",
            (entry_id, scope, body, removed_at),
        )
    conn.execute(
        "INSERT INTO quotes (id, scope, person_id, text, date, created_at) "
        f"VALUES (1, {GUILD_A}, 1, 'A quokka said so', '2024-05-19', 'then')"
    )
    conn.close()


def meta_rules(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (RULES_KEY,)).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


async def test_migration_005_indexes_what_an_old_database_holds(tmp_path):
    path = tmp_path / "v4.db"
    database_at_version_4(path)

    store = await open_store(path)
    try:
        page = await store.search(GUILD_A, search_terms("quokka"), 0, 10)
        assert sorted((hit.kind, hit.id) for hit in page.items) == [
            ("entry", 1),
            ("entry", 2),
            ("quote", 1),
        ]  # not the removed entry, not the other guild's
        assert sorted(await found(store, GUILD_B, "quokka")) == [1, 4]
    finally:
        await store.close()
    assert meta_rules(path) == RULES
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == latest_version()


async def test_an_index_filled_under_other_rules_is_filled_again_on_opening(tmp_path, story):
    path = tmp_path / "bot.db"
    store = await open_store(path, story)
    ours = await add(store, GUILD_A, "A quokka.")
    await store.close()
    # As a bot with other stop words would have left it: rows deleted with other words than
    # they were added with leave the index wrong, so it is emptied and marked as such here.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
    conn.execute("UPDATE meta SET value = 'other rules' WHERE key = ?", (RULES_KEY,))
    conn.close()

    store = await open_store(path)
    try:
        assert await found(store, GUILD_A, "quokka") == [ours]
        assert (await store.search(None, search_terms("superalignment"), 0, 5)).total > 0
    finally:
        await store.close()
    assert meta_rules(path) == RULES
