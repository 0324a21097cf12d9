"""The story store: all SQL lives under this package, behind this narrow async API.

Each public method makes one hop to aiosqlite's worker thread and runs a plain synchronous
function (bot.store.reads / writes) there, so a command costs one round trip and a write
with its audit row is one transaction.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.models import (
    AuditRecord,
    CheckReport,
    Counts,
    Cursor,
    Entry,
    GuildSettings,
    MessageRef,
    Page,
    Person,
    PersonStats,
    Quote,
    SearchHit,
    TimelineFilters,
)
from bot.store import db, reads, seeding, transfer, writes
from bot.store.db import StoreError
from bot.store.reads import scope_of
from bot.story import Story

__all__ = ["Store", "StoreError"]

R = TypeVar("R")


class Store:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._people: tuple[Person, ...] = ()
        self._people_by_id: dict[int, Person] = {}

    @classmethod
    async def open(cls, path: Path, story: Story | None = None) -> Store:
        """Open, create or migrate the database at `path`, then seed it with `story` if given."""
        path = Path(path)
        # Open and migrate before aiosqlite starts its worker: a refused file then fails here,
        # with no worker thread left to stop (its own stop-on-failure races the loop's close).
        raw = await asyncio.to_thread(db.connect, path)
        conn = aiosqlite.Connection(lambda: raw, iter_chunk_size=64)
        await conn
        store = cls(conn, path)
        try:
            if story is not None:
                await store._call(seeding.seed, story)
            await store._load_people()
        except sqlite3.Error as error:
            await store.close()
            raise StoreError(f"cannot use the database {path}: {error}") from None
        return store

    async def close(self) -> None:
        await self._conn.close()

    async def _call(self, fn: Callable[..., R], *args: Any) -> R:
        # aiosqlite's worker thread runs `fn` with the raw sqlite3 connection: one hop per call.
        return await self._conn._execute(fn, self._conn._conn, *args)

    async def _load_people(self) -> None:
        self._people = tuple(await self._call(reads.people))
        self._people_by_id = {p.id: p for p in self._people}

    # People: few and shipped-only, so kept in memory.

    @property
    def people(self) -> tuple[Person, ...]:
        return self._people

    def person(self, person_id: int) -> Person | None:
        return self._people_by_id.get(person_id)

    # Reads, keyed by the guild that asks (None in DMs).

    async def timeline(
        self,
        guild_id: int | None,
        filters: TimelineFilters,
        cursor: Cursor,
        per_page: int,
        page: int = 0,
    ) -> Page[Entry]:
        """A page of entries starting at `cursor`; `page` is the caller's page number for it."""
        return await self._call(
            reads.timeline, self._people_by_id, scope_of(guild_id), filters, cursor, per_page, page
        )

    async def entry(self, guild_id: int | None, entry_id: int) -> Entry | None:
        entry = await self._call(reads.entry, self._people_by_id, scope_of(guild_id), entry_id)
        return entry if entry is not None and entry.removed_at is None else None

    async def quote_at(
        self, guild_id: int | None, person_id: int, index: int, search: str | None = None
    ) -> Page[Quote]:
        return await self._call(
            reads.quote_at, self._people_by_id, scope_of(guild_id), person_id, index, search
        )

    async def search(
        self, guild_id: int | None, text: str, page: int, per_page: int
    ) -> Page[SearchHit]:
        return await self._call(reads.search, scope_of(guild_id), text, page, per_page)

    async def people_stats(self, guild_id: int | None) -> list[PersonStats]:
        return await self._call(reads.people_stats, self._people_by_id, scope_of(guild_id))

    async def counts(self, guild_id: int | None) -> Counts:
        return await self._call(reads.counts, scope_of(guild_id))

    async def history(
        self, guild_id: int, target_id: int | None, page: int, per_page: int
    ) -> Page[AuditRecord]:
        return await self._call(reads.history, guild_id, target_id, page, per_page)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        return await self._call(reads.guild_settings, guild_id)

    async def meta(self, key: str) -> str | None:
        return await self._call(reads.meta, key)

    # For the timeline chart and the HTML page (issue 15).

    async def timeline_version(self, guild_id: int | None) -> str:
        """Changes whenever this guild's timeline may have: a cache key (see reads)."""
        return await self._call(reads.timeline_version, scope_of(guild_id))

    async def all_quotes(self, guild_id: int | None) -> list[Quote]:
        """Every quote this guild can read, in date order."""
        return await self._call(reads.all_quotes, self._people_by_id, scope_of(guild_id))

    # Writes by a guild's moderators: only ever to that guild's own items.

    async def add_entry(
        self,
        guild_id: int,
        author_id: int | None,
        *,
        day: date,
        precision: str,
        headline: str,
        body: str,
        person_ids: list[int],
        source_url: str | None,
        from_message: MessageRef | None = None,
    ) -> Entry:
        return await self._call(
            writes.add_entry,
            self._people_by_id,
            guild_id,
            author_id,
            day,
            precision,
            headline,
            body,
            person_ids,
            source_url,
            from_message,
        )

    async def edit_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int, **changes: Any
    ) -> Entry | None:
        return await self._call(
            writes.edit_entry, self._people_by_id, guild_id, actor_id, entry_id, changes
        )

    async def remove_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int
    ) -> Entry | None:
        return await self._call(
            writes.set_entry_removed, self._people_by_id, guild_id, actor_id, entry_id, True
        )

    async def restore_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int
    ) -> Entry | None:
        return await self._call(
            writes.set_entry_removed, self._people_by_id, guild_id, actor_id, entry_id, False
        )

    async def add_quote(
        self,
        guild_id: int,
        author_id: int | None,
        *,
        person_id: int,
        text: str,
        day: date,
        context: str,
        source_url: str | None,
    ) -> Quote:
        return await self._call(
            writes.add_quote,
            self._people_by_id,
            guild_id,
            author_id,
            person_id,
            text,
            day,
            context,
            source_url,
        )

    async def remove_quote(
        self, guild_id: int, actor_id: int | None, quote_id: int
    ) -> Quote | None:
        return await self._call(
            writes.remove_quote, self._people_by_id, guild_id, actor_id, quote_id
        )

    async def update_guild_settings(
        self, guild_id: int, actor_id: int | None, **changes: int | None
    ) -> GuildSettings:
        return await self._call(writes.update_guild_settings, guild_id, actor_id, changes)

    async def set_meta(self, key: str, value: str) -> None:
        await self._call(writes.set_meta, key, value)

    # Operator tools.

    async def seed(self, story: Story, *, update: bool = False) -> dict[str, int]:
        result = await self._call(functools.partial(seeding.seed, update=update), story)
        await self._load_people()
        return result

    async def export_data(self) -> dict:
        return await self._call(transfer.export_data)

    async def import_data(self, data: object, source: str) -> dict[str, int]:
        result = await self._call(transfer.import_data, data, source)
        await self._load_people()
        return result

    async def backup(self, destination: Path, *, force: bool = False) -> None:
        await self._call(functools.partial(transfer.backup, force=force), destination)

    async def check(self) -> CheckReport:
        return await self._call(transfer.check)
