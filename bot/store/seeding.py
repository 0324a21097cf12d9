"""Putting the shipped story (data/story.json) into the database without duplicating or clobbering."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict

from bot.models import SHIPPED
from bot.store import reads
from bot.store.writes import (
    audit,
    entry_snapshot,
    now,
    quote_snapshot,
    set_entry_links,
    set_meta,
    transaction,
)
from bot.story import Story

STORY_HASH_KEY = "story_hash"


def story_hash(story: Story) -> str:
    return hashlib.sha256(json.dumps(asdict(story), default=str).encode()).hexdigest()


def seed(conn: sqlite3.Connection, story: Story, *, update: bool = False) -> dict[str, int]:
    """Add what the database lacks from `story`; with `update`, also rewrite changed shipped items.

    Skipped entirely (one indexed read) when this exact story was seeded before, so a restart
    costs nothing however large the database is.
    """
    digest = story_hash(story)
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (STORY_HASH_KEY,)).fetchone()
    if row and row[0] == digest and not update:
        return {"added": 0, "updated": 0}
    added = updated = 0
    with transaction(conn):
        for p in story.people:
            # People are shipped-only data, so the file is always right about them.
            conn.execute(
                """INSERT INTO people (slug, name, role, aliases, kind) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (slug) DO UPDATE SET name = excluded.name, role = excluded.role,
                aliases = excluded.aliases, kind = excluded.kind""",
                (p.slug, p.name, p.role, json.dumps(list(p.aliases)), p.kind),
            )
        person_ids = dict(conn.execute("SELECT slug, id FROM people"))
        source_ids = {}
        for s in story.sources:
            found = conn.execute("SELECT id FROM sources WHERE seed_key = ?", (s.key,)).fetchone()
            if found is None:
                source_ids[s.key] = conn.execute(
                    "INSERT INTO sources (seed_key, name, url) VALUES (?, ?, ?)",
                    (s.key, s.name, s.url),
                ).lastrowid
                continue
            source_ids[s.key] = found[0]
            if update:
                conn.execute(
                    "UPDATE sources SET name = ?, url = ? WHERE id = ?", (s.name, s.url, found[0])
                )
        people_by_id = {p.id: p for p in reads.people(conn)}
        for e in story.entries:
            values = (e.date.isoformat(), e.precision, e.headline, e.body, e.provenance)
            # Deduplicated as set_entry_links stores them, so an unchanged entry compares equal.
            links = (
                list(dict.fromkeys(person_ids[slug] for slug in e.people)),
                list(dict.fromkeys(source_ids[key] for key in e.sources)),
            )
            found = conn.execute(
                "SELECT id, date, precision, headline, body, provenance FROM entries WHERE seed_key = ?",
                (e.key,),
            ).fetchone()
            if found is None:
                entry_id = conn.execute(
                    """INSERT INTO entries (seed_key, scope, date, precision, headline, body,
                    provenance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (e.key, SHIPPED, *values, now()),
                ).lastrowid
                set_entry_links(conn, entry_id, *links)
                added += 1
                continue
            if not update:
                continue
            entry_id = found[0]
            before = reads.entry(conn, people_by_id, SHIPPED, entry_id)
            current = ([p.id for p in before.people], [s.id for s in before.sources])
            if tuple(found)[1:] == values and current == links:
                continue
            conn.execute(
                """UPDATE entries SET date = ?, precision = ?, headline = ?, body = ?,
                provenance = ?, edited_at = ? WHERE id = ?""",
                (*values, now(), entry_id),
            )
            set_entry_links(conn, entry_id, *links)
            after = reads.entry(conn, people_by_id, SHIPPED, entry_id)
            audit(
                conn,
                SHIPPED,
                None,
                "edit",
                "entry",
                entry_id,
                entry_snapshot(before),
                entry_snapshot(after),
            )
            updated += 1
        for q in story.quotes:
            values = (
                person_ids[q.person],
                q.text,
                q.date.isoformat(),
                q.context,
                source_ids[q.source],
                q.provenance,
            )
            found = conn.execute(
                """SELECT id, person_id, text, date, context, source_id, provenance FROM quotes
                WHERE seed_key = ?""",
                (q.key,),
            ).fetchone()
            if found is None:
                conn.execute(
                    """INSERT INTO quotes (seed_key, scope, person_id, text, date, context, source_id,
                    provenance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (q.key, SHIPPED, *values, now()),
                )
                added += 1
            elif update and tuple(found)[1:] != values:
                before = reads.quote(conn, people_by_id, SHIPPED, found[0])
                conn.execute(
                    """UPDATE quotes SET person_id = ?, text = ?, date = ?, context = ?, source_id = ?,
                    provenance = ? WHERE id = ?""",
                    (*values, found[0]),
                )
                after = reads.quote(conn, people_by_id, SHIPPED, found[0])
                audit(
                    conn,
                    SHIPPED,
                    None,
                    "edit",
                    "quote",
                    found[0],
                    quote_snapshot(before),
                    quote_snapshot(after),
                )
                updated += 1
        set_meta(conn, STORY_HASH_KEY, digest)
    return {"added": added, "updated": updated}
