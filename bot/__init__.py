"""A Discord bot that follows one news story: the May 2024 OpenAI Superalignment departures."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from bot.app import StoryBot
    from bot.config import Settings
    from bot.fair_use import FairUse
    from bot.store import Store


def create_bot(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    fair_use: FairUse | None = None,
) -> StoryBot:
    """Build the bot without connecting; with no settings, read them from the environment.

    With no store, the bot opens its own as it starts and closes it when it closes; a store
    handed in (tests, the demo) is used as it is and stays the caller's to close.
    `fair_use`: the rate limiters (default: bot.fair_use's limits).
    """
    from bot.app import StoryBot
    from bot.config import Settings

    settings = settings if settings is not None else Settings.from_env()
    return StoryBot(settings, store, fair_use=fair_use)
