"""Who may post: Manage Messages or the configured moderator role, checked by Discord and at run
time, and again when an open form is sent or an open /history page is turned."""

from __future__ import annotations

from datetime import date

import discord
import pytest
from helpers import guild_entries, handled_errors, submit_form_as

from bot.checks import MODERATOR_COMMANDS, NOT_A_MODERATOR
from bot.ui.update_form import FORM_CLOSED, FORM_TIMEOUT_S, NOT_YOUR_FORM


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


@pytest.fixture
async def editor(simcord_env, guild, channel, admin):
    """A moderator through the configured role only (no Manage Messages), as admins set it up."""
    role = guild.create_role("Editors")
    editor = guild.add_member(simcord_env.create_user("editor2"), roles=[role])
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    for name in MODERATOR_COMMANDS:
        guild.set_command_permissions(commands[name], {editor: True})
    await admin.slash(channel, "config", **{"moderator-role": role})
    return editor


def top_level(commands) -> set[str]:
    """ "feeds list" and "feeds add" are both the command "feeds"."""
    return {name.split()[0] for name in commands}


async def test_members_do_not_see_moderator_commands(channel, member, moderator):
    visible = top_level(member.available_commands(channel))
    assert visible.isdisjoint(MODERATOR_COMMANDS)
    assert "config" not in visible
    assert {"timeline", "quote"} <= visible
    assert set(MODERATOR_COMMANDS) <= top_level(moderator.available_commands(channel))


async def test_admin_override_still_refuses_a_member_at_run_time(
    simcord_env, guild, channel, member
):
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["addupdate"], {member: True})
    assert "addupdate" in member.available_commands(channel)

    result = await member.slash(channel, "addupdate", text="Breaking: something happened")

    assert result.ephemeral
    assert result.response.content == NOT_A_MODERATOR
    assert await guild_entries(simcord_env, guild) == []
    assert set(handled_errors(simcord_env)) == {"CheckFailure"}


async def test_manage_messages_member_can_post(simcord_env, guild, channel, moderator):
    result = await moderator.slash(channel, "addupdate", text="Leike joins Anthropic")

    assert result.ephemeral
    [entry] = await guild_entries(simcord_env, guild)
    assert f"Update #{entry.id}" in result.response.content
    assert entry.body == "Leike joins Anthropic"
    assert entry.author_id == moderator.id


async def test_configured_role_grants_and_removing_it_revokes(simcord_env, guild, channel, admin):
    role = guild.create_role("Editors")
    editor = guild.add_member(simcord_env.create_user("editor2"), roles=[role])
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    # The admin lets this member see the command (as Server Settings > Integrations would).
    guild.set_command_permissions(commands["addupdate"], {editor: True})

    refused = await editor.slash(channel, "addupdate", text="Before the role is configured")
    assert refused.response.content == NOT_A_MODERATOR

    configured = await admin.slash(channel, "config", **{"moderator-role": role})
    assert "Server Settings › Integrations" in configured.response.content
    assert "`/addupdate`" in configured.response.content

    allowed = await editor.slash(channel, "addupdate", text="With the role configured")
    assert "is in this server's `/timeline`" in allowed.response.content

    simcord_env.backend.remove_member_role(guild.id, editor.id, role.id)
    again = await editor.slash(channel, "addupdate", text="After the role was taken away")
    assert again.response.content == NOT_A_MODERATOR
    bodies = [e.body for e in await guild_entries(simcord_env, guild)]
    assert bodies == ["With the role configured"]
    assert set(handled_errors(simcord_env)) == {"CheckFailure"}


async def test_config_needs_manage_server(simcord_env, guild, channel, moderator, admin):
    assert "config" not in moderator.available_commands(channel)
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["config"], {moderator: True})

    refused = await moderator.slash(channel, "config", **{"moderator-role": guild.default_role})

    assert refused.ephemeral
    settings = await simcord_env.bot.store.guild_settings(guild.id)
    assert settings.moderator_role_id is None
    shown = await admin.slash(channel, "config")
    assert [f.value for f in shown.response.embeds[0].fields] == ["not set"] * 3
    assert handled_errors(simcord_env) == ["MissingPermissions"]


async def test_moderator_commands_refuse_dms(simcord_env, moderator):
    assert "addupdate" not in simcord_env.create_user("dm-user").available_commands()


# Forms and pages opened while a moderator


async def test_a_form_is_refused_once_its_opener_is_no_longer_a_moderator(
    simcord_env, guild, channel, admin, editor
):
    shown = await editor.slash(channel, "addupdate")
    await admin.slash(channel, "config", clear="moderator-role")

    submitted = await editor.submit_modal(shown, {"text": "Written while still an editor"})

    assert submitted.ephemeral
    assert submitted.response.content.startswith(NOT_A_MODERATOR)
    assert "Written while still an editor" in submitted.response.content  # to copy
    assert await guild_entries(simcord_env, guild) == []


@pytest.mark.parametrize("sender", ["member", "second_moderator"])
async def test_only_the_opener_can_send_a_form(simcord_env, guild, channel, moderator, sender):
    if sender == "member":
        other = guild.add_member(simcord_env.create_user("reader"))
    else:
        mods = guild.create_role("More mods", permissions=discord.Permissions(manage_messages=True))
        other = guild.add_member(simcord_env.create_user("second-mod"), roles=[mods])
    shown = await moderator.slash(channel, "addupdate", source="https://example.com/a")

    forged = await submit_form_as(simcord_env, other, channel, shown, {"text": "Not my form"})

    assert forged.ephemeral and forged.response.content == NOT_YOUR_FORM
    assert await guild_entries(simcord_env, guild) == []
    # The opener's form still works.
    sent = await moderator.submit_modal(shown, {"text": "My own words"})
    assert "is in this server's `/timeline`" in sent.response.content
    [entry] = await guild_entries(simcord_env, guild)
    assert (entry.body, entry.author_id) == ("My own words", moderator.id)


async def test_a_form_closes_after_its_timeout(simcord_env, guild, channel, moderator):
    shown = await moderator.slash(channel, "addupdate")
    await simcord_env.advance_time(FORM_TIMEOUT_S + 1)

    submitted = await moderator.submit_modal(shown, {"text": "Too late, but not lost"})

    assert submitted.ephemeral
    assert submitted.response.content.startswith(FORM_CLOSED)
    assert "Too late, but not lost" in submitted.response.content
    assert await guild_entries(simcord_env, guild) == []


async def test_a_form_still_open_just_before_its_timeout(simcord_env, guild, channel, moderator):
    shown = await moderator.slash(channel, "addupdate")
    await simcord_env.advance_time(FORM_TIMEOUT_S - 1)

    submitted = await moderator.submit_modal(shown, {"text": "Just in time"})

    assert "is in this server's `/timeline`" in submitted.response.content
    assert [e.body for e in await guild_entries(simcord_env, guild)] == ["Just in time"]


async def test_a_form_opened_before_a_restart_gets_an_answer(
    simcord_env, guild, channel, moderator, make_bot
):
    shown = await moderator.slash(channel, "addupdate")
    await simcord_env.restart_bot(await make_bot())

    submitted = await moderator.submit_modal(shown, {"text": "Typed across a restart"})

    assert submitted.response.content.startswith(FORM_CLOSED)
    assert "Typed across a restart" in submitted.response.content
    assert await guild_entries(simcord_env, guild) == []


async def test_history_pages_turn_only_for_a_current_moderator(
    simcord_env, guild, channel, admin, editor
):
    store = simcord_env.bot.store
    for n in range(9):
        await store.add_entry(
            guild.id,
            editor.id,
            day=date(2024, 5, 20),
            precision="day",
            headline=f"Note {n}",
            body=f"Note {n}",
            person_ids=[],
            source_url=None,
        )
    shown = await editor.slash(channel, "history")
    await editor.click(shown.response, label="Next ›")  # a moderator turns pages
    second = shown.response.embeds[0].description
    await admin.slash(channel, "config", clear="moderator-role")

    refused = await editor.click(shown.response, label="‹ Previous")

    assert refused.ephemeral and refused.response.content == NOT_A_MODERATOR
    assert shown.response.embeds[0].description == second


# What /config accepts as the moderator and updates roles


@pytest.mark.parametrize("which", ["@everyone", "the bot's own role", "an integration's role"])
async def test_moderator_role_refuses_everyone_and_managed_roles(
    simcord_env, guild, channel, admin, which
):
    role = {
        "@everyone": lambda: guild.default_role,
        "the bot's own role": lambda: guild.roles[simcord_env.bot.user.name],
        "an integration's role": lambda: guild.create_role("Twitch Subscriber", managed=True),
    }[which]()

    refused = await admin.slash(
        channel, "config", **{"moderator-role": role, "updates-channel": channel}
    )

    assert refused.ephemeral
    assert "can't be the moderator role" in refused.response.content
    settings = await simcord_env.bot.store.guild_settings(guild.id)
    assert (settings.moderator_role_id, settings.updates_channel_id) == (None, None)
    assert handled_errors(simcord_env) == ["UserError"]


async def test_updates_role_refuses_everyone(simcord_env, guild, channel, admin):
    refused = await admin.slash(channel, "config", **{"updates-role": guild.default_role})

    assert refused.ephemeral
    assert "`@everyone` can't be the updates role" in refused.response.content
    assert (await simcord_env.bot.store.guild_settings(guild.id)).updates_role_id is None
    assert handled_errors(simcord_env) == ["UserError"]
    # An ordinary role is still accepted.
    followers = guild.create_role("Followers", mentionable=True)
    await admin.slash(channel, "config", **{"updates-role": followers})
    assert (await simcord_env.bot.store.guild_settings(guild.id)).updates_role_id == followers.id
