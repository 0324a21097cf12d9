"""Correcting updates: edit, remove and undo, quotes, history; other guilds can't touch them."""

from __future__ import annotations

import discord
import pytest
from helpers import handled_errors

from bot.models import Cursor, TimelineFilters


@pytest.fixture
def elsewhere(simcord_env):
    """A second server with its own moderator and reader."""
    other = simcord_env.create_guild("Elsewhere")
    room = other.create_text_channel("lobby")
    mods = other.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    mod = other.add_member(simcord_env.create_user("other-mod"), roles=[mods])
    reader = other.add_member(simcord_env.create_user("other-reader"))
    return room, mod, reader


async def post(moderator, channel, text="Original text", **options) -> int:
    result = await moderator.slash(channel, "addupdate", text=text, announce=False, **options)
    return int(result.response.content.split("#", 1)[1].split(" ", 1)[0])


async def test_edit_changes_what_readers_see(simcord_env, guild, channel, moderator, member):
    entry_id = await post(moderator, channel)

    result = await moderator.slash(
        channel, "editupdate", id=entry_id, text="Corrected text", headline="Fixed", people="altman"
    )

    assert result.response.content == f"Update #{entry_id} is corrected."
    shown = await member.slash(channel, "entry", id=entry_id)
    embed = shown.response.embeds[0]
    assert (embed.title, embed.description) == ("Fixed", "Corrected text")
    assert "Sam Altman" in next(f.value for f in embed.fields if f.name == "People")
    assert "edited" in embed.footer.text


async def test_edit_shows_at_once_in_a_timeline_page_already_read(
    simcord_env, channel, moderator, member
):
    """Rendered pages are kept by what they show, so a page read before an edit is never
    shown again after it: not its text, not its people."""
    entry_id = await post(
        moderator, channel, text="The **first** wording", headline="Board", date="2024-05-20"
    )
    before = await member.slash(channel, "timeline", since="2024-05-20")
    assert r"The \*\*first\*\* wording" in before.response.embeds[0].description

    await moderator.slash(channel, "editupdate", id=entry_id, text="The **second** wording")
    after = await member.slash(channel, "timeline", since="2024-05-20")
    await moderator.slash(channel, "editupdate", id=entry_id, people="altman")
    people = await member.slash(channel, "timeline", since="2024-05-20")

    assert r"The \*\*second\*\* wording" in after.response.embeds[0].description
    assert "first*" not in after.response.embeds[0].description  # the old wording is gone
    assert "People: Sam Altman" in people.response.embeds[0].description


async def test_edit_needs_a_change_and_validates(simcord_env, channel, moderator):
    entry_id = await post(moderator, channel)
    nothing = await moderator.slash(channel, "editupdate", id=entry_id)
    assert "Nothing to change" in nothing.response.content
    bad = await moderator.slash(channel, "editupdate", id=entry_id, source="nope")
    assert "`source`" in bad.response.content
    assert handled_errors(simcord_env) == ["UserError", "UserError"]
    entry = await simcord_env.bot.store.entry(moderator.guild.id, entry_id)
    assert entry.body == "Original text" and entry.edited_at is None


async def test_shipped_story_cannot_be_edited_or_removed(simcord_env, channel, moderator):
    shipped = (await simcord_env.bot.store.timeline(None, TimelineFilters(), Cursor(), 1)).items[0]

    edit = await moderator.slash(channel, "editupdate", id=shipped.id, text="vandalism")
    remove = await moderator.slash(channel, "removeupdate", id=shipped.id)

    for result in (edit, remove):
        assert result.ephemeral
        assert "only the bot's operator can change it" in result.response.content
    assert (await simcord_env.bot.store.entry(None, shipped.id)).body == shipped.body
    assert handled_errors(simcord_env) == ["UserError", "UserError"]


async def test_remove_then_undo(simcord_env, guild, channel, moderator, member, other_member):
    entry_id = await post(moderator, channel, text="Wrongly posted")

    removed = await moderator.slash(channel, "removeupdate", id=entry_id)
    assert removed.ephemeral and f"Removed update #{entry_id}" in removed.response.content
    gone = await member.slash(channel, "entry", id=entry_id)
    assert f"no entry #{entry_id}" in gone.response.content

    undone = await moderator.click(removed.response, label="Undo")

    assert f"Restored update #{entry_id}" in undone.response.content
    back = await member.slash(channel, "entry", id=entry_id)
    assert back.response.embeds[0].description == "Wrongly posted"
    assert handled_errors(simcord_env) == ["UserError"]


async def test_undo_survives_a_restart(simcord_env, channel, moderator, member, make_bot):
    entry_id = await post(moderator, channel)
    removed = await moderator.slash(channel, "removeupdate", id=entry_id)

    await simcord_env.restart_bot(await make_bot())
    await moderator.click(removed.response, label="Undo")

    assert (await simcord_env.bot.store.entry(moderator.guild.id, entry_id)) is not None


async def test_updates_persist_across_restart(simcord_env, channel, moderator, member, make_bot):
    entry_id = await post(moderator, channel, text="Survives restarts")
    await simcord_env.restart_bot(await make_bot())

    shown = await member.slash(channel, "entry", id=entry_id)

    assert shown.response.embeds[0].description == "Survives restarts"


async def test_other_guilds_get_the_same_not_found(simcord_env, channel, moderator, elsewhere):
    room, other_mod, other_reader = elsewhere
    entry_id = await post(moderator, channel, text="Ours only")
    missing_id = entry_id + 1000

    for command in ("editupdate", "removeupdate"):
        options = {"text": "hijack"} if command == "editupdate" else {}
        theirs = await other_mod.slash(room, command, id=entry_id, **options)
        missing = await other_mod.slash(room, command, id=missing_id, **options)
        assert theirs.response.content == missing.response.content.replace(
            str(missing_id), str(entry_id)
        )
    read = await other_reader.slash(room, "entry", id=entry_id)
    assert f"no entry #{entry_id}" in read.response.content
    timeline = await other_reader.slash(room, "timeline", search="Ours")
    assert timeline.ephemeral  # nothing matches there
    assert (await simcord_env.bot.store.entry(moderator.guild.id, entry_id)).body == "Ours only"
    assert set(handled_errors(simcord_env)) == {"UserError"}


async def test_quotes_add_show_and_remove(simcord_env, channel, moderator, member, elsewhere):
    room, other_mod, other_reader = elsewhere
    added = await moderator.slash(
        channel,
        "addquote",
        person="Leike",
        text="A new verbatim line.",
        date="2024-05-28",
        context="post on X",
        source="https://x.com/janleike",
    )
    quote_id = int(added.response.content.split("#", 1)[1].split(" ", 1)[0])
    shown = await member.slash(channel, "quote", person="leike", search="verbatim line")
    assert "A new verbatim line." in shown.response.embeds[0].description
    theirs = await other_reader.slash(room, "quote", person="leike", search="verbatim line")
    assert theirs.ephemeral  # not visible in another server

    refused = await other_mod.slash(room, "removequote", id=quote_id)
    assert f"no quote #{quote_id}" in refused.response.content
    removed = await moderator.slash(channel, "removequote", id=quote_id)
    assert removed.response.content == f"Removed quote #{quote_id}."
    after = await member.slash(channel, "quote", person="leike", search="verbatim line")
    assert after.ephemeral
    assert set(handled_errors(simcord_env)) == {"UserError"}


async def test_history_records_who_did_what(simcord_env, channel, moderator):
    entry_id = await post(moderator, channel, text="Before")
    await moderator.slash(channel, "editupdate", id=entry_id, text="After")
    await moderator.slash(channel, "removeupdate", id=entry_id)

    result = await moderator.slash(channel, "history", id=entry_id)

    text = result.response.embeds[0].description
    assert result.ephemeral
    assert text.index("Removed entry") < text.index("Edited entry") < text.index("Added entry")
    assert "“Before” → “After”" in text
    assert text.count(moderator.mention) == 3


async def test_history_pages(simcord_env, channel, moderator):
    for n in range(10):
        await post(moderator, channel, text=f"update {n}")
        await simcord_env.advance_time(13)  # stay under the /addupdate cooldown
    first = await moderator.slash(channel, "history")
    assert "Page 1/2" in str(first.response.components)
    second = await moderator.click(first.response, label="Next ›")
    assert "update 0" in second.response.embeds[0].description
