"""Small helpers shared by the SimCord tests."""

from __future__ import annotations

from bot.models import Cursor, TimelineFilters


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
