"""Files the bot writes (database, backups, exports): readable only by the bot's user, never
over the database in use, over another file only when asked, and never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE_MODE = 0o600
# SQLite keeps these next to the database: writing over one is writing over the database.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class WriteRefused(Exception):
    """A write the operator has to ask for differently; the message names the file."""


def create_private(path: Path) -> None:
    """Create an empty file only its owner may read and write; FileExistsError if one is there."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE))


def check_destination(destination: Path, database: Path, *, force: bool) -> None:
    """Refuse, in one sentence, to write `destination` over the database or an unasked-for file."""
    if is_database(destination, database):
        raise WriteRefused(
            f"{destination} is the database in use ({database}); write to another file"
        )
    if destination.is_dir():
        raise WriteRefused(f"{destination} is a folder; name a file to write")
    if (destination.exists() or destination.is_symlink()) and not force:
        raise WriteRefused(
            f"{destination} already exists; choose a new file name, or add --force to replace it"
        )
    if not destination.parent.is_dir():
        raise WriteRefused(f"cannot write {destination}: there is no folder {destination.parent}")


def is_database(path: Path, database: Path) -> bool:
    """Whether `path` names the database or a file SQLite keeps beside it (by any path or link)."""
    for candidate in (database, *(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS)):
        if path.resolve() == candidate.resolve():
            return True
        with contextlib.suppress(OSError):  # either one missing: not the same file
            if os.path.samefile(path, candidate):
                return True
    return False


@contextlib.contextmanager
def written_atomically(destination: Path) -> Iterator[Path]:
    """A new private file beside `destination`, renamed over it when the block succeeds.

    On any failure it is removed, so a full disk or an error half-way leaves no file that
    looks complete, and the file it would have replaced is untouched.
    """
    handle, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
    )
    os.close(handle)  # mkstemp creates it 0600
    partial = Path(name)
    try:
        yield partial
        partial.replace(destination)
    except BaseException:
        # SQLite's rollback journal too, when the partial file is a database being copied.
        for leftover in (partial, Path(f"{partial}-journal")):
            with contextlib.suppress(OSError):  # the error being raised is the one to report
                leftover.unlink(missing_ok=True)
        raise
