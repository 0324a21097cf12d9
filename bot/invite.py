"""The invite link: the two scopes and the three permissions the bot needs, nothing more."""

from __future__ import annotations

import discord

# Read the channel, post announcements, show embeds. No role or moderation power.
PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)
