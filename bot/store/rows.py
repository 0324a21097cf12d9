"""Turning rows into models; shared by the read and write queries."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from bot.models import AuditRecord, Entry, GuildSettings, MessageRef, Person, Quote, Source


def person(row: sqlite3.Row) -> Person:
    return Person(
        row["id"],
        row["slug"],
        row["name"],
        row["role"],
        tuple(json.loads(row["aliases"])),
        row["kind"],
        row["scope"],
    )


def sources_from_json(text: str | None) -> tuple[Source, ...]:
    return tuple(Source(*item) for item in json.loads(text or "[]"))


def entry(row: sqlite3.Row, people: dict[int, Person]) -> Entry:
    return Entry(
        id=row["id"],
        date=date.fromisoformat(row["date"]),
        precision=row["precision"],
        headline=row["headline"],
        body=row["body"],
        people=tuple(people[pid] for pid in json.loads(row["people"] or "[]")),
        sources=sources_from_json(row["sources"]),
        scope=row["scope"],
        author_id=row["author_id"],
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        removed_at=row["removed_at"],
        provenance=row["provenance"],
        text_edited_at=row["text_edited_at"],
        from_message=(
            MessageRef(row["from_channel_id"], row["from_message_id"])
            if row["from_message_id"] is not None
            else None
        ),
    )


def quote(row: sqlite3.Row, people: dict[int, Person]) -> Quote:
    source = None
    if row["source_id"] is not None:
        source = Source(row["source_id"], row["source_name"], row["source_url"])
    return Quote(
        id=row["id"],
        person=people[row["person_id"]],
        text=row["text"],
        date=date.fromisoformat(row["date"]),
        context=row["context"],
        source=source,
        scope=row["scope"],
        author_id=row["author_id"],
        created_at=row["created_at"],
        removed_at=row["removed_at"],
        provenance=row["provenance"],
    )


def audit(row: sqlite3.Row) -> AuditRecord:
    return AuditRecord(
        id=row["id"],
        scope=row["scope"],
        actor_id=row["actor_id"],
        action=row["action"],
        target_kind=row["target_kind"],
        target_id=row["target_id"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
        at=row["at"],
    )


def guild_settings(guild_id: int, row: sqlite3.Row | None) -> GuildSettings:
    if row is None:
        return GuildSettings(guild_id)
    return GuildSettings(
        guild_id, row["updates_channel_id"], row["updates_role_id"], row["moderator_role_id"]
    )
