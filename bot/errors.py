"""Errors a user can cause, and what to tell them; bot.ui.respond sends it (anything else: an apology)."""

from __future__ import annotations

from discord import app_commands

from bot.people import PersonRefused
from bot.search_terms import QueryError
from bot.store.base import SearchStopped

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again."


class UserError(Exception):
    """Bad input or a refused action; its message is shown to the user as it is."""


def message_for(error: BaseException) -> str | None:
    """What to tell the user about an error they caused, or None for our own failures."""
    original = getattr(error, "original", error)
    # PersonRefused comes from the store, which raises no discord-aware errors; a search with
    # nothing to look for, or stopped by its time budget: the sentence says why.
    if isinstance(original, UserError | PersonRefused | QueryError | SearchStopped):
        return str(original)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can use this again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server, not in DMs."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    return None
