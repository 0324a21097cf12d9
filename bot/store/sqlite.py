"""The store on SQLite: one writer and a small pool of readers, each an aiosqlite connection.

Each connection runs its statements in order on a thread of its own. Readers are taken from
a pool, so a slow read holds up only its own connection: another guild's read waits at most
for the first reader to come free, never for a write (WAL lets readers read while the writer
writes). Writes take the one writer under an asyncio lock, for one transaction each.
Searches read on a clock (SearchBudget): past its seconds, SQLite's progress handler stops
the statement and the search raises SearchStopped, so no search holds a reader for long.

What a command costs in hops (one statement sent to a connection's thread and answered):
- Reads: one hop each (bot.store.reads), two when the page asked for has gone since its
  buttons were drawn. /timeline and its buttons, /entry, /quote, /search, /people, /about,
  /history, /config without options: one read. Moderator commands add one read for members
  without Manage Messages (is their role the moderator role?).
- /addupdate: BEGIN, the retry check, the entry, its source (one hop, two when new), its
  people, its source link, the audit row, COMMIT (5 to 9 hops; 4 for a retry), then one
  read for the announcement's settings.
- /addquote: 4 to 6. /removeupdate: a read, then 5. Undo, /removequote, /config with
  options: 5. /editupdate: a read, then 6 (one field) to 12 (text, source and people).
- /whatsnew: one read, then (after the answer) one statement on the writer for the member's
  marks. The timeline's newest page adds that statement too, after the page is shown.
- /addperson: 4 (names are checked in memory); /editperson: 5; /removeperson: a read, then
  13 however many updates and quotes it touches.
- /feeds list: one read; /feeds add: 6, then a check. A feed check: a read of its seen keys,
  5 per card (the item, then the card's ids), 4 per batch marked seen, 1 for its state.
- Opening: the migration on a plain sqlite3 connection (in a worker thread), two hops per
  connection, then two (the seeded story's hash, the people) when the story is unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path

import aiosqlite

from bot.models import (
    KEEP,
    AuditRecord,
    Counts,
    Cursor,
    Entry,
    EntryAdded,
    EntryChanges,
    GuildSettings,
    MessageRef,
    Page,
    PersonStats,
    Quote,
    SearchHit,
    SettingsChanges,
    TimelineFilters,
)
from bot.search_terms import SearchTerms
from bot.store import db, reads, searching, writes
from bot.store.base import (
    DEFAULT_READERS,
    DEFAULT_SEARCH_BUDGET,
    SearchBudget,
    SearchStopped,
    Store,
    StoreError,
)
from bot.store.reads import scope_of
from bot.store.sqlite_catch_up import CatchUpOnSqlite
from bot.store.sqlite_feeds import FeedsOnSqlite
from bot.store.sqlite_operator import OperatorToolsOnSqlite
from bot.store.sqlite_people import PeopleOnSqlite
from bot.story import Story

OnConnect = Callable[[aiosqlite.Connection], Awaitable[object]]


async def _close_all(connections: list[aiosqlite.Connection]) -> None:
    """Close each (ending its thread), then raise the first error, if any.

    One at a time: the last connection to close folds the WAL back into the file and removes
    it, which none does while another is closing beside it.
    """
    first: Exception | None = None
    for conn in connections:
        try:
            await conn.close()
        except Exception as error:
            first = first or error
    if first is not None:
        raise first


class _Stopwatch:
    """A reader's progress handler (SQLite calls it every few thousand steps of a statement):
    once a search's time is up it answers True, which stops the statement (SQLITE_INTERRUPT)."""

    def __init__(self) -> None:
        self.deadline: float | None = None  # None: not searching, never stop

    def __call__(self) -> bool:
        return self.deadline is not None and time.perf_counter() >= self.deadline


class SqliteStore(PeopleOnSqlite, FeedsOnSqlite, CatchUpOnSqlite, OperatorToolsOnSqlite, Store):
    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        readers: list[aiosqlite.Connection],
        search_budget: SearchBudget = DEFAULT_SEARCH_BUDGET,
    ) -> None:
        super().__init__()
        self.path = path
        self.search_budget = search_budget
        self._stopwatches = {reader: _Stopwatch() for reader in readers}
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._readers = tuple(readers)
        # Last in, first out: at light load one reader does the reading, and its page cache
        # stays warm; the others serve only reads that overlap.
        self._idle: asyncio.LifoQueue[aiosqlite.Connection] = asyncio.LifoQueue()
        for reader in readers:
            self._idle.put_nowait(reader)
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    async def open(
        cls,
        path: Path,
        story: Story | None = None,
        *,
        readers: int = DEFAULT_READERS,
        on_connect: OnConnect | None = None,
        search_budget: SearchBudget = DEFAULT_SEARCH_BUDGET,
    ) -> SqliteStore:
        """Open, create or migrate the database at `path`, then seed it with `story` if given.

        `on_connect` runs on each connection once the store has set it up: the tests trace
        statements or hold reads with it (a progress handler of theirs replaces the search
        budget's clock), the benchmark's throwaway databases turn synchronous off.
        `search_budget` bounds what each search may cost (the tests make it tiny).
        """
        if readers < 1:
            raise ValueError("a store needs at least one reader")
        path = Path(path)
        # Migrate before any connection thread starts: a refused file fails here, leaving none.
        await asyncio.to_thread(db.migrate_file, path)
        connections: list[aiosqlite.Connection] = []
        try:
            for read_only in (False, *[True] * readers):
                connections.append(await db.open_connection(path, read_only=read_only))
        except BaseException as error:
            with contextlib.suppress(
                Exception
            ):  # the error that stopped the opening is the one to tell
                await _close_all(connections)
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"cannot use the database {path}: {error}") from None
            raise
        store = cls(path, connections[0], connections[1:], search_budget)
        try:
            for reader, stopwatch in store._stopwatches.items():
                await reader.set_progress_handler(stopwatch, search_budget.check_every)
            if on_connect is not None:
                for conn in connections:
                    await on_connect(conn)
            if story is not None:
                await store.seed(story)
            else:
                async with store._reading() as conn:
                    store._remember_people(await reads.people(conn))
        except BaseException as error:
            await store.close()
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"cannot use the database {path}: {error}") from None
            raise
        return store

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def closed(self) -> bool:
        return self._closing is not None

    async def close(self) -> None:
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close_connections())
        await asyncio.shield(self._closing)

    async def _close_connections(self) -> None:
        # Calls made before close() finish first: the write in flight (and any already
        # waiting) holds the lock, and each read holds its reader until it is done.
        async with self._write_lock:
            for _ in self._readers:
                await self._idle.get()
            await _close_all([*self._readers, self._writer])

    def _check_open(self) -> None:
        if self._closing is not None:
            raise StoreError(f"the database {self.path} is closed")

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        self._check_open()
        conn = await self._idle.get()
        try:
            yield conn
        finally:
            self._idle.put_nowait(conn)

    @contextlib.asynccontextmanager
    async def _searching(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader whose statements are stopped once the search budget's time is up: the
        search then raises SearchStopped, whatever it was doing, instead of running on."""
        async with self._reading() as conn:
            stopwatch = self._stopwatches[conn]
            # perf_counter, not monotonic: test clocks (SimCord) replace monotonic on the
            # event loop's thread only, and the deadline is read on the connection's.
            stopwatch.deadline = time.perf_counter() + self.search_budget.seconds
            try:
                yield conn
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT:
                    raise SearchStopped() from None
                raise
            finally:
                stopwatch.deadline = None

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        self._check_open()
        async with self._write_lock:
            yield self._writer

    # Reads.

    async def timeline(
        self,
        guild_id: int | None,
        filters: TimelineFilters,
        cursor: Cursor,
        per_page: int,
        page: int = 0,
        *,
        newest_first: bool = False,
    ) -> Page[Entry]:
        reading = self._reading() if filters.search is None else self._searching()
        async with reading as conn:
            return await reads.timeline(
                conn,
                self._people_by_id,
                scope_of(guild_id),
                filters,
                cursor,
                per_page,
                page,
                newest_first,
                self.search_budget.candidates,
            )

    async def entry(self, guild_id: int | None, entry_id: int) -> Entry | None:
        async with self._reading() as conn:
            found = await reads.entry(conn, self._people_by_id, scope_of(guild_id), entry_id)
        return found if found is not None and found.removed_at is None else None

    async def quote_at(
        self,
        guild_id: int | None,
        person_id: int,
        index: int,
        search: SearchTerms | None = None,
    ) -> Page[Quote]:
        reading = self._reading() if search is None else self._searching()
        async with reading as conn:
            return await reads.quote_at(
                conn,
                self._people_by_id,
                scope_of(guild_id),
                person_id,
                index,
                search,
                self.search_budget.candidates,
            )

    async def search(
        self, guild_id: int | None, terms: SearchTerms, page: int, per_page: int
    ) -> Page[SearchHit]:
        async with self._searching() as conn:
            return await searching.search(
                conn, scope_of(guild_id), terms, page, per_page, self.search_budget.candidates
            )

    async def people_stats(self, guild_id: int | None) -> list[PersonStats]:
        async with self._reading() as conn:
            return await reads.people_stats(conn, self._people_by_id, scope_of(guild_id))

    async def counts(self, guild_id: int | None) -> Counts:
        async with self._reading() as conn:
            return await reads.counts(conn, scope_of(guild_id))

    async def history(
        self, guild_id: int, target_id: int | None, page: int, per_page: int
    ) -> Page[AuditRecord]:
        async with self._reading() as conn:
            return await reads.history(conn, guild_id, target_id, page, per_page)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._reading() as conn:
            return await reads.guild_settings(conn, guild_id)

    async def meta(self, key: str) -> str | None:
        async with self._reading() as conn:
            return await reads.meta(conn, key)

    async def timeline_version(self, guild_id: int | None) -> str:
        async with self._reading() as conn:
            return await reads.timeline_version(conn, scope_of(guild_id))

    async def all_quotes(self, guild_id: int | None) -> list[Quote]:
        async with self._reading() as conn:
            return await reads.all_quotes(conn, self._people_by_id, scope_of(guild_id))

    # Writes.

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
    ) -> EntryAdded:
        async with self._writing() as conn:
            self._check_people_visible(guild_id, person_ids)
            return await writes.add_entry(
                conn,
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
        self, guild_id: int, actor_id: int | None, entry_id: int, changes: EntryChanges
    ) -> Entry | None:
        async with self._writing() as conn:
            if changes.person_ids is not KEEP:
                self._check_people_visible(guild_id, changes.person_ids)
            return await writes.edit_entry(
                conn, self._people_by_id, guild_id, actor_id, entry_id, changes
            )

    async def remove_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int
    ) -> Entry | None:
        async with self._writing() as conn:
            return await writes.set_entry_removed(
                conn, self._people_by_id, guild_id, actor_id, entry_id, True
            )

    async def restore_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int
    ) -> Entry | None:
        async with self._writing() as conn:
            return await writes.set_entry_removed(
                conn, self._people_by_id, guild_id, actor_id, entry_id, False
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
        async with self._writing() as conn:
            self._check_people_visible(guild_id, [person_id])
            return await writes.add_quote(
                conn,
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
        async with self._writing() as conn:
            return await writes.remove_quote(conn, self._people_by_id, guild_id, actor_id, quote_id)

    async def update_guild_settings(
        self, guild_id: int, actor_id: int | None, changes: SettingsChanges
    ) -> GuildSettings:
        async with self._writing() as conn:
            return await writes.update_guild_settings(conn, guild_id, actor_id, changes)

    async def set_meta(self, key: str, value: str) -> None:
        async with self._writing() as conn:
            await writes.set_meta(conn, key, value)
