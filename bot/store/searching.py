"""The scoped search index (search_fts, migration 005): what it holds and how it is asked.

Each visible entry and quote is indexed as its searchable words (bot.search_terms), each
prefixed by kind and scope: "e0xleike" is "leike" in a shipped entry, "q{guild id}xleike" in
a guild's quote. A query names only its own scope's terms, so FTS5 reads the doclists of
the shipped story and of the asking guild, never another guild's, however many rows those
hold. The same rules make the terms of rows and of queries, so they always agree.
"""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from datetime import date

import aiosqlite

from bot.models import SHIPPED, Page, SearchHit
from bot.search_terms import (
    MIN_WORD_LENGTH,
    STOP_WORDS,
    SearchTerms,
    is_searchable,
    plain_words,
    snippet,
)

ENTRY, QUOTE = "e", "q"  # kinds, as they begin each term
FUNCTION = "search_words"  # the SQL function the triggers call
_FORMAT = 1  # raise when the terms change shape
# What the index was filled by: rows indexed under other rules would be deleted with other
# words than they were added with (the index keeps no text), so a change means a refill.
RULES = "/".join(
    [
        str(_FORMAT),
        unicodedata.unidata_version,
        str(MIN_WORD_LENGTH),
        hashlib.sha256(" ".join(sorted(STOP_WORDS)).encode()).hexdigest()[:12],
    ]
)
RULES_KEY = "search_index_rules"  # in meta


def term(kind: str, scope: int, word: str) -> str:
    return f"{kind}{scope}x{word}"


def search_words(kind: str, scope: int, text: str) -> str:
    """What the index holds for one row: its searchable words as terms of its kind and scope,
    repeats kept (the ranking counts them). The triggers call it as search_words(...)."""
    return " ".join(term(kind, scope, w) for w in plain_words(text) if is_searchable(w))


def match(kind: str, scope: int, words: tuple[str, ...]) -> str:
    """An FTS5 query for rows of one kind and scope holding every word (each a quoted string)."""
    return " ".join('"' + term(kind, scope, w).replace('"', '""') + '"' for w in words)


def scopes(scope: int) -> list[int]:
    """The scopes a guild reads: the shipped story, then its own (DMs: the shipped story)."""
    return [SHIPPED] if scope == SHIPPED else [SHIPPED, scope]


def register(conn: sqlite3.Connection) -> None:
    conn.create_function(FUNCTION, 3, search_words, deterministic=True)


async def register_async(conn: aiosqlite.Connection) -> None:
    await conn.create_function(FUNCTION, 3, search_words, deterministic=True)


def refresh_index(conn: sqlite3.Connection) -> None:
    """Fill the index when it was filled under other rules (or never: right after migration
    005), in one transaction; otherwise one read."""
    if _rules(conn) == RULES:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _rules(conn) != RULES:  # another process may have filled it meanwhile
            conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
            conn.execute(
                f"""INSERT INTO search_fts (rowid, words)
                SELECT id * 2, {FUNCTION}('{ENTRY}', scope, headline || ' ' || body)
                FROM entries WHERE removed_at IS NULL"""
            )
            conn.execute(
                f"""INSERT INTO search_fts (rowid, words)
                SELECT id * 2 + 1, {FUNCTION}('{QUOTE}', scope, text)
                FROM quotes WHERE removed_at IS NULL"""
            )
            conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (RULES_KEY, RULES),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _rules(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (RULES_KEY,)).fetchone()
    return row[0] if row else None


async def search(
    conn: aiosqlite.Connection,
    scope: int,
    terms: SearchTerms,
    page: int,
    per_page: int,
    candidates: int,
) -> Page[SearchHit]:
    """Entries and quotes holding every word of `terms`, best first (bm25) among the
    `candidates` most recent matches of each kind in each scope read: one statement, whose
    work is bounded by the budget, not by how much any guild holds. Snippets are made in
    Python for the page's few hits (the index keeps no text to make them from)."""
    if not terms.words:
        return Page((), 0, 0, per_page)
    parts = [(kind, part) for part in scopes(scope) for kind in (ENTRY, QUOTE)]
    params: dict = {"scope": scope, "limit": per_page, "candidates": candidates}
    each = []
    for n, (kind, part) in enumerate(parts):
        params[f"match{n}"] = match(kind, part, terms.words)
        each.append(
            f"""SELECT * FROM (SELECT rowid AS key, bm25(search_fts) AS rank, {n} AS part
            FROM search_fts WHERE search_fts MATCH :match{n} ORDER BY rowid DESC LIMIT :candidates)"""
        )
    sql = f"""WITH hits AS MATERIALIZED ({" UNION ALL ".join(each)}),
        total AS (SELECT coalesce(sum(n), 0) AS n, coalesce(max(n >= :candidates), 0) AS capped
            FROM (SELECT count(*) AS n FROM hits GROUP BY part)),
        page AS (SELECT key, rank FROM hits ORDER BY rank, key DESC LIMIT :limit OFFSET :offset)
    SELECT total.n AS total, total.capped, page.key, e.headline, e.body, q.text,
        coalesce(e.date, q.date) AS date, (SELECT name FROM people WHERE id = q.person_id) AS speaker
    FROM total LEFT JOIN page ON 1
    LEFT JOIN entries e ON page.key % 2 = 0 AND e.id = page.key / 2
        AND e.scope IN (0, :scope) AND e.removed_at IS NULL
    LEFT JOIN quotes q ON page.key % 2 = 1 AND q.id = page.key / 2
        AND q.scope IN (0, :scope) AND q.removed_at IS NULL
    ORDER BY page.rank, page.key DESC"""
    page = max(0, page)
    found = await conn.execute_fetchall(sql, {**params, "offset": page * per_page})
    total = found[0]["total"]
    last = max(0, -(-total // per_page) - 1)
    if page > last and total:  # rows were removed since the buttons were drawn
        page = last
        found = await conn.execute_fetchall(sql, {**params, "offset": page * per_page})
        total = found[0]["total"]
    hits = tuple(_hit(row, terms.words) for row in found if row["date"] is not None)
    return Page(hits, total, page, per_page, exact=not found[0]["capped"])


def _hit(row, words: tuple[str, ...]) -> SearchHit:
    day = date.fromisoformat(row["date"])
    if row["key"] % 2 == 0:
        columns = (row["headline"], row["body"])
        return SearchHit("entry", row["key"] // 2, day, row["headline"], snippet(columns, words))
    return SearchHit("quote", row["key"] // 2, day, row["speaker"], snippet((row["text"],), words))
