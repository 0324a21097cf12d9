"""/people, /search, /entry, /about, and who sees what: guilds, other guilds, DMs."""

from __future__ import annotations

import re
from datetime import date

import pytest
from helpers import handled_errors

from bot import __version__
from bot.pagers import SEARCH_PER_PAGE, TIMELINE_PER_PAGE
from bot.ui.pager import NOT_YOURS


@pytest.fixture
def elsewhere(simcord_env):
    """A member in a second guild, with its own channel."""
    guild = simcord_env.create_guild("Elsewhere")
    return guild.add_member(simcord_env.create_user("outsider")), guild.create_text_channel("main")


@pytest.fixture
async def scoop(simcord_env, guild, member):
    """One entry and one Leike quote that only `guild` added."""
    store = simcord_env.bot.store
    leike = next(p for p in store.people if p.slug == "leike")
    entry = (
        await store.add_entry(
            guild.id,
            member.id,
            day=date(2024, 5, 20),
            precision="day",
            headline="Local scoop about zebras",
            body="Only this server knows about the zebras.",
            person_ids=[leike.id],
            source_url="https://example.com/zebras",
        )
    ).entry
    quote = await store.add_quote(
        guild.id,
        member.id,
        person_id=leike.id,
        text="Zebras are local news.",
        day=date(2024, 5, 20),
        context="in this server",
        source_url=None,
    )
    return entry, quote


def counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def buttons(message) -> dict[str, dict]:
    return {b["label"]: b for row in message.components for b in row["components"]}


def story_matches(story, word: str) -> int:
    """How many shipped entries and quotes contain `word` as a word."""
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    entries = sum(bool(pattern.search(f"{e.headline} {e.body}")) for e in story.entries)
    return entries + sum(bool(pattern.search(q.text)) for q in story.quotes)


# /people


async def test_people_lists_persons_with_their_counts_and_outlets_apart(channel, member, story):
    result = await member.slash(channel, "people")

    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Who is who"
    persons = [p for p in story.people if p.kind == "person"]
    outlets = [p for p in story.people if p.kind == "outlet"]
    assert outlets, "the shipped story quotes an outlet (TechCrunch)"
    lines = embed.description.splitlines()
    assert len(lines) == len(persons)
    # A publication is a source, not a person: named apart, so `/quote techcrunch` can be found.
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Outlets quoted"] == ", ".join(f"{p.name} (`{p.slug}`)" for p in outlets)
    for line, person in zip(lines, persons, strict=True):
        quotes = sum(q.person == person.slug for q in story.quotes)
        entries = sum(person.slug in e.people for e in story.entries)
        counts = f"{counted(quotes, 'quote', 'quotes')}, {counted(entries, 'entry', 'entries')}"
        assert line == f"**{person.name}** (`{person.slug}`): {person.role} · {counts}"


# /search


async def test_search_highlights_and_counts_matches(channel, member, story):
    result = await member.slash(channel, "search", query="equity")

    total = story_matches(story, "equity")
    pages = -(-total // SEARCH_PER_PAGE)
    embed = result.response.embeds[0]
    assert embed.title == "Search: equity"
    assert embed.footer.text == f"{total} matches · page 1 of {pages} · best first"
    blocks = embed.description.split("\n\n")
    assert len(blocks) == min(total, SEARCH_PER_PAGE)
    assert all(re.search(r"\*\*equity\*\*", block, re.IGNORECASE) for block in blocks)
    assert all(
        re.search(r"· \d{1,2} May 2024 · (Entry|Quote) `#\d+`$", b.splitlines()[0]) for b in blocks
    )


async def test_search_pages_for_the_invoker_only(
    simcord_env, channel, member, other_member, story, make_bot
):
    total = story_matches(story, "equity")
    assert total > SEARCH_PER_PAGE
    result = await member.slash(channel, "search", query="equity")
    first = result.response.embeds[0].description

    refused = await other_member.click(result.response, label="Next ›")
    assert refused.ephemeral and refused.response.content == NOT_YOURS

    await simcord_env.restart_bot(await make_bot())
    await member.click(result.response, label="Last »")
    embed = result.response.embeds[0]
    assert embed.description != first
    on_last = total - SEARCH_PER_PAGE * (-(-total // SEARCH_PER_PAGE) - 1)
    assert len(embed.description.split("\n\n")) == on_last
    assert buttons(result.response)["Last »"]["disabled"]


@pytest.mark.parametrize(
    "garbage",
    [
        'equity"',
        "equity*",
        "(equity",
        "equity OR",
        "NEAR(equity, 2)",
        '"equity AND',
        "-equity",
        "equity:",
    ],
)
async def test_search_syntax_is_plain_words(simcord_env, channel, member, garbage):
    plain = " ".join(re.findall(r"\w+", garbage))

    typed = await member.slash(channel, "search", query=garbage)
    words = await member.slash(channel, "search", query=plain)

    assert typed.ephemeral == words.ephemeral
    if words.ephemeral:
        assert typed.response.content.startswith("Nothing matches")
    else:
        assert typed.response.embeds[0].description == words.response.embeds[0].description
        assert typed.response.embeds[0].footer.text == words.response.embeds[0].footer.text
    assert set(handled_errors(simcord_env)) <= {"UserError"}


async def test_search_without_matches_is_a_private_note(simcord_env, channel, member):
    result = await member.slash(channel, "search", query="Zebra")

    assert result.ephemeral
    assert result.response.content == "Nothing matches “zebra”. Try other words."
    assert handled_errors(simcord_env) == ["UserError"]


async def test_timeline_search_syntax_is_plain_words(channel, member):
    typed = await member.slash(channel, "timeline", search='equity" OR (')
    words = await member.slash(channel, "timeline", search="equity OR")

    assert typed.response.embeds[0].title == words.response.embeds[0].title
    assert typed.response.embeds[0].footer.text == words.response.embeds[0].footer.text


# /entry


async def test_entry_shows_one_event_in_full_with_every_source(channel, member, story):
    result = await member.slash(channel, "entry", id=1)

    first = story.entries[0]
    embed = result.response.embeds[0]
    assert embed.title == first.headline
    assert embed.description == first.body
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Date"] == f"{first.date.day} {first.date:%B %Y}"
    names = {p.slug: p.name for p in story.people}
    assert fields["People"] == ", ".join(names[slug] for slug in first.people)
    by_key = {s.key: s for s in story.sources}
    assert fields["Sources"].splitlines() == [
        f"• [{by_key[key].name.replace('[', '(').replace(']', ')')}]({by_key[key].url})"
        for key in first.sources
    ]
    assert (
        embed.footer.text == f"Entry #1 · From the story as shipped\nSourcing: {first.provenance}"
    )


@pytest.mark.parametrize("past_the_end", [1, 10**12])
async def test_missing_entry_is_a_private_not_found(
    simcord_env, channel, member, story, past_the_end
):
    wanted = len(story.entries) + past_the_end
    result = await member.slash(channel, "entry", id=wanted)

    assert result.ephemeral
    assert (
        result.response.content == f"There is no entry #{wanted} here. `/timeline` lists them all."
    )
    assert handled_errors(simcord_env) == ["UserError"]


async def test_removed_entry_is_not_found(simcord_env, guild, channel, member, scoop):
    entry, _ = scoop
    await simcord_env.bot.store.remove_entry(guild.id, member.id, entry.id)

    result = await member.slash(channel, "entry", id=entry.id)

    assert result.ephemeral and f"no entry #{entry.id}" in result.response.content
    assert handled_errors(simcord_env) == ["UserError"]


# /about


async def test_about_says_what_where_from_version_and_how_to_add(channel, member, story):
    result = await member.slash(channel, "about")

    embed = result.response.embeds[0]
    assert embed.title == story.title
    assert embed.description == story.summary
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Events"] == str(len(story.entries))
    assert fields["Quotes"] == str(len(story.quotes))
    assert fields["People"] == str(sum(p.kind == "person" for p in story.people))
    assert "LessWrong" in fields["Where the data comes from"]
    assert "`/addupdate`" in fields["Adding updates"]
    assert "`/timeline order:newest`" in fields["Catching up"]
    assert "`/whatsnew`" in fields["Catching up"]
    assert __version__ in embed.footer.text


# Who sees what


async def test_guild_additions_are_seen_only_in_that_guild(
    simcord_env, channel, member, elsewhere, scoop, story
):
    entry, _ = scoop
    outsider, their_channel = elsewhere
    leike_quotes = sum(q.person == "leike" for q in story.quotes)

    here = await member.slash(channel, "timeline", person="leike")
    there = await outsider.slash(their_channel, "timeline", person="leike")
    leike_entries = sum("leike" in e.people for e in story.entries)
    assert here.response.embeds[0].title == f"Timeline · {leike_entries + 1} entries"
    assert there.response.embeds[0].title == f"Timeline · {leike_entries} entries"

    assert (await member.slash(channel, "entry", id=entry.id)).response.embeds[0].title == (
        entry.headline
    )
    assert (await outsider.slash(their_channel, "entry", id=entry.id)).ephemeral

    found = await member.slash(channel, "search", query="zebras")
    assert found.response.embeds[0].footer.text.startswith("2 matches")
    assert (await outsider.slash(their_channel, "search", query="zebras")).ephemeral

    mine = await member.slash(channel, "quote", person="leike")
    theirs = await outsider.slash(their_channel, "quote", person="leike")
    assert mine.response.embeds[0].footer.text.startswith(f"Quote 1 of {leike_quotes + 1}")
    assert theirs.response.embeds[0].footer.text.startswith(f"Quote 1 of {leike_quotes}")

    about_here = await member.slash(channel, "about")
    about_there = await outsider.slash(their_channel, "about")
    assert about_here.response.embeds[0].fields[0].value == str(len(story.entries) + 1)
    assert about_there.response.embeds[0].fields[0].value == str(len(story.entries))
    assert set(handled_errors(simcord_env)) == {"UserError"}


async def test_direct_messages_see_only_the_shipped_story(simcord_env, scoop, story):
    entry, _ = scoop
    user = simcord_env.create_user("dm-reader")

    timeline = await user.slash("timeline")
    assert timeline.response.embeds[0].title == f"Timeline · {len(story.entries)} entries"
    assert f"Page 1/{-(-len(story.entries) // TIMELINE_PER_PAGE)}" in buttons(timeline.response)
    await user.click(timeline.response, label="Next ›")
    assert timeline.response.embeds[0].footer.text.startswith("Page 2 of")

    assert (await user.slash("entry", id=1)).response.embeds[0].title == story.entries[0].headline
    assert (await user.slash("entry", id=entry.id)).ephemeral
    assert (await user.slash("search", query="zebras")).ephemeral
    people = await user.slash("people")
    assert "Jan Leike" in people.response.embeds[0].description
    about = await user.slash("about")
    assert about.response.embeds[0].fields[0].value == str(len(story.entries))
    assert set(handled_errors(simcord_env)) == {"UserError"}
