"""Add to timeline: a message command that opens the /addupdate form filled in from a message
(a member's, or a bot's card), with the form's checks, and an entry that links back."""

from __future__ import annotations

import discord
import pytest
from discord_limits import modal_problems
from helpers import guild_entries, handled_errors, submit_form_as

from bot.checks import ADD_TO_TIMELINE as MENU
from bot.checks import NOT_A_MODERATOR
from bot.models import TEXT_MAX, MessageRef
from bot.ui.update_form import (
    CUT_MARKER,
    FORM_CLOSED,
    FORM_TIMEOUT_S,
    NOT_YOUR_FORM,
    TEXT_CUT_TITLE,
)

POSTED = (
    "Jan Leike: I resigned. Over the past years, safety culture and processes have taken a "
    "backseat to shiny products. https://x.com/janleike/status/1791498174659715494."
)


def fields(shown) -> dict[str, dict]:
    """The form's text inputs by custom_id, as Discord was asked to show them (and would)."""
    assert modal_problems(shown.modal) == []
    return {
        field["custom_id"]: field
        for row in shown.modal["components"]
        for field in row["components"]
    }


def prefilled(shown) -> dict[str, str]:
    return {name: field.get("value", "") for name, field in fields(shown).items()}


def jump_url(guild, channel, message) -> str:
    return f"https://discord.com/channels/{guild.id}/{channel.id}/{message.id}"


async def test_the_form_is_filled_in_from_the_message(channel, member, moderator):
    message = await member.send(channel, POSTED)

    shown = await moderator.context_menu(channel, MENU, message)

    assert prefilled(shown) == {
        "text": POSTED,
        "headline": "",
        "date": message.created_at.date().isoformat(),
        "source": "https://x.com/janleike/status/1791498174659715494",  # without the "."
        "people": "",
    }
    assert shown.modal["title"] == "Post an update"


async def test_the_entry_links_back_to_the_message(simcord_env, guild, channel, member, moderator):
    message = await member.send(channel, POSTED)
    shown = await moderator.context_menu(channel, MENU, message)

    sent = await moderator.submit_modal(
        shown, {**prefilled(shown), "headline": "Jan Leike resigns", "people": "leike"}
    )

    assert sent.ephemeral and "is in this server's `/timeline`" in sent.response.content
    [entry] = await guild_entries(simcord_env, guild)
    assert entry.from_message == MessageRef(channel.id, message.id)
    assert (entry.headline, entry.body) == ("Jan Leike resigns", POSTED)
    assert entry.date == message.created_at.date()
    assert [s.url for s in entry.sources] == ["https://x.com/janleike/status/1791498174659715494"]
    assert [p.slug for p in entry.people] == ["leike"]

    shown_entry = await member.slash(channel, "entry", id=entry.id)
    added_from = {f.name: f.value for f in shown_entry.response.embeds[0].fields}["Added from"]
    assert added_from == f"[The message]({jump_url(guild, channel, message)}) in {channel.mention}"
    # The announcement links back too.
    announced = {f.name: f.value for f in channel.last_message.embeds[0].fields}
    assert announced["Added from"] == added_from


async def test_a_message_without_a_link_leaves_the_source_empty(channel, member, moderator):
    message = await member.send(channel, "OpenAI confirms the Superalignment team is dissolved")

    shown = await moderator.context_menu(channel, MENU, message)

    assert prefilled(shown)["source"] == ""
    assert prefilled(shown)["text"] == "OpenAI confirms the Superalignment team is dissolved"


async def test_a_bots_embed_only_card_fills_the_form_from_its_embed(
    simcord_env, guild, channel, moderator
):
    feed = guild.create_webhook(channel, "News feed")
    card = await feed.send(
        embed=discord.Embed(
            title="OpenAI dissolves team focused on long-term AI risks",
            description="The Superalignment team is disbanded less than a year after launch.",
            url="https://www.cnbc.com/2024/05/17/openai-superalignment-sutskever-leike.html",
        )
    )
    assert card.content == "" and card.author.bot

    shown = await moderator.context_menu(channel, MENU, card)

    assert prefilled(shown) == {
        "text": "The Superalignment team is disbanded less than a year after launch.",
        "headline": "OpenAI dissolves team focused on long-term AI risks",
        "date": card.created_at.date().isoformat(),
        "source": "https://www.cnbc.com/2024/05/17/openai-superalignment-sutskever-leike.html",
        "people": "",
    }
    await moderator.submit_modal(shown, prefilled(shown))
    [entry] = await guild_entries(simcord_env, guild)
    assert entry.from_message == MessageRef(channel.id, card.id)
    assert entry.headline == "OpenAI dissolves team focused on long-term AI risks"


async def test_a_long_message_is_cut_visibly_and_the_moderator_is_told(
    simcord_env, guild, channel, member, moderator
):
    long_text = ("Leike explains why he left. " * 70).strip()  # about 1,960 characters
    assert len(long_text) > TEXT_MAX
    message = await member.send(channel, long_text)

    shown = await moderator.context_menu(channel, MENU, message)

    assert shown.modal["title"] == TEXT_CUT_TITLE
    text = fields(shown)["text"]
    assert len(text["value"]) <= TEXT_MAX == text["max_length"]
    assert text["value"].endswith("…" + CUT_MARKER)
    assert long_text.startswith(text["value"].removesuffix("…" + CUT_MARKER))
    await moderator.submit_modal(shown, prefilled(shown))
    [entry] = await guild_entries(simcord_env, guild)
    assert entry.body.endswith(CUT_MARKER)


async def test_members_do_not_see_it_and_are_refused_if_an_admin_shows_it(
    simcord_env, guild, channel, member, moderator
):
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    menu = commands[MENU]
    assert menu.type is discord.AppCommandType.message
    assert menu.default_member_permissions == discord.Permissions(manage_messages=True)
    message = await moderator.send(channel, POSTED)
    guild.set_command_permissions(menu, {member: True})

    refused = await member.context_menu(channel, MENU, message)

    assert refused.ephemeral and refused.response.content == NOT_A_MODERATOR
    assert refused.modal is None
    assert await guild_entries(simcord_env, guild) == []
    assert set(handled_errors(simcord_env)) == {"CheckFailure"}


async def test_only_the_opener_can_send_the_form(simcord_env, guild, channel, member, moderator):
    mods = guild.create_role("More mods", permissions=discord.Permissions(manage_messages=True))
    other = guild.add_member(simcord_env.create_user("second-mod"), roles=[mods])
    message = await member.send(channel, POSTED)
    shown = await moderator.context_menu(channel, MENU, message)

    forged = await submit_form_as(simcord_env, other, channel, shown, prefilled(shown))

    assert forged.ephemeral and forged.response.content == NOT_YOUR_FORM
    assert await guild_entries(simcord_env, guild) == []


async def test_the_form_is_refused_once_its_opener_is_no_longer_a_moderator(
    simcord_env, guild, channel, member
):
    mods = guild.create_role("Desk", permissions=discord.Permissions(manage_messages=True))
    editor = guild.add_member(simcord_env.create_user("desk-editor"), roles=[mods])
    message = await member.send(channel, POSTED)
    shown = await editor.context_menu(channel, MENU, message)
    simcord_env.backend.remove_member_role(guild.id, editor.id, mods.id)

    refused = await editor.submit_modal(shown, prefilled(shown))

    assert refused.response.content.startswith(NOT_A_MODERATOR)
    assert POSTED in refused.response.content  # handed back to copy
    assert await guild_entries(simcord_env, guild) == []


async def test_the_form_closes_after_its_timeout(simcord_env, guild, channel, member, moderator):
    message = await member.send(channel, POSTED)
    shown = await moderator.context_menu(channel, MENU, message)
    await simcord_env.advance_time(FORM_TIMEOUT_S + 1)

    closed = await moderator.submit_modal(shown, prefilled(shown))

    assert closed.response.content.startswith(FORM_CLOSED)
    assert await guild_entries(simcord_env, guild) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [({"date": "next year"}, "`date`"), ({"source": "not a link"}, "`source`")],
)
async def test_bad_values_in_the_form_are_named_and_the_text_handed_back(
    simcord_env, guild, channel, member, moderator, change, named
):
    message = await member.send(channel, POSTED)
    shown = await moderator.context_menu(channel, MENU, message)

    refused = await moderator.submit_modal(shown, {**prefilled(shown), **change})

    assert refused.ephemeral and named in refused.response.content
    assert POSTED in refused.response.content
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]


LONGEST_URL = "https://example.com/" + "a" * 1980


@pytest.mark.parametrize(
    "card",
    [
        {"title": "T" * 256, "description": "D " * 2048, "url": LONGEST_URL},
        {"title": "T " * 128},
        {"description": "line\n" * 400 + LONGEST_URL + " https://example.com/fits"},
    ],
    ids=["longest title, description and link", "title only", "many lines and links"],
)
async def test_every_form_filled_from_a_card_is_valid_for_discord(
    simcord_env, guild, channel, moderator, card
):
    feed = guild.create_webhook(channel, "Wire")
    message = await feed.send(embed=discord.Embed(**card))

    shown = await moderator.context_menu(channel, MENU, message)

    values = prefilled(shown)  # checks every limit of the form
    assert values["text"]
    assert values["source"] in ("", "https://example.com/fits")  # too long to be a source


async def test_a_moderator_by_role_can_use_it_once_an_admin_allows_it(
    simcord_env, guild, channel, member
):
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("admin"), roles=[admins])
    editors = guild.create_role("Editors")
    editor = guild.add_member(simcord_env.create_user("editor2"), roles=[editors])

    configured = await admin.slash(channel, "config", **{"moderator-role": editors})
    assert f"**{MENU}**" in configured.response.content  # named among the commands to allow
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands[MENU], {editor: True})
    message = await member.send(channel, POSTED)

    shown = await editor.context_menu(channel, MENU, message)

    assert prefilled(shown)["text"] == POSTED
