"""No lost or doubled writes: many concurrent writers and readers, on one and on two connections."""

from __future__ import annotations

import asyncio
from datetime import date

from bot.models import Cursor, TimelineFilters
from bot.search_terms import search_terms
from bot.store import Store, open_store

GUILD = 111_111_111_111_111_111
WRITERS, PER_WRITER, READS = 50, 20, 500


async def write_many(store: Store, writer: int) -> list[int]:
    ids = []
    for n in range(PER_WRITER):
        entry = (
            await store.add_entry(
                GUILD,
                writer,
                day=date(2024, 5, 1 + n % 28),
                precision="day",
                headline=f"writer {writer} update {n}",
                body=f"w{writer}-n{n}",
                person_ids=[store.people[writer % len(store.people)].id],
                source_url=f"https://example.com/{writer}/{n}",
            )
        ).entry
        ids.append(entry.id)
    return ids


async def read_many(store: Store, reads: int) -> int:
    seen = 0
    for n in range(reads):
        page = await store.timeline(GUILD, TimelineFilters(), Cursor(), 10)
        hits = await store.search(GUILD, search_terms("update"), n % 5, 5)
        seen += len(page.items) + len(hits.items)
    return seen


async def assert_all_written_once(store: Store, ids: list[int]) -> None:
    assert len(ids) == len(set(ids)) == WRITERS * PER_WRITER
    page = await store.timeline(GUILD, TimelineFilters(), Cursor(), WRITERS * PER_WRITER + 100)
    bodies = [e.body for e in page.items if not e.shipped]
    expected = {f"w{w}-n{n}" for w in range(WRITERS) for n in range(PER_WRITER)}
    assert sorted(bodies) == sorted(expected)
    for entry in page.items:
        if not entry.shipped:  # nothing half-written: every entry kept its person and source
            assert len(entry.people) == 1 and len(entry.sources) == 1
    report = await store.check()
    assert report.integrity == "ok"


async def test_one_connection(store):
    writers = [write_many(store, w) for w in range(WRITERS)]
    readers = [read_many(store, READS // 10) for _ in range(10)]

    results = await asyncio.gather(*writers, *readers)

    ids = [i for batch in results[:WRITERS] for i in batch]
    await assert_all_written_once(store, ids)


async def test_two_connections_bot_and_cli(store, settings, tmp_path):
    """The bot writes while an operator's CLI (a second connection) backs up, imports and writes."""
    cli = await open_store(settings.database_path)
    try:
        exported = await cli.export_data()

        async def operator() -> None:
            for n in range(5):
                await cli.backup(tmp_path / f"backup-{n}.db")
                await cli.import_data(exported, "export.json")  # already present: adds nothing
                await asyncio.sleep(0)

        half = WRITERS // 2
        results = await asyncio.gather(
            *(write_many(store, w) for w in range(half)),
            *(write_many(cli, w) for w in range(half, WRITERS)),
            *(read_many(cli if n % 2 else store, READS // 10) for n in range(10)),
            operator(),
        )
    finally:
        await cli.close()

    ids = [i for batch in results[:WRITERS] for i in batch]
    await assert_all_written_once(store, ids)
    for n in range(5):
        copy = await open_store(tmp_path / f"backup-{n}.db")
        try:
            assert (await copy.check()).integrity == "ok"
        finally:
            await copy.close()
