"""Page buttons and Discord's limits: 500 entries, other members, restarts, long and crowded days."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.pagers import TIMELINE_PER_PAGE
from bot.ui import limits
from bot.ui.pager import NOT_YOURS

ENTRY_ID = re.compile(r"\*\* `#(\d+)`")


@pytest.fixture
async def five_hundred(simcord_env, guild, member):
    """500 entries of this guild, five a day from 1 June 2024: after the whole shipped story."""
    store = simcord_env.bot.store
    return [
        (
            await store.add_entry(
                guild.id,
                member.id,
                day=date(2024, 6, 1) + timedelta(days=n // 5),
                precision="day",
                headline=f"Update number {n}",
                body=f"What happened in update {n}.",
                person_ids=[],
                source_url=f"https://example.com/updates/{n}",
            )
        ).entry
        for n in range(500)
    ]


def buttons(message) -> dict[str, dict]:
    return {b["label"]: b for row in message.components for b in row["components"]}


def disabled(message) -> set[str]:
    return {label for label, button in buttons(message).items() if button["disabled"]}


def ids_on(message) -> list[int]:
    return [int(n) for n in ENTRY_ID.findall(message.embeds[0].description)]


def assert_within_limits(message) -> None:
    assert len(message.embeds) <= limits.EMBEDS_PER_MESSAGE
    for embed in message.embeds:
        assert len(embed) <= limits.EMBED_TOTAL
        assert len(embed.title or "") <= limits.EMBED_TITLE
        assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
        assert len(embed.fields) <= limits.EMBED_FIELDS
        assert all(len(field.value) <= limits.EMBED_FIELD_VALUE for field in embed.fields)


async def test_500_entries_to_the_last_page_and_back(channel, member, story, five_hundred):
    total = len(story.entries) + len(five_hundred)
    pages = -(-total // TIMELINE_PER_PAGE)
    on_last = total - (pages - 1) * TIMELINE_PER_PAGE

    result = await member.slash(channel, "timeline")
    message = result.response
    assert message.embeds[0].title == f"Timeline · {total} entries"
    assert disabled(message) == {"« First", "‹ Previous", f"Page 1/{pages}"}

    await member.click(result.response, label="Last »")
    message = result.response
    assert ids_on(message) == [e.id for e in five_hundred[-on_last:]]
    assert message.embeds[0].footer.text.startswith(f"Page {pages} of {pages}")
    assert disabled(message) == {f"Page {pages}/{pages}", "Next ›", "Last »"}

    await member.click(result.response, label="‹ Previous")
    message = result.response
    before_last = five_hundred[-on_last - TIMELINE_PER_PAGE : -on_last]
    assert ids_on(message) == [e.id for e in before_last]
    assert disabled(message) == {f"Page {pages - 1}/{pages}"}

    await member.click(result.response, label="« First")
    assert disabled(result.response) == {"« First", "‹ Previous", f"Page 1/{pages}"}
    in_order = sorted((e.date, n) for n, e in enumerate(story.entries, 1))
    assert ids_on(result.response) == [n for _, n in in_order[:TIMELINE_PER_PAGE]]


async def test_another_member_cannot_turn_the_pages(channel, member, other_member):
    result = await member.slash(channel, "timeline")
    before = result.response.embeds[0].description

    for label in ("Next ›", "Last »"):
        refused = await other_member.click(result.response, label=label)
        assert refused.ephemeral
        assert refused.response.content == NOT_YOURS
    assert result.response.embeds[0].description == before

    await member.click(result.response, label="Next ›")
    assert result.response.embeds[0].description != before


async def test_buttons_keep_working_after_a_restart(
    simcord_env, channel, member, other_member, make_bot, story
):
    result = await member.slash(channel, "timeline", since="2024-05-17")
    old_bot = simcord_env.bot

    await simcord_env.restart_bot(await make_bot())

    assert simcord_env.bot is not old_bot
    refused = await other_member.click(result.response, label="Next ›")
    assert refused.response.content == NOT_YOURS
    await member.click(result.response, label="Next ›")
    embed = result.response.embeds[0]
    # The filters travel in the buttons, so page 2 is page 2 of the same question.
    assert embed.description.startswith("Showing from 17 May 2024, oldest first.")
    later = sorted(n for n, e in enumerate(story.entries, 1) if e.date >= date(2024, 5, 17))
    assert ids_on(result.response) == later[TIMELINE_PER_PAGE : 2 * TIMELINE_PER_PAGE]


async def test_one_page_has_no_buttons(channel, member):
    result = await member.slash(channel, "timeline", person="leike")

    assert result.response.components == []


async def test_buttons_go_when_the_pages_shrink_to_one(simcord_env, guild, channel, member):
    store = simcord_env.bot.store
    added = [
        (
            await store.add_entry(
                guild.id,
                member.id,
                day=date(2024, 5, 20),
                precision="day",
                headline=f"Zebra sighting {n}",
                body="A zebra was seen.",
                person_ids=[],
                source_url=None,
            )
        ).entry
        for n in range(TIMELINE_PER_PAGE + 1)
    ]
    result = await member.slash(channel, "timeline", search="zebra")
    assert "Page 1/2" in buttons(result.response)

    await store.remove_entry(guild.id, member.id, added[-1].id)
    await member.click(result.response, label="Next ›")

    assert result.response.components == []
    assert result.response.embeds[0].title == f"Timeline · {TIMELINE_PER_PAGE} entries"
    assert ids_on(result.response) == [e.id for e in added[:-1]]


async def test_a_4000_character_entry_is_cut_at_a_word_with_a_pointer(
    simcord_env, guild, channel, member
):
    words = " ".join(f"word{n}" for n in range(1000))
    body = words[: words.rindex(" ", 0, 4000)] + " end"
    body = body + "x" * (4000 - len(body))
    assert len(body) == 4000
    added = (
        await simcord_env.bot.store.add_entry(
            guild.id,
            member.id,
            day=date(2024, 5, 20),
            precision="day",
            headline="A very long report",
            body=body,
            person_ids=[p.id for p in simcord_env.bot.store.people],
            source_url="https://example.com/long",
        )
    ).entry

    result = await member.slash(channel, "timeline", since="2024-05-20")

    assert_within_limits(result.response)
    block = result.response.embeds[0].description.split("\n\n")[1]
    shown = block.splitlines()[1]
    hint = f"… (`/entry {added.id}`)"
    assert shown.endswith(hint)
    kept = shown.removesuffix(hint)
    assert body.startswith(kept) and body[len(kept)] == " "  # cut between two words

    full = await member.slash(channel, "entry", id=added.id)
    assert_within_limits(full.response)
    assert full.response.embeds[0].description == body


async def test_thirty_entries_on_one_day_stay_within_every_limit(
    simcord_env, guild, channel, member
):
    store = simcord_env.bot.store
    everyone = [p.id for p in store.people]
    added = [
        (
            await store.add_entry(
                guild.id,
                member.id,
                day=date(2024, 5, 19),
                precision="day",
                headline=f"Busy day report {n} " + "_*~`|>" * 15,
                body=("**Markdown** and @everyone " * 80)[:1500],
                person_ids=everyone,
                source_url=f"https://example.com/{n}/" + "a" * 480,
            )
        ).entry
        for n in range(30)
    ]

    result = await member.slash(channel, "timeline", since="19 May 2024", until="2024-05-19")

    assert result.response.embeds[0].title == "Timeline · 30 entries"
    seen = []
    for page in range(1, 30 // TIMELINE_PER_PAGE + 1):
        assert_within_limits(result.response)
        assert f"Page {page}/6" in buttons(result.response)
        blocks = result.response.embeds[0].description.split("\n\n")[1:]
        # Too long to link here, but every entry still says it is sourced and where.
        assert all(re.search(r"\nSources: .*`/entry \d+`", block) for block in blocks)
        seen += ids_on(result.response)
        if page < 6:
            await member.click(result.response, label="Next ›")
    assert seen == [e.id for e in added]
    found = await member.slash(channel, "search", query="busy day report")
    assert_within_limits(found.response)
    one = await member.slash(channel, "entry", id=added[0].id)
    assert_within_limits(one.response)
