"""Small helpers shared by the SimCord tests."""

from __future__ import annotations

from pathlib import Path

import discord

from bot.models import Cursor, TimelineFilters

CHECKOUT = Path(__file__).resolve().parent.parent  # the source tree the tests run from


def handled_errors(env, since: int = 0) -> list[str]:
    """Names of the errors the bot handled (from cursor `since`), unwrapped from CommandInvokeError.

    Reading env.errors also acknowledges them, so SimCord's teardown check passes.
    """
    errors = env.errors[since:]
    return [type(getattr(error, "original", error)).__name__ for error in errors]


async def guild_entries(env, guild) -> list:
    """What this guild's moderators added (visible ones), oldest first."""
    page = await env.bot.store.timeline(guild.id, TimelineFilters(), Cursor(), 10_000)
    return [entry for entry in page.items if not entry.shipped]


async def submit_form_as(env, actor, channel, shown, values: dict[str, str]):
    """`actor` sends the submit of a form that was shown to someone else, and what they see.

    Discord hands a bot a form's submit by the form's custom_id alone, and a modified client
    can send any. SimCord's submit_modal lets only the form's opener submit it, so this builds
    the same INTERACTION_CREATE with SimCord's backend: names without an underscore, but not
    an API SimCord promises to keep.
    """
    from simcord import InteractionResult
    from simcord.interactions import base_payload

    rows = [
        {
            "type": discord.ComponentType.action_row.value,
            "components": [
                {
                    "type": discord.ComponentType.text_input.value,
                    "custom_id": field["custom_id"],
                    "value": values.get(field["custom_id"], ""),
                }
            ],
        }
        for row in shown.modal["components"]
        for field in row["components"]
    ]
    record, payload = base_payload(
        env.backend,
        type=discord.InteractionType.modal_submit.value,
        channel_id=channel.id,
        guild_id=actor.guild.id,
        user_id=actor.id,
        data={"custom_id": shown.modal["custom_id"], "components": rows},
    )
    env.backend.emit("INTERACTION_CREATE", payload)
    await env.settle()
    return InteractionResult(env, record)
