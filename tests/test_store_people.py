"""A guild's own people in the store, on a real SQLite file: scoped reads, the checks made under
the write lock, removal without dangling rows, and the migration that gave people a scope."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from bot.models import PEOPLE_PER_GUILD, PersonChanges, PersonUsage
from bot.people import NameTaken, PersonRefused
from bot.store import StoreError, open_store
from bot.store.db import migrations, split_statements

GUILD_A = 111111111111111111
GUILD_B = 222222222222222222
MOD = 333333333333333333


async def add(store, guild=GUILD_A, name="Helen Toner", aliases=()):
    return await store.add_person(guild, MOD, name=name, role="", aliases=aliases, kind="person")


async def test_a_guilds_people_are_its_own(store):
    toner = await add(store)

    assert toner.scope == GUILD_A and toner.slug == "helen-toner"
    assert store.people_in(GUILD_A)[-1] == toner
    assert toner not in store.people_in(GUILD_B) and toner not in store.people_in(None)
    assert store.person(GUILD_A, toner.id) == toner
    assert store.person(GUILD_B, toner.id) is None
    assert toner not in store.people  # the shipped ones only
    stats_a = {s.person.slug for s in await store.people_stats(GUILD_A)}
    stats_b = {s.person.slug for s in await store.people_stats(GUILD_B)}
    assert stats_a - stats_b == {"helen-toner"}
    assert (await store.counts(GUILD_A)).people == (await store.counts(GUILD_B)).people + 1


async def test_names_are_checked_under_the_lock_against_shipped_and_own_people(store):
    await add(store)
    with pytest.raises(NameTaken) as taken:
        await add(store, name="Jan Smith", aliases=("gdb",))
    assert (taken.value.typed, taken.value.person.slug, taken.value.alias) == (
        "gdb",
        "brockman",
        True,
    )
    with pytest.raises(NameTaken):
        await add(store, name="HELEN TÖNER")
    await add(store, guild=GUILD_B)  # another guild's names are no concern


async def test_a_guild_has_room_for_a_bounded_number_of_people(store):
    for n in range(PEOPLE_PER_GUILD):
        await add(store, name=f"Person {n}")
    with pytest.raises(PersonRefused, match=f"already has {PEOPLE_PER_GUILD} people"):
        await add(store, name="One too many")
    await add(store, guild=GUILD_B, name="One too many")


async def test_edits_keep_memory_and_file_in_step(store, settings, story):
    toner = await add(store)
    changed = await store.edit_person(
        GUILD_A, MOD, toner.id, PersonChanges(name="Helen M. Toner", aliases=("hmt",))
    )
    assert (changed.slug, changed.aliases) == ("helen-m-toner", ("hmt",))
    assert store.person(GUILD_A, toner.id) == changed
    assert await store.edit_person(GUILD_B, MOD, toner.id, PersonChanges(role="x")) is None
    leike = next(p for p in store.people if p.slug == "leike")
    assert await store.edit_person(GUILD_A, MOD, leike.id, PersonChanges(role="x")) is None
    reopened = await open_store(settings.database_path, story)
    try:
        assert reopened.person(GUILD_A, toner.id) == changed
    finally:
        await reopened.close()


async def test_removal_needs_the_usage_the_moderator_saw_and_leaves_nothing(store):
    toner = await add(store)
    leike = next(p for p in store.people if p.slug == "leike")
    added = await store.add_entry(
        GUILD_A, MOD, day=date(2024, 5, 20), precision="day", headline="Toner speaks",
        body="She explains.", person_ids=[leike.id, toner.id], source_url=None,
    )  # fmt: skip
    await store.add_quote(
        GUILD_A, MOD, person_id=toner.id, text="Verbatim.", day=date(2024, 5, 20),
        context="", source_url=None,
    )  # fmt: skip
    usage = await store.person_usage(GUILD_A, toner.id)
    assert usage == PersonUsage(entries=1, quotes=1)
    assert await store.person_usage(GUILD_B, toner.id) is None

    stale = await store.remove_person(GUILD_A, MOD, toner.id, PersonUsage(1, 0))
    assert stale.removed is False and stale.usage == usage
    assert store.person(GUILD_A, toner.id) == toner
    assert await store.remove_person(GUILD_B, MOD, toner.id, usage) is None

    removal = await store.remove_person(GUILD_A, MOD, toner.id, usage)

    assert removal.removed and store.person(GUILD_A, toner.id) is None
    entry = await store.entry(GUILD_A, added.entry.id)
    assert [p.slug for p in entry.people] == ["leike"] and entry.edited_at
    stats = {s.person.slug: s for s in await store.people_stats(GUILD_A)}
    assert stats["leike"].entries >= 1 and "helen-toner" not in stats
    tables = (await store.export_data())["tables"]
    for table in ("entry_people", "quotes"):
        assert toner.id not in {row["person_id"] for row in tables[table]}
    report = await store.check()
    assert report.integrity == "ok"


# The migration that gives people a scope, and the version a database has just before it.
PEOPLE_MIGRATION = next(m for m in migrations() if m.name == "guild_people")
BEFORE_PEOPLE = PEOPLE_MIGRATION.version - 1


def database_before_people(path) -> None:
    """A database as the bot left it before people got a scope: one person, linked and quoted."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in migrations()[:BEFORE_PEOPLE]:
        for statement in split_statements(migration.sql):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {BEFORE_PEOPLE}")
    conn.execute(
        "INSERT INTO people (id, slug, name, role, aliases) VALUES (7, 'leike', 'Jan Leike', "
        "'Researcher', '[\"jan\"]')"
    )
    conn.execute(
        "INSERT INTO entries (id, scope, date, precision, headline, body, created_at) "
        f"VALUES (1, {GUILD_A}, '2024-05-17', 'day', 'Leike resigns', 'He resigns.', 'then')"
    )
    conn.execute("INSERT INTO entry_people (entry_id, person_id, position) VALUES (1, 7, 0)")
    conn.execute(
        "INSERT INTO quotes (id, scope, person_id, text, date, created_at) "
        f"VALUES (1, {GUILD_A}, 7, 'I resigned', '2024-05-17', 'then')"
    )
    conn.close()


async def test_people_migration_gives_existing_people_the_shipped_scope_and_keeps_every_link(
    tmp_path,
):
    path = tmp_path / "before-people.db"
    database_before_people(path)

    store = await open_store(path)
    try:
        [leike] = store.people
        assert (leike.id, leike.scope, leike.aliases) == (7, 0, ("jan",))
        entry = await store.entry(GUILD_A, 1)
        assert [p.id for p in entry.people] == [7]
        assert (await store.quote_at(GUILD_A, 7, 0)).items[0].text == "I resigned"
        assert (await store.check()).integrity == "ok"
        # The same slug may now exist once per scope.
        own = await store.add_person(
            GUILD_A, MOD, name="Leike Two", role="", aliases=(), kind="person"
        )
        assert own.id > 7
    finally:
        await store.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


async def test_a_migration_that_would_leave_rows_pointing_nowhere_is_refused(tmp_path):
    path = tmp_path / "before-people.db"
    database_before_people(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(  # foreign keys are off on a plain connection: a row pointing nowhere
        "INSERT INTO quotes (id, scope, person_id, text, date, created_at) "
        f"VALUES (2, {GUILD_A}, 99, 'Nobody said this', '2024-05-17', 'then')"
    )
    conn.close()

    with pytest.raises(
        StoreError,
        match=rf"migration {PEOPLE_MIGRATION.version:03d} .* would leave 1 row pointing nowhere",
    ):
        await open_store(path)

    conn = sqlite3.connect(path)
    try:
        assert (
            conn.execute("PRAGMA user_version").fetchone()[0] == BEFORE_PEOPLE
        )  # rolled back whole
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 1
    finally:
        conn.close()
