"""`python -m bot db prune-seen --older-than DAYS`: the operator forgets the /whatsnew marks of
members who stopped looking (who left can't be known without the members intent)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_cli import GUILD, ok, one_line_failure, run

from bot.models import SeenMarks
from bot.store import open_store

STAYED, LEFT = 11, 12


@pytest.fixture
def db(tmp_path) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}


async def two_members(path: Path, story) -> None:
    """Two members' marks; one last looked 100 days ago."""
    store = await open_store(path, story)
    try:
        for user in (STAYED, LEFT):
            await store.mark_caught_up(GUILD, user, SeenMarks(1, 1, 0))
    finally:
        await store.close()
    long_ago = (date.today() - timedelta(days=100)).isoformat() + "T00:00:00.000+00:00"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE seen_marks SET seen_at = ? WHERE user_id = ?", (long_ago, LEFT))
    conn.close()


def members_with_marks(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        found = [row[0] for row in conn.execute("SELECT user_id FROM seen_marks ORDER BY 1")]
    conn.close()
    return found


async def test_prunes_only_members_who_have_not_looked_for_that_long(tmp_path, db, story):
    path = Path(db["DATABASE_PATH"])
    await two_members(path, story)

    kept = ok(run(tmp_path, "db", "prune-seen", "--older-than", "101", **db))
    assert kept == "forgot the /whatsnew marks of 0 members who had not looked for 101 days\n"
    assert members_with_marks(path) == [STAYED, LEFT]

    pruned = ok(run(tmp_path, "db", "prune-seen", "--older-than", "90", **db))
    assert pruned == "forgot the /whatsnew marks of 1 member who had not looked for 90 days\n"
    assert members_with_marks(path) == [STAYED]
    assert "seen_marks: 1" in ok(run(tmp_path, "db", "check", **db))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "required: --older-than"),
        (("--older-than", "0"), "'0' is not a number of days"),
        (("--older-than", "-5"), "'-5' is not a number of days"),
        (("--older-than", "a week"), "'a week' is not a number of days"),
    ],
)
async def test_a_bad_number_of_days_is_one_line_and_changes_nothing(
    tmp_path, db, story, args, expected
):
    path = Path(db["DATABASE_PATH"])
    await two_members(path, story)

    message = one_line_failure(run(tmp_path, "db", "prune-seen", *args, **db))

    assert expected in message
    assert members_with_marks(path) == [STAYED, LEFT]


def test_without_a_database_it_fails_and_creates_nothing(tmp_path, db):
    message = one_line_failure(run(tmp_path, "db", "prune-seen", "--older-than", "30", **db))
    assert db["DATABASE_PATH"] in message and "db init" in message
    assert not Path(db["DATABASE_PATH"]).exists()
