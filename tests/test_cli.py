"""The operator CLI, run as a real process: `python -m bot db ...`, and its one-line failures."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.models import EntryChanges, SettingsChanges
from bot.store import open_store
from bot.store.db import latest_version

ROOT = Path(__file__).resolve().parent.parent
GUILD = 111111111111111111
# Shaped like a bot token but not one; used to check it is never printed.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` in tmp_path (so no .env is found), with only the given settings."""
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "PYTHONIOENCODING": "utf-8",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def one_line_failure(result: subprocess.CompletedProcess, code: int | None = 2) -> str:
    assert result.returncode != 0
    if code is not None:
        assert result.returncode == code
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def counts_printed(stdout: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^([a-z_ ]+): (\d+)$", stdout, re.M)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}


async def seeded(path: Path, story) -> None:
    """What `db init` makes (that command is tested once; elsewhere it's only setup)."""
    store = await open_store(path, story)
    await store.close()


async def exported(path: Path) -> dict:
    store = await open_store(path)
    try:
        return await store.export_data()
    finally:
        await store.close()


async def add_guild_activity(path: Path, story) -> None:
    """A seeded database with guild rows and audit rows, so an export has more than the seed."""
    store = await open_store(path, story)
    try:
        kept = (
            await store.add_entry(
                GUILD,
                7,
                day=date(2024, 5, 19),
                precision="day",
                headline="Guild-only note",
                body="Visible in one server.",
                person_ids=[store.people[0].id],
                source_url="https://example.com/a",
            )
        ).entry
        gone = (
            await store.add_entry(
                GUILD,
                7,
                day=date(2024, 5, 20),
                precision="month",
                headline="Removed later",
                body="Soft-deleted.",
                person_ids=[],
                source_url=None,
            )
        ).entry
        await store.remove_entry(GUILD, 7, gone.id)
        await store.edit_entry(
            GUILD, 8, kept.id, EntryChanges(body="Visible in one server, edited.")
        )
        await store.update_guild_settings(GUILD, 7, SettingsChanges(updates_channel_id=1234))
    finally:
        await store.close()


def test_init_then_check_prints_the_seed_counts(tmp_path, db, story):
    init = ok(run(tmp_path, "db", "init", **db))
    check = ok(run(tmp_path, "db", "check", **db))

    assert f"schema version {latest_version()}" in check
    assert "integrity: ok" in check
    counts = counts_printed(check)
    assert counts["people"] == len(story.people)
    assert counts["sources"] == len(story.sources)
    assert counts["shipped entries"] == counts["entries"] == len(story.entries)
    assert counts["shipped quotes"] == counts["quotes"] == len(story.quotes)
    assert counts["audit_log"] == 0
    assert counts_printed(init) == counts
    assert counts_printed(ok(run(tmp_path, "db", "init", **db))) == counts  # init is idempotent
    assert ok(run(tmp_path, "db", "seed", **db)).endswith(": 0 added, 0 updated\n")


async def test_export_import_round_trip_is_identical(tmp_path, db, story):
    await add_guild_activity(Path(db["DATABASE_PATH"]), story)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    ok(run(tmp_path, "db", "export", str(first), **db))
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert len(exported["tables"]["audit_log"]) == 5  # add, add, remove, edit, config
    assert len(exported["tables"]["guild_settings"]) == 1

    other = {"DATABASE_PATH": str(tmp_path / "other.db")}
    imported = ok(run(tmp_path, "db", "import", str(first), **other))
    added = {table: int(n) for n, table in re.findall(r"(\d+) (\w+)", imported)}
    assert added == {table: len(rows) for table, rows in exported["tables"].items()}
    ok(run(tmp_path, "db", "export", str(second), **other))

    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")

    again = ok(run(tmp_path, "db", "import", str(first), **other))
    assert set(re.findall(r"(\d+) \w+", again)) == {"0"}
    ok(run(tmp_path, "db", "export", "--force", str(second), **other))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


async def test_export_to_stdout_and_as_markdown(tmp_path, db, story):
    await add_guild_activity(Path(db["DATABASE_PATH"]), story)
    to_file = tmp_path / "export.json"
    ok(run(tmp_path, "db", "export", str(to_file), **db))
    assert ok(run(tmp_path, "db", "export", **db)) == to_file.read_text(encoding="utf-8")

    markdown = ok(run(tmp_path, "db", "export", "--format", "markdown", **db))
    assert markdown.startswith("# Timeline")
    for entry in story.entries:
        assert entry.headline in markdown
        assert f"Sourcing: {entry.provenance}" in markdown
    for quote in story.quotes:
        assert quote.text in markdown
    assert "— TechCrunch (reporting), " in markdown
    assert "Guild-only note" not in markdown  # the shipped story alone, without --guild

    guild = ok(run(tmp_path, "db", "export", "--format", "markdown", "--guild", str(GUILD), **db))
    assert f"Guild-only note (added in server {GUILD})" in guild
    assert "Removed later" not in guild
    assert all(entry.headline in guild for entry in story.entries)

    refused = one_line_failure(run(tmp_path, "db", "export", "--guild", str(GUILD), **db))
    assert "--guild works with --format markdown or html" in refused


async def test_backup_is_a_usable_copy_and_never_overwrites(tmp_path, db, story):
    await add_guild_activity(Path(db["DATABASE_PATH"]), story)
    copy = tmp_path / "backup.db"
    ok(run(tmp_path, "db", "backup", str(copy), **db))

    backup_env = {"DATABASE_PATH": str(copy)}
    assert "integrity: ok" in ok(run(tmp_path, "db", "check", **backup_env))
    assert await exported(copy) == await exported(Path(db["DATABASE_PATH"]))

    before = digest(copy)
    message = one_line_failure(run(tmp_path, "db", "backup", str(copy), **db))
    assert str(copy) in message and "exists" in message
    assert digest(copy) == before


def test_check_without_a_database_fails_and_creates_nothing(tmp_path, db):
    message = one_line_failure(run(tmp_path, "db", "check", **db))
    assert db["DATABASE_PATH"] in message and "db init" in message
    assert not Path(db["DATABASE_PATH"]).exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a storybot export"),
        ('{"format": "storybot-export", "schema_version": 999, "tables": {}}', "schema version"),
        (
            '{"format": "storybot-export", "schema_version": SCHEMA, '
            '"tables": {"people": [{"id": [1], "slug": "x", "name": "X", "role": "", "aliases": "[]"}]}}',
            "people row 1",
        ),
    ],
    ids=["bad json", "not an export", "other schema", "bad value"],
)
async def test_bad_import_file_fails_in_one_line_and_changes_nothing(
    tmp_path, db, story, content, expected
):
    await seeded(Path(db["DATABASE_PATH"]), story)
    before = await exported(Path(db["DATABASE_PATH"]))
    path = tmp_path / "bad.json"
    path.write_text(content.replace("SCHEMA", str(latest_version())), encoding="utf-8")

    message = one_line_failure(run(tmp_path, "db", "import", str(path), **db))

    assert str(path) in message and expected in message
    assert await exported(Path(db["DATABASE_PATH"])) == before


def test_missing_import_file(tmp_path, db):
    message = one_line_failure(run(tmp_path, "db", "import", "nowhere.json", **db))
    assert "nowhere.json" in message


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID"),
    ],
)
def test_bad_setting_is_one_line_naming_it_with_exit_code_2(tmp_path, db, env, variable):
    message = one_line_failure(run(tmp_path, "db", "check", **db, **env))
    assert message.startswith(f"error: {variable} ")


@pytest.mark.parametrize("args", [(), ("run",), ("sync",)])
def test_running_without_a_token_says_how_to_set_it(tmp_path, db, args):
    message = one_line_failure(run(tmp_path, *args, **db))
    assert "DISCORD_TOKEN" in message and ".env" in message


@pytest.mark.parametrize(
    "env",
    [
        {"DISCORD_TOKEN": f"{TOKEN[:40]} {TOKEN[40:]}"},
        {"DEV_GUILD_ID": TOKEN},
        {"LOG_LEVEL": TOKEN},
    ],
    ids=["token with a space", "token as guild id", "token as log level"],
)
def test_a_token_is_never_printed(tmp_path, db, env):
    result = run(tmp_path, **db, **env)
    one_line_failure(result)
    printed = result.stdout + result.stderr
    for part in env[next(iter(env))].split():
        assert part[:16] not in printed


def test_newer_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "newer.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)

    message = one_line_failure(run(tmp_path, "db", "check", DATABASE_PATH=str(path)))

    assert str(path) in message and str(latest_version() + 1) in message
    assert digest(path) == before


def test_non_sqlite_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 50, encoding="utf-8")
    message = one_line_failure(run(tmp_path, "db", "check", DATABASE_PATH=str(path)))
    assert str(path) in message and "not a database" in message
    assert path.read_text(encoding="utf-8") == "shopping list\n" * 50


def test_broken_story_file_is_named(tmp_path, db):
    story = tmp_path / "story.json"
    story.write_text('{"format": 2}', encoding="utf-8")
    message = one_line_failure(run(tmp_path, "db", "init", STORY_PATH=str(story), **db))
    assert str(story) in message and "'format'" in message


async def test_export_to_a_missing_folder_fails_cleanly(tmp_path, db, story):
    await seeded(Path(db["DATABASE_PATH"]), story)
    target = tmp_path / "no" / "such" / "folder" / "out.json"
    message = one_line_failure(run(tmp_path, "db", "export", str(target), **db))
    assert str(target) in message
    assert not target.parent.exists()


# Files the CLI writes: private, never over the database, over another file only with --force

EXPORT_JSON, EXPORT_MARKDOWN, BACKUP = (
    ("db", "export"),
    ("db", "export", "--format", "markdown"),
    ("db", "backup"),
)
WRITERS = [EXPORT_JSON, EXPORT_MARKDOWN, BACKUP]
WRITER_IDS = ["export", "export markdown", "backup"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_backups_and_exports_are_private(tmp_path, db, shared_umask):
    ok(run(tmp_path, "db", "init", **db))
    made = [Path(db["DATABASE_PATH"])]
    for number, writer in enumerate(WRITERS):
        made.append(tmp_path / f"out-{number}")
        ok(run(tmp_path, *writer, str(made[-1]), **db))

    assert [mode(path) for path in made] == [0o600] * len(made)


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (EXPORT_JSON, "data/bot.db"),  # the reviewer's command: it replaced the database
        ((*EXPORT_MARKDOWN, "--force"), "{tmp}/data/bot.db"),
        ((*BACKUP, "--force"), "data/../data/bot.db"),
        (EXPORT_JSON, "data/bot.db-wal"),
    ],
    ids=["export", "export markdown --force", "backup --force", "export to its -wal"],
)
async def test_export_and_backup_never_write_over_the_database(tmp_path, db, story, args, target):
    database = Path(db["DATABASE_PATH"])
    await add_guild_activity(database, story)
    before = digest(database)
    destination = target.format(tmp=tmp_path)

    message = one_line_failure(run(tmp_path, *args, destination, **db))

    assert f"{destination} is the database in use" in message
    assert digest(database) == before
    assert not Path(f"{database}-wal").exists()  # nothing written beside it either


@pytest.mark.parametrize("writer", WRITERS, ids=WRITER_IDS)
async def test_export_and_backup_replace_a_file_only_with_force(
    tmp_path, db, story, writer, shared_umask
):
    await seeded(Path(db["DATABASE_PATH"]), story)
    existing = tmp_path / "notes.txt"
    existing.write_text("someone's notes\n", encoding="utf-8")

    message = one_line_failure(run(tmp_path, *writer, str(existing), **db))

    assert str(existing) in message and "already exists" in message and "--force" in message
    assert existing.read_text(encoding="utf-8") == "someone's notes\n"

    ok(run(tmp_path, *writer, "--force", str(existing), **db))
    assert existing.read_bytes() != b"someone's notes\n"
    assert mode(existing) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "notes.txt"]  # no leftovers
    if writer == BACKUP:
        assert "integrity: ok" in ok(run(tmp_path, "db", "check", DATABASE_PATH=str(existing)))
