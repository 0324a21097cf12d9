"""Opening database files: fresh, re-opened, older (migrated), from a newer bot, or not SQLite."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.store import SqliteStore, StoreError, open_store
from bot.store.db import latest_version, migrations, split_statements

GUILD = 222222222222222222


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pragma(path: Path, name: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def test_migrations_are_numbered_from_one_without_gaps():
    numbers = [m.version for m in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert latest_version() == len(numbers) >= 1


def test_split_statements_keeps_triggers_whole():
    script = """-- a comment
    CREATE TABLE t (x);
    CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
        SELECT 1; SELECT 2;
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


async def test_fresh_database_gets_latest_version_and_safe_pragmas_on_every_connection(tmp_path):
    path = tmp_path / "nested" / "folder" / "bot.db"
    connections = []

    async def remember(conn) -> None:
        connections.append(conn)

    store = await SqliteStore.open(path, readers=3, on_connect=remember)
    try:
        assert path.parent.is_dir()
        assert len(connections) == 4  # the writer, then three readers

        async def pragma_of(conn, name: str):
            return (await conn.execute_fetchall(f"PRAGMA {name}"))[0][0]

        for n, conn in enumerate(connections):
            assert await pragma_of(conn, "user_version") == latest_version()
            assert await pragma_of(conn, "journal_mode") == "wal"
            assert await pragma_of(conn, "foreign_keys") == 1
            assert await pragma_of(conn, "synchronous") == 2  # FULL
            assert await pragma_of(conn, "busy_timeout") > 0
            assert await pragma_of(conn, "query_only") == (n > 0)  # readers cannot write
    finally:
        await store.close()


async def test_reopening_is_a_no_op(tmp_path):
    path = tmp_path / "bot.db"
    store = await open_store(path)
    await store.close()
    schema = sqlite3.connect(path).execute("SELECT sql FROM sqlite_schema ORDER BY name").fetchall()
    before = digest(path)

    store = await open_store(path)
    await store.close()
    assert pragma(path, "user_version") == latest_version()
    after_schema = (
        sqlite3.connect(path).execute("SELECT sql FROM sqlite_schema ORDER BY name").fetchall()
    )
    assert after_schema == schema
    assert digest(path) == before


@pytest.mark.parametrize("journal", ["DELETE", "WAL"])
async def test_newer_database_is_refused_and_left_byte_for_byte(tmp_path, journal):
    path = tmp_path / "newer.db"
    newer = latest_version() + 5
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.commit()
    conn.close()
    before = digest(path)

    with pytest.raises(StoreError) as refused:
        await open_store(path)

    message = str(refused.value)
    assert str(path) in message
    assert str(newer) in message
    assert digest(path) == before
    assert pragma(path, "user_version") == newer


@pytest.mark.parametrize(
    "content",
    [b"this is a text file, not a database\n" * 20, bytes(range(256)) * 16],
    ids=["text", "binary"],
)
async def test_non_sqlite_file_is_refused_and_left_unchanged(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)

    with pytest.raises(StoreError) as refused:
        await open_store(path)

    assert str(path) in str(refused.value)
    assert "not a database" in str(refused.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


async def test_unusable_folder_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as refused:
        await open_store(blocker / "bot.db")
    assert str(blocker) in str(refused.value)


def database_at_version_2(path: Path) -> None:
    """A database as the bot left it before 003: the old TechCrunch entry and quote, a guild row."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in migrations()[:2]:
        for statement in split_statements(migration.sql):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO people (id, slug, name, role, aliases) VALUES (1, 'techcrunch', "
        "'TechCrunch', 'Tech news site', '[\"techcrunch\"]')"
    )
    conn.execute(
        "INSERT INTO sources (id, seed_key, name, url) VALUES (1, 'techcrunch-wither', 'TC', NULL)"
    )
    conn.execute(
        "INSERT INTO entries (id, seed_key, scope, date, precision, headline, body, created_at) "
        "VALUES (1, 'techcrunch-compute-denied', 0, '2024-05-17', 'day', 'Old headline', "
        "'According to the article, old text.', 'then')"
    )
    conn.execute("INSERT INTO entry_people (entry_id, person_id, position) VALUES (1, 1, 0)")
    conn.execute("INSERT INTO entry_sources (entry_id, source_id, position) VALUES (1, 1, 0)")
    conn.execute(
        "INSERT INTO entries (id, scope, date, precision, headline, body, author_id, created_at) "
        f"VALUES (2, {GUILD}, '2024-05-19', 'day', 'A guild note', 'Ours.', 7, 'then')"
    )
    conn.execute(
        "INSERT INTO quotes (id, seed_key, scope, person_id, text, date, context, source_id, "
        "created_at) VALUES (1, 'techcrunch-1', 0, 1, 'old words', '2024-05-18', 'old', 1, 'then')"
    )
    conn.close()


async def test_003_adds_provenance_and_kinds_and_seed_update_rewrites_old_shipped_text(
    tmp_path, story
):
    path = tmp_path / "v2.db"
    database_at_version_2(path)

    store = await open_store(path, story)  # migrates, then adds what the database lacks
    try:
        assert pragma(path, "user_version") == latest_version() >= 3
        assert {p.slug: p.kind for p in store.people}["techcrunch"] == "outlet"
        old = await store.entry(None, 1)
        assert (old.date, old.body, old.provenance) == (
            date(2024, 5, 17),
            "According to the article, old text.",
            "",
        )
        guild_before = await store.entry(GUILD, 2)
        assert guild_before.provenance == ""

        result = await store.seed(story, update=True)  # what `db seed --update` runs

        assert result.updated == 2  # the TechCrunch entry and quote
        shipped = next(e for e in story.entries if e.key == "techcrunch-compute-denied")
        new = await store.entry(None, 1)
        assert (new.date, new.headline, new.body, new.provenance) == (
            shipped.date,
            shipped.headline,
            shipped.body,
            shipped.provenance,
        )
        assert [p.slug for p in new.people] == list(shipped.people)
        techcrunch = next(p for p in store.people if p.slug == "techcrunch")
        quote = await store.quote_at(None, techcrunch.id, 0)
        assert (
            quote.items[0].context
            == next(q for q in story.quotes if q.key == "techcrunch-1").context
        )
        assert await store.entry(GUILD, 2) == guild_before
    finally:
        await store.close()
