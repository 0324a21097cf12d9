"""/whatsnew and the What's new for me button, as members use them: each member's own history
per server (kept across restarts), removals, edits shown only when the text changed, the
timeline's newest page counting as caught up, and nobody else seeing any of it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from discord_limits import assert_all_sent_embeds_valid
from helpers import guild_entries
from test_hostile_links import (
    HOSTILE_HEADLINE,
    HOSTILE_LINK,
    HOSTILE_TEXT,
    LIVE_MASKED_LINK,
    STORED_LINKS,
)

from bot.fair_use import READS_PER_MEMBER
from bot.models import SOURCE_URL_MAX, TEXT_MAX
from bot.pagers import WHATS_NEW_PER_PAGE
from bot.ui.catch_up import WHATS_NEW_LABEL, nothing_new

ADDED = re.compile(r"^(New event|New quote|Edited: its text changed)$", re.MULTILINE)
ENTRY_ID = re.compile(r"\*\* `#(\d+)`")


@pytest.fixture
def elsewhere(simcord_env):
    """A member of another server, and its channel."""
    guild = simcord_env.create_guild("Elsewhere")
    return guild.add_member(simcord_env.create_user("outsider")), guild.create_text_channel("main")


def nothing_new_today() -> set[str]:
    """What "Nothing new since …" may say after a look made earlier in the test: today, or
    yesterday if the test ran across midnight (UTC)."""
    today = datetime.now(UTC).date()
    return {nothing_new((today - timedelta(days=n)).isoformat()) for n in (0, 1)}


def labels(result) -> list[str]:
    """What the answer lists, newest first: "New event", "New quote", "Edited: …"."""
    return ADDED.findall(result.response.embeds[0].description)


def ids(result) -> list[int]:
    return [int(n) for n in ENTRY_ID.findall(result.response.embeds[0].description)]


async def post(moderator, channel, text: str, **options) -> int:
    """/addupdate; the new entry's id."""
    result = await moderator.slash(channel, "addupdate", text=text, **options)
    return int(re.search(r"Update #(\d+)", result.response.content)[1])


async def test_each_member_and_server_has_a_history_of_its_own_across_a_restart(
    simcord_env, make_bot, channel, member, other_member, moderator, elsewhere
):
    outsider, their_channel = elsewhere
    first_look = await member.slash(channel, "whatsnew")
    assert first_look.ephemeral
    assert first_look.response.embeds[0].title == "What's new · your first look"
    assert first_look.response.embeds[0].description.startswith("Your first look:")
    assert first_look.response.components == []  # the latest few, no pages

    one = await post(moderator, channel, "Leike joins Anthropic", date="2024-05-28")
    bystander_first = await other_member.slash(channel, "whatsnew")
    assert ids(bystander_first)[0] == one  # the latest addition comes first

    await simcord_env.restart_bot(await make_bot())
    two = await post(moderator, channel, "OpenAI forms a safety committee", date="2024-05-28")
    await moderator.slash(channel, "addquote", person="leike", text="Over the past years...")

    reader = await member.slash(channel, "whatsnew")
    bystander = await other_member.slash(channel, "whatsnew")
    outside = await outsider.slash(their_channel, "whatsnew")

    assert reader.ephemeral and bystander.ephemeral
    assert labels(reader) == ["New quote", "New event", "New event"]
    assert ids(reader) == [two, one]
    assert reader.response.embeds[0].title == "What's new · 3 additions"
    assert labels(bystander) == ["New quote", "New event"] and ids(bystander) == [two]
    assert outside.response.embeds[0].title == "What's new · your first look"
    assert not {one, two} & set(ids(outside))  # the other server's updates are not theirs
    again = await outsider.slash(their_channel, "whatsnew")
    assert again.ephemeral and again.response.content in nothing_new_today()


async def test_an_update_removed_after_it_was_seen_stays_gone(channel, member, moderator):
    await member.slash(channel, "whatsnew")
    seen = await post(moderator, channel, "Reported, then retracted")
    assert ids(await member.slash(channel, "whatsnew")) == [seen]

    await moderator.slash(channel, "removeupdate", id=seen)
    unseen = await post(moderator, channel, "Retracted before anyone looked")
    await moderator.slash(channel, "removeupdate", id=unseen)

    nothing = await member.slash(channel, "whatsnew")
    assert nothing.response.content in nothing_new_today()


async def test_edits_are_shown_as_edited_only_when_the_text_changed(channel, member, moderator):
    await member.slash(channel, "whatsnew")
    entry = await post(moderator, channel, "Leike resigns", headline="Leike resigns")
    await member.slash(channel, "whatsnew")

    await moderator.slash(channel, "editupdate", id=entry, date="2024-05-17")
    await moderator.slash(channel, "editupdate", id=entry, source="https://example.com/x")
    await moderator.slash(channel, "editupdate", id=entry, text="Leike resigns")  # the same
    unchanged = await member.slash(channel, "whatsnew")
    assert unchanged.response.content in nothing_new_today()

    await moderator.slash(channel, "editupdate", id=entry, text="Leike resigns from OpenAI.")
    edited = await member.slash(channel, "whatsnew")
    assert labels(edited) == ["Edited: its text changed"] and ids(edited) == [entry]
    assert "Leike resigns from OpenAI." in edited.response.embeds[0].description
    assert (await member.slash(channel, "whatsnew")).response.content in nothing_new_today()


async def test_the_timelines_newest_page_counts_as_caught_up(
    simcord_env, guild, channel, member, other_member, moderator
):
    third = guild.add_member(simcord_env.create_user("third"))
    for reader in (member, other_member, third):
        await reader.slash(channel, "whatsnew")
    latest = await post(moderator, channel, "The latest news", date="2024-05-30")

    timeline = await member.slash(channel, "timeline")
    await member.click(timeline.response, label="Last »")
    assert latest in [int(n) for n in ENTRY_ID.findall(timeline.response.embeds[0].description)]
    assert (await member.slash(channel, "whatsnew")).response.content in nothing_new_today()

    await other_member.slash(channel, "timeline", order="newest")  # its first page is the newest
    assert (await other_member.slash(channel, "whatsnew")).response.content in nothing_new_today()

    # A filtered timeline shows it too, but not what the filter left out: still new.
    filtered = await third.slash(channel, "timeline", since="2024-05-30")
    assert filtered.response.components == []  # one page: the newest of that question
    assert ids(await third.slash(channel, "whatsnew")) == [latest]


async def test_reading_the_timeline_alone_keeps_no_record(channel, member, moderator):
    latest = await post(moderator, channel, "The latest news", date="2024-05-30")
    await member.slash(channel, "timeline", order="newest")

    first = await member.slash(channel, "whatsnew")
    assert first.response.embeds[0].title == "What's new · your first look"
    assert ids(first)[0] == latest


async def test_many_additions_page_through_the_window_asked_for(
    simcord_env, make_bot, guild, channel, member
):
    await member.slash(channel, "whatsnew")
    store = simcord_env.bot.store
    for n in range(WHATS_NEW_PER_PAGE + 2):
        await store.add_entry(
            guild.id, 7, day=date(2024, 6, 1), precision="day",
            headline=f"Update {n}", body=f"Part {n}.", person_ids=[], source_url=None,
        )  # fmt: skip
    added = [e.id for e in await guild_entries(simcord_env, guild)]

    result = await member.slash(channel, "whatsnew")
    assert result.response.embeds[0].footer.text.startswith("Page 1 of 2")
    assert ids(result) == added[::-1][:WHATS_NEW_PER_PAGE]

    await store.add_entry(
        guild.id, 7, day=date(2024, 6, 2), precision="day",
        headline="After asking", body="Not in this window.", person_ids=[], source_url=None,
    )  # fmt: skip
    await simcord_env.restart_bot(await make_bot())
    await member.click(result.response, label="Next ›")

    assert ids(result) == added[::-1][WHATS_NEW_PER_PAGE:]
    description = result.response.embeds[0].description
    assert description.startswith("Added to this server's story since you last looked")
    assert len(labels(await member.slash(channel, "whatsnew"))) == 1  # "After asking"


async def test_public_only_when_asked(channel, member, moderator):
    shown = await member.slash(channel, "whatsnew", private=False)
    assert not shown.ephemeral


async def test_announcements_carry_a_button_that_answers_whoever_clicks(
    simcord_env, make_bot, channel, member, other_member, moderator
):
    await member.slash(channel, "whatsnew")
    update = await post(moderator, channel, "Announced with the button")
    announcement = channel.last_message
    assert [b.label for row in announcement.components for b in row.children] == [WHATS_NEW_LABEL]

    mine = await member.click(announcement, label=WHATS_NEW_LABEL)
    theirs = await other_member.click(announcement, label=WHATS_NEW_LABEL)

    assert mine.ephemeral and theirs.ephemeral
    assert ids(mine) == [update]
    assert theirs.response.embeds[0].title == "What's new · your first look"
    await simcord_env.restart_bot(await make_bot())
    again = await member.click(announcement, label=WHATS_NEW_LABEL)
    assert again.ephemeral and again.response.content in nothing_new_today()
    assert (await member.slash(channel, "whatsnew")).response.content in nothing_new_today()


async def test_it_is_a_server_command(simcord_env):
    tree = simcord_env.bot.tree
    command = tree.get_command("whatsnew").to_dict(tree)
    assert command["contexts"] == [0] and command["dm_permission"] is False  # 0: guilds only


async def test_a_page_of_the_longest_hostile_items_fits_and_links_nothing(
    simcord_env, guild, channel, member
):
    await member.slash(channel, "whatsnew")
    store = simcord_env.bot.store
    leike = next(p for p in store.people if p.slug == "leike")
    for n in range(3):
        await store.add_entry(
            guild.id, 7, day=date(2024, 6, 1), precision="day", headline=HOSTILE_HEADLINE,
            body=HOSTILE_TEXT[: TEXT_MAX - n], person_ids=[leike.id],
            source_url=HOSTILE_LINK,
        )  # fmt: skip
    # A link that still fits a field once encoded (about 1,000 characters), but not a page.
    long_link = "https://example.com/" + "a" * (SOURCE_URL_MAX - 20 - 240) + ")" * 240
    for text in STORED_LINKS[:2]:
        await store.add_quote(
            guild.id, 7, person_id=leike.id, text=(text + HOSTILE_TEXT)[:TEXT_MAX],
            day=date(2024, 6, 1), context="", source_url=long_link,
        )  # fmt: skip

    result = await member.slash(channel, "whatsnew")

    assert labels(result) == ["New quote", "New quote", "New event", "New event", "New event"]
    assert not LIVE_MASKED_LINK.search(result.response.embeds[0].description)
    assert assert_all_sent_embeds_valid(simcord_env) == 2


async def test_the_button_counts_as_a_read_for_fair_use(channel, member, other_member, moderator):
    await post(moderator, channel, "Announced")
    announcement = channel.last_message
    for _ in range(READS_PER_MEMBER.uses):
        assert (await member.click(announcement, label=WHATS_NEW_LABEL)).ephemeral

    refused = await member.click(announcement, label=WHATS_NEW_LABEL)

    assert refused.ephemeral and refused.response.content.startswith("Slow down a little")
    other = await other_member.click(announcement, label=WHATS_NEW_LABEL)
    assert other.response.embeds[0].title == "What's new · your first look"
