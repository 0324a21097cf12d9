"""Answering interactions within Discord's deadline (3 seconds to the first response)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.errors import APOLOGY, message_for

T = TypeVar("T")
log = logging.getLogger(__name__)

# Defer when the work is not done by then, leaving a margin before Discord's 3 seconds.
DEFER_AFTER_S = 2.0


async def in_time(
    interaction: discord.Interaction, work: Awaitable[T], *, ephemeral: bool = False
) -> T:
    """Await `work`; if it runs long, defer first so Discord keeps the interaction open.

    The usual fast path costs one timer, cancelled: no task beside the work, no deferral, one
    response. (A timer, not wait(timeout=): test clocks such as SimCord's drive timers.)
    """
    deferring: list[asyncio.Future[None]] = []

    def defer() -> None:
        deferring.append(asyncio.ensure_future(_defer(interaction, ephemeral)))

    timer = asyncio.get_running_loop().call_later(DEFER_AFTER_S, defer)
    try:
        result = await work
    finally:
        timer.cancel()
        if deferring:  # the answer must come after the deferral, never beside it
            await deferring[0]
    return result


async def _defer(interaction: discord.Interaction, ephemeral: bool) -> None:
    if interaction.response.is_done():
        return
    if interaction.type is discord.InteractionType.component:
        await interaction.response.defer()  # the message itself is edited afterwards
    else:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def reply(
    interaction: discord.Interaction, *, ephemeral: bool = False, **fields: Any
) -> None:
    """Send the answer, as the response or, after a deferral, as the followup."""
    fields = {name: value for name, value in fields.items() if value is not None}
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **fields)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **fields)


async def update_message(interaction: discord.Interaction, **fields: Any) -> None:
    """Replace the message a button sits on (after a deferral too)."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**fields)
    else:
        await interaction.response.edit_message(**fields)


async def report_error(interaction: discord.Interaction, error: BaseException, where: str) -> None:
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
