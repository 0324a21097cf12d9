"""Read queries. Each command is served by one statement that uses an index and reads one page."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

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


COUNT_CAP = 1000  # totals past this are shown as "1,000+": counting further would read every row


def _capped_count(conn: sqlite3.Connection, sources: list[str], params) -> tuple[int, bool]:
    """(total, exact): rows matched by each "FROM … WHERE …" in `sources`, counted up to COUNT_CAP."""
    total = sum(
        conn.execute(
            f"SELECT count(*) FROM (SELECT 1 {source} LIMIT {COUNT_CAP + 1})", params
        ).fetchone()[0]
        for source in sources
    )
    return min(total, COUNT_CAP), total <= COUNT_CAP


def _clamp_page(page: int, total: int, per_page: int) -> int:
    """A page past the end is the last page; an empty result has only page 0."""
    return min(max(0, page), max(0, -(-total // per_page) - 1))


@dataclass(frozen=True)
class _Slice:
    """One scope's part of a filtered timeline: (date, id) pairs read in order from one index."""

    where: str  # with a {scope} placeholder
    id_column: str
    params: dict

    def sql(self, scope_param: str, keyset: str = "") -> str:
        return f"SELECT date, {self.id_column} AS id {self.where.format(scope=scope_param)}{keyset}"


def timeline(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    filters: TimelineFilters,
    cursor: Cursor,
    per_page: int,
    page: int = 0,
) -> Page[Entry]:
    """One page of the timeline in (date, id) order, found from `cursor` by index (keyset).

    Pages line up with counting from the start (the last page holds the remainder) whenever
    the total is exact. A cursor that finds nothing (entries were removed) falls back to the
    nearest end, like a page number past the end.
    """
    part = _timeline_slice(filters)
    if part is None:
        return Page((), 0, 0, per_page)
    total, exact = _timeline_total(conn, part, scope, filters)
    forward = cursor.before is None and not cursor.from_end
    anchor = cursor.after if forward else cursor.before
    size = per_page
    if cursor.from_end and exact and total % per_page:
        size = total % per_page
    keys = _merge_slices(conn, part, scope, anchor, forward, size + 1)
    if not keys and anchor is not None:
        fallback = Cursor(from_end=True) if forward else Cursor()
        return timeline(conn, people_by_id, scope, filters, fallback, per_page, page)
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
    entries = _entries_by_id(conn, people_by_id, [key[1] for key in keys])
    return Page(tuple(entries), total, page, per_page, exact, more_before, more_after)


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


def _scope_params(scope: int) -> dict[str, int]:
    scopes = [SHIPPED] if scope == SHIPPED else [SHIPPED, scope]
    return {f"scope{i}": value for i, value in enumerate(scopes)}


def _merge_slices(conn, part: _Slice, scope: int, anchor, forward: bool, limit: int):
    """Up to `limit` (date, id) keys past `anchor`, merged from the shipped and the guild's slices.

    Each slice is read in index order and stops at `limit`, so the cost depends on the page
    size, not on how many entries there are.
    """
    order = "ASC" if forward else "DESC"
    params = {**part.params, **_scope_params(scope), "limit": limit}
    keyset = ""
    if anchor is not None:
        keyset = f" AND (date, {part.id_column}) {'>' if forward else '<'} (:key_date, :key_id)"
        params["key_date"], params["key_id"] = anchor[0].isoformat(), anchor[1]
    slices = [
        f"SELECT * FROM ({part.sql(':' + name, keyset)} ORDER BY date {order}, {part.id_column} {order} LIMIT :limit)"
        for name in _scope_params(scope)
    ]
    sql = " UNION ALL ".join(slices) + f" ORDER BY date {order}, id {order} LIMIT :limit"
    return [(row[0], row[1]) for row in conn.execute(sql, params)]


def _timeline_total(conn, part: _Slice, scope: int, filters: TimelineFilters) -> tuple[int, bool]:
    """(total, exact): from the counters when they can say, else counted up to COUNT_CAP."""
    if filters.since is None and filters.until is None and filters.search is None:
        if filters.person_id is None:
            sql, params = (
                "SELECT coalesce(sum(n), 0) FROM entry_counts WHERE scope IN (0, ?)",
                (scope,),
            )
        else:
            sql = "SELECT coalesce(sum(n), 0) FROM person_entry_counts WHERE scope IN (0, ?) AND person_id = ?"
            params = (scope, filters.person_id)
        return conn.execute(sql, params).fetchone()[0], True
    sources = [part.where.format(scope=":" + name) for name in _scope_params(scope)]
    return _capped_count(conn, sources, {**part.params, **_scope_params(scope)})


def _entries_by_id(conn, people_by_id: dict[int, Person], ids: list[int]) -> list[Entry]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    found = conn.execute(
        f"WITH page AS (SELECT * FROM entries WHERE id IN ({marks})) SELECT page.*, {_ENTRY_DETAILS} FROM page",
        ids,
    ).fetchall()
    by_id = {row["id"]: rows.entry(row, people_by_id) for row in found}
    return [by_id[i] for i in ids if i in by_id]


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
    where = "FROM quotes WHERE person_id = :person AND scope = {scope} AND removed_at IS NULL"
    params: dict = {"person": person_id, **_scope_params(scope)}
    if search is not None:
        query = fts_query(search)
        if query is None:
            return Page((), 0, 0, 1)
        where += " AND id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :q)"
        params["q"] = query
        sources = [where.format(scope=":" + name) for name in _scope_params(scope)]
        total, exact = _capped_count(conn, sources, params)
    else:
        exact = True
        total = conn.execute(
            "SELECT coalesce(sum(n), 0) FROM person_quote_counts WHERE scope IN (0, ?) AND person_id = ?",
            (scope, person_id),
        ).fetchone()[0]
    if total == 0:
        return Page((), 0, 0, 1)
    index = min(max(0, index), total - 1)
    # Each scope's quotes come in index order, cut at index + 1; the merge picks the index-th.
    slices = [
        f"SELECT * FROM (SELECT date, id {where.format(scope=':' + name)} ORDER BY date, id LIMIT :upto)"
        for name in _scope_params(scope)
    ]
    sql = " UNION ALL ".join(slices) + " ORDER BY date, id LIMIT 1 OFFSET :index"
    key = conn.execute(sql, {**params, "upto": index + 1, "index": index}).fetchone()
    found = quote(conn, people_by_id, scope, key["id"]) if key else None
    return Page((found,) if found else (), total, index, 1, exact)


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
    """Entries and quotes matching `text`, best first; snippets are made for this page only."""
    query = fts_query(text)
    if query is None:
        return Page((), 0, 0, per_page)
    entry_hits = """FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
        WHERE entries_fts MATCH :q AND e.scope IN (0, :scope) AND e.removed_at IS NULL"""
    quote_hits = """FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
        WHERE quotes_fts MATCH :q AND q.scope IN (0, :scope) AND q.removed_at IS NULL"""
    params = {"q": query, "scope": scope}
    total, exact = _capped_count(conn, [entry_hits, quote_hits], params)
    page = _clamp_page(page, total, per_page)
    ranked = conn.execute(
        f"""SELECT 'entry' AS kind, e.id, e.date, e.headline AS title, bm25(entries_fts) AS rank {entry_hits}
        UNION ALL
        SELECT 'quote', q.id, q.date, (SELECT name FROM people WHERE id = q.person_id),
               bm25(quotes_fts) {quote_hits}
        ORDER BY rank, date, id LIMIT :limit OFFSET :offset""",
        {**params, "limit": per_page, "offset": page * per_page},
    ).fetchall()
    snippets = _snippets(conn, query, ranked)
    hits = tuple(
        SearchHit(
            r["kind"],
            r["id"],
            date.fromisoformat(r["date"]),
            r["title"],
            snippets[(r["kind"], r["id"])],
        )
        for r in ranked
    )
    return Page(hits, total, page, per_page, exact)


def _snippets(conn: sqlite3.Connection, query: str, ranked: list[sqlite3.Row]) -> dict:
    """Highlighted snippets for the hits on one page (making them for every hit costs a lot)."""
    found = {}
    for kind, table, column in (("entry", "entries_fts", -1), ("quote", "quotes_fts", 0)):
        ids = [r["id"] for r in ranked if r["kind"] == kind]
        if not ids:
            continue
        id_marks = ", ".join("?" for _ in ids)
        for rowid, text in conn.execute(
            f"SELECT rowid, snippet({table}, {column}, ?, ?, '…', 24) FROM {table} "
            f"WHERE {table} MATCH ? AND rowid IN ({id_marks})",
            [HIGHLIGHT_START, HIGHLIGHT_END, query, *ids],
        ):
            found[(kind, rowid)] = text
    return found


def people_stats(
    conn: sqlite3.Connection, people_by_id: dict[int, Person], scope: int
) -> list[PersonStats]:
    result = conn.execute(
        """
        SELECT p.id,
            (SELECT coalesce(sum(n), 0) FROM person_quote_counts
                WHERE person_id = p.id AND scope IN (0, :scope)) AS quotes,
            (SELECT coalesce(sum(n), 0) FROM person_entry_counts
                WHERE person_id = p.id AND scope IN (0, :scope)) AS entries
        FROM people p ORDER BY p.id
        """,
        {"scope": scope},
    ).fetchall()
    return [PersonStats(people_by_id[r["id"]], r["quotes"], r["entries"]) for r in result]


def counts(conn: sqlite3.Connection, scope: int) -> Counts:
    row = conn.execute(
        """
        SELECT
            (SELECT coalesce(sum(n), 0) FROM entry_counts WHERE scope IN (0, :scope)),
            (SELECT coalesce(sum(n), 0) FROM person_quote_counts WHERE scope IN (0, :scope)),
            (SELECT count(*) FROM people WHERE kind = 'person')  -- outlets are sources
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
    total, exact = _capped_count(conn, [f"FROM audit_log WHERE {where}"], params)
    page = _clamp_page(page, total, per_page)
    found = conn.execute(
        f"SELECT * FROM audit_log WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    ).fetchall()
    return Page(tuple(rows.audit(r) for r in found), total, page, per_page, exact)


def guild_settings(conn: sqlite3.Connection, guild_id: int) -> GuildSettings:
    row = conn.execute("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)).fetchone()
    return rows.guild_settings(guild_id, row)


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


# Reads for the timeline chart and the HTML page (issue 15).


def timeline_version(conn: sqlite3.Connection, scope: int) -> str:
    """A value that changes whenever what `scope` reads in the timeline may have changed.

    For caches (the chart), from index-only reads: every moderator write, and every shipped
    change `db seed --update` makes, adds an audit row in its scope; adding, removing or
    restoring an entry changes the visible counts; new rows (seeding, imports) raise the
    largest id. (People are read once at start, so their names cannot change under a cache.)
    """
    row = conn.execute(
        """SELECT
            (SELECT max(id) FROM audit_log WHERE scope = 0),
            (SELECT max(id) FROM audit_log WHERE scope = :scope),
            (SELECT total(n) FROM entry_counts WHERE scope IN (0, :scope)),
            (SELECT max(id) FROM entries)""",
        {"scope": scope},
    ).fetchone()
    return "/".join(str(value) for value in row)


def all_quotes(
    conn: sqlite3.Connection, people_by_id: dict[int, Person], scope: int
) -> list[Quote]:
    """Every quote `scope` can read, in date order."""
    found = conn.execute(
        f"""SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
        WHERE q.scope IN (0, ?) AND q.removed_at IS NULL ORDER BY q.date, q.id""",
        (scope,),
    ).fetchall()
    return [rows.quote(row, people_by_id) for row in found]
