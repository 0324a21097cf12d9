"""Reads on the seeded story: timeline filters and paging, quotes, search that never raises."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.models import HIGHLIGHT_END, HIGHLIGHT_START, Cursor, TimelineFilters
from bot.search_terms import QueryError, search_terms
from bot.store import Store

GUILD = 111111111111111111
GARBAGE = [
    '"',
    "*",
    "NEAR(",
    "(((",
    "AND OR NOT",
    "'",
    "-",
    "^",
    "headline:",
    "body: equity",
    '"unterminated phrase',
    "a*b OR (c",
    "NEAR(a b, 3)",
    "\x00",
    "",
    "   ",
    "🙂",
    "x" * 5000,
    " ".join(["word"] * 200),
]


def words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"\w+", text)}


def keys_by_headline(story) -> dict[str, str]:
    return {e.headline: e.key for e in story.entries}


async def timeline_keys(store: Store, story, filters: TimelineFilters, guild=None) -> list[str]:
    page = await store.timeline(guild, filters, Cursor(), 1000)
    assert page.total == len(page.items)
    by_headline = keys_by_headline(story)
    return [by_headline[e.headline] for e in page.items]


def in_date_order(story, entries) -> list[str]:
    # Same-day entries keep file order: seeding inserts them in file order, so ids follow it.
    order = {e.key: i for i, e in enumerate(story.entries)}
    return [e.key for e in sorted(entries, key=lambda e: (e.date, order[e.key]))]


async def test_unfiltered_timeline_is_every_entry_in_date_order(store, story):
    assert await timeline_keys(store, story, TimelineFilters()) == in_date_order(
        story, story.entries
    )


async def test_filter_by_person(store, story):
    for person in store.people:
        expected = in_date_order(story, [e for e in story.entries if person.slug in e.people])
        got = await timeline_keys(store, story, TimelineFilters(person_id=person.id))
        assert got == expected, person.slug


async def test_filter_by_date_range_is_inclusive(store, story):
    days = sorted({e.date for e in story.entries})
    since, until = days[1], days[-2]
    expected = in_date_order(story, [e for e in story.entries if since <= e.date <= until])
    assert expected and len(expected) < len(story.entries)
    got = await timeline_keys(store, story, TimelineFilters(since=since, until=until))
    assert got == expected
    only_first = await timeline_keys(store, story, TimelineFilters(until=days[0]))
    assert only_first == in_date_order(story, [e for e in story.entries if e.date == days[0]])


async def test_filter_by_search(store, story):
    for word in ("equity", "Superalignment", "compute"):
        expected = in_date_order(
            story,
            [e for e in story.entries if word.casefold() in words(f"{e.headline} {e.body}")],
        )
        assert expected, word
        assert (
            await timeline_keys(store, story, TimelineFilters(search=search_terms(word)))
            == expected
        )


async def test_filters_combine(store, story):
    person = store.people[1]
    since = sorted({e.date for e in story.entries})[1]
    expected = in_date_order(
        story,
        [
            e
            for e in story.entries
            if person.slug in e.people
            and e.date >= since
            and "openai" in words(f"{e.headline} {e.body}")
        ],
    )
    filters = TimelineFilters(person_id=person.id, since=since, search=search_terms("OpenAI"))
    assert await timeline_keys(store, story, filters) == expected


async def test_paging_forward_covers_everything_once(store, story):
    per_page = 3
    first = await store.timeline(None, TimelineFilters(), Cursor(), per_page)
    assert first.total == len(story.entries) and first.exact
    assert first.page_count == -(-len(story.entries) // per_page)
    assert not first.has_previous and first.has_next
    seen, page = [], first
    for number in range(1, first.page_count):
        seen += [e.id for e in page.items]
        last = page.items[-1]
        page = await store.timeline(
            None, TimelineFilters(), Cursor(after=(last.date, last.id)), per_page, number
        )
        assert page.page == number and page.has_previous
    seen += [e.id for e in page.items]
    assert not page.has_next
    everything = await store.timeline(None, TimelineFilters(), Cursor(), 1000)
    assert seen == [e.id for e in everything.items]


@pytest.mark.parametrize("per_page", [4, 5, 7])
async def test_paging_backward_from_the_end_lines_up_with_counting(store, per_page):
    everything = [
        e.id for e in (await store.timeline(None, TimelineFilters(), Cursor(), 1000)).items
    ]
    pages = [everything[i : i + per_page] for i in range(0, len(everything), per_page)]

    page = await store.timeline(None, TimelineFilters(), Cursor(from_end=True), per_page)
    assert page.page == len(pages) - 1 and not page.has_next
    for number in range(len(pages) - 1, -1, -1):
        assert [e.id for e in page.items] == pages[number]
        assert page.page == number and page.has_previous == (number > 0)
        if number:
            first = page.items[0]
            page = await store.timeline(
                None, TimelineFilters(), Cursor(before=(first.date, first.id)), per_page, number - 1
            )


async def test_paging_back_to_the_start_is_page_zero(store):
    first = await store.timeline(None, TimelineFilters(), Cursor(), 4)
    second_start = (
        await store.timeline(
            None, TimelineFilters(), Cursor(after=(first.items[-1].date, first.items[-1].id)), 4, 1
        )
    ).items[0]
    back = await store.timeline(
        None, TimelineFilters(), Cursor(before=(second_start.date, second_start.id)), 4, 7
    )
    assert back.items == first.items
    assert back.page == 0 and not back.has_previous


async def test_no_match_is_an_empty_page_zero(store):
    filters = TimelineFilters(search=search_terms("zzzznotaword"))
    page = await store.timeline(None, filters, Cursor(), 5, 7)
    assert (page.items, page.total, page.page) == ((), 0, 0)
    assert page.page < page.page_count


async def test_quotes_by_person_in_date_order(store, story):
    for person in store.people:
        expected = [q for q in story.quotes if q.person == person.slug]
        order = {q.key: i for i, q in enumerate(story.quotes)}
        expected.sort(key=lambda q: (q.date, order[q.key]))
        first = await store.quote_at(None, person.id, 0)
        assert first.total == len(expected), person.slug
        got = [(await store.quote_at(None, person.id, i)).items[0].text for i in range(first.total)]
        assert got == [q.text for q in expected]
        if expected:
            past = await store.quote_at(None, person.id, len(expected) + 10)
            assert past.page == len(expected) - 1
            assert past.items[0].text == expected[-1].text


async def test_quote_search_within_a_person(store, story):
    person = next(p for p in store.people if p.slug == story.quotes[0].person)
    word = "priorities"
    expected = [q.text for q in story.quotes if q.person == person.slug and word in words(q.text)]
    assert expected
    page = await store.quote_at(None, person.id, 0, search_terms(word))
    assert page.total == len(expected)
    assert page.items[0].text == expected[0]


async def test_people_stats_match_the_story(store, story):
    stats = {s.person.slug: s for s in await store.people_stats(None)}
    for person in story.people:
        assert stats[person.slug].quotes == sum(q.person == person.slug for q in story.quotes)
        assert stats[person.slug].entries == sum(person.slug in e.people for e in story.entries)


async def test_search_finds_entries_and_quotes_with_highlights(store, story):
    page = await store.search(None, search_terms("equity"), 0, 100)
    expected_entries = {
        e.headline for e in story.entries if "equity" in words(e.headline + " " + e.body)
    }
    expected_quotes = [q for q in story.quotes if "equity" in words(q.text)]
    assert {h.title for h in page.items if h.kind == "entry"} == expected_entries
    assert sum(h.kind == "quote" for h in page.items) == len(expected_quotes)
    assert page.total == len(expected_entries) + len(expected_quotes)
    for hit in page.items:
        assert HIGHLIGHT_START in hit.snippet and HIGHLIGHT_END in hit.snippet
        assert isinstance(hit.date, date)


async def test_search_ignores_case_and_accents(store):
    plain = await store.search(None, search_terms("superalignment"), 0, 100)
    assert plain.total > 0
    assert (await store.search(None, search_terms("SUPERÁLIGNMENT"), 0, 100)).total == plain.total


async def test_search_words_must_all_match(store):
    both = await store.search(None, search_terms("Leike equity"), 0, 100)
    only_equity = await store.search(None, search_terms("equity"), 0, 100)
    assert both.total < only_equity.total


@pytest.mark.parametrize("text", GARBAGE)
async def test_garbage_search_is_refused_with_a_sentence_or_read_without_raising(store, text):
    try:
        terms = search_terms(text)
    except QueryError as refused:
        assert str(refused).endswith(".")  # a sentence for the member, and no read at all
        return
    page = await store.search(GUILD, terms, 0, 10)
    assert page.total >= len(page.items) >= 0
    timeline = await store.timeline(GUILD, TimelineFilters(search=terms), Cursor(), 10)
    assert timeline.total >= len(timeline.items)
    quotes = await store.quote_at(GUILD, store.people[1].id, 0, terms)
    assert quotes.total >= len(quotes.items)


@pytest.mark.parametrize("text", ["equity OR compute", "equity AND", "NOT equity", "equity*"])
async def test_operators_are_searched_as_plain_words(store, story, text):
    # FTS syntax loses its meaning: every word searched for must appear in the item (the
    # operators are stop words, which are not searched for).
    wanted = set(search_terms(text).words)
    expected = sum(wanted <= words(f"{e.headline} {e.body}") for e in story.entries)
    expected += sum(wanted <= words(q.text) for q in story.quotes)
    assert (await store.search(None, search_terms(text), 0, 100)).total == expected
