"""The Follow updates button under announcements: gives or takes the updates role.

Stateless: the role id rides in the custom_id and is checked against the guild's current
setting on every click, so the button keeps working after a restart and never hands out a
role the server no longer uses for updates.
"""

from __future__ import annotations

import logging
import re

import discord

from bot.checks import SlowDown, use_fairly
from bot.models import GuildSettings
from bot.ui.respond import report_error, send_ephemeral

log = logging.getLogger(__name__)

FOLLOW_LABEL = "Follow updates"
FIX_IN_CONFIG = "A server admin can fix this: `/config` shows how."
# Why the bot can't hand out the role, short enough for the /config view.
NEEDS_MANAGE_ROLES = "needs Manage Roles"
ROLE_ABOVE_MINE = "role is above mine"
ROLE_MANAGED = "role is handed out by an integration"


def role_problem(guild: discord.Guild, role: discord.Role) -> str | None:
    """Why the bot cannot give or take `role` in `guild`, or None when it can."""
    me = guild.me
    if role.managed:
        return ROLE_MANAGED
    if not me.guild_permissions.manage_roles:
        return NEEDS_MANAGE_ROLES
    if role >= me.top_role:
        return ROLE_ABOVE_MINE
    return None


def follow_status(guild: discord.Guild, settings: GuildSettings) -> str | None:
    """What moderators see in /config about the button; None when there is no updates role."""
    if settings.updates_role_id is None:
        return None
    role = guild.get_role(settings.updates_role_id)
    if role is None:
        return "not shown: the updates role no longer exists; choose another with `/config`"
    problem = role_problem(guild, role)
    if problem == NEEDS_MANAGE_ROLES:
        return (
            f"{problem}: in **Server Settings › Roles**, give my role **Manage Roles**, "
            f"and keep it above {role.mention}"
        )
    if problem == ROLE_ABOVE_MINE:
        return f"{problem}: in **Server Settings › Roles**, drag my role above {role.mention}"
    if problem == ROLE_MANAGED:
        return f"{problem}: choose a role of your own as the updates role"
    return f"works: members click **{FOLLOW_LABEL}** under an announcement to get or drop {role.mention}"


class FollowButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"follow:role:(?P<role>\d{1,20})"
):
    def __init__(self, role_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=FOLLOW_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"follow:role:{role_id}",
            )
        )
        self.role_id = role_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> FollowButton:
        return cls(int(match["role"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the member ourselves.
        try:
            use_fairly(interaction.client.fair_use.follows, interaction.user.id)
            await send_ephemeral(interaction, await self.toggle(interaction))
        except SlowDown as slow:
            await send_ephemeral(interaction, str(slow))
        except Exception as error:
            await report_error(interaction, error, f"Follow button for role {self.role_id}")

    async def toggle(self, interaction: discord.Interaction) -> str:
        """Give or take the role; returns what to tell the member."""
        guild, member = interaction.guild, interaction.user
        if guild is None or not isinstance(member, discord.Member):
            return "This button works only in its server."
        settings = await interaction.client.store.guild_settings(guild.id)
        current = settings.updates_role_id
        if current is None:
            return "This server no longer pings a role for updates, so there is nothing to follow."
        if current != self.role_id:
            return (
                f"The updates role has changed since this announcement: it is now <@&{current}>. "
                f"Use **{FOLLOW_LABEL}** under a newer announcement."
            )
        role = guild.get_role(current)
        if role is None:
            return (
                "The updates role no longer exists. A moderator can choose another with `/config`."
            )
        problem = role_problem(guild, role)
        if problem is not None:
            reason = {
                NEEDS_MANAGE_ROLES: "I lack the Manage Roles permission",
                ROLE_ABOVE_MINE: "it is above my highest role",
                ROLE_MANAGED: "an integration hands it out, not me",
            }[problem]
            return f"I can't give or take {role.mention}: {reason}. {FIX_IN_CONFIG}"
        following = role in member.roles
        try:
            if following:
                await member.remove_roles(role, reason="Follow updates button: unfollowed")
            else:
                await member.add_roles(role, reason="Follow updates button: followed")
        except discord.Forbidden:
            return f"Discord refused to change your roles (missing permissions). {FIX_IN_CONFIG}"
        except discord.HTTPException as error:
            log.warning("Follow button: role change failed: %s", error)
            return (
                f"Discord didn't accept the change (error {error.status}); try again in a moment."
            )
        if following:
            return "You won't be pinged any more."
        if settings.updates_channel_id is None:
            return "You'll be pinged for updates once a moderator sets an updates channel."
        return f"You'll be pinged for updates in <#{settings.updates_channel_id}>."
