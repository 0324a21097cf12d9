"""The story store: all SQL lives under this package, behind the Store interface (base.py).

    store = await open_store(path, story)   # created, migrated and seeded as needed
    page = await store.timeline(guild_id, TimelineFilters(), Cursor(), 10)
    await store.close()

sqlite.py says what each command costs in hops to the database's threads.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.base import DEFAULT_READERS, SearchBudget, SearchStopped, Store, StoreError
from bot.store.sqlite import SqliteStore
from bot.story import Story

__all__ = [
    "DEFAULT_READERS",
    "SearchBudget",
    "SearchStopped",
    "SqliteStore",
    "Store",
    "StoreError",
    "open_store",
]


async def open_store(
    path: Path, story: Story | None = None, *, readers: int = DEFAULT_READERS
) -> Store:
    """Open, create or migrate the database at `path`, then seed it with `story` if given."""
    return await SqliteStore.open(path, story, readers=readers)
