"""Errors: those a user caused get a short ephemeral sentence; anything else is logged, with an apology."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.ui.respond import reply

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again."


class UserError(Exception):
    """Bad input or a refused action; its message is shown to the user as it is."""


def message_for(error: BaseException) -> str | None:
    """What to tell the user about an error they caused, or None for our own failures."""
    original = getattr(error, "original", error)
    if isinstance(original, UserError):
        return str(original)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can use this again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server, not in DMs."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    return None


async def report(interaction: discord.Interaction, error: BaseException, where: str) -> None:
    message = message_for(error)
    if message is None:
        log.error("%s failed", where, exc_info=getattr(error, "original", error))
        message = APOLOGY
    await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Answer ephemerally whether or not the interaction was already answered or deferred."""
    try:
        await reply(interaction, content=message, ephemeral=True)
    except discord.HTTPException as error:
        log.warning("Could not answer interaction %s: %s", interaction.id, error)
