"""Who may post: Manage Messages or the configured moderator role, checked by Discord and at run time."""

from __future__ import annotations

import discord
import pytest
from helpers import guild_entries, handled_errors

from bot.cogs.checks import MODERATOR_COMMANDS, NOT_A_MODERATOR


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


async def test_members_do_not_see_moderator_commands(channel, member, moderator):
    visible = set(member.available_commands(channel))
    assert visible.isdisjoint(MODERATOR_COMMANDS)
    assert "config" not in visible
    assert {"timeline", "quote"} <= visible
    assert set(MODERATOR_COMMANDS) <= set(moderator.available_commands(channel))


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
