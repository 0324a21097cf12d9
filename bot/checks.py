"""Who may use a command, checked before it runs.

Moderator commands: Manage Messages, OR the guild's configured moderator role. Discord hides
them from members without Manage Messages (default_permissions), but server admins can change
that in Server Settings > Integrations, so every moderator command checks again at run time.

Fair use: how often a member or a server may make the bot read (bot.fair_use), checked before
the command touches the store.
"""

from __future__ import annotations

from collections.abc import Hashable

import discord
from discord import app_commands

from bot.fair_use import RateLimiter, TooFast

NOT_A_MODERATOR = (
    "Only moderators can do this: you need the Manage Messages permission "
    "or this server's moderator role."
)
NOT_A_SERVER_MANAGER = "Only members with the Manage Server permission can do this."
MODERATOR_COMMANDS = (
    "addupdate",
    "editupdate",
    "removeupdate",
    "addquote",
    "removequote",
    "history",
    "addperson",
    "editperson",
    "removeperson",
    "feeds",  # list and pause; add and remove need Manage Server too
)
ADD_TO_TIMELINE = "Add to timeline"  # the moderators' message command (a message's Apps menu)


async def is_moderator(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_messages:
        return True
    settings = await interaction.client.store.guild_settings(interaction.guild.id)
    role_id = settings.moderator_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


def moderators_at_run_time():
    """Decorator: the run-time check alone (for a group's subcommands: Discord hides a group
    as a whole, so the group carries guild_only and default_permissions)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if not await is_moderator(interaction):
            raise app_commands.CheckFailure(NOT_A_MODERATOR)
        return True

    return app_commands.check(predicate)


def moderator_only():
    """Decorator: guild-only, hidden by default from non-moderators, and checked at run time."""

    def decorate(command):
        command = app_commands.guild_only()(command)
        command = app_commands.default_permissions(manage_messages=True)(command)
        return moderators_at_run_time()(command)

    return decorate


def server_managers_only():
    """Decorator (run time): members with Manage Server, whatever the moderator role."""

    async def predicate(interaction: discord.Interaction) -> bool:
        member = interaction.user
        if not isinstance(member, discord.Member) or not member.guild_permissions.manage_guild:
            raise app_commands.CheckFailure(NOT_A_SERVER_MANAGER)
        return True

    return app_commands.check(predicate)


class SlowDown(app_commands.CheckFailure):
    """A fair-use limit was reached; the message says when to try again."""


def use_fairly(limiter: RateLimiter, key: Hashable) -> None:
    """Count one use, or raise SlowDown (answered privately, like any failed check)."""
    try:
        limiter.use(key)
    except TooFast as too_fast:
        raise SlowDown(too_fast.sentence) from None


def per_guild_searches():
    """Decorator: everyone's full-text searches in one server count against one limit."""

    async def predicate(interaction: discord.Interaction) -> bool:
        key = interaction.guild_id or ("dm", interaction.user.id)
        use_fairly(interaction.client.fair_use.searches, key)
        return True

    return app_commands.check(predicate)
