"""Opening the SQLite file: pragmas, and forward-only migrations versioned by PRAGMA user_version."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from bot import files
from bot.store import searching
from bot.store.base import StoreError

BUSY_TIMEOUT_MS = 5000
# Set on every connection (they last for the connection only; WAL is kept in the file itself).
SESSION_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",  # wait for another writer instead of failing
    "PRAGMA synchronous = FULL",  # a moderator's acknowledged update survives a power cut too
    "PRAGMA foreign_keys = ON",
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for item in resources.files("bot.store").joinpath("migrations").iterdir():
        match = re.fullmatch(r"(\d{3})_(\w+)\.sql", item.name)
        if match:
            found.append(Migration(int(match[1]), match[2], item.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    # Numbered 1..N with no gaps, so user_version always names exactly which files have run.
    assert [m.version for m in found] == list(range(1, len(found) + 1)), "migration numbers"
    return found


def latest_version() -> int:
    return len(migrations())


def open_file(path: Path) -> sqlite3.Connection:
    """A plain connection to the file (created if missing), with errors naming it."""
    prepare_folder(path)
    try:
        return sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the database {path}: {error}") from None


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database; refuses files it cannot safely use."""
    path = Path(path)
    conn = open_file(path)
    try:
        configure(conn)
        refuse_newer(conn, path)
        set_durability(conn)
        searching.register(conn)
        migrate(conn, path)
        searching.refresh_index(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(f"cannot use the database {path}: {error}") from None
    except StoreError:
        conn.close()
        raise
    return conn


def migrate_file(path: Path) -> None:
    """Create or migrate the database at `path`, or refuse it with a StoreError; then close it."""
    connect(path).close()


async def open_connection(path: Path, *, read_only: bool) -> aiosqlite.Connection:
    """A connection on a thread of its own (aiosqlite's), to a file migrate_file has prepared.

    Readers are query_only: a bug that wrote through one would fail instead of writing
    outside the writer's lock and transactions. The writer gets the function the search
    index's triggers call.
    """
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        pragmas = [*SESSION_PRAGMAS, *(["PRAGMA query_only = ON"] if read_only else [])]
        await conn.executescript(";\n".join(pragmas))  # one hop to the thread for all of them
        if not read_only:
            await searching.register_async(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


@asynccontextmanager
async def transaction(
    conn: aiosqlite.Connection, begin: str = "BEGIN IMMEDIATE"
) -> AsyncIterator[None]:
    """Commit what runs inside, or roll it all back (also when the caller is cancelled).

    IMMEDIATE (for writes) takes the write lock up front, so a busy database waits
    (busy_timeout) instead of failing half-way through; a plain BEGIN reads one snapshot.
    """
    try:
        await conn.execute(begin)
        yield
        await conn.execute("COMMIT")
    except BaseException:
        await _roll_back(conn)
        raise


async def _roll_back(conn: aiosqlite.Connection) -> None:
    # Statements run in the order they were sent, so this runs after any still in flight
    # (a cancelled caller stops waiting for its statement, not the statement itself).
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        # "No transaction is active": BEGIN failed, or COMMIT went through before a
        # cancellation reached us. Nothing else is in flight now, so in_transaction is exact.
        if conn.in_transaction:
            raise


def prepare_folder(path: Path) -> None:
    """Create the database's folder and check SQLite can work in it, with errors naming both."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the database folder {path.parent}: {error.strerror}"
        ) from None
    if path.is_dir():
        raise StoreError(f"the database {path} is a folder; DATABASE_PATH must name a file")
    # SQLite keeps its -wal and -shm files next to the database, so even an existing,
    # writable database is unusable in a folder the bot cannot write to.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot use the database {path}: its folder {path.parent} is not writable "
            "(SQLite keeps its -wal and -shm files next to the database)"
        )
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(f"cannot use the database {path}: the bot may not read and write it")
        return
    # Create the file ourselves: sqlite3 would only say "unable to open database file". Private:
    # SQLite gives the -wal and -shm files it makes beside it the same permissions.
    try:
        files.create_private(path)
    except FileExistsError:
        pass  # another process created it in the meantime: SQLite copes
    except OSError as error:
        raise StoreError(f"cannot create the database {path}: {error.strerror}") from None


def verify(path: Path) -> None:
    """Refuse a damaged, foreign or newer database before anything writes to it.

    PRAGMA quick_check reads every page of every b-tree (without integrity_check's index
    cross-checks): about 130 ms at 100,000 entries with the file in the page cache and 1 s from
    a cold disk, against 2-4 ms for an open. So the bot runs it once as it starts, and so do
    the `db` commands that write, but open_store does not. It finds broken pages, not a changed
    value inside a row: SQLite keeps no checksums.
    """
    path = Path(path)
    conn = open_file(path)
    try:
        try:
            configure(conn)
            refuse_newer(conn, path)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot use the database {path}: {error}") from None
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as error:
            problems = [str(error)]
    finally:
        conn.close()
    if problems != ["ok"]:
        found = " ".join("; ".join(problems).split())  # the report spans lines; errors may not
        if len(found) > 200:
            found = found[:199] + "…"
        raise StoreError(f"the database {path} is damaged ({found}); restore a backup of it")


def configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Reading the schema first makes a non-SQLite file fail here, before anything is written.
    conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()


def set_durability(conn: sqlite3.Connection) -> None:
    # Switching to WAL rewrites the file header, so this runs only once the file is known usable.
    # WAL also lets the store's readers read while its writer writes.
    conn.execute("PRAGMA journal_mode = WAL")
    for pragma in SESSION_PRAGMAS:
        conn.execute(pragma)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def refuse_newer(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file written by a newer bot, before anything (even the journal mode) changes it."""
    current, latest = schema_version(conn), latest_version()
    if current > latest:
        raise StoreError(
            f"the database {path} has schema version {current}, newer than this bot's "
            f"{latest}; upgrade the bot (the file was not changed)"
        )


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    refuse_newer(conn, path)
    pending = migrations()
    if schema_version(conn) >= len(pending):
        return
    # Foreign keys are off while migrations run (SQLite's way to rebuild a table that others
    # reference, https://sqlite.org/lang_altertable.html#otheralter) and checked before each
    # commit instead, so no migration can leave a row pointing nowhere.
    conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before BEGIN
    try:
        while schema_version(conn) < len(pending):
            conn.execute("BEGIN IMMEDIATE")
            # Read again under the write lock: another process may have migrated meanwhile.
            current = schema_version(conn)
            if current >= len(pending):
                conn.execute("COMMIT")
                break
            migration = pending[current]
            try:
                for statement in split_statements(migration.sql):
                    conn.execute(statement)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(
                        f"migration {migration.version:03d} of {path} would leave {len(broken)} "
                        f"row{'s' if len(broken) != 1 else ''} pointing nowhere (in "
                        f"{broken[0][0]}); nothing changed"
                    )
                conn.execute(f"PRAGMA user_version = {migration.version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def split_statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements
