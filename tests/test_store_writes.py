"""Moderators' writes on a real SQLite file: guild isolation, soft removal, audit rows, FTS in sync."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from bot.models import (
    Cursor,
    EntryChanges,
    MessageRef,
    PersonUsage,
    SettingsChanges,
    TimelineFilters,
)
from bot.people import PersonRefused
from bot.search_terms import search_terms
from bot.store import Store, open_store

GUILD_A = 111111111111111111
GUILD_B = 222222222222222222
MOD = 333333333333333333


async def add(store: Store, guild: int = GUILD_A, headline: str = "Zebracorn sighting") -> object:
    added = await store.add_entry(
        guild,
        MOD,
        day=date(2024, 5, 19),
        precision="day",
        headline=headline,
        body="A moderator adds this entry for their server only.",
        person_ids=[store.people[0].id, store.people[1].id],
        source_url="https://www.example.com/report/1",
    )
    assert not added.duplicate
    return added.entry


async def visible(store: Store, guild: int | None, entry_id: int) -> bool:
    """Seen by entry lookup, timeline and search alike (the three must agree)."""
    by_id = await store.entry(guild, entry_id) is not None
    timeline = await store.timeline(guild, TimelineFilters(), Cursor(), 1000)
    in_timeline = entry_id in [e.id for e in timeline.items]
    assert by_id == in_timeline
    return by_id


async def search_ids(store: Store, guild: int | None, text: str) -> set[int]:
    page = await store.search(guild, search_terms(text), 0, 100)
    return {hit.id for hit in page.items if hit.kind == "entry"}


async def test_added_entry_is_returned_whole_and_audited(store):
    entry = await add(store)

    assert entry.scope == GUILD_A and not entry.shipped
    assert entry.author_id == MOD
    assert entry.date == date(2024, 5, 19) and entry.precision == "day"
    assert [p.id for p in entry.people] == [store.people[0].id, store.people[1].id]
    assert [(s.name, s.url) for s in entry.sources] == [
        ("example.com", "https://www.example.com/report/1")
    ]
    assert entry.created_at and entry.edited_at is None and entry.removed_at is None
    assert await store.entry(GUILD_A, entry.id) == entry

    history = await store.history(GUILD_A, entry.id, 0, 10)
    assert [(r.action, r.actor_id, r.before) for r in history.items] == [("add", MOD, None)]
    assert history.items[0].after["headline"] == "Zebracorn sighting"


async def test_the_same_update_again_is_returned_as_a_duplicate(store):
    first = await add(store)

    again = await store.add_entry(
        GUILD_A,
        MOD,
        day=first.date,
        precision="day",
        headline=first.headline,
        body=first.body,
        person_ids=[store.people[0].id, store.people[1].id],
        source_url="https://www.example.com/report/1",
    )

    assert again.duplicate and again.entry == first
    assert (await store.history(GUILD_A, None, 0, 10)).total == 1  # nothing else stored
    by_another = await store.add_entry(
        GUILD_A,
        MOD + 1,
        day=first.date,
        precision="day",
        headline=first.headline,
        body=first.body,
        person_ids=[],
        source_url=None,
    )
    assert not by_another.duplicate and by_another.entry.id > first.id


async def test_ids_are_never_reused(store):
    first = await add(store)
    await store.remove_entry(GUILD_A, MOD, first.id)
    second = await add(store)
    assert second.id > first.id


async def test_guild_entry_is_invisible_to_other_guilds_and_dms(store):
    entry = await add(store)

    assert await visible(store, GUILD_A, entry.id)
    assert not await visible(store, GUILD_B, entry.id)
    assert not await visible(store, None, entry.id)
    assert entry.id in await search_ids(store, GUILD_A, "zebracorn")
    assert await search_ids(store, GUILD_B, "zebracorn") == set()
    assert await search_ids(store, None, "zebracorn") == set()
    shipped = await store.counts(None)
    assert (await store.counts(GUILD_A)).entries == shipped.entries + 1
    assert (await store.counts(GUILD_B)).entries == shipped.entries


@pytest.mark.parametrize("intruder", [GUILD_B, None, 0])
async def test_other_guilds_and_dms_cannot_edit_or_remove(store, intruder):
    entry = await add(store)

    assert (
        await store.edit_entry(intruder, MOD, entry.id, EntryChanges(headline="Hijacked")) is None
    )
    assert await store.remove_entry(intruder, MOD, entry.id) is None
    assert await store.entry(GUILD_A, entry.id) == entry
    assert (await store.history(GUILD_A, entry.id, 0, 10)).total == 1
    if intruder:
        assert (await store.history(intruder, None, 0, 10)).total == 0


async def test_shipped_entries_cannot_be_changed_by_a_guild(store):
    shipped = (await store.timeline(GUILD_A, TimelineFilters(), Cursor(), 1)).items[0]
    assert shipped.shipped

    assert (
        await store.edit_entry(GUILD_A, MOD, shipped.id, EntryChanges(headline="Rewritten")) is None
    )
    assert await store.remove_entry(GUILD_A, MOD, shipped.id) is None
    assert await store.restore_entry(GUILD_A, MOD, shipped.id) is None
    assert await store.entry(GUILD_A, shipped.id) == shipped
    assert (await store.history(GUILD_A, None, 0, 10)).total == 0


async def test_edit_changes_fields_links_and_search_and_is_audited(store):
    entry = await add(store)
    new_person = store.people[2]

    edited = await store.edit_entry(
        GUILD_A,
        MOD + 1,
        entry.id,
        EntryChanges(
            headline="Quokkafish spotted",
            day=date(2024, 5, 21),
            precision="day",
            person_ids=(new_person.id,),
            source_url="https://news.example.org/story",
        ),
    )

    assert edited.headline == "Quokkafish spotted"
    assert edited.body == entry.body
    assert edited.date == date(2024, 5, 21)
    assert [p.id for p in edited.people] == [new_person.id]
    assert [s.url for s in edited.sources] == ["https://news.example.org/story"]
    assert edited.edited_at is not None and edited.created_at == entry.created_at
    assert await store.entry(GUILD_A, entry.id) == edited
    assert await search_ids(store, GUILD_A, "zebracorn") == set()
    assert await search_ids(store, GUILD_A, "quokkafish") == {entry.id}

    record = (await store.history(GUILD_A, entry.id, 0, 10)).items[0]  # newest first
    assert (record.action, record.actor_id) == ("edit", MOD + 1)
    assert record.before["headline"] == "Zebracorn sighting"
    assert record.after["headline"] == "Quokkafish spotted"
    assert record.before["people"] == [store.people[0].slug, store.people[1].slug]
    assert record.after["people"] == [new_person.slug]
    assert record.after["date"] == "2024-05-21"


async def test_remove_and_restore(store):
    entry = await add(store)

    removed = await store.remove_entry(GUILD_A, MOD, entry.id)
    assert removed.removed_at is not None
    assert not await visible(store, GUILD_A, entry.id)
    assert await search_ids(store, GUILD_A, "zebracorn") == set()
    assert await store.remove_entry(GUILD_A, MOD, entry.id) is None  # already removed

    restored = await store.restore_entry(GUILD_A, MOD, entry.id)
    assert restored.removed_at is None
    assert restored.headline == entry.headline
    assert await visible(store, GUILD_A, entry.id)
    assert await search_ids(store, GUILD_A, "zebracorn") == {entry.id}
    assert await store.restore_entry(GUILD_A, MOD, entry.id) is None  # not removed

    actions = [r.action for r in (await store.history(GUILD_A, entry.id, 0, 10)).items]
    assert actions == ["restore", "remove", "add"]


async def test_removed_entry_cannot_be_restored_by_another_guild(store):
    entry = await add(store)
    await store.remove_entry(GUILD_A, MOD, entry.id)
    assert await store.restore_entry(GUILD_B, MOD, entry.id) is None
    assert not await visible(store, GUILD_A, entry.id)


async def test_quotes_are_added_removed_and_isolated(store):
    person = store.people[3]
    quote = await store.add_quote(
        GUILD_A,
        MOD,
        person_id=person.id,
        text="Platypodes are underrated",
        day=date(2024, 5, 20),
        context="interview",
        source_url=None,
    )
    assert quote.person == person and quote.source is None and quote.scope == GUILD_A

    async def quote_ids(guild):
        page = await store.quote_at(guild, person.id, 0)
        return [(await store.quote_at(guild, person.id, i)).items[0].id for i in range(page.total)]

    assert quote.id in await quote_ids(GUILD_A)
    assert quote.id not in await quote_ids(GUILD_B)
    assert quote.id not in await quote_ids(None)
    assert await store.remove_quote(GUILD_B, MOD, quote.id) is None
    assert await store.remove_quote(None, MOD, quote.id) is None
    assert quote.id in await quote_ids(GUILD_A)

    assert (await store.remove_quote(GUILD_A, MOD, quote.id)).id == quote.id
    assert quote.id not in await quote_ids(GUILD_A)
    assert await store.remove_quote(GUILD_A, MOD, quote.id) is None
    actions = [r.action for r in (await store.history(GUILD_A, quote.id, 0, 10)).items]
    assert actions == ["remove", "add"]


async def test_shipped_quote_cannot_be_removed_by_a_guild(store):
    person = store.people[1]
    first = (await store.quote_at(GUILD_A, person.id, 0)).items[0]
    assert first.scope == 0
    assert await store.remove_quote(GUILD_A, MOD, first.id) is None
    assert (await store.quote_at(GUILD_A, person.id, 0)).items[0] == first


async def test_a_failed_write_leaves_nothing_behind(store, settings, story):
    # Another process (a second store on the file) removes a person this store still knows,
    # so the entry row is written before the link to them fails.
    person = await store.add_person(
        GUILD_A, MOD, name="Helen Toner", role="", aliases=(), kind="person"
    )
    stale = await open_store(settings.database_path, story)
    try:
        await store.remove_person(GUILD_A, MOD, person.id, PersonUsage(0, 0))
        before = await store.export_data()
        with pytest.raises(sqlite3.IntegrityError):
            await stale.add_entry(
                GUILD_A,
                MOD,
                day=date(2024, 5, 19),
                precision="day",
                headline="Names someone just removed",
                body="The person's row is gone.",
                person_ids=[person.id],
                source_url="https://example.com/never-stored",
            )
        assert await store.export_data() == before
    finally:
        await stale.close()


async def test_naming_someone_the_guild_cannot_see_is_refused_and_nothing_written(store):
    theirs = await store.add_person(
        GUILD_B, MOD, name="Helen Toner", role="", aliases=(), kind="person"
    )
    before = await store.export_data()
    for person_id in (999_999, theirs.id):
        with pytest.raises(PersonRefused):
            await store.add_entry(
                GUILD_A,
                MOD,
                day=date(2024, 5, 19),
                precision="day",
                headline="Names someone unknown here",
                body="Not one of this guild's people.",
                person_ids=[store.people[0].id, person_id],
                source_url="https://example.com/never-stored",
            )
    assert await store.export_data() == before


async def test_guild_settings_are_per_guild_and_audited(store):
    assert (await store.guild_settings(GUILD_A)).updates_channel_id is None
    changed = await store.update_guild_settings(
        GUILD_A, MOD, SettingsChanges(updates_channel_id=444)
    )
    assert changed.updates_channel_id == 444
    assert (await store.guild_settings(GUILD_A)).updates_channel_id == 444
    assert (await store.guild_settings(GUILD_B)).updates_channel_id is None
    record = (await store.history(GUILD_A, None, 0, 10)).items[0]
    assert record.action == "config"
    assert record.before["updates_channel_id"] is None
    assert record.after["updates_channel_id"] == 444


async def test_writes_survive_reopening(tmp_path, story):
    path = tmp_path / "x.db"
    store = await open_store(path, story)
    entry = await add(store)
    await store.close()

    store = await open_store(path, story)
    try:
        assert await store.entry(GUILD_A, entry.id) == entry
    finally:
        await store.close()


async def test_the_database_and_its_wal_and_shm_are_private(tmp_path, story, shared_umask):
    path = tmp_path / "private.db"
    store = await open_store(path, story)
    try:
        await add(store)
        # While the store is open and has written, SQLite has made its -wal and -shm files.
        for name in (path, f"{path}-wal", f"{path}-shm"):
            assert stat.S_IMODE(Path(name).stat().st_mode) == 0o600, name
    finally:
        await store.close()


async def test_an_entry_added_from_a_message_keeps_its_link_through_edits_and_listings(store):
    message = MessageRef(channel_id=444444444444444444, message_id=555555555555555555)
    added = await store.add_entry(
        GUILD_A,
        MOD,
        day=date(2024, 5, 20),
        precision="day",
        headline="From a message",
        body="Posted in #news first.",
        person_ids=[],
        source_url=None,
        from_message=message,
    )
    entry = added.entry
    typed = await add(store)

    assert entry.from_message == message and typed.from_message is None
    # A new source replaces the old one, but never the link back to the message.
    changes = EntryChanges(source_url="https://example.com/a")
    edited = await store.edit_entry(GUILD_A, MOD, entry.id, changes)
    assert edited.from_message == message
    page = await store.timeline(GUILD_A, TimelineFilters(), Cursor(), 1000)
    listed = {e.id: e.from_message for e in page.items if not e.shipped}
    assert listed == {entry.id: message, typed.id: None}
