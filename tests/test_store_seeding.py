"""Seeding the shipped story: idempotent, additive, never touching guild items; updates are audited."""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.models import Cursor, SeedResult, TimelineFilters
from bot.store import open_store
from bot.story import SeedEntry

GUILD = 111111111111111111


def rows_by_seed_key(data: dict, table: str) -> dict[str, dict]:
    return {row["seed_key"]: row for row in data["tables"][table] if row["seed_key"]}


def changed_entry(story, index: int, **changes):
    entries = list(story.entries)
    entries[index] = dataclasses.replace(entries[index], **changes)
    return dataclasses.replace(story, entries=tuple(entries))


async def test_seed_puts_the_whole_story_in(store, story):
    counts = await store.counts(None)
    assert (counts.entries, counts.quotes, counts.people) == (
        len(story.entries),
        len(story.quotes),
        sum(p.kind == "person" for p in story.people),  # outlets are sources, not people
    )
    assert [p.slug for p in store.people] == [p.slug for p in story.people]


async def test_opening_twice_changes_nothing(tmp_path, story):
    path = tmp_path / "x.db"
    first = await open_store(path, story)
    before = await first.export_data()
    await first.close()

    second = await open_store(path, story)
    try:
        assert await second.export_data() == before
        assert await second.seed(story) == SeedResult(added=0, updated=0)
        assert await second.seed(story, update=True) == SeedResult(added=0, updated=0)
        assert await second.export_data() == before
    finally:
        await second.close()


async def test_a_newer_story_with_one_more_entry_adds_just_that_one(store, story):
    before = await store.export_data()
    extra = SeedEntry(
        key="an-extra-entry",
        date=date(2024, 5, 20),
        precision="day",
        headline="An entry the next release ships",
        body="Added to the story file after the first seeding.",
        people=(story.people[0].slug,),
        sources=(story.sources[0].key,),
        basis="article",
    )
    newer = dataclasses.replace(story, entries=(*story.entries, extra))

    assert await store.seed(newer) == SeedResult(added=1, updated=0)

    after = await store.export_data()
    old_rows, new_rows = rows_by_seed_key(before, "entries"), rows_by_seed_key(after, "entries")
    assert set(new_rows) - set(old_rows) == {"an-extra-entry"}
    assert {k: new_rows[k] for k in old_rows} == old_rows  # same ids, same timestamps
    assert after["tables"]["quotes"] == before["tables"]["quotes"]
    added = new_rows["an-extra-entry"]
    entry = await store.entry(None, added["id"])
    assert entry.headline == extra.headline
    assert [p.slug for p in entry.people] == [story.people[0].slug]
    assert [s.name for s in entry.sources] == [story.sources[0].name]


async def test_guild_entries_survive_reseeding_and_updates(store, story):
    mine = (
        await store.add_entry(
            GUILD,
            42,
            day=date(2024, 5, 19),
            precision="day",
            headline="A moderator's note",
            body="Added in one server only.",
            person_ids=[store.people[1].id],
            source_url="https://example.com/note",
        )
    ).entry
    before = await store.export_data()
    guild_row = next(r for r in before["tables"]["entries"] if r["id"] == mine.id)

    changed = changed_entry(story, 0, headline="A rewritten shipped headline")
    await store.seed(changed)
    result = await store.seed(changed, update=True)

    assert result == SeedResult(added=0, updated=1)
    after = await store.export_data()
    assert next(r for r in after["tables"]["entries"] if r["id"] == mine.id) == guild_row
    assert await store.entry(GUILD, mine.id) == mine


async def test_without_update_a_changed_shipped_entry_is_left_alone(store, story):
    key = story.entries[3].key
    before = rows_by_seed_key(await store.export_data(), "entries")[key]

    result = await store.seed(changed_entry(story, 3, headline="Changed in the file"))

    assert result == SeedResult(added=0, updated=0)
    assert rows_by_seed_key(await store.export_data(), "entries")[key] == before


async def test_update_rewrites_a_changed_shipped_entry_and_audits_it(store, story):
    original = story.entries[2]
    entry_id = rows_by_seed_key(await store.export_data(), "entries")[original.key]["id"]
    new_people = tuple(p.slug for p in story.people if p.slug not in original.people)[:2]
    changed = changed_entry(
        story, 2, headline="A corrected headline", body="A corrected body.", people=new_people
    )

    assert await store.seed(changed, update=True) == SeedResult(added=0, updated=1)

    entry = await store.entry(None, entry_id)
    assert entry.headline == "A corrected headline"
    assert entry.body == "A corrected body."
    assert [p.slug for p in entry.people] == list(new_people)
    assert entry.edited_at is not None
    history = await store.history(0, entry_id, 0, 10)
    assert history.total == 1
    record = history.items[0]
    assert (record.action, record.target_kind, record.target_id) == ("edit", "entry", entry_id)
    assert record.before["headline"] == original.headline
    assert record.after["headline"] == "A corrected headline"
    assert record.before["people"] == list(original.people)
    assert record.after["people"] == list(new_people)


async def test_update_applies_a_change_of_people_alone(store, story):
    original = story.entries[0]
    entry_id = rows_by_seed_key(await store.export_data(), "entries")[original.key]["id"]
    others = tuple(p.slug for p in story.people if p.slug not in original.people)[:1]

    result = await store.seed(changed_entry(story, 0, people=others), update=True)

    assert result == SeedResult(added=0, updated=1)
    assert [p.slug for p in (await store.entry(None, entry_id)).people] == list(others)


async def test_update_rewrites_a_changed_quote_and_audits_every_field(store, story):
    quotes = list(story.quotes)
    original = quotes[0]
    quotes[0] = dataclasses.replace(original, context="a corrected context", date=date(2024, 5, 1))
    quote_id = rows_by_seed_key(await store.export_data(), "quotes")[original.key]["id"]

    result = await store.seed(dataclasses.replace(story, quotes=tuple(quotes)), update=True)

    assert result == SeedResult(added=0, updated=1)
    record = (await store.history(0, quote_id, 0, 10)).items[0]
    assert record.target_kind == "quote"
    assert record.before["context"] == original.context
    assert record.after["context"] == "a corrected context"
    assert record.after["date"] == "2024-05-01"


async def test_seeded_timeline_is_in_date_order(store, story):
    page = await store.timeline(None, TimelineFilters(), Cursor(), len(story.entries))
    assert page.total == len(story.entries)
    assert [e.date for e in page.items] == sorted(e.date for e in story.entries)


async def test_update_applies_a_change_of_provenance_alone_and_audits_it(store, story):
    original = story.entries[1]
    entry_id = rows_by_seed_key(await store.export_data(), "entries")[original.key]["id"]
    note = "public record: a corrected note"

    result = await store.seed(changed_entry(story, 1, provenance=note), update=True)

    assert result == SeedResult(added=0, updated=1)
    assert (await store.entry(None, entry_id)).provenance == note
    record = (await store.history(0, entry_id, 0, 10)).items[0]
    assert (record.before["provenance"], record.after["provenance"]) == (original.provenance, note)


async def test_update_applies_a_quotes_new_provenance(store, story):
    quotes = list(story.quotes)
    quotes[-1] = dataclasses.replace(quotes[-1], provenance="from a corrected place")
    quote_id = rows_by_seed_key(await store.export_data(), "quotes")[quotes[-1].key]["id"]

    result = await store.seed(dataclasses.replace(story, quotes=tuple(quotes)), update=True)

    assert result == SeedResult(added=0, updated=1)
    record = (await store.history(0, quote_id, 0, 10)).items[0]
    assert record.after["provenance"] == "from a corrected place"


async def test_people_keep_their_kind_and_outlets_stay_quotable(store, story):
    assert {p.slug: p.kind for p in store.people} == {p.slug: p.kind for p in story.people}
    outlet = next(p for p in store.people if p.is_outlet)
    page = await store.quote_at(None, outlet.id, 0)
    assert page.total == sum(q.person == outlet.slug for q in story.quotes) > 0
    assert page.items[0].person.is_outlet and page.items[0].provenance


async def test_export_and_import_carry_provenance_and_kinds(store, story, tmp_path):
    data = await store.export_data()
    copy = await open_store(tmp_path / "copy.db")
    try:
        await copy.import_data(data, "export.json")

        assert await copy.export_data() == data
        first = rows_by_seed_key(data, "entries")[story.entries[0].key]["id"]
        assert (await copy.entry(None, first)).provenance == story.entries[0].provenance
        assert {p.slug: p.kind for p in copy.people} == {p.slug: p.kind for p in story.people}
    finally:
        await copy.close()
