"""Operator tools over the whole file: export, import, online backup, integrity check."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bot import files
from bot.models import CheckReport
from bot.store import reads
from bot.store.db import StoreError, schema_version
from bot.store.writes import transaction

EXPORT_FORMAT = "storybot-export"
# Parents before children, so foreign keys hold while importing.
TABLES = (
    "people",
    "sources",
    "entries",
    "entry_people",
    "entry_sources",
    "quotes",
    "audit_log",
    "guild_settings",
)
KEYS = {
    "entry_people": ("entry_id", "person_id"),
    "entry_sources": ("entry_id", "source_id"),
    "guild_settings": ("guild_id",),
}


def export_data(conn: sqlite3.Connection) -> dict:
    tables = {}
    for table in TABLES:
        order = ", ".join(KEYS.get(table, ("id",)))
        tables[table] = [
            dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}")
        ]
    return {"format": EXPORT_FORMAT, "schema_version": schema_version(conn), "tables": tables}


def import_data(conn: sqlite3.Connection, data: object, source: str) -> dict[str, int]:
    """Add the rows of an export; rows already present must be identical. All or nothing."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise StoreError(f'{source} is not a storybot export (no "format": "{EXPORT_FORMAT}")')
    if data.get("schema_version") != schema_version(conn):
        raise StoreError(
            f"{source} was exported at schema version {data.get('schema_version')}, "
            f"this database is at {schema_version(conn)}"
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise StoreError(f'{source} has no "tables" object')
    added = {}
    with transaction(conn):
        for table in TABLES:
            added[table] = _import_table(conn, table, tables.get(table, []), source)
        _check_readable(conn, source)
    return added


def _check_readable(conn: sqlite3.Connection, source: str) -> None:
    """Refuse rows SQLite accepts but the bot could not read back (a hand-edited export)."""
    try:
        reads.people(conn)
        for (day,) in conn.execute("SELECT date FROM entries UNION ALL SELECT date FROM quotes"):
            date.fromisoformat(day)
    except (ValueError, TypeError) as error:
        raise StoreError(
            f"{source}: has a value the bot cannot read ({error}); nothing imported"
        ) from None


def _import_table(conn: sqlite3.Connection, table: str, records: object, source: str) -> int:
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    keys = KEYS.get(table, ("id",))
    if not isinstance(records, list):
        raise StoreError(f"{source}: table {table} must be a list of rows")
    added = 0
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or set(record) != set(columns):
            raise StoreError(
                f"{source}: {table} row {number} must have exactly the columns {columns}"
            )
        where = " AND ".join(f"{k} = ?" for k in keys)
        try:
            existing = conn.execute(
                f"SELECT * FROM {table} WHERE {where}", [record[k] for k in keys]
            ).fetchone()
        except sqlite3.Error as error:  # e.g. a list or object where a number belongs
            raise StoreError(
                f"{source}: {table} row {number} cannot be imported: {error}"
            ) from None
        if existing is not None:
            if dict(existing) != record:
                ident = ", ".join(f"{k}={record[k]}" for k in keys)
                raise StoreError(
                    f"{source}: {table} row {ident} differs from the one in the database; nothing imported"
                )
            continue
        marks = ", ".join("?" for _ in columns)
        try:
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [record[c] for c in columns],
            )
        except sqlite3.Error as error:
            raise StoreError(
                f"{source}: {table} row {number} cannot be imported: {error}"
            ) from None
        added += 1
    return added


def backup(conn: sqlite3.Connection, destination: Path, *, force: bool = False) -> None:
    """Copy the live database with SQLite's online backup API (safe while the bot writes).

    Never over the database itself, and over an existing file only with `force`. The copy is
    made in a private temporary file beside DESTINATION and renamed when complete, so a full
    disk or an I/O error half-way leaves no file that looks like a backup.
    """
    destination = Path(destination)
    files.check_destination(destination, database_file(conn), force=force)
    try:
        with files.written_atomically(destination) as partial:
            target = sqlite3.connect(partial)
            try:
                conn.backup(target)
            finally:
                target.close()
    except (sqlite3.Error, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise StoreError(f"cannot back up to {destination}: {reason}") from None


def database_file(conn: sqlite3.Connection) -> Path:
    return Path(conn.execute("PRAGMA database_list").fetchone()["file"])


def check(conn: sqlite3.Connection) -> CheckReport:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    counts = {}
    for table in ("people", "sources", "entries", "quotes", "audit_log", "guild_settings"):
        counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    counts["shipped entries"] = conn.execute(
        "SELECT count(*) FROM entries WHERE scope = 0 AND removed_at IS NULL"
    ).fetchone()[0]
    counts["shipped quotes"] = conn.execute(
        "SELECT count(*) FROM quotes WHERE scope = 0 AND removed_at IS NULL"
    ).fetchone()[0]
    return CheckReport("; ".join(problems), schema_version(conn), counts)
