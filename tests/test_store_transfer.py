"""Export and import through the store, past one import chunk: whole copies, exact refusals."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from bot.store import StoreError, open_store
from bot.store.transfer import IMPORT_CHUNK

GUILD = 111_111_111_111_111_111


@pytest.fixture
async def exported(store) -> dict:
    """An export with more entries than one import chunk holds."""
    for n in range(IMPORT_CHUNK + 50):
        await store.add_entry(
            GUILD,
            7,
            day=date(2024, 5, 1 + n % 28),
            precision="day",
            headline=f"Update {n}",
            body=f"Body {n}",
            person_ids=[store.people[n % len(store.people)].id],
            source_url=f"https://example.com/{n % 7}",
        )
    return await store.export_data()


async def test_import_into_an_empty_database_makes_the_same_database(tmp_path, exported):
    copied = await open_store(tmp_path / "copy.db")
    try:
        added = await copied.import_data(exported, "export.json")
        assert added["entries"] == len(exported["tables"]["entries"]) > IMPORT_CHUNK
        assert await copied.export_data() == exported
        again = await copied.import_data(exported, "export.json")
        assert set(again.values()) == {0}
        assert [p.slug for p in copied.people] == [p["slug"] for p in exported["tables"]["people"]]
    finally:
        await copied.close()


async def test_a_bad_row_past_the_first_chunk_is_named_and_nothing_is_imported(tmp_path, exported):
    bad = copy.deepcopy(exported)
    number = IMPORT_CHUNK + 10
    bad["tables"]["entries"][number - 1]["headline"] = None  # NOT NULL
    copied = await open_store(tmp_path / "copy.db")
    try:
        with pytest.raises(StoreError, match=f"entries row {number} cannot be imported"):
            await copied.import_data(bad, "bad.json")
        assert (await copied.check()).counts["entries"] == 0
        assert (await copied.export_data())["tables"]["people"] == []
    finally:
        await copied.close()


async def test_a_row_that_differs_from_the_database_is_named(store, exported):
    changed = copy.deepcopy(exported)
    row = changed["tables"]["entries"][-1]
    row["body"] = "Rewritten elsewhere"
    with pytest.raises(StoreError, match=f"entries row id={row['id']} differs"):
        await store.import_data(changed, "changed.json")
    assert await store.export_data() == exported
