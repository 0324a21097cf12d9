"""SqliteStore's operator tools (the `db` command line): seeding, export and import, backup,
check. Mixed into SqliteStore; the SQL is in bot.store.seeding and bot.store.transfer."""

from __future__ import annotations

from pathlib import Path

from bot.models import CheckReport, SeedResult
from bot.store import reads, seeding, transfer
from bot.story import Story


class OperatorToolsOnSqlite:
    async def seed(self, story: Story, *, update: bool = False) -> SeedResult:
        async with self._writing() as conn:
            result = await seeding.seed(conn, story, update=update)
            self._remember_people(await reads.people(conn))
        return result

    async def export_data(self) -> dict:
        async with self._reading() as conn:
            return await transfer.export_data(conn)

    async def import_data(self, data: object, source: str) -> dict[str, int]:
        async with self._writing() as conn:
            added = await transfer.import_data(conn, data, source)
            self._remember_people(await reads.people(conn))
        return added

    async def backup(self, destination: Path, *, force: bool = False) -> None:
        async with self._reading() as conn:
            await transfer.backup(conn, destination, force=force)

    async def check(self) -> CheckReport:
        async with self._reading() as conn:
            return await transfer.check(conn)
