"""Read queries, each an async function over an aiosqlite connection.

Every read a command makes is one SQL statement, so one hop to the connection's thread: a CTE
reads the total (from the counters, or counted up to COUNT_CAP) beside the page, and the page
beside its people and sources. A second statement runs only when the page asked for has gone
(entries were removed since the buttons were drawn): then the nearest page is read instead.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import aiosqlite

from bot.models import (
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
    TimelineFilters,
)
from bot.search_terms import SearchTerms
from bot.store import rows, searching
from bot.store.base import DEFAULT_SEARCH_BUDGET
from bot.store.slices import Slice, scope_params

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


async def _one(conn: aiosqlite.Connection, sql: str, params=()) -> sqlite3.Row | None:
    found = await conn.execute_fetchall(sql, params)
    return found[0] if found else None


def _with_total(
    total_sql: str,
    page_sql: str,
    order: str,
    columns: str = "page.*",
    capped_sql: str = "0",
    ctes: str = "",
) -> str:
    """One statement: the total, then the page's rows (none: one row of NULLs beside the total).
    `capped_sql` is true when a search budget left matches out (the total is then a floor);
    `ctes` come first, for both to read."""
    first = f"{ctes}, " if ctes else ""
    return f"""WITH {first}total AS (SELECT ({total_sql}) AS n, ({capped_sql}) AS capped)
        SELECT total.n AS total, total.capped AS capped, {columns}
        FROM total LEFT JOIN ({page_sql}) AS page ON 1
        ORDER BY {order}"""


def _capped_count(sources: list[str]) -> str:
    """SQL counting the rows of each "FROM … WHERE …" in `sources`, each up to COUNT_CAP + 1."""
    return " + ".join(
        f"(SELECT count(*) FROM (SELECT 1 {source} LIMIT {COUNT_CAP + 1}))" for source in sources
    )


def _total(found: list[sqlite3.Row], cap: int) -> tuple[int, bool]:
    """(total, exact) from the first row of a _with_total statement."""
    n = found[0]["total"]
    return min(n, cap), n <= cap and not found[0]["capped"]


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


async def timeline(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    filters: TimelineFilters,
    cursor: Cursor,
    per_page: int,
    page: int = 0,
    newest_first: bool = False,
    candidates: int = DEFAULT_SEARCH_BUDGET.candidates,
) -> Page[Entry]:
    """One page of the timeline in (date, id) order, or newest first, found from `cursor` by
    index (keyset). The cursor, the pages and the flags are in the order shown.

    Pages line up with counting from the start (the last page holds the remainder) whenever
    the total is exact. A cursor that finds nothing (entries were removed) falls back to the
    nearest end, like a page number past the end. A search reads the `candidates` most
    recent matches of each scope (not exact when that left some out).
    """
    part = _timeline_slice(filters)
    if part is None:
        return Page((), 0, 0, per_page)
    forward = cursor.before is None and not cursor.from_end
    anchor = cursor.after if forward else cursor.before
    ascending = forward != newest_first  # the order the index is read in
    total_sql, cap = _timeline_total(part, scope, filters)
    keys_sql, params = _merge_slices(part, scope, anchor, ascending, per_page + 1, candidates)
    order = "ASC" if ascending else "DESC"
    found = await conn.execute_fetchall(
        _with_total(
            total_sql,
            f"SELECT entries.* FROM ({keys_sql}) AS keys JOIN entries ON entries.id = keys.id",
            f"page.date {order}, page.id {order}",
            f"page.*, {ENTRY_DETAILS}",
            part.capped(scope),
            part.ctes(scope),
        ),
        {**params, "scope": scope},
    )
    total, exact = _total(found, cap)
    keys = [row for row in found if row["id"] is not None]
    if not keys and anchor is not None:
        fallback = Cursor(from_end=True) if forward else Cursor()
        return await timeline(
            conn, people_by_id, scope, filters, fallback, per_page, page, newest_first, candidates
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


def _timeline_slice(filters: TimelineFilters) -> Slice | None:
    search = None
    if filters.search is not None:
        if not filters.search.words:
            return None
        search = (searching.ENTRY, filters.search.words)
    params: dict = {}
    if filters.person_id is not None:
        table, id_column, conditions = "entry_people", "entry_id", "person_id = :person AND visible"
        params["person"] = filters.person_id
    else:
        table, id_column, conditions = "entries", "id", "removed_at IS NULL"
    if filters.since is not None:
        conditions += " AND date >= :since"
        params["since"] = filters.since.isoformat()
    if filters.until is not None:
        conditions += " AND date <= :until"
        params["until"] = filters.until.isoformat()
    return Slice.of(table, id_column, conditions, params, search)


def _merge_slices(
    part: Slice,
    scope: int,
    anchor: tuple[date, int] | None,
    ascending: bool,
    limit: int,
    candidates: int,
) -> tuple[str, dict]:
    """SQL for up to `limit` (date, id) keys past `anchor` (later ones when `ascending`, else
    earlier), merged from the shipped and the guild's slices, with its parameters.

    Each slice is read in index order and stops at `limit`, so the cost depends on the page
    size, not on how many entries there are.
    """
    order = "ASC" if ascending else "DESC"
    params = {**part.params, **part.params_for(scope, candidates), "limit": limit}
    keyset = ""
    if anchor is not None:
        keyset = f" AND (date, {part.id_column}) {'>' if ascending else '<'} (:key_date, :key_id)"
        params["key_date"], params["key_id"] = anchor[0].isoformat(), anchor[1]
    slices = [
        f"SELECT * FROM ({part.sql(name, keyset)} ORDER BY date {order}, {part.id_column} {order} LIMIT :limit)"
        for name in scope_params(scope)
    ]
    sql = " UNION ALL ".join(slices) + f" ORDER BY date {order}, id {order} LIMIT :limit"
    return sql, params


def _timeline_total(part: Slice, scope: int, filters: TimelineFilters) -> tuple[str, int]:
    """SQL for the total (parameters: the slice's and :scope), and the cap it is shown up to."""
    if filters.since is None and filters.until is None and filters.search is None:
        if filters.person_id is None:
            return "SELECT coalesce(sum(n), 0) FROM entry_counts WHERE scope IN (0, :scope)", NO_CAP
        return (
            "SELECT coalesce(sum(n), 0) FROM person_entry_counts "
            "WHERE scope IN (0, :scope) AND person_id = :person",
            NO_CAP,
        )
    sources = [part.condition(name) for name in scope_params(scope)]
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
    search: SearchTerms | None = None,
    candidates: int = DEFAULT_SEARCH_BUDGET.candidates,
) -> Page[Quote]:
    """The index-th quote of a person (in date order; an index past the end is the last one),
    with how many there are (with a search, among the `candidates` most recent matches)."""
    if search is not None and not search.words:
        return Page((), 0, 0, 1)
    part = Slice.of(
        "quotes",
        "id",
        "person_id = :person AND removed_at IS NULL",
        {"person": person_id},
        (searching.QUOTE, search.words) if search is not None else None,
    )
    if search is not None:
        total_sql = _capped_count([part.condition(name) for name in scope_params(scope)])
        cap = COUNT_CAP
    else:
        total_sql = """SELECT coalesce(sum(n), 0) FROM person_quote_counts
            WHERE scope IN (0, :scope) AND person_id = :person"""
        cap = NO_CAP
    params = {
        **part.params,
        **part.params_for(scope, candidates),
        "scope": scope,
        "index": index,
        "cap": cap,
    }
    # Each scope's quotes come in index order, cut after the index; the merge picks the index-th.
    at = "(SELECT max(0, min(:index, min(n, :cap) - 1)) FROM total)"
    slices = " UNION ALL ".join(
        f"SELECT * FROM ({part.sql(name)} ORDER BY date, id LIMIT {at} + 1)"
        for name in scope_params(scope)
    )
    found = await conn.execute_fetchall(
        _with_total(
            total_sql,
            f"""SELECT {QUOTE_COLUMNS}
            FROM ({slices} ORDER BY date, id LIMIT 1 OFFSET {at}) AS pick
            JOIN quotes q ON q.id = pick.id LEFT JOIN sources s ON s.id = q.source_id""",
            "page.id",
            capped_sql=part.capped(scope),
            ctes=part.ctes(scope),
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
