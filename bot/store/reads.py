"""Read queries. Each command is served by one statement that uses an index and reads one page."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from bot.models import (
    SHIPPED,
    AuditRecord,
    Counts,
    Entry,
    GuildSettings,
    Page,
    Person,
    PersonStats,
    Quote,
    SearchHit,
    TimelineFilters,
)
from bot.store import rows

HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"

# People and sources of each entry on the page, gathered in the same statement.
_ENTRY_DETAILS = """
    (SELECT json_group_array(person_id) FROM (
        SELECT person_id FROM entry_people WHERE entry_id = page.id ORDER BY position)) AS people,
    (SELECT json_group_array(json_array(id, name, url)) FROM (
        SELECT s.id, s.name, s.url FROM entry_sources es JOIN sources s ON s.id = es.source_id
        WHERE es.entry_id = page.id ORDER BY es.position)) AS sources
"""

_QUOTE_COLUMNS = """
    q.*, s.name AS source_name, s.url AS source_url
"""


def scope_of(guild_id: int | None) -> int:
    """What a guild may read: the shipped story plus its own additions (DMs: shipped only)."""
    return guild_id if guild_id is not None else SHIPPED


def fts_query(text: str) -> str | None:
    """User text as an FTS5 query of plain words: operators, quotes and stars lose their meaning."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words[:32])


def people(conn: sqlite3.Connection) -> list[Person]:
    return [rows.person(r) for r in conn.execute("SELECT * FROM people ORDER BY id")]


def timeline(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    filters: TimelineFilters,
    page: int,
    per_page: int,
) -> Page[Entry]:
    joins, where, params = "", ["e.removed_at IS NULL", "e.scope IN (0, ?)"], [scope]
    if filters.person_id is not None:
        joins = "JOIN entry_people ep ON ep.entry_id = e.id AND ep.person_id = ?"
        params.insert(0, filters.person_id)
    if filters.since is not None:
        where.append("e.date >= ?")
        params.append(filters.since.isoformat())
    if filters.until is not None:
        where.append("e.date <= ?")
        params.append(filters.until.isoformat())
    if filters.search is not None:
        query = fts_query(filters.search)
        if query is None:
            return Page((), 0, 0, per_page)
        where.append("e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)")
        params.append(query)
    sql = f"""
        WITH page AS (
            SELECT e.*, count(*) OVER () AS total FROM entries e {joins}
            WHERE {" AND ".join(where)}
            ORDER BY e.date, e.id LIMIT ? OFFSET ?)
        SELECT page.*, {_ENTRY_DETAILS} FROM page ORDER BY page.date, page.id
    """
    return _page(conn, sql, params, page, per_page, lambda r: rows.entry(r, people_by_id))


def entry(
    conn: sqlite3.Connection, people_by_id: dict[int, Person], scope: int, entry_id: int
) -> Entry | None:
    """One entry this scope may see; removed entries are visible only to their own guild."""
    row = conn.execute(
        f"""
        WITH page AS (SELECT * FROM entries WHERE id = ? AND scope IN (0, ?))
        SELECT page.*, {_ENTRY_DETAILS} FROM page
        """,
        (entry_id, scope),
    ).fetchone()
    return rows.entry(row, people_by_id) if row else None


def quote_at(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    person_id: int,
    index: int,
    search: str | None = None,
) -> Page[Quote]:
    """The index-th quote of a person (in date order), with how many there are."""
    where, params = (
        ["q.person_id = ?", "q.scope IN (0, ?)", "q.removed_at IS NULL"],
        [person_id, scope],
    )
    if search is not None:
        query = fts_query(search)
        if query is None:
            return Page((), 0, 0, 1)
        where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
        params.append(query)
    sql = f"""
        SELECT {_QUOTE_COLUMNS}, count(*) OVER () AS total
        FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
        WHERE {" AND ".join(where)}
        ORDER BY q.date, q.id LIMIT ? OFFSET ?
    """
    return _page(conn, sql, params, index, 1, lambda r: rows.quote(r, people_by_id))


def quote(
    conn: sqlite3.Connection, people_by_id: dict[int, Person], scope: int, quote_id: int
) -> Quote | None:
    row = conn.execute(
        f"""SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
        WHERE q.id = ? AND q.scope IN (0, ?)""",
        (quote_id, scope),
    ).fetchone()
    return rows.quote(row, people_by_id) if row else None


def search(
    conn: sqlite3.Connection, scope: int, text: str, page: int, per_page: int
) -> Page[SearchHit]:
    query = fts_query(text)
    if query is None:
        return Page((), 0, 0, per_page)
    marks = "char(2), char(3), '…', 24"
    sql = f"""
        WITH hits AS (
            SELECT 'entry' AS kind, e.id, e.date, e.headline AS title,
                   snippet(entries_fts, -1, {marks}) AS snippet, bm25(entries_fts) AS rank
            FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
            WHERE entries_fts MATCH :q AND e.scope IN (0, :scope) AND e.removed_at IS NULL
            UNION ALL
            SELECT 'quote', q.id, q.date, p.name,
                   snippet(quotes_fts, 0, {marks}), bm25(quotes_fts)
            FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
            JOIN people p ON p.id = q.person_id
            WHERE quotes_fts MATCH :q AND q.scope IN (0, :scope) AND q.removed_at IS NULL)
        SELECT *, count(*) OVER () AS total FROM hits
        ORDER BY rank, date, id LIMIT :limit OFFSET :offset
    """
    params = {"q": query, "scope": scope}
    return _page(conn, sql, params, page, per_page, _search_hit)


def _search_hit(row: sqlite3.Row) -> SearchHit:
    return SearchHit(
        row["kind"], row["id"], date.fromisoformat(row["date"]), row["title"], row["snippet"]
    )


def people_stats(
    conn: sqlite3.Connection, people_by_id: dict[int, Person], scope: int
) -> list[PersonStats]:
    result = conn.execute(
        """
        SELECT p.id,
            (SELECT count(*) FROM quotes q WHERE q.person_id = p.id AND q.scope IN (0, :scope)
                AND q.removed_at IS NULL) AS quotes,
            (SELECT count(*) FROM entry_people ep JOIN entries e ON e.id = ep.entry_id
                WHERE ep.person_id = p.id AND e.scope IN (0, :scope)
                AND e.removed_at IS NULL) AS entries
        FROM people p ORDER BY p.id
        """,
        {"scope": scope},
    ).fetchall()
    return [PersonStats(people_by_id[r["id"]], r["quotes"], r["entries"]) for r in result]


def counts(conn: sqlite3.Connection, scope: int) -> Counts:
    row = conn.execute(
        """
        SELECT
            (SELECT count(*) FROM entries WHERE scope IN (0, :scope) AND removed_at IS NULL),
            (SELECT count(*) FROM quotes WHERE scope IN (0, :scope) AND removed_at IS NULL),
            (SELECT count(*) FROM people)
        """,
        {"scope": scope},
    ).fetchone()
    return Counts(*row)


def history(
    conn: sqlite3.Connection, scope: int, target_id: int | None, page: int, per_page: int
) -> Page[AuditRecord]:
    where, params = "scope = ?", [scope]
    if target_id is not None:
        where += " AND target_id = ?"
        params.append(target_id)
    sql = f"""SELECT *, count(*) OVER () AS total FROM audit_log WHERE {where}
        ORDER BY id DESC LIMIT ? OFFSET ?"""
    return _page(conn, sql, params, page, per_page, rows.audit)


def guild_settings(conn: sqlite3.Connection, guild_id: int) -> GuildSettings:
    row = conn.execute("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)).fetchone()
    return rows.guild_settings(guild_id, row)


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _page(conn, sql, params, page, per_page, convert) -> Page:
    """Run a paged statement; a page past the end falls back to the last page."""
    page = max(0, page)
    named = isinstance(params, dict)

    def run(offset: int) -> list[sqlite3.Row]:
        if named:
            return conn.execute(sql, {**params, "limit": per_page, "offset": offset}).fetchall()
        return conn.execute(sql, [*params, per_page, offset]).fetchall()

    found = run(page * per_page)
    if not found and page > 0:
        # Rare (data shrank under an old button): one more statement to find the last page.
        first = run(0)
        page = (first[0]["total"] - 1) // per_page if first else 0
        if first:
            found = run(page * per_page)
    total = found[0]["total"] if found else 0
    return Page(tuple(convert(r) for r in found), total, page, per_page)
