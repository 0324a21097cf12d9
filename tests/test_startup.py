"""Startup problems: one line naming the problem and the file, exit code 2, nothing overwritten,
and no connection to Discord tried. Also the operator commands' own one-line failures.

The bot runs as `python tests/run_offline_bot.py` (that is `python -m bot` with every
network path made to fail loudly), so a check that ran only after logging in would show.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import discord
import pytest

from bot.cli import main
from bot.config import DEFAULT_STORY_PATH
from bot.exit_codes import EXIT_CONFIG, EXIT_FAILURE, EXIT_LOGIN
from bot.lifecycle import REFUSED_TOKEN
from bot.store import StoreError, open_store
from bot.store.db import latest_version, verify
from bot.story import load_story

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_BOT = ROOT / "tests" / "run_offline_bot.py"
NETWORK_ATTEMPTED = "OFFLINE-BOT: network attempted"
# Shaped like a bot token (three dot-separated parts, 70 characters) but not one.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


def run_offline(
    tmp_path: Path, *args: str, mode: str = "guard", token: str | None = TOKEN, **env: str
) -> subprocess.CompletedProcess:
    """The bot's command line in tmp_path (no .env there), with only the given settings."""
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "PYTHONIOENCODING": "utf-8",
        "OFFLINE_BOT": mode,
        **({"DISCORD_TOKEN": token} if token is not None else {}),
        **env,
    }
    return subprocess.run(
        [sys.executable, str(OFFLINE_BOT), *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def error_line(result: subprocess.CompletedProcess, code: int) -> str:
    """The one `error:` line of a failed run; nothing else is printed, least of all a traceback."""
    printed = result.stdout + result.stderr
    assert result.returncode == code, printed
    assert "Traceback" not in printed
    assert NETWORK_ATTEMPTED not in printed
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its hash: a failed start must change and add nothing."""
    return {str(p.relative_to(folder)): digest(p) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    """A database as the bot leaves it: seeded, one guild update, closed cleanly."""
    path = tmp_path_factory.mktemp("seeded") / "bot.db"

    async def build() -> None:
        store = await open_store(path, load_story(DEFAULT_STORY_PATH))
        await store.add_entry(
            1,
            2,
            day=date(2024, 5, 20),
            precision="day",
            headline="A guild's update",
            body="Body.",
            person_ids=[store.people[0].id],
            source_url=None,
        )
        await store.close()

    asyncio.run(build())
    return path


def damage(path: Path, table_or_index: str) -> None:
    """Overwrite the whole first page of a b-tree, in the middle of the file, with garbage."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_schema WHERE name = ?", (table_or_index,)
    ).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(bytes((i * 7 + 3) % 256 for i in range(page_size)))


# Each case: (what to set up in tmp_path, settings) -> the words the error line must hold.


def folder_is_a_file(tmp_path, seeded_db):
    (tmp_path / "data").write_text("not a folder\n", encoding="utf-8")
    return {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}, [str(tmp_path / "data")]


def folder_not_writable(tmp_path, seeded_db):
    if os.geteuid() == 0:
        pytest.skip("root may write to any folder")
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(seeded_db, folder / "bot.db")
    folder.chmod(0o555)
    return {"DATABASE_PATH": str(folder / "bot.db")}, [str(folder), "not writable"]


def database_is_a_folder(tmp_path, seeded_db):
    (tmp_path / "bot.db").mkdir()
    return {"DATABASE_PATH": str(tmp_path / "bot.db")}, [str(tmp_path / "bot.db"), "folder"]


def not_sqlite(tmp_path, seeded_db):
    (tmp_path / "bot.db").write_text("shopping list\n" * 50, encoding="utf-8")
    return {"DATABASE_PATH": str(tmp_path / "bot.db")}, [str(tmp_path / "bot.db"), "not a database"]


def damaged(tmp_path, seeded_db):
    path = tmp_path / "bot.db"
    shutil.copy(seeded_db, path)
    damage(path, "entries_timeline")  # startup itself never reads this index
    return {"DATABASE_PATH": str(path)}, [str(path), "damaged", "backup"]


def newer_schema(tmp_path, seeded_db):
    path = tmp_path / "bot.db"
    shutil.copy(seeded_db, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    return {"DATABASE_PATH": str(path)}, [str(path), f"schema version {latest_version() + 1}"]


def story_not_json(tmp_path, seeded_db):
    (tmp_path / "story.json").write_text('{"format": 1,', encoding="utf-8")
    env = {"STORY_PATH": str(tmp_path / "story.json"), "DATABASE_PATH": str(tmp_path / "bot.db")}
    return env, [str(tmp_path / "story.json"), "not valid JSON"]


def story_bad_item(tmp_path, seeded_db):
    raw = json.loads(DEFAULT_STORY_PATH.read_text(encoding="utf-8"))
    raw["entries"][3]["date"] = "last Tuesday"
    (tmp_path / "story.json").write_text(json.dumps(raw), encoding="utf-8")
    shutil.copy(seeded_db, tmp_path / "bot.db")
    env = {"STORY_PATH": str(tmp_path / "story.json"), "DATABASE_PATH": str(tmp_path / "bot.db")}
    return env, [str(tmp_path / "story.json"), raw["entries"][3]["key"], "'date'"]


@pytest.mark.parametrize(
    "case",
    [
        folder_is_a_file,
        folder_not_writable,
        database_is_a_folder,
        not_sqlite,
        damaged,
        newer_schema,
        story_not_json,
        story_bad_item,
    ],
    ids=lambda case: case.__name__,
)
@pytest.mark.parametrize("command", ["run", "sync"])
def test_a_startup_problem_is_one_line_before_any_network(tmp_path, seeded_db, case, command):
    env, expected = case(tmp_path, seeded_db)
    before = snapshot(tmp_path)

    message = error_line(run_offline(tmp_path, command, **env), EXIT_CONFIG)

    for words in expected:
        assert words in message
    assert snapshot(tmp_path) == before


def test_with_good_files_it_gets_as_far_as_logging_in(tmp_path):
    """The control: the cases above failed before the network, not for want of it."""
    result = run_offline(tmp_path, DATABASE_PATH=str(tmp_path / "data" / "bot.db"))
    assert result.returncode == EXIT_FAILURE  # worth a restart: the network may come back
    assert NETWORK_ATTEMPTED in result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: cannot reach Discord")
    assert (tmp_path / "data" / "bot.db").is_file()  # created and seeded before logging in


def test_a_missing_token_says_how_to_set_it(tmp_path):
    result = run_offline(tmp_path, token=None, DATABASE_PATH=str(tmp_path / "bot.db"))
    message = error_line(result, EXIT_CONFIG)
    assert "DISCORD_TOKEN" in message and ".env" in message and "Reset Token" in message
    assert snapshot(tmp_path) == {}


@pytest.mark.parametrize(
    "token",
    ["x" * 70, f"Bot {TOKEN}", TOKEN.replace(".", ""), "0123456789abcdef" * 4],
    ids=["no dots", "with Bot prefix", "one part", "public key"],
)
def test_a_malformed_token_is_refused_without_echoing_it(tmp_path, token):
    result = run_offline(tmp_path, token=token, DATABASE_PATH=str(tmp_path / "bot.db"))
    message = error_line(result, EXIT_CONFIG)
    assert message.startswith("error: DISCORD_TOKEN ")
    assert token[:12] not in message and token[-12:] not in message
    assert snapshot(tmp_path) == {}


def test_a_refused_token_exits_3_in_one_line(tmp_path):
    result = run_offline(tmp_path, mode="refuse", DATABASE_PATH=str(tmp_path / "bot.db"))
    message = error_line(result, EXIT_LOGIN)
    assert message == f"error: {REFUSED_TOKEN}"
    assert TOKEN[:16] not in result.stdout + result.stderr


@pytest.fixture
def in_process(tmp_path, monkeypatch):
    """Run main() here: settings only from the environment, the root logger restored."""
    for name in ("STORY_PATH", "DEV_GUILD_ID", "DISCORD_APPLICATION_ID", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.db"))
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield monkeypatch
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("command", [[], ["run"], ["sync"]])
def test_login_failure_maps_to_exit_3(in_process, capsys, command):
    logins = []

    async def refused(self, token):
        logins.append(token)
        raise discord.LoginFailure("Improper token has been passed.")

    in_process.setattr(discord.http.HTTPClient, "static_login", refused)

    assert main(command) == EXIT_LOGIN

    assert logins == [TOKEN]
    assert capsys.readouterr().err.splitlines()[-1] == f"error: {REFUSED_TOKEN}"


def test_the_store_is_ready_before_the_login(in_process, tmp_path):
    """The login is the first network call; by then the database exists, migrated and seeded."""
    seen = []

    async def login(self, token):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        raise discord.LoginFailure("refused")

    in_process.setattr(discord.http.HTTPClient, "static_login", login)
    assert main([]) == EXIT_LOGIN
    assert seen == [["bot.db"]]  # closed again (no -wal): the bot reopens it in setup_hook


def test_damage_startup_would_miss_is_found_by_the_quick_check(tmp_path, seeded_db):
    """Why the bot runs PRAGMA quick_check as it starts: opening alone does not notice."""
    path = tmp_path / "bot.db"
    shutil.copy(seeded_db, path)
    damage(path, "entries_timeline")

    async def open_and_close() -> None:
        store = await open_store(path, load_story(DEFAULT_STORY_PATH))
        await store.close()

    asyncio.run(open_and_close())  # no error: the damage waits for the first /timeline
    with pytest.raises(StoreError, match="damaged"):
        verify(path)
    verify(seeded_db)  # and an intact file passes


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frob"], "invalid choice: 'frob'"),
        (["db"], "required: ACTION"),
        (["db", "backup"], "required: destination"),
        (["db", "export", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["run", "--now"], "unrecognized arguments: --now"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(capsys, args, words):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == EXIT_CONFIG
    printed = capsys.readouterr()
    assert printed.out == ""
    lines = printed.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]
    assert "--help" in lines[0]


def test_help_still_prints_the_usage(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["db", "--help"])
    assert exited.value.code == 0
    assert "backup" in capsys.readouterr().out


def test_a_backup_cut_short_by_the_disk_leaves_no_file(tmp_path, seeded_db):
    """The disk fills up half-way (a file size limit in the child): one line, no partial copy."""
    shutil.copy(seeded_db, tmp_path / "bot.db")
    destination = tmp_path / "backups" / "bot-copy.db"
    destination.parent.mkdir()
    limit = (tmp_path / "bot.db").stat().st_size // 2

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    environ = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(tmp_path / "bot.db"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "backup", str(destination)],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=small_disk,
    )

    message = error_line(result, EXIT_CONFIG)
    assert str(destination) in message
    assert list(destination.parent.iterdir()) == []  # no copy, no .partial, no -journal

    # With room on the disk the same command makes a complete copy.
    copy = subprocess.run(
        [sys.executable, "-m", "bot", "db", "backup", str(destination)],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert copy.returncode == 0, copy.stderr
    assert [p.name for p in destination.parent.iterdir()] == [destination.name]
    conn = sqlite3.connect(destination)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
