"""Operator tools over the whole file: export, import, online backup, integrity check.

Export, backup and check run on a reader, so the bot keeps writing meanwhile; import is one
transaction on the writer.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import aiosqlite

from bot import files
from bot.models import CheckReport
from bot.store import reads
from bot.store.db import StoreError, transaction

EXPORT_FORMAT = "storybot-export"
# Parents before children, so foreign keys hold while importing. Members' /whatsnew marks
# (seen_marks) are left out: who read what is theirs, not the story's.
TABLES = (
    "people",
    "sources",
    "entries",
    "entry_people",
    "entry_sources",
    "quotes",
    "audit_log",
    "guild_settings",
    "feeds",
    "feed_seen",
    "review_items",
)
KEYS = {
    "entry_people": ("entry_id", "person_id"),
    "entry_sources": ("entry_id", "source_id"),
    "guild_settings": ("guild_id",),
    "feed_seen": ("feed_id", "key"),
}
IMPORT_CHUNK = 400  # rows looked up and inserted per statement (2 keys each: under 999 variables)


async def schema_version(conn: aiosqlite.Connection) -> int:
    return (await conn.execute_fetchall("PRAGMA user_version"))[0][0]


async def export_data(conn: aiosqlite.Connection) -> dict:
    """Every table, read from one snapshot."""
    tables = {}
    async with transaction(conn, "BEGIN"):
        for table in TABLES:
            order = ", ".join(KEYS.get(table, ("id",)))
            found = await conn.execute_fetchall(f"SELECT * FROM {table} ORDER BY {order}")
            tables[table] = [dict(row) for row in found]
        version = await schema_version(conn)
    return {"format": EXPORT_FORMAT, "schema_version": version, "tables": tables}


async def import_data(conn: aiosqlite.Connection, data: object, source: str) -> dict[str, int]:
    """Add the rows of an export; rows already present must be identical. All or nothing."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise StoreError(f'{source} is not a storybot export (no "format": "{EXPORT_FORMAT}")')
    version = await schema_version(conn)
    if data.get("schema_version") != version:
        raise StoreError(
            f"{source} was exported at schema version {data.get('schema_version')}, "
            f"this database is at {version}"
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise StoreError(f'{source} has no "tables" object')
    added = {}
    async with transaction(conn):
        for table in TABLES:
            added[table] = await _import_table(conn, table, tables.get(table, []), source)
        await _check_readable(conn, source)
        # Imported entries keep their text-edit numbers: later edits must be numbered past them.
        await conn.execute(
            "UPDATE text_edits SET n = max(n, (SELECT coalesce(max(text_edit), 0) FROM entries))"
        )
    return added


async def _check_readable(conn: aiosqlite.Connection, source: str) -> None:
    """Refuse rows SQLite accepts but the bot could not read back (a hand-edited export)."""
    try:
        await reads.people(conn)
        days = await conn.execute_fetchall(
            "SELECT date FROM entries UNION ALL SELECT date FROM quotes"
        )
        for (day,) in days:
            date.fromisoformat(day)
    except (ValueError, TypeError) as error:
        raise StoreError(
            f"{source}: has a value the bot cannot read ({error}); nothing imported"
        ) from None


async def _import_table(
    conn: aiosqlite.Connection, table: str, records: object, source: str
) -> int:
    found = await conn.execute_fetchall("SELECT name FROM pragma_table_info(?)", (table,))
    columns = [row[0] for row in found]
    if not isinstance(records, list):
        raise StoreError(f"{source}: table {table} must be a list of rows")
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or set(record) != set(columns):
            raise StoreError(
                f"{source}: {table} row {number} must have exactly the columns {columns}"
            )
    keys = KEYS.get(table, ("id",))
    added = 0
    for start in range(0, len(records), IMPORT_CHUNK):
        chunk = list(enumerate(records[start : start + IMPORT_CHUNK], start + 1))
        existing = await _existing_rows(conn, table, keys, [record for _, record in chunk])
        new = []
        for number, record in chunk:
            key = _key(record, keys)
            present = existing.get(key) if key is not None else None
            if present is None:
                new.append((number, record))
            elif present != record:
                ident = ", ".join(f"{k}={record[k]}" for k in keys)
                raise StoreError(
                    f"{source}: {table} row {ident} differs from the one in the database; nothing imported"
                )
        await _insert_rows(conn, table, columns, new, source)
        added += len(new)
    return added


async def _existing_rows(
    conn: aiosqlite.Connection, table: str, keys: tuple[str, ...], records: list[dict]
) -> dict[tuple, dict]:
    """The rows of `table` with the keys of these records, by key."""
    lookups = [r for r in records if _key(r, keys) is not None]
    if not lookups:
        return {}
    row_marks = "(" + ", ".join("?" for _ in keys) + ")"
    found = await conn.execute_fetchall(
        f"SELECT * FROM {table} WHERE ({', '.join(keys)}) IN "
        f"(VALUES {', '.join(row_marks for _ in lookups)})",
        [r[k] for r in lookups for k in keys],
    )
    return {tuple(row[k] for k in keys): dict(row) for row in found}


def _key(record: dict, keys: tuple[str, ...]) -> tuple | None:
    """The record's key; None when it is not numbers and text (a list, say), so names no row."""
    key = tuple(record[k] for k in keys)
    return key if all(isinstance(v, int | float | str) for v in key) else None


async def _insert_rows(
    conn: aiosqlite.Connection,
    table: str,
    columns: list[str],
    new: list[tuple[int, dict]],
    source: str,
) -> None:
    if not new:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    await conn.execute("SAVEPOINT import_rows")
    try:
        await conn.executemany(sql, [[record[c] for c in columns] for _, record in new])
    except sqlite3.Error as error:
        # Name the row SQLite refused (the import is refused whole either way): undo this
        # chunk and insert its rows one by one until one fails.
        await conn.execute("ROLLBACK TO import_rows")
        for number, record in new:
            try:
                await conn.execute(sql, [record[c] for c in columns])
            except sqlite3.Error as row_error:
                raise StoreError(
                    f"{source}: {table} row {number} cannot be imported: {row_error}"
                ) from None
        raise StoreError(f"{source}: {table} cannot be imported: {error}") from None
    await conn.execute("RELEASE import_rows")


async def backup(conn: aiosqlite.Connection, destination: Path, *, force: bool = False) -> None:
    """Copy the live database with SQLite's online backup API (safe while the bot writes).

    Never over the database itself, and over an existing file only with `force`. The copy is
    made in a private temporary file beside DESTINATION and renamed when complete, so a full
    disk or an I/O error half-way leaves no file that looks like a backup.
    """
    destination = Path(destination)
    files.check_destination(destination, await database_file(conn), force=force)
    try:
        with files.written_atomically(destination) as partial:
            # Used on the source connection's thread, where the backup runs.
            target = sqlite3.connect(partial, check_same_thread=False)
            try:
                await conn.backup(target)
            finally:
                target.close()
    except (sqlite3.Error, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise StoreError(f"cannot back up to {destination}: {reason}") from None


async def database_file(conn: aiosqlite.Connection) -> Path:
    found = await conn.execute_fetchall("PRAGMA database_list")
    return Path(found[0]["file"])


async def check(conn: aiosqlite.Connection) -> CheckReport:
    problems = [row[0] for row in await conn.execute_fetchall("PRAGMA integrity_check")]
    tables = (
        "people",
        "sources",
        "entries",
        "quotes",
        "audit_log",
        "guild_settings",
        "seen_marks",
        "feeds",
        "review_items",
    )
    counted = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in tables)
    found = await conn.execute_fetchall(
        f"""{counted}
        UNION ALL SELECT 'shipped entries', count(*) FROM entries
            WHERE scope = 0 AND removed_at IS NULL
        UNION ALL SELECT 'shipped quotes', count(*) FROM quotes
            WHERE scope = 0 AND removed_at IS NULL
        UNION ALL SELECT 'schema version', user_version FROM pragma_user_version"""
    )
    by_name = {name: n for name, n in found}
    counts = {name: by_name[name] for name in (*tables, "shipped entries", "shipped quotes")}
    return CheckReport("; ".join(problems), by_name["schema version"], counts)
