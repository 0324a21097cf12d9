"""What's new, in the store: per member and guild marks, additions newest first (shipped ones
too), edits only when the text changed, removals, fixed windows, pruning, and the timeline
newest first. Against a real SQLite file."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date, timedelta

import pytest

from bot.models import Cursor, EntryChanges, SeenMarks, TimelineFilters
from bot.store import open_store
from bot.story import SeedEntry

GUILD, OTHER_GUILD = 111111111111111111, 222222222222222222
ANN, BOB = 11, 12
PER_PAGE = 5


async def add(store, headline: str, guild: int = GUILD, day: date = date(2024, 6, 1)):
    added = await store.add_entry(
        guild,
        99,
        day=day,
        precision="day",
        headline=headline,
        body=f"What {headline} says.",
        person_ids=[],
        source_url=None,
    )
    return added.entry


async def add_quote(store, text: str, guild: int = GUILD):
    return await store.add_quote(
        guild,
        99,
        person_id=store.people[0].id,
        text=text,
        day=date(2024, 6, 1),
        context="",
        source_url="https://example.com/q",
    )


async def look(store, user: int = ANN, guild: int = GUILD):
    """/whatsnew as the store serves it: the first page, then the member's marks move on."""
    found = await store.whats_new(guild, user, PER_PAGE)
    await store.mark_caught_up(guild, user, found.upto)
    return found


def shown(found) -> list[tuple[str, int]]:
    """What a page lists: ("entry" | "edited" | "quote", id), newest first."""
    return [
        ("quote", item.quote.id)
        if item.quote is not None
        else ("edited" if item.edited else "entry", item.entry.id)
        for item in found.page.items
    ]


async def test_the_first_look_shows_the_latest_additions_and_says_it_is_the_first(store):
    mine = await add(store, "Ours")
    quote = await add_quote(store, "Said here")
    await add(store, "Another server's", guild=OTHER_GUILD)

    found = await look(store)

    assert found.first_look and found.last_seen_at is None
    assert shown(found)[:2] == [("quote", quote.id), ("entry", mine.id)]
    assert len(found.page.items) == PER_PAGE
    assert found.since == SeenMarks()
    again = await store.whats_new(GUILD, ANN, PER_PAGE)
    assert not again.first_look and again.page.items == ()
    assert again.last_seen_at is not None


async def test_members_and_guilds_keep_marks_of_their_own(store):
    await look(store, ANN)
    first = await add(store, "First")
    await look(store, BOB)  # Bob has seen "First"; Ann has not
    second = await add(store, "Second")
    elsewhere = await add(store, "Elsewhere", guild=OTHER_GUILD)

    ann, bob = await look(store, ANN), await look(store, BOB)
    other = await look(store, ANN, guild=OTHER_GUILD)

    assert shown(ann) == [("entry", second.id), ("entry", first.id)]
    assert (ann.page.total, ann.page.exact) == (2, True)
    assert shown(bob) == [("entry", second.id)]
    assert other.first_look and ("entry", elsewhere.id) in shown(other)
    assert {first.id, second.id}.isdisjoint(i for _, i in shown(other))
    assert shown(await store.whats_new(GUILD, ANN, PER_PAGE)) == []


async def test_shipped_additions_from_db_seed_are_new_to_every_guild(store, story):
    await look(store)
    extra = SeedEntry(
        key="shipped-later",
        date=date(2024, 5, 21),
        precision="day",
        headline="Shipped in a later release",
        body="Added to the story file after the first seeding.",
        people=(),
        sources=(story.sources[0].key,),
        basis="article",
    )
    await store.seed(dataclasses.replace(story, entries=(*story.entries, extra)))

    found = await look(store)

    assert [(item.entry.headline, item.entry.shipped) for item in found.page.items] == [
        ("Shipped in a later release", True)
    ]


async def test_an_entry_removed_is_never_shown_and_one_seen_stays_seen(store):
    await look(store)
    seen = await add(store, "Seen, then removed")
    await look(store)
    await store.remove_entry(GUILD, 99, seen.id)
    unseen = await add(store, "Removed before anyone looked")
    await store.remove_entry(GUILD, 99, unseen.id)
    kept = await add(store, "Kept")

    assert shown(await look(store)) == [("entry", kept.id)]
    await store.restore_entry(GUILD, 99, seen.id)  # back, but not new
    assert shown(await look(store)) == []


async def test_edits_count_only_when_the_headline_or_body_changed(store):
    entry = await add(store, "Will be corrected")
    await look(store)

    await store.edit_entry(GUILD, 99, entry.id, EntryChanges(day=date(2024, 6, 2), precision="day"))
    await store.edit_entry(GUILD, 99, entry.id, EntryChanges(body=entry.body))  # the same text
    await store.edit_entry(GUILD, 99, entry.id, EntryChanges(source_url="https://example.com/s"))
    assert shown(await look(store)) == []

    await store.edit_entry(GUILD, 99, entry.id, EntryChanges(body="Corrected text."))
    found = await look(store)
    assert shown(found) == [("edited", entry.id)]
    assert found.page.items[0].entry.body == "Corrected text."
    assert found.page.items[0].at == found.page.items[0].entry.text_edited_at
    assert shown(await look(store)) == []  # seen now


async def test_an_entry_added_and_edited_since_is_shown_once_as_new(store):
    await look(store)
    entry = await add(store, "Fresh")
    await store.edit_entry(GUILD, 99, entry.id, EntryChanges(headline="Fresh, corrected"))

    assert shown(await look(store)) == [("entry", entry.id)]


async def test_shipped_text_rewritten_by_seed_update_is_shown_as_edited(store, story):
    await look(store)
    entries = list(story.entries)
    entries[2] = dataclasses.replace(entries[2], body="Rewritten in the story file.")
    await store.seed(dataclasses.replace(story, entries=tuple(entries)), update=True)

    found = await look(store)

    assert [(i.edited, i.entry.body) for i in found.page.items] == [
        (True, "Rewritten in the story file.")
    ]


async def test_a_window_keeps_its_items_while_more_are_added(store):
    await look(store)
    added = [await add(store, f"Update {n}") for n in range(7)]
    found = await look(store)
    later = await add(store, "After the member asked")

    second = await store.whats_new(GUILD, ANN, PER_PAGE, 1, (found.since, found.upto))

    assert found.page.total == 7 and found.page.page_count == 2
    assert shown(second) == [("entry", e.id) for e in reversed(added[:2])]
    assert later.id not in [i for _, i in shown(second)]


async def test_marks_never_go_back(store):
    await look(store)
    await add(store, "Seen")
    found = await look(store)
    await store.mark_caught_up(GUILD, ANN, found.since)  # an older answer finishing last
    assert shown(await store.whats_new(GUILD, ANN, PER_PAGE)) == []

    # One mark ahead, the others behind: each keeps the larger.
    ahead = dataclasses.replace(found.since, quote_id=found.upto.quote_id + 5)
    await store.mark_caught_up(GUILD, ANN, ahead)
    assert shown(await store.whats_new(GUILD, ANN, PER_PAGE)) == []


async def test_the_timeline_moves_only_the_marks_of_members_who_use_whats_new(store):
    await look(store, ANN)
    entry = await add(store, "Read on the timeline")
    await store.mark_entries_seen(GUILD, ANN, entry.id)
    await store.mark_entries_seen(GUILD, BOB, entry.id)

    assert shown(await store.whats_new(GUILD, ANN, PER_PAGE)) == []
    assert (await store.whats_new(GUILD, BOB, PER_PAGE)).first_look


async def test_pruning_forgets_members_who_have_not_looked_for_a_while(store, settings):
    await look(store, ANN)
    await look(store, BOB)
    long_ago = (date.today() - timedelta(days=100)).isoformat() + "T00:00:00.000+00:00"
    with sqlite3.connect(settings.database_path) as conn:  # Bob last looked 100 days ago
        conn.execute("UPDATE seen_marks SET seen_at = ? WHERE user_id = ?", (long_ago, BOB))

    assert await store.prune_seen(timedelta(days=101)) == 0
    assert await store.prune_seen(timedelta(days=90)) == 1

    assert not (await store.whats_new(GUILD, ANN, PER_PAGE)).first_look
    assert (await store.whats_new(GUILD, BOB, PER_PAGE)).first_look


async def test_marks_are_left_out_of_exports_and_edits_after_an_import_count(
    store, story, tmp_path
):
    edited = await add(store, "Edited before the export")
    later = await add(store, "Edited after the import")
    await store.edit_entry(GUILD, 99, edited.id, EntryChanges(body="First correction."))
    await look(store)
    data = await store.export_data()
    assert "seen_marks" not in data["tables"]

    copy = await open_store(tmp_path / "copy.db")
    try:
        await copy.import_data(data, "export.json")
        await look(copy)
        await copy.edit_entry(GUILD, 99, later.id, EntryChanges(body="Corrected in the copy."))
        found = await look(copy)
    finally:
        await copy.close()
    # Numbered past the imported edit, so that one is not taken for new.
    assert shown(found) == [("edited", later.id)]


@pytest.mark.parametrize("per_page", [3, 5])
async def test_the_timeline_newest_first_is_the_same_pages_reversed(store, per_page):
    for n in range(11):
        await add(store, f"Day {n}", day=date(2024, 6, 1) + timedelta(days=n // 2))
    filters = TimelineFilters(since=date(2024, 5, 18))

    oldest = await store.timeline(GUILD, filters, Cursor(), 1000)
    everything = [e.id for e in oldest.items]
    pages, cursor = [], Cursor()
    while True:
        page = await store.timeline(GUILD, filters, cursor, per_page, newest_first=True)
        pages.append([e.id for e in page.items])
        if not page.has_next:
            break
        cursor = Cursor(after=(page.items[-1].date, page.items[-1].id))

    assert [i for page in pages for i in page] == everything[::-1]
    assert all(len(page) == per_page for page in pages[:-1])
    last = await store.timeline(GUILD, filters, Cursor(from_end=True), per_page, newest_first=True)
    assert [e.id for e in last.items] == pages[-1]
    assert (last.page, last.has_previous, last.has_next) == (len(pages) - 1, True, False)
    first = pages[0][0]
    back = await store.timeline(
        GUILD, filters, Cursor(before=(last.items[0].date, last.items[0].id)), per_page,
        newest_first=True,
    )  # fmt: skip
    assert [e.id for e in back.items] == pages[-2]
    assert first == everything[-1]
