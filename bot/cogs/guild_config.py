"""/config: where updates are announced, who is pinged, and which role counts as moderator."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ADD_TO_TIMELINE, MODERATOR_COMMANDS
from bot.errors import UserError
from bot.models import KEEP, SettingsChanges
from bot.ui.follow import follow_status
from bot.ui.moderation import settings_embed
from bot.ui.respond import in_time, reply

if TYPE_CHECKING:
    from bot.app import StoryBot

Setting = Literal["updates-channel", "updates-role", "moderator-role"]
FIELDS = {  # of SettingsChanges
    "updates-channel": "updates_channel_id",
    "updates-role": "updates_role_id",
    "moderator-role": "moderator_role_id",
}


def check_moderator_role(role: discord.Role) -> None:
    """Refuse roles that would make moderators of people the server didn't choose."""
    if role.is_default():
        raise UserError(
            "`@everyone` can't be the moderator role: every member would be a moderator. "
            "Choose a role only your moderators have."
        )
    if role.managed:
        raise UserError(
            f"{role.mention} can't be the moderator role: a bot, an integration or Server "
            "Boosting hands it out, not your server. Choose a role only your moderators have."
        )


def check_updates_role(role: discord.Role) -> None:
    if role.is_default():
        raise UserError(
            "`@everyone` can't be the updates role: every announcement would ping every member. "
            "Choose or create a role for the members who want the pings."
        )


class GuildConfig(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
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
        # Checked before anything is written, so a refused option changes no setting.
        if moderator_role is not None:
            check_moderator_role(moderator_role)
        if updates_role is not None:
            check_updates_role(updates_role)
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
            commands_list += f" and the message command **{ADD_TO_TIMELINE}**"
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
            embed=settings_embed(settings, follow_status(interaction.guild, settings)),
            ephemeral=True,
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(GuildConfig(bot))
