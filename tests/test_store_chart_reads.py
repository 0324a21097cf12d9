"""Reads behind the chart and the HTML page, on a real SQLite file: the timeline version, all quotes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.models import EntryChanges
from bot.store import Store

GUILD_A = 111111111111111111
GUILD_B = 222222222222222222
MOD = 333333333333333333


async def add(store: Store, guild: int = GUILD_A, headline: str = "Zebracorn sighting"):
    added = await store.add_entry(
        guild,
        MOD,
        day=date(2024, 5, 19),
        precision="day",
        headline=headline,
        body="A moderator adds this entry for their server only.",
        person_ids=[store.people[0].id],
        source_url=None,
    )
    return added.entry


async def test_the_timeline_version_changes_with_every_write_a_guild_can_see(store, story):
    versions = [await store.timeline_version(GUILD_A)]

    async def changed() -> bool:
        versions.append(await store.timeline_version(GUILD_A))
        return versions[-1] != versions[-2]

    assert not await changed()  # reading changes nothing
    entry = await add(store)
    assert await changed()
    await store.edit_entry(
        GUILD_A, MOD, entry.id, EntryChanges(headline="Zebracorn sighting, confirmed")
    )
    assert await changed()
    await store.remove_entry(GUILD_A, MOD, entry.id)
    assert await changed()
    await store.restore_entry(GUILD_A, MOD, entry.id)
    assert await changed()
    reworded = replace(story.entries[0], headline="Reworded")
    await store.seed(
        replace(story, entries=(reworded, *story.entries[1:])), update=True
    )  # the operator corrects the shipped story
    assert await changed()
    assert len(set(versions)) == len(versions) - 1  # every change gave a new value


async def test_other_guilds_edits_leave_a_guilds_version_alone(store):
    entry = await add(store, GUILD_B)
    before = await store.timeline_version(GUILD_A)

    await store.edit_entry(GUILD_B, MOD, entry.id, EntryChanges(headline="Only in B"))
    await store.remove_entry(GUILD_B, MOD, entry.id)

    assert await store.timeline_version(GUILD_A) == before


async def test_all_quotes_are_the_shipped_ones_and_the_guilds_own_in_date_order(store, story):
    person = store.people[1]
    mine = await store.add_quote(
        GUILD_A,
        MOD,
        person_id=person.id,
        text="Ours.",
        day=date(2024, 5, 16),
        context="x",
        source_url=None,
    )
    theirs = await store.add_quote(
        GUILD_B,
        MOD,
        person_id=person.id,
        text="Theirs.",
        day=date(2024, 5, 16),
        context="x",
        source_url=None,
    )
    gone = await store.add_quote(
        GUILD_A,
        MOD,
        person_id=person.id,
        text="Gone.",
        day=date(2024, 5, 16),
        context="x",
        source_url=None,
    )
    await store.remove_quote(GUILD_A, MOD, gone.id)

    shipped = await store.all_quotes(None)
    assert sorted(q.text for q in shipped) == sorted(q.text for q in story.quotes)
    quotes = await store.all_quotes(GUILD_A)
    ids = [q.id for q in quotes]
    assert mine.id in ids and theirs.id not in ids and gone.id not in ids
    assert len(quotes) == len(story.quotes) + 1
    assert [(q.date, q.id) for q in quotes] == sorted((q.date, q.id) for q in quotes)
    assert all(q.source is not None for q in quotes if q.scope == 0)
