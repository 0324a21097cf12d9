"""Writing the files the bot makes for its operator: private (0600), whole, never over another."""

from __future__ import annotations

import os
from pathlib import Path


def write_private_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path`, readable by its owner only; all of it or nothing.

    The text goes to a temporary file beside `path` first. Without `force` it is then linked
    into place, which fails (FileExistsError) if the name is taken, even by a file that
    appears meanwhile; with `force` it replaces what is there.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
