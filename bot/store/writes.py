"""Write transactions. Each change and its audit row commit together, or not at all."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from bot.models import SHIPPED, Entry, GuildSettings, MessageRef, Person, Quote
from bot.store import reads

RETRY_WINDOW = timedelta(minutes=10)
EDITABLE = {"date", "precision", "headline", "body", "person_ids", "source_url"}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so a busy database waits (busy_timeout)
    # instead of failing half-way through the transaction.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def audit(
    conn: sqlite3.Connection,
    scope: int,
    actor_id: int | None,
    action: str,
    kind: str,
    target_id: int,
    before: dict | None,
    after: dict | None,
) -> None:
    conn.execute(
        """INSERT INTO audit_log (scope, actor_id, action, target_kind, target_id, before, after, at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            scope,
            actor_id,
            action,
            kind,
            target_id,
            json.dumps(before, ensure_ascii=False) if before is not None else None,
            json.dumps(after, ensure_ascii=False) if after is not None else None,
            now(),
        ),
    )


def entry_snapshot(entry: Entry) -> dict:
    return {
        "date": entry.date.isoformat(),
        "precision": entry.precision,
        "headline": entry.headline,
        "body": entry.body,
        "people": [p.slug for p in entry.people],
        "sources": [s.url or s.name for s in entry.sources],
        "provenance": entry.provenance,
    }


def quote_snapshot(quote: Quote) -> dict:
    return {
        "person": quote.person.slug,
        "text": quote.text,
        "date": quote.date.isoformat(),
        "context": quote.context,
        "source": quote.source.url if quote.source else None,
        "provenance": quote.provenance,
    }


def source_for_url(conn: sqlite3.Connection, url: str) -> int:
    """The id of the source with this URL, created (named after its host) if new."""
    row = conn.execute(
        "SELECT id FROM sources WHERE url = ? ORDER BY id LIMIT 1", (url,)
    ).fetchone()
    if row:
        return row[0]
    return conn.execute(
        "INSERT INTO sources (name, url) VALUES (?, ?)", (host_label(url), url)
    ).lastrowid


def host_label(url: str) -> str:
    """The site a link leads to, for its label: the parsed host, never the user-info before
    an "@" (`openai.com@evil.example` leads to evil.example), IDNA-decoded to read."""
    try:
        host = urlsplit(url).hostname or url
        host = host.encode("ascii").decode("idna")
    except UnicodeError:
        pass  # already Unicode, or not valid IDNA: shown as written
    except ValueError:
        host = url  # not a URL the validator would let in; shown whole rather than lost
    return host.removeprefix("www.")


def set_entry_links(
    conn: sqlite3.Connection, entry_id: int, person_ids: list[int], source_ids: list[int]
) -> None:
    conn.execute("DELETE FROM entry_people WHERE entry_id = ?", (entry_id,))
    conn.execute("DELETE FROM entry_sources WHERE entry_id = ?", (entry_id,))
    conn.executemany(
        "INSERT INTO entry_people (entry_id, person_id, position) VALUES (?, ?, ?)",
        [(entry_id, pid, i) for i, pid in enumerate(dict.fromkeys(person_ids))],
    )
    conn.executemany(
        "INSERT INTO entry_sources (entry_id, source_id, position) VALUES (?, ?, ?)",
        [(entry_id, sid, i) for i, sid in enumerate(dict.fromkeys(source_ids))],
    )


def add_entry(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    author_id: int | None,
    day: date,
    precision: str,
    headline: str,
    body: str,
    person_ids: list[int],
    source_url: str | None,
    from_message: MessageRef | None = None,
) -> Entry:
    with transaction(conn):
        # A moderator who retries after a lost reply must not post the same update twice.
        since = (datetime.now(UTC) - RETRY_WINDOW).isoformat(timespec="milliseconds")
        twin = conn.execute(
            """SELECT id FROM entries WHERE scope = ? AND date = ? AND removed_at IS NULL
            AND author_id IS ? AND headline = ? AND body = ? AND created_at >= ?
            ORDER BY id DESC LIMIT 1""",
            (scope, day.isoformat(), author_id, headline, body, since),
        ).fetchone()
        if twin is not None:
            return reads.entry(conn, people_by_id, scope, twin[0])
        channel_id, message_id = (
            (from_message.channel_id, from_message.message_id) if from_message else (None, None)
        )
        entry_id = conn.execute(
            """INSERT INTO entries (scope, date, precision, headline, body, author_id, created_at,
            from_channel_id, from_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                scope,
                day.isoformat(),
                precision,
                headline,
                body,
                author_id,
                now(),
                channel_id,
                message_id,
            ),
        ).lastrowid
        sources = [source_for_url(conn, source_url)] if source_url else []
        set_entry_links(conn, entry_id, person_ids, sources)
        entry = reads.entry(conn, people_by_id, scope, entry_id)
        audit(conn, scope, author_id, "add", "entry", entry_id, None, entry_snapshot(entry))
    return entry


def edit_entry(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    entry_id: int,
    changes: dict,
) -> Entry | None:
    """Apply `changes` (date, precision, headline, body, person_ids, source_url) to a guild's entry."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"edit_entry cannot change {sorted(unknown)}")
    with transaction(conn):
        before = _own_entry(conn, people_by_id, scope, entry_id)
        if before is None:
            return None
        columns = {k: changes[k] for k in ("precision", "headline", "body") if k in changes}
        if "date" in changes:
            columns["date"] = changes["date"].isoformat()
        assignments = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(
            f"UPDATE entries SET {assignments + ', ' if assignments else ''}edited_at = ? WHERE id = ?",
            [*columns.values(), now(), entry_id],
        )
        if "person_ids" in changes or "source_url" in changes:
            person_ids = changes.get("person_ids", [p.id for p in before.people])
            source_ids = [s.id for s in before.sources]
            if "source_url" in changes:
                url = changes["source_url"]
                source_ids = [source_for_url(conn, url)] if url else []
            set_entry_links(conn, entry_id, person_ids, source_ids)
        after = reads.entry(conn, people_by_id, scope, entry_id)
        audit(
            conn,
            scope,
            actor_id,
            "edit",
            "entry",
            entry_id,
            entry_snapshot(before),
            entry_snapshot(after),
        )
    return after


def set_entry_removed(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    entry_id: int,
    removed: bool,
) -> Entry | None:
    """Soft-delete (or restore) a guild's own entry; returns None when it has no such entry."""
    with transaction(conn):
        before = _own_entry(conn, people_by_id, scope, entry_id)
        if before is None or (before.removed_at is not None) == removed:
            return None
        conn.execute(
            "UPDATE entries SET removed_at = ? WHERE id = ?", (now() if removed else None, entry_id)
        )
        action = "remove" if removed else "restore"
        audit(conn, scope, actor_id, action, "entry", entry_id, entry_snapshot(before), None)
        return reads.entry(conn, people_by_id, scope, entry_id)


def _own_entry(conn, people_by_id, scope: int, entry_id: int) -> Entry | None:
    if scope == SHIPPED:
        return None
    entry = reads.entry(conn, people_by_id, scope, entry_id)
    return entry if entry is not None and entry.scope == scope else None


def add_quote(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    author_id: int | None,
    person_id: int,
    text: str,
    day: date,
    context: str,
    source_url: str | None,
) -> Quote:
    with transaction(conn):
        source_id = source_for_url(conn, source_url) if source_url else None
        quote_id = conn.execute(
            """INSERT INTO quotes (scope, person_id, text, date, context, source_id, author_id,
            created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (scope, person_id, text, day.isoformat(), context, source_id, author_id, now()),
        ).lastrowid
        quote = reads.quote(conn, people_by_id, scope, quote_id)
        audit(conn, scope, author_id, "add", "quote", quote_id, None, quote_snapshot(quote))
    return quote


def remove_quote(
    conn: sqlite3.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    quote_id: int,
) -> Quote | None:
    with transaction(conn):
        quote = reads.quote(conn, people_by_id, scope, quote_id)
        if scope == SHIPPED or quote is None or quote.scope != scope or quote.removed_at:
            return None
        conn.execute("UPDATE quotes SET removed_at = ? WHERE id = ?", (now(), quote_id))
        audit(conn, scope, actor_id, "remove", "quote", quote_id, quote_snapshot(quote), None)
    return quote


def update_guild_settings(
    conn: sqlite3.Connection, guild_id: int, actor_id: int | None, changes: dict
) -> GuildSettings:
    with transaction(conn):
        before = reads.guild_settings(conn, guild_id)
        after = GuildSettings(**{**asdict(before), **changes})
        conn.execute(
            """INSERT INTO guild_settings (guild_id, updates_channel_id, updates_role_id,
            moderator_role_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET updates_channel_id = excluded.updates_channel_id,
            updates_role_id = excluded.updates_role_id, moderator_role_id = excluded.moderator_role_id""",
            (guild_id, after.updates_channel_id, after.updates_role_id, after.moderator_role_id),
        )
        audit(
            conn, guild_id, actor_id, "config", "settings", guild_id, asdict(before), asdict(after)
        )
    return after


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
