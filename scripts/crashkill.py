"""Crash safety: kill a writer with SIGKILL at random moments; every acknowledged write must survive.

    python scripts/crashkill.py --kills 300        # the long run; prints what it found

A writer subprocess adds updates through the store and prints each id once add_entry has
returned (the commit is durable). After every kill the database must pass integrity_check,
hold every acknowledged id, and have no half-written update: each keeps its person, its
source and its audit row. Exits 1 on the first violation.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bot.config import DEFAULT_STORY_PATH
from bot.models import Cursor, TimelineFilters
from bot.store import open_store
from bot.story import load_story

GUILD = 222_222_222_222_222_222


async def write_forever(path: Path) -> None:
    store = await open_store(path, load_story(DEFAULT_STORY_PATH))
    person = store.people[0].id
    n = 0
    while True:
        n += 1
        entry = (
            await store.add_entry(
                GUILD,
                42,
                day=date(2024, 5, 17),
                precision="day",
                headline=f"update {n}",
                body=f"body {n} " * 20,
                person_ids=[person],
                source_url=f"https://example.com/{n}",
            )
        ).entry
        print(entry.id, flush=True)


async def verify(path: Path, acknowledged: set[int]) -> str | None:
    """The first problem found, or None."""
    store = await open_store(path)
    try:
        report = await store.check()
        if report.integrity != "ok":
            return f"integrity_check: {report.integrity}"
        page = await store.timeline(GUILD, TimelineFilters(), Cursor(), 1_000_000)
        entries = {e.id: e for e in page.items if not e.shipped}
        lost = acknowledged - set(entries)
        if lost:
            return f"acknowledged but missing: {sorted(lost)[:10]}"
        half = [e.id for e in entries.values() if len(e.people) != 1 or len(e.sources) != 1]
        if half:
            return f"entries without their people or sources: {half[:10]}"
        audited = {r.target_id for r in (await store.history(GUILD, None, 0, 1_000_000)).items}
        unaudited = set(entries) - audited
        if unaudited:
            return f"entries without an audit row: {sorted(unaudited)[:10]}"
    finally:
        await store.close()
    return None


def kill_once(path: Path, rng: random.Random, acknowledged: set[int]) -> None:
    writer = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    first = writer.stdout.readline()  # wait until it is writing
    time.sleep(rng.uniform(0.0, 0.15))
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate()
    for line in [first, *rest.splitlines()]:
        if line.strip():
            acknowledged.add(int(line))


def run(kills: int, seed: int, folder: Path) -> int:
    rng = random.Random(seed)
    path = folder / "crash.db"
    acknowledged: set[int] = set()
    for n in range(1, kills + 1):
        kill_once(path, rng, acknowledged)
        problem = asyncio.run(verify(path, acknowledged))
        if problem:
            print(f"FAILED after kill {n}: {problem}")
            return 1
    print(f"{kills} kills, {len(acknowledged)} acknowledged writes, all present; integrity ok")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        asyncio.run(write_forever(args.writer))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        return run(args.kills, args.seed, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
