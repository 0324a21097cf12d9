"""Installed anywhere: the story ships inside the package, the database has a home of its own,
and a non-editable install works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(command: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """A command with only the given settings: no PYTHONPATH, no .env, a HOME of its own."""
    environ = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **env}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_database_defaults_to_the_users_data_folder_from_any_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"

    out = ok(run([sys.executable, "-m", "bot", "db", "init"], elsewhere, HOME=str(home)))

    database = home / ".local" / "share" / "storybot" / "bot.db"
    assert out.splitlines()[0].startswith(f"database: {database} ")
    assert database.is_file()
    assert list(elsewhere.iterdir()) == []  # nothing in the working folder


def test_a_database_where_earlier_versions_kept_it_stops_the_bot_untouched(tmp_path):
    old = tmp_path / "data" / "bot.db"
    old.parent.mkdir()
    old.write_bytes(b"not read")
    home = tmp_path / "home"

    result = run([sys.executable, "-m", "bot", "db", "check"], tmp_path, HOME=str(home))

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: found data/bot.db, where earlier versions kept")
    assert "DATABASE_PATH=data/bot.db" in result.stderr
    assert not home.exists()  # no new, empty database in its place
    assert old.read_bytes() == b"not read"
