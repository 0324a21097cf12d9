"""SqliteStore's methods for /whatsnew (bot.store.catch_up holds their SQL): mixed into
SqliteStore. A member's marks are read on a reader and moved on the writer."""

from __future__ import annotations

from datetime import timedelta

from bot.models import SeenMarks, WhatsNew
from bot.store import catch_up


class CatchUpOnSqlite:
    async def whats_new(
        self,
        guild_id: int,
        user_id: int,
        per_page: int,
        page: int = 0,
        window: tuple[SeenMarks, SeenMarks] | None = None,
    ) -> WhatsNew:
        async with self._reading() as conn:
            return await catch_up.whats_new(
                conn, self._people_by_id, guild_id, user_id, per_page, page, window
            )

    async def mark_caught_up(self, guild_id: int, user_id: int, marks: SeenMarks) -> None:
        async with self._writing() as conn:
            await catch_up.mark_seen(conn, guild_id, user_id, marks)

    async def mark_entries_seen(self, guild_id: int, user_id: int, entry_id: int) -> None:
        async with self._writing() as conn:
            await catch_up.mark_entries_seen(conn, guild_id, user_id, entry_id)

    async def prune_seen(self, older_than: timedelta) -> int:
        async with self._writing() as conn:
            return await catch_up.prune_seen(conn, older_than)
