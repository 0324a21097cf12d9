"""Every read a command makes is served by an index: checked on SQLite's own query plans.

The SQL is not copied here: the real read functions of bot.store.reads (and the search read of
bot.store.searching) run on a real database with a trace callback, and each statement they send
is explained with EXPLAIN QUERY PLAN.

What the check accepts, and why:
- SEARCH lines (an index or primary-key lookup) of any table.
- SCAN of a CTE or subquery (`page`, `keys`, `pick`, `total`, `marks`, `member`,
  `(subquery-N)`, `CONSTANT ROW`): rows already found by an index, a page or a handful of
  links, or the one row of a total or of a member's /whatsnew marks.
- SCAN of `text_edits`: one row, the counter that numbers text edits.
- SCAN of an FTS5 table through its MATCH constraint (plan text `VIRTUAL TABLE INDEX n:M...`,
  or on old SQLite an odd idxNum): that walks the full-text index for the query's terms only,
  and those terms are the asking guild's and the shipped story's (checked below).
- SCAN of `hits` and `hits_scopeN`: a search's candidates, at most the budget's most recent
  matches of each kind in each scope it reads; the rows they name are looked up by id.
- SCAN of `people`: shipped-only, about ten rows, and every row is part of /people's answer.
- `USE TEMP B-TREE FOR ORDER BY`: sorts the rows the index found, not the table.
Anything else that scans a table fails, including a covering-index scan of entries or quotes:
that still reads a row per item, so it would slow down as guilds add items.
The plans are checked twice: as opened (no statistics), and after ANALYZE on a database with a
few hundred guild items (as `PRAGMA optimize` would leave it), where a planner that thinks a
table is small might prefer a scan.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.config import DEFAULT_STORY_PATH
from bot.models import Cursor, EntryChanges, SeenMarks, TimelineFilters
from bot.search_terms import search_terms
from bot.store import catch_up, db, reads, searching, seeding, writes
from bot.story import load_story

GUILDS = (111111111111111111, 222222222222222222, 333333333333333333)
GUILD = GUILDS[0]

_FTS_SCAN = re.compile(r"SCAN (\w+_fts) VIRTUAL TABLE INDEX (\d+):(\S*)")
_FTS_QUERY = re.compile(r"MATCH '((?:[^']|'')*)'")  # as SQLite's trace fills in a parameter
_TERM = re.compile(r'"([eq])(\d+)x[^\W_]+"')  # a quoted term of the scoped index
_HARMLESS_SCAN = re.compile(
    r"SCAN (\(subquery-\d+\)|page|keys|pick|total|marks|member|text_edits|hits|hits_scope\d"
    r"|CONSTANT ROW)( LEFT-JOIN)?$"
)
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
                "SCAN page LEFT-JOIN",
                "SCAN keys",
                "SCAN total",
                "SCAN p",
                "USE TEMP B-TREE FOR ORDER BY",
            ]
        )
        == []
    )


async def fill(conn: aiosqlite.Connection, people: dict) -> None:
    """A few hundred guild entries and quotes, some removed, through the real write functions."""
    ids = sorted(people)
    await conn.execute("PRAGMA synchronous = OFF")  # test speed only; durability is not under test
    for n in range(240):
        guild = GUILDS[n % len(GUILDS)]
        added = await writes.add_entry(
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
        await writes.add_quote(
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
            await writes.set_entry_removed(conn, people, guild, 1, added.entry.id, True)
        elif n % 5 == 0:
            changes = EntryChanges(body=f"Body {n}, corrected.")
            await writes.edit_entry(conn, people, guild, 1, added.entry.id, changes)


async def build(path: Path, analyzed: bool) -> None:
    db.migrate_file(path)
    conn = await db.open_connection(path, read_only=False)
    try:
        await seeding.seed(conn, load_story(DEFAULT_STORY_PATH))
        if analyzed:
            await fill(conn, {p.id: p for p in await reads.people(conn)})
            await conn.execute("ANALYZE")
    finally:
        await conn.close()


@pytest.fixture(scope="module", params=["as opened", "analyzed"])
def database_path(request, tmp_path_factory) -> Path:
    path = Path(tmp_path_factory.mktemp("plans")) / "plans.db"
    asyncio.run(build(path, analyzed=request.param == "analyzed"))
    return path


@dataclass(frozen=True)
class Database:
    conn: aiosqlite.Connection  # a reader, as the store's reads run on
    people: dict
    quoted: int  # a person with quotes


@pytest.fixture
async def database(database_path) -> Database:
    conn = await db.open_connection(database_path, read_only=True)
    people = {p.id: p for p in await reads.people(conn)}
    for pid in sorted(people):
        if (await reads.quote_at(conn, people, GUILD, pid, 0)).total > 0:
            break
    yield Database(conn, people, pid)
    await conn.close()


CASES: dict[str, Callable[[Database], Awaitable[object]]] = {
    "timeline": lambda d: reads.timeline(d.conn, d.people, GUILD, TimelineFilters(), Cursor(), 10),
    "timeline, later page": lambda d: reads.timeline(
        d.conn, d.people, GUILD, TimelineFilters(), Cursor(after=(date(2024, 5, 17), 5)), 10, 3
    ),
    "timeline, last page": lambda d: reads.timeline(
        d.conn, d.people, GUILD, TimelineFilters(), Cursor(from_end=True), 10
    ),
    "timeline, newest first": lambda d: reads.timeline(
        d.conn, d.people, GUILD, TimelineFilters(), Cursor(), 10, 0, True
    ),
    "timeline, newest first, a later page": lambda d: reads.timeline(
        d.conn,
        d.people,
        GUILD,
        TimelineFilters(),
        Cursor(after=(date(2024, 5, 17), 5)),
        10,
        3,
        True,
    ),
    "timeline by person": lambda d: reads.timeline(
        d.conn, d.people, GUILD, TimelineFilters(person_id=min(d.people)), Cursor(), 10
    ),
    "timeline by date range": lambda d: reads.timeline(
        d.conn,
        d.people,
        GUILD,
        TimelineFilters(since=date(2024, 5, 15), until=date(2024, 5, 17)),
        Cursor(),
        10,
    ),
    "timeline with search": lambda d: reads.timeline(
        d.conn, d.people, GUILD, TimelineFilters(search=search_terms("equity")), Cursor(), 10
    ),
    "timeline with every filter": lambda d: reads.timeline(
        d.conn,
        d.people,
        GUILD,
        TimelineFilters(
            person_id=min(d.people), since=date(2024, 1, 1), search=search_terms("OpenAI")
        ),
        Cursor(),
        10,
    ),
    "timeline in DMs": lambda d: reads.timeline(
        d.conn, d.people, 0, TimelineFilters(), Cursor(), 10
    ),
    "quote by person": lambda d: reads.quote_at(d.conn, d.people, GUILD, d.quoted, 1),
    "quote by person with search": lambda d: reads.quote_at(
        d.conn, d.people, GUILD, d.quoted, 0, search_terms("safety")
    ),
    "search": lambda d: searching.search(d.conn, GUILD, search_terms("equity compute"), 0, 10, 50),
    "search in DMs": lambda d: searching.search(d.conn, 0, search_terms("Leike"), 0, 10, 50),
    "entry by id": lambda d: reads.entry(d.conn, d.people, GUILD, 3),
    "quote by id": lambda d: reads.quote(d.conn, d.people, GUILD, 3),
    "people with counts": lambda d: reads.people_stats(d.conn, d.people, GUILD),
    "counts": lambda d: reads.counts(d.conn, GUILD),
    "history": lambda d: reads.history(d.conn, GUILD, None, 0, 10),
    "history of one item": lambda d: reads.history(d.conn, GUILD, 5, 0, 10),
    "guild settings": lambda d: reads.guild_settings(d.conn, GUILD),
    "what's new": lambda d: catch_up.whats_new(d.conn, d.people, GUILD, 7, 5),
    "what's new, a later page": lambda d: catch_up.whats_new(
        d.conn, d.people, GUILD, 7, 5, 2, (SeenMarks(20, 20, 3), SeenMarks(10**6, 10**6, 10**6))
    ),
}


async def traced_statements(conn: aiosqlite.Connection, run: Awaitable[object]) -> list[str]:
    """The statements `run` sends, with their parameters filled in by SQLite."""
    sent: list[str] = []
    await conn.set_trace_callback(sent.append)  # called on the connection's thread
    try:
        await run
    finally:
        await conn.set_trace_callback(None)
    # Inside ours, FTS5 runs statements of its own: on its shadow tables (traced as "-- ..."),
    # and for its config and the file's data_version (naming the schema as 'main'.).
    return [s for s in sent if not s.lstrip().startswith("--") and "'main'." not in s]


async def plan_of(conn: aiosqlite.Connection, sql: str) -> list[str]:
    return [row[3] for row in await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")]


@pytest.mark.parametrize("case", CASES)
async def test_reads_use_indexes(database, case):
    statements = await traced_statements(database.conn, CASES[case](database))
    assert statements, "the read sent no SQL"
    for sql in statements:
        plan = await plan_of(database.conn, sql)
        assert plan
        assert scan_problems(plan) == [], "\n".join([sql, *plan])


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("timeline", r"SEARCH entries USING INDEX entries_timeline \(scope=\?\)"),
        ("timeline, later page", r"SEARCH entries USING INDEX entries_timeline \(scope=\? AND "),
        ("timeline by person", r"SEARCH entry_people USING INDEX entry_people_timeline"),
        ("quote by person", r"SEARCH quotes USING INDEX quotes_by_person"),
        ("search", r"SCAN search_fts VIRTUAL TABLE"),
        ("timeline with search", r"SCAN search_fts VIRTUAL TABLE"),
        ("quote by person with search", r"SCAN search_fts VIRTUAL TABLE"),
        ("entry by id", r"SEARCH entries USING INTEGER PRIMARY KEY"),
        ("what's new", r"SEARCH entries USING INDEX entries_by_scope \(scope=\? AND id>\? AND"),
        ("what's new", r"SEARCH quotes USING INDEX quotes_by_scope \(scope=\? AND id>\? AND"),
        ("what's new", r"SEARCH entries USING INDEX entries_text_edits \(scope=\? AND text_edit>"),
        ("what's new", r"SEARCH seen_marks USING PRIMARY KEY \(guild_id=\? AND user_id=\?\)"),
    ],
)
async def test_main_tables_are_reached_through_the_expected_index(database, case, expected):
    statements = await traced_statements(database.conn, CASES[case](database))
    plans = "\n".join([line for sql in statements for line in await plan_of(database.conn, sql)])
    assert re.search(expected, plans), plans


@pytest.mark.parametrize("case", CASES)
async def test_each_read_is_one_statement(database, case):
    """One statement, so one hop to the connection's thread (see bot.store.sqlite)."""
    statements = await traced_statements(database.conn, CASES[case](database))
    assert len(statements) == 1, statements


SEARCHES = {
    "timeline with search": GUILD,
    "timeline with every filter": GUILD,
    "quote by person with search": GUILD,
    "search": GUILD,
    "search in DMs": 0,
}
_QUERY_OF_TERMS = re.compile(r'"[eq]\d+x[^\W_]+"( "[eq]\d+x[^\W_]+")*')


@pytest.mark.parametrize("case", SEARCHES)
async def test_searches_name_only_the_asking_guilds_terms_and_the_shipped_ones(database, case):
    """FTS5 reads the doclists of the terms a query names and no others, and every term names
    its scope: a search that names only the guild's own terms and the shipped story's never
    reads another guild's rows, however many match the same words."""
    statements = await traced_statements(database.conn, CASES[case](database))
    queries = [query.replace("''", "'") for sql in statements for query in _FTS_QUERY.findall(sql)]
    assert queries, statements
    for query in queries:
        assert _QUERY_OF_TERMS.fullmatch(query), query  # terms only: no operator, no bare word
        assert {int(scope) for _, scope in _TERM.findall(query)} <= {0, SEARCHES[case]}, query
    # Not vacuous: where other guilds have rows, the same words in their scope do match.
    [(neighbours,)] = await database.conn.execute_fetchall(
        "SELECT count(*) FROM entries WHERE scope = ?", (GUILDS[1],)
    )
    if neighbours and case != "search in DMs":
        theirs = [q.replace(f"{SEARCHES[case]}x", f"{GUILDS[1]}x") for q in queries]
        found = [
            (await database.conn.execute_fetchall(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (q,)
            ))[0][0]
            for q in theirs
        ]  # fmt: skip
        assert any(found), theirs


@pytest.mark.parametrize("case", SEARCHES)
async def test_searches_start_from_their_matches_not_the_guilds_whole_list(database, case):
    """A search looks its candidates up by id: walking the scope's timeline or quotes index
    and testing each row would cost as much as the guild holds, even for no match at all."""
    statements = await traced_statements(database.conn, CASES[case](database))
    plans = [line for sql in statements for line in await plan_of(database.conn, sql)]
    walks = [
        line for line in plans if re.search(r"timeline|quotes_by_person|quotes_by_scope", line)
    ]
    assert walks == [], "\n".join(plans)
