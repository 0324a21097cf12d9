"""The store's connections: reads that don't queue behind a slow one, writes that stay whole
when their caller gives up, and a close that waits for calls in flight and ends every thread.

A read or write is held on its connection's thread by a hook the test installs through
SqliteStore.open(on_connect=...): a progress handler or trace callback that waits on a
threading.Event. The waits on the asyncio side are bounded only so a broken store fails the
test instead of hanging it; nothing here depends on how fast anything runs.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import date

import pytest

from bot import create_bot
from bot.models import Cursor, EntryChanges, TimelineFilters
from bot.search_terms import search_terms
from bot.store import SqliteStore, StoreError, open_store

GUILD_A, GUILD_B = 111_111_111_111_111_111, 222_222_222_222_222_222
GUARD_S = 10  # how long to wait before calling the store stuck


class Hold:
    """Holds the first statement that runs once armed, on its connection's thread, until released."""

    def __init__(self) -> None:
        self.armed = False
        self.held = threading.Event()
        self.release = threading.Event()
        self._claim = threading.Lock()

    def progress(self) -> int:
        if self.armed and self._claim.acquire(blocking=False):
            self.held.set()
            self.release.wait(GUARD_S)
        return 0  # go on

    async def install(self, conn) -> None:
        await conn.set_progress_handler(self.progress, 50)

    async def wait_until_held(self) -> None:
        assert await asyncio.to_thread(self.held.wait, GUARD_S), "the read never started"


async def add(store, guild: int, n: int):
    return await store.add_entry(
        guild,
        7,
        day=date(2024, 5, 20),
        precision="day",
        headline=f"Update {n}",
        body=f"Body {n}",
        person_ids=[store.people[0].id],
        source_url=f"https://example.com/{n}",
    )


async def test_reads_go_on_while_another_read_is_held(tmp_path, story):
    hold = Hold()
    store = await SqliteStore.open(tmp_path / "x.db", story, readers=2, on_connect=hold.install)
    try:
        hold.armed = True
        slow = asyncio.create_task(store.search(GUILD_A, search_terms("equity"), 0, 5))
        await hold.wait_until_held()

        # Another guild's reads, more of them than there are readers, and a write: all done
        # while the slow read still holds its connection.
        async def meanwhile() -> None:
            for _ in range(5):
                page = await store.timeline(GUILD_B, TimelineFilters(), Cursor(), 5)
                assert page.total == len(story.entries)
                assert (await store.entry(GUILD_B, 1)) is not None
            added = await add(store, GUILD_B, 1)
            assert await store.entry(GUILD_B, added.entry.id) == added.entry

        await asyncio.wait_for(meanwhile(), GUARD_S)
        assert not slow.done()

        hold.release.set()
        found = await asyncio.wait_for(slow, GUARD_S)
        assert found.total > 0 and found.items
    finally:
        hold.release.set()
        await store.close()


async def test_with_one_reader_a_held_read_holds_the_next(tmp_path, story):
    """The control: what the pool prevents. One reader, so the second read waits for it."""
    hold = Hold()
    store = await SqliteStore.open(tmp_path / "x.db", story, readers=1, on_connect=hold.install)
    try:
        hold.armed = True
        slow = asyncio.create_task(store.search(GUILD_A, search_terms("equity"), 0, 5))
        await hold.wait_until_held()
        waiting = asyncio.create_task(store.counts(GUILD_B))
        done, _ = await asyncio.wait({waiting}, timeout=0.2)
        assert not done  # it cannot finish: the only reader is held
        hold.release.set()
        await asyncio.wait_for(asyncio.gather(slow, waiting), GUARD_S)
    finally:
        hold.release.set()
        await store.close()


async def test_a_write_whose_caller_gives_up_is_rolled_back_whole(tmp_path, story):
    """Cancelled between two statements of its transaction: nothing of it stays, and the
    writer is free for the next write."""
    armed, at_links, go_on = threading.Event(), threading.Event(), threading.Event()

    def trace(statement: str) -> None:  # on the writer's thread, before each statement
        if armed.is_set() and statement.startswith("INSERT INTO entry_people"):
            armed.clear()
            at_links.set()
            go_on.wait(GUARD_S)

    async def install(conn) -> None:
        await conn.set_trace_callback(trace)

    store = await SqliteStore.open(tmp_path / "x.db", story, on_connect=install)
    try:
        before = await store.export_data()
        armed.set()
        write = asyncio.create_task(add(store, GUILD_A, 1))
        assert await asyncio.to_thread(at_links.wait, GUARD_S)
        write.cancel()  # the entry row is in, its links and audit row are not
        go_on.set()
        with pytest.raises(asyncio.CancelledError):
            await write

        assert await store.export_data() == before
        added = await asyncio.wait_for(add(store, GUILD_A, 2), GUARD_S)
        assert [
            e.id
            for e in (await store.timeline(GUILD_A, TimelineFilters(), Cursor(), 100)).items
            if not e.shipped
        ] == [added.entry.id]
    finally:
        go_on.set()
        await store.close()


async def test_close_waits_for_the_write_in_flight_then_refuses_calls(tmp_path, story):
    path = tmp_path / "x.db"
    store = await open_store(path, story)
    write = asyncio.create_task(add(store, GUILD_A, 1))
    await asyncio.sleep(0)  # the write has started: it holds the writer

    await store.close()

    added = await write
    assert store.closed
    with pytest.raises(StoreError, match="closed"):
        await store.timeline(GUILD_A, TimelineFilters(), Cursor(), 5)
    with pytest.raises(StoreError, match="closed"):
        await add(store, GUILD_A, 2)
    await store.close()  # again: nothing to do
    reopened = await open_store(path)
    try:
        assert await reopened.entry(GUILD_A, added.entry.id) == added.entry
    finally:
        await reopened.close()


async def test_closing_ends_the_thread_of_every_connection_and_folds_the_wal(tmp_path, story):
    await asyncio.to_thread(lambda: None)  # the loop's executor thread (open uses it) exists now
    before = set(threading.enumerate())
    store = await SqliteStore.open(tmp_path / "x.db", story, readers=3)
    started = set(threading.enumerate()) - before
    assert len(started) == 4  # the writer's and three readers'
    await add(store, GUILD_A, 1)
    await store.timeline(GUILD_A, TimelineFilters(), Cursor(), 5)

    await store.close()

    for thread in started:
        thread.join(GUARD_S)
    assert not [t for t in started if t.is_alive()]
    # The last connection folded the WAL into the file: a copy of x.db alone is complete.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]


async def test_a_refused_file_starts_no_thread(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100)
    await asyncio.to_thread(lambda: None)
    before = set(threading.enumerate())

    with pytest.raises(StoreError):
        await SqliteStore.open(path)

    assert set(threading.enumerate()) - before == set()


async def test_a_store_handed_to_the_bot_stays_open_when_the_bot_closes(settings, store):
    bot = create_bot(settings, store)
    await bot.close()
    assert not store.closed
    assert (await store.counts(None)).entries > 0


def test_a_date_changes_with_its_precision():
    with pytest.raises(ValueError, match="together"):
        EntryChanges(day=date(2024, 5, 1))
    assert EntryChanges(day=date(2024, 5, 1), precision="month") != EntryChanges()
