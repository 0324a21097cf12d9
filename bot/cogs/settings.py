"""/config: where updates are announced, who is pinged, and which role counts as moderator."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.checks import MODERATOR_COMMANDS
from bot.models import KEEP, SettingsChanges
from bot.ui.editorial import settings_embed
from bot.ui.respond import in_time, reply

Setting = Literal["updates-channel", "updates-role", "moderator-role"]
FIELDS = {  # of SettingsChanges
    "updates-channel": "updates_channel_id",
    "updates-role": "updates_role_id",
    "moderator-role": "moderator_role_id",
}


class Settings(commands.Cog):
    def __init__(self, bot) -> None:
        self.bot = bot

    @app_commands.command(description="Show or change where updates go and who moderates them")
    @app_commands.rename(
        updates_channel="updates-channel",
        updates_role="updates-role",
        moderator_role="moderator-role",
    )
    @app_commands.describe(
        updates_channel="Also announce every update in this channel",
        updates_role="Ping this role with each announcement",
        moderator_role="Members with this role may post updates (as well as Manage Messages)",
        clear="Unset one setting",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def config(
        self,
        interaction: discord.Interaction,
        updates_channel: discord.TextChannel | None = None,
        updates_role: discord.Role | None = None,
        moderator_role: discord.Role | None = None,
        clear: Setting | None = None,
    ) -> None:
        changes = SettingsChanges(
            updates_channel_id=updates_channel.id if updates_channel is not None else KEEP,
            updates_role_id=updates_role.id if updates_role is not None else KEEP,
            moderator_role_id=moderator_role.id if moderator_role is not None else KEEP,
        )
        if clear is not None:
            changes = replace(changes, **{FIELDS[clear]: None})
        store = self.bot.store
        if changes != SettingsChanges():
            work = store.update_guild_settings(interaction.guild_id, interaction.user.id, changes)
        else:
            work = store.guild_settings(interaction.guild_id)
        settings = await in_time(interaction, work, ephemeral=True)
        notes = []
        if moderator_role is not None:
            commands_list = ", ".join(f"`/{name}`" for name in MODERATOR_COMMANDS)
            notes.append(
                f"{moderator_role.mention} can now use the moderator commands. Discord still hides "
                f"{commands_list} from members without Manage Messages, and a bot cannot change "
                "that: in **Server Settings › Integrations**, open this bot and allow the role "
                "for those commands."
            )
        if updates_role is not None and not updates_role.mentionable:
            notes.append(
                f"{updates_role.mention} is not mentionable: make it mentionable in the role "
                "settings so announcements can ping it."
            )
        await reply(
            interaction,
            content="\n\n".join(notes) or None,
            embed=settings_embed(settings),
            ephemeral=True,
        )


async def setup(bot) -> None:
    await bot.add_cog(Settings(bot))
