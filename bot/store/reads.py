"""Read queries, each an async function over an aiosqlite connection.

Every read a command makes is one SQL statement, so one hop to the connection's thread: a CTE
reads the total (from the counters, or counted up to COUNT_CAP) beside the page, and the page
beside its people and sources. A second statement runs only when the page asked for has gone
(entries were removed since the buttons were drawn): then the nearest page is read instead.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

import aiosqlite

from bot.models import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    SHIPPED,
    AuditRecord,
    Counts,
    Cursor,
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

COUNT_CAP = 1000  # totals past this are shown as "1,000+": counting further would read every row
NO_CAP = 2**62  # for totals that come from the counters, which are always exact

# People and sources of each entry on the page, gathered in the same statement.
ENTRY_DETAILS = """
    (SELECT json_group_array(person_id) FROM (
        SELECT person_id FROM entry_people WHERE entry_id = page.id ORDER BY position)) AS people,
    (SELECT json_group_array(json_array(id, name, url)) FROM (
        SELECT s.id, s.name, s.url FROM entry_sources es JOIN sources s ON s.id = es.source_id
        WHERE es.entry_id = page.id ORDER BY es.position)) AS sources
"""

QUOTE_COLUMNS = "q.*, s.name AS source_name, s.url AS source_url"


def scope_of(guild_id: int | None) -> int:
    """What a guild may read: the shipped story plus its own additions (DMs: shipped only)."""
    return guild_id if guild_id is not None else SHIPPED


def fts_query(text: str) -> str | None:
    """User text as an FTS5 query of plain words: operators, quotes and stars lose their meaning."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words[:32])


async def _one(conn: aiosqlite.Connection, sql: str, params=()) -> sqlite3.Row | None:
    found = await conn.execute_fetchall(sql, params)
    return found[0] if found else None


def _with_total(total_sql: str, page_sql: str, order: str, columns: str = "page.*") -> str:
    """One statement: the total, then the page's rows (none: one row of NULLs beside the total)."""
    return f"""WITH total AS (SELECT ({total_sql}) AS n)
        SELECT total.n AS total, {columns} FROM total LEFT JOIN ({page_sql}) AS page ON 1
        ORDER BY {order}"""


def _capped_count(sources: list[str]) -> str:
    """SQL counting the rows of each "FROM … WHERE …" in `sources`, each up to COUNT_CAP + 1."""
    return " + ".join(
        f"(SELECT count(*) FROM (SELECT 1 {source} LIMIT {COUNT_CAP + 1}))" for source in sources
    )


def _total(found: list[sqlite3.Row], cap: int) -> tuple[int, bool]:
    """(total, exact) from the first row of a _with_total statement."""
    n = found[0]["total"]
    return min(n, cap), n <= cap


async def _page_of(
    conn: aiosqlite.Connection, sql: str, params: dict, page: int, per_page: int
) -> tuple[list[sqlite3.Row], int, bool, int]:
    """Rows, total, exact and page number of a numbered page of a _with_total statement (which
    takes :offset). A page past the end is the last page: that costs a second statement."""
    page = max(0, page)
    found = await conn.execute_fetchall(sql, {**params, "offset": page * per_page})
    total, exact = _total(found, COUNT_CAP)
    last = max(0, -(-total // per_page) - 1)
    if page > last and total:  # items were removed since the buttons were drawn
        found = await conn.execute_fetchall(sql, {**params, "offset": last * per_page})
        total, exact = _total(found, COUNT_CAP)
    return found, total, exact, min(page, last)


async def people(conn: aiosqlite.Connection) -> list[Person]:
    return [rows.person(r) for r in await conn.execute_fetchall("SELECT * FROM people ORDER BY id")]


@dataclass(frozen=True)
class _Slice:
    """One scope's part of a filtered timeline: (date, id) pairs read in order from one index."""

    where: str  # with a {scope} placeholder
    id_column: str
    params: dict

    def sql(self, scope_param: str, keyset: str = "") -> str:
        return f"SELECT date, {self.id_column} AS id {self.where.format(scope=scope_param)}{keyset}"


def _scope_params(scope: int) -> dict[str, int]:
    scopes = [SHIPPED] if scope == SHIPPED else [SHIPPED, scope]
    return {f"scope{i}": value for i, value in enumerate(scopes)}


async def timeline(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    filters: TimelineFilters,
    cursor: Cursor,
    per_page: int,
    page: int = 0,
    newest_first: bool = False,
) -> Page[Entry]:
    """One page of the timeline in (date, id) order, or newest first, found from `cursor` by
    index (keyset). The cursor, the pages and the flags are in the order shown.

    Pages line up with counting from the start (the last page holds the remainder) whenever
    the total is exact. A cursor that finds nothing (entries were removed) falls back to the
    nearest end, like a page number past the end.
    """
    part = _timeline_slice(filters)
    if part is None:
        return Page((), 0, 0, per_page)
    forward = cursor.before is None and not cursor.from_end
    anchor = cursor.after if forward else cursor.before
    ascending = forward != newest_first  # the order the index is read in
    total_sql, cap = _timeline_total(part, scope, filters)
    keys_sql, params = _merge_slices(part, scope, anchor, ascending, per_page + 1)
    order = "ASC" if ascending else "DESC"
    found = await conn.execute_fetchall(
        _with_total(
            total_sql,
            f"SELECT entries.* FROM ({keys_sql}) AS keys JOIN entries ON entries.id = keys.id",
            f"page.date {order}, page.id {order}",
            f"page.*, {ENTRY_DETAILS}",
        ),
        {**params, "scope": scope},
    )
    total, exact = _total(found, cap)
    keys = [row for row in found if row["id"] is not None]
    if not keys and anchor is not None:
        fallback = Cursor(from_end=True) if forward else Cursor()
        return await timeline(
            conn, people_by_id, scope, filters, fallback, per_page, page, newest_first
        )
    size = per_page
    if cursor.from_end and exact and total % per_page:
        size = total % per_page  # the last page holds the remainder
    more_that_way = len(keys) > size
    keys = keys[:size] if forward else keys[:size][::-1]
    if forward:
        more_before, more_after = anchor is not None, more_that_way
    else:
        more_before, more_after = more_that_way, not cursor.from_end
    if not more_before:
        page = 0
    elif cursor.from_end and exact:
        page = max(0, -(-total // per_page) - 1)
    entries = tuple(rows.entry(row, people_by_id) for row in keys)
    return Page(entries, total, page, per_page, exact, more_before, more_after)


def _timeline_slice(filters: TimelineFilters) -> _Slice | None:
    params: dict = {}
    if filters.person_id is not None:
        where = "FROM entry_people WHERE person_id = :person AND scope = {scope} AND visible"
        id_column = "entry_id"
        params["person"] = filters.person_id
    else:
        where = "FROM entries WHERE scope = {scope} AND removed_at IS NULL"
        id_column = "id"
    if filters.since is not None:
        where += " AND date >= :since"
        params["since"] = filters.since.isoformat()
    if filters.until is not None:
        where += " AND date <= :until"
        params["until"] = filters.until.isoformat()
    if filters.search is not None:
        query = fts_query(filters.search)
        if query is None:
            return None
        where += f" AND {id_column} IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH :q)"
        params["q"] = query
    return _Slice(where, id_column, params)


def _merge_slices(
    part: _Slice, scope: int, anchor: tuple[date, int] | None, ascending: bool, limit: int
) -> tuple[str, dict]:
    """SQL for up to `limit` (date, id) keys past `anchor` (later ones when `ascending`, else
    earlier), merged from the shipped and the guild's slices, with its parameters.

    Each slice is read in index order and stops at `limit`, so the cost depends on the page
    size, not on how many entries there are.
    """
    order = "ASC" if ascending else "DESC"
    params = {**part.params, **_scope_params(scope), "limit": limit}
    keyset = ""
    if anchor is not None:
        keyset = f" AND (date, {part.id_column}) {'>' if ascending else '<'} (:key_date, :key_id)"
        params["key_date"], params["key_id"] = anchor[0].isoformat(), anchor[1]
    slices = [
        f"SELECT * FROM ({part.sql(':' + name, keyset)} ORDER BY date {order}, {part.id_column} {order} LIMIT :limit)"
        for name in _scope_params(scope)
    ]
    sql = " UNION ALL ".join(slices) + f" ORDER BY date {order}, id {order} LIMIT :limit"
    return sql, params


def _timeline_total(part: _Slice, scope: int, filters: TimelineFilters) -> tuple[str, int]:
    """SQL for the total (parameters: the slice's and :scope), and the cap it is shown up to."""
    if filters.since is None and filters.until is None and filters.search is None:
        if filters.person_id is None:
            return "SELECT coalesce(sum(n), 0) FROM entry_counts WHERE scope IN (0, :scope)", NO_CAP
        return (
            "SELECT coalesce(sum(n), 0) FROM person_entry_counts "
            "WHERE scope IN (0, :scope) AND person_id = :person",
            NO_CAP,
        )
    sources = [part.where.format(scope=":" + name) for name in _scope_params(scope)]
    return _capped_count(sources), COUNT_CAP


async def entry(
    conn: aiosqlite.Connection, people_by_id: dict[int, Person], scope: int, entry_id: int
) -> Entry | None:
    """One entry this scope may see; removed entries are visible only to their own guild."""
    row = await _one(
        conn,
        f"""WITH page AS (SELECT * FROM entries WHERE id = ? AND scope IN (0, ?))
        SELECT page.*, {ENTRY_DETAILS} FROM page""",
        (entry_id, scope),
    )
    return rows.entry(row, people_by_id) if row else None


async def quote_at(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    person_id: int,
    index: int,
    search: str | None = None,
) -> Page[Quote]:
    """The index-th quote of a person (in date order; an index past the end is the last one),
    with how many there are."""
    where = "FROM quotes WHERE person_id = :person AND scope = {scope} AND removed_at IS NULL"
    params: dict = {"person": person_id, "scope": scope, "index": index, **_scope_params(scope)}
    if search is not None:
        query = fts_query(search)
        if query is None:
            return Page((), 0, 0, 1)
        where += " AND id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :q)"
        params["q"] = query
        total_sql = _capped_count([where.format(scope=":" + name) for name in _scope_params(scope)])
        cap = COUNT_CAP
    else:
        total_sql = """SELECT coalesce(sum(n), 0) FROM person_quote_counts
            WHERE scope IN (0, :scope) AND person_id = :person"""
        cap = NO_CAP
    # Each scope's quotes come in index order, cut after the index; the merge picks the index-th.
    at = "(SELECT max(0, min(:index, min(n, :cap) - 1)) FROM total)"
    params["cap"] = cap
    slices = " UNION ALL ".join(
        f"SELECT * FROM (SELECT date, id {where.format(scope=':' + name)} ORDER BY date, id LIMIT {at} + 1)"
        for name in _scope_params(scope)
    )
    found = await conn.execute_fetchall(
        _with_total(
            total_sql,
            f"""SELECT {QUOTE_COLUMNS}
            FROM ({slices} ORDER BY date, id LIMIT 1 OFFSET {at}) AS pick
            JOIN quotes q ON q.id = pick.id LEFT JOIN sources s ON s.id = q.source_id""",
            "page.id",
        ),
        params,
    )
    total, exact = _total(found, cap)
    if total == 0:
        return Page((), 0, 0, 1)
    index = min(max(0, index), total - 1)
    items = tuple(rows.quote(row, people_by_id) for row in found if row["id"] is not None)
    return Page(items, total, index, 1, exact)


async def quote(
    conn: aiosqlite.Connection, people_by_id: dict[int, Person], scope: int, quote_id: int
) -> Quote | None:
    row = await _one(
        conn,
        f"""SELECT {QUOTE_COLUMNS} FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
        WHERE q.id = ? AND q.scope IN (0, ?)""",
        (quote_id, scope),
    )
    return rows.quote(row, people_by_id) if row else None


async def search(
    conn: aiosqlite.Connection, scope: int, text: str, page: int, per_page: int
) -> Page[SearchHit]:
    """Entries and quotes matching `text`, best first; snippets are made for this page only
    (making them for every hit costs a lot)."""
    query = fts_query(text)
    if query is None:
        return Page((), 0, 0, per_page)
    entry_hits = """FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
        WHERE entries_fts MATCH :q AND e.scope IN (0, :scope) AND e.removed_at IS NULL"""
    quote_hits = """FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
        WHERE quotes_fts MATCH :q AND q.scope IN (0, :scope) AND q.removed_at IS NULL"""
    marks = f"char({ord(HIGHLIGHT_START)}), char({ord(HIGHLIGHT_END)}), '…', 24"
    sql = _with_total(
        _capped_count([entry_hits, quote_hits]),
        f"""SELECT 'entry' AS kind, e.id, e.date, e.headline AS title, bm25(entries_fts) AS rank
            {entry_hits}
        UNION ALL
        SELECT 'quote', q.id, q.date, (SELECT name FROM people WHERE id = q.person_id),
            bm25(quotes_fts) {quote_hits}
        ORDER BY rank, date, id LIMIT :limit OFFSET :offset""",
        "page.rank, page.date, page.id",
        f"""page.*, CASE page.kind
            WHEN 'entry' THEN (SELECT snippet(entries_fts, -1, {marks}) FROM entries_fts
                WHERE entries_fts MATCH :q AND rowid = page.id)
            ELSE (SELECT snippet(quotes_fts, 0, {marks}) FROM quotes_fts
                WHERE quotes_fts MATCH :q AND rowid = page.id)
            END AS snippet""",
    )
    params = {"q": query, "scope": scope, "limit": per_page}
    found, total, exact, page = await _page_of(conn, sql, params, page, per_page)
    hits = tuple(
        SearchHit(r["kind"], r["id"], date.fromisoformat(r["date"]), r["title"], r["snippet"])
        for r in found
        if r["id"] is not None
    )
    return Page(hits, total, page, per_page, exact)


async def people_stats(
    conn: aiosqlite.Connection, people_by_id: dict[int, Person], scope: int
) -> list[PersonStats]:
    found = await conn.execute_fetchall(
        """
        SELECT p.id,
            (SELECT coalesce(sum(n), 0) FROM person_quote_counts
                WHERE person_id = p.id AND scope IN (0, :scope)) AS quotes,
            (SELECT coalesce(sum(n), 0) FROM person_entry_counts
                WHERE person_id = p.id AND scope IN (0, :scope)) AS entries
        FROM people p WHERE p.scope IN (0, :scope) ORDER BY p.id
        """,
        {"scope": scope},
    )
    return [PersonStats(people_by_id[r["id"]], r["quotes"], r["entries"]) for r in found]


async def counts(conn: aiosqlite.Connection, scope: int) -> Counts:
    row = await _one(
        conn,
        """
        SELECT
            (SELECT coalesce(sum(n), 0) FROM entry_counts WHERE scope IN (0, :scope)),
            (SELECT coalesce(sum(n), 0) FROM person_quote_counts WHERE scope IN (0, :scope)),
            (SELECT count(*) FROM people
                WHERE kind = 'person' AND scope IN (0, :scope))  -- outlets are sources
        """,
        {"scope": scope},
    )
    return Counts(*row)


async def history(
    conn: aiosqlite.Connection, scope: int, target_id: int | None, page: int, per_page: int
) -> Page[AuditRecord]:
    where = "FROM audit_log WHERE scope = :scope"
    if target_id is not None:
        where += " AND target_id = :target"
    sql = _with_total(
        _capped_count([where]),
        f"SELECT * {where} ORDER BY id DESC LIMIT :limit OFFSET :offset",
        "page.id DESC",
    )
    params = {"scope": scope, "target": target_id, "limit": per_page}
    found, total, exact, page = await _page_of(conn, sql, params, page, per_page)
    records = tuple(rows.audit(r) for r in found if r["id"] is not None)
    return Page(records, total, page, per_page, exact)


async def guild_settings(conn: aiosqlite.Connection, guild_id: int) -> GuildSettings:
    row = await _one(conn, "SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return rows.guild_settings(guild_id, row)


async def meta(conn: aiosqlite.Connection, key: str) -> str | None:
    row = await _one(conn, "SELECT value FROM meta WHERE key = ?", (key,))
    return row[0] if row else None


# Reads for the timeline chart and the HTML page (issue 15).


async def timeline_version(conn: aiosqlite.Connection, scope: int) -> str:
    """A value that changes whenever what `scope` reads in the timeline may have changed.

    For caches (the chart), from index-only reads: every moderator write, and every shipped
    change `db seed --update` makes, adds an audit row in its scope (so does adding, editing
    or removing one of the guild's people, whose names the picture shows); adding, removing or
    restoring an entry changes the visible counts; new rows (seeding, imports) raise the
    largest id.
    """
    row = await _one(
        conn,
        """SELECT
            (SELECT max(id) FROM audit_log WHERE scope = 0),
            (SELECT max(id) FROM audit_log WHERE scope = :scope),
            (SELECT total(n) FROM entry_counts WHERE scope IN (0, :scope)),
            (SELECT max(id) FROM entries)""",
        {"scope": scope},
    )
    return "/".join(str(value) for value in row)


async def all_quotes(
    conn: aiosqlite.Connection, people_by_id: dict[int, Person], scope: int
) -> list[Quote]:
    """Every quote `scope` can read, in date order."""
    found = await conn.execute_fetchall(
        f"""SELECT {QUOTE_COLUMNS} FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
        WHERE q.scope IN (0, ?) AND q.removed_at IS NULL ORDER BY q.date, q.id""",
        (scope,),
    )
    return [rows.quote(row, people_by_id) for row in found]
