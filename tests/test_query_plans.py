"""Every read a command makes is served by an index: checked on SQLite's own query plans.

The SQL is not copied here: the real read functions of bot.store.reads run on a real database
with a trace callback, and each statement they send is explained with EXPLAIN QUERY PLAN.

What the check accepts, and why:
- SEARCH lines (an index or primary-key lookup) of any table.
- SCAN of a CTE or subquery (`page`, `(subquery-N)`, `CONSTANT ROW`): rows already found by an
  index, a page or a handful of links, not a table.
- SCAN of an FTS5 table through its MATCH constraint (plan text `VIRTUAL TABLE INDEX n:M...`,
  or on old SQLite an odd idxNum): that walks the full-text index for the query's terms only.
- SCAN of `people`: shipped-only, about ten rows, and every row is part of /people's answer.
- `USE TEMP B-TREE FOR ORDER BY`: sorts the rows the index found, not the table.
Anything else that scans a table fails, including a covering-index scan of entries or quotes:
that still reads a row per item, so it would slow down as guilds add items.
The plans are checked twice: as opened (no statistics), and after ANALYZE on a database with a
few hundred guild items (as `PRAGMA optimize` would leave it), where a planner that thinks a
table is small might prefer a scan.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_STORY_PATH
from bot.models import Cursor, TimelineFilters
from bot.store import db, reads, seeding, writes
from bot.story import load_story

GUILDS = (111111111111111111, 222222222222222222, 333333333333333333)
GUILD = GUILDS[0]

_FTS_SCAN = re.compile(r"SCAN (\w+_fts) VIRTUAL TABLE INDEX (\d+):(\S*)")
_HARMLESS_SCAN = re.compile(r"SCAN (\(subquery-\d+\)|page|hits|CONSTANT ROW)$")
_PEOPLE_SCAN = re.compile(r"SCAN (p|people)( USING COVERING INDEX \w+)?$")


def scan_problems(plan: list[str]) -> list[str]:
    """The plan lines that read a whole table (see the module docstring for what passes)."""
    problems = []
    for line in plan:
        if not line.startswith("SCAN "):
            continue
        if _HARMLESS_SCAN.match(line) or _PEOPLE_SCAN.match(line):
            continue
        fts = _FTS_SCAN.match(line)
        # FTS5 names its MATCH plan "M..." in idxStr (SQLite >= 3.3x); older ones set bit 1 of idxNum.
        if fts and ("M" in fts[3] or (not fts[3] and int(fts[2]) & 1)):
            continue
        problems.append(line)
    return problems


def test_the_checker_itself_rejects_scans():
    assert scan_problems(["SCAN entries"]) == ["SCAN entries"]
    assert scan_problems(["SCAN e USING INDEX entries_timeline"]) != []
    assert scan_problems(["SCAN q USING COVERING INDEX quotes_by_person"]) != []
    assert scan_problems(["SCAN entries_fts VIRTUAL TABLE INDEX 0:"]) != []
    assert scan_problems(["SCAN audit_log"]) != []
    assert (
        scan_problems(
            [
                "SEARCH e USING INDEX entries_timeline (scope=?)",
                "SCAN entries_fts VIRTUAL TABLE INDEX 0:M2",
                "SCAN (subquery-7)",
                "SCAN page",
                "SCAN p",
                "USE TEMP B-TREE FOR ORDER BY",
            ]
        )
        == []
    )


def fill(conn: sqlite3.Connection, people: dict) -> None:
    """A few hundred guild entries and quotes, some removed, through the real write functions."""
    ids = sorted(people)
    conn.execute("PRAGMA synchronous = OFF")  # test speed only; durability is not under test
    for n in range(240):
        guild = GUILDS[n % len(GUILDS)]
        entry = writes.add_entry(
            conn,
            people,
            guild,
            1,
            date(2024, 1, 1) + timedelta(days=n % 200),
            "day",
            f"Guild note {n} about equity and compute",
            f"Body {n} mentions Leike and OpenAI.",
            [ids[n % len(ids)], ids[(n + 3) % len(ids)]],
            f"https://example.com/{n % 17}",
        )
        writes.add_quote(
            conn,
            people,
            guild,
            1,
            ids[n % len(ids)],
            f"Quote {n} on safety culture",
            date(2024, 1, 1) + timedelta(days=n % 150),
            "interview",
            None,
        )
        if n % 7 == 0:
            writes.set_entry_removed(conn, people, guild, 1, entry.id, True)


@pytest.fixture(scope="module", params=["as opened", "analyzed"])
def database(request, tmp_path_factory) -> tuple[sqlite3.Connection, dict]:
    path = Path(tmp_path_factory.mktemp("plans")) / "plans.db"
    conn = db.connect(path)
    seeding.seed(conn, load_story(DEFAULT_STORY_PATH))
    people = {p.id: p for p in reads.people(conn)}
    if request.param == "analyzed":
        fill(conn, people)
        conn.execute("ANALYZE")
    yield conn, people
    conn.close()


def person_with_quotes(conn, people) -> int:
    return next(
        pid for pid in sorted(people) if reads.quote_at(conn, people, GUILD, pid, 0).total > 0
    )


CASES: dict[str, Callable[[sqlite3.Connection, dict], object]] = {
    "timeline": lambda c, p: reads.timeline(c, p, GUILD, TimelineFilters(), Cursor(), 10),
    "timeline, later page": lambda c, p: reads.timeline(
        c, p, GUILD, TimelineFilters(), Cursor(after=(date(2024, 5, 17), 5)), 10, 3
    ),
    "timeline, last page": lambda c, p: reads.timeline(
        c, p, GUILD, TimelineFilters(), Cursor(from_end=True), 10
    ),
    "timeline by person": lambda c, p: reads.timeline(
        c, p, GUILD, TimelineFilters(person_id=min(p)), Cursor(), 10
    ),
    "timeline by date range": lambda c, p: reads.timeline(
        c, p, GUILD, TimelineFilters(since=date(2024, 5, 15), until=date(2024, 5, 17)), Cursor(), 10
    ),
    "timeline with search": lambda c, p: reads.timeline(
        c, p, GUILD, TimelineFilters(search="equity"), Cursor(), 10
    ),
    "timeline with every filter": lambda c, p: reads.timeline(
        c,
        p,
        GUILD,
        TimelineFilters(person_id=min(p), since=date(2024, 1, 1), search="OpenAI"),
        Cursor(),
        10,
    ),
    "timeline in DMs": lambda c, p: reads.timeline(c, p, 0, TimelineFilters(), Cursor(), 10),
    "quote by person": lambda c, p: reads.quote_at(c, p, GUILD, person_with_quotes(c, p), 1),
    "quote by person with search": lambda c, p: reads.quote_at(
        c, p, GUILD, person_with_quotes(c, p), 0, "safety"
    ),
    "search": lambda c, p: reads.search(c, GUILD, "equity compute", 0, 10),
    "entry by id": lambda c, p: reads.entry(c, p, GUILD, 3),
    "quote by id": lambda c, p: reads.quote(c, p, GUILD, 3),
    "people with counts": lambda c, p: reads.people_stats(c, p, GUILD),
    "counts": lambda c, p: reads.counts(c, GUILD),
    "history": lambda c, p: reads.history(c, GUILD, None, 0, 10),
    "history of one item": lambda c, p: reads.history(c, GUILD, 5, 0, 10),
    "guild settings": lambda c, p: reads.guild_settings(c, GUILD),
}


def traced_statements(conn: sqlite3.Connection, run: Callable[[], object]) -> list[str]:
    """The statements `run` sends, with their parameters filled in by SQLite."""
    sent: list[str] = []
    conn.set_trace_callback(sent.append)
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    # FTS5 reads its own shadow tables with statements traced as "-- ..."; they are not ours.
    return [s for s in sent if not s.lstrip().startswith("--")]


@pytest.mark.parametrize("case", CASES)
def test_reads_use_indexes(database, case):
    conn, people = database
    if case.startswith("quote by person"):
        person_with_quotes(conn, people)  # warm up outside the trace
    statements = traced_statements(conn, lambda: CASES[case](conn, people))
    assert statements, "the read sent no SQL"
    for sql in statements:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert plan
        assert scan_problems(plan) == [], "\n".join([sql, *plan])


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("timeline", r"SEARCH entries USING INDEX entries_timeline \(scope=\?\)"),
        ("timeline, later page", r"SEARCH entries USING INDEX entries_timeline \(scope=\? AND "),
        ("timeline by person", r"SEARCH entry_people USING INDEX entry_people_timeline"),
        ("quote by person", r"SEARCH quotes USING INDEX quotes_by_person"),
        ("search", r"SCAN entries_fts VIRTUAL TABLE"),
        ("search", r"SCAN quotes_fts VIRTUAL TABLE"),
        ("entry by id", r"SEARCH entries USING INTEGER PRIMARY KEY"),
    ],
)
def test_main_tables_are_reached_through_the_expected_index(database, case, expected):
    conn, people = database
    statements = traced_statements(conn, lambda: CASES[case](conn, people))
    plans = "\n".join(
        row[3] for sql in statements for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")
    )
    assert re.search(expected, plans), plans
