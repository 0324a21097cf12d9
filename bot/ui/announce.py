"""Announcing a new update: in the channel where it was posted and in the updates channel,
each with a What's new for me button, and Follow updates when the server has an updates role."""

from __future__ import annotations

import logging

import discord

from bot.models import Entry, GuildSettings
from bot.ui.catch_up import announcement_view
from bot.ui.moderation import update_embed

log = logging.getLogger(__name__)


async def announce_update(
    interaction: discord.Interaction, settings: GuildSettings, entry: Entry
) -> list[str]:
    """Post the update; returns one line per place, naming exactly what failed."""
    embed = update_embed(entry, interaction.user.display_name)
    role = None
    if settings.updates_role_id is not None:
        role = interaction.guild.get_role(settings.updates_role_id)
    results = []
    updates_channel = None
    if settings.updates_channel_id is not None:
        updates_channel = interaction.guild.get_channel(settings.updates_channel_id)
    if interaction.channel is not None and interaction.channel != updates_channel:
        results.append(await post(interaction.channel, "this channel", embed, role, ping=False))
    if settings.updates_channel_id is None:
        return results
    if updates_channel is None:
        results.append(
            "Could not announce in the updates channel: it no longer exists; set one with `/config`."
        )
        return results
    results.append(await post(updates_channel, updates_channel.mention, embed, role, ping=True))
    return results


def missing_permission(channel) -> str | None:
    """The first permission the bot lacks to post an embed in `channel`, or None."""
    if isinstance(channel, discord.abc.GuildChannel):
        perms = channel.permissions_for(channel.guild.me)
        # Lacking an earlier one implies lacking the later ones: name the first.
        for label, granted in (
            ("View Channel", perms.view_channel),
            ("Send Messages", perms.send_messages),
            ("Embed Links", perms.embed_links),
        ):
            if not granted:
                return label
    return None


async def post(
    channel, name: str, embed: discord.Embed, role: discord.Role | None, *, ping: bool
) -> str:
    missing = missing_permission(channel)
    if missing:
        return f"Could not announce in {name}: I lack {missing} there."
    # The configured updates role, in the updates channel, is the only mention the bot allows.
    pinged = role if ping else None
    content = pinged.mention if pinged is not None else None
    mentions = discord.AllowedMentions(roles=[pinged]) if pinged else discord.AllowedMentions.none()
    try:
        await channel.send(
            content=content, embed=embed, allowed_mentions=mentions, view=announcement_view(role)
        )
    except discord.Forbidden:
        return f"Could not announce in {name}: Discord refused (missing permissions)."
    except discord.NotFound:
        return f"Could not announce in {name}: the channel no longer exists."
    except discord.HTTPException as error:
        log.warning("Announcement in %s failed: %s", name, error)
        return (
            f"Could not announce in {name}: Discord answered {error.status}. The update is saved."
        )
    return f"Announced in {name}."
