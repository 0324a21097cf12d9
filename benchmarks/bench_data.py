"""Benchmark databases of N entries, written through the Store API and cached by layout and size
outside the repo.

Layouts: "guild" puts half of the entries in the benchmarked guild and the rest in nine others;
"neighbours" spreads them all over 1,000 other guilds, so the benchmarked guild (and FRESH_GUILD_ID)
holds none; "story" is the shipped story alone (size 0).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import re
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bot.config import DEFAULT_STORY_PATH
from bot.store import SqliteStore
from bot.story import load_story

# The guild the benchmark's member sits in, and nine others whose rows its queries must skip.
# Fixed snowflakes, so the SimCord guild can be created with the id the data was written under.
BENCH_GUILD_ID = 1_240_000_000_000_000_001
OTHER_GUILD_IDS = tuple(BENCH_GUILD_ID + i for i in range(1, 10))
# The "neighbours" layout: every entry in one of these, none in the benchmarked guild.
NEIGHBOUR_GUILD_IDS = tuple(BENCH_GUILD_ID + 1_000 + i for i in range(1_000))
FRESH_GUILD_ID = BENCH_GUILD_ID + 999  # holds nothing in any layout: a server that just joined
LAYOUTS = ("guild", "neighbours", "story")
# Half of the entries belong to the benchmarked guild, so its timeline grows with the database.
BENCH_GUILD_SHARE = 0.5
QUOTES_PER_ENTRY = 0.25  # the shipped story has about one quote per entry; guild additions fewer
SOURCES_PER_ENTRY = 0.1  # distinct source URLs, reused across entries like real outlets
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2024, 12, 31)
ROOT = Path(__file__).resolve().parent.parent
ARTICLE_PATH = ROOT / "data" / "article.txt"
_WORDS = re.findall(r"[\w’'-]+|[.,;:]", ARTICLE_PATH.read_text(encoding="utf-8"))


def default_cache_dir() -> Path:
    return Path(os.environ.get("STORYBOT_BENCH_CACHE") or tempfile.gettempdir()) / "storybot-bench"


def data_key() -> str:
    """Changes whenever the schema, the story or this generator does, so stale caches are unused."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(DEFAULT_STORY_PATH.read_bytes())
    for sql in sorted((ROOT / "bot" / "store" / "migrations").glob("*.sql")):
        digest.update(sql.read_bytes())
    return digest.hexdigest()[:12]


def cached_database(size: int, cache_dir: Path, layout: str = "guild") -> tuple[Path, float | None]:
    """The database of `size` entries laid out as `layout`, built if missing; returns it and the
    build time (None: cached)."""
    if layout not in LAYOUTS or (layout == "story") != (size == 0):
        raise ValueError(f"no {layout!r} layout of {size} entries")
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = f"entries-{size}" if layout == "guild" else f"{layout}-{size}"
    path = cache_dir / f"{name}-{data_key()}.db"
    if path.exists():
        return path, None
    for stale in cache_dir.glob(f"{name}-*.db"):
        stale.unlink()  # built by an older schema, story or generator
    partial = path.with_suffix(f".{os.getpid()}.building")
    started = time.perf_counter()
    try:
        asyncio.run(build(partial, size, layout))
    except BaseException:
        for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    elapsed = time.perf_counter() - started
    partial.replace(path)  # atomic: a killed build never leaves a half-made cache entry
    return path, elapsed


def working_copy(cached: Path, folder: Path) -> Path:
    """A copy to write to (/addupdate and the throughput test add rows); the cache stays pristine."""
    target = folder / cached.name
    shutil.copyfile(cached, target)
    return target


def _phrase(rng: random.Random, low: int, high: int) -> str:
    # Consecutive words of the source article: realistic vocabulary and word frequencies for FTS.
    length = rng.randint(low, high)
    start = rng.randrange(len(_WORDS) - length)
    return re.sub(r" ([.,;:])", r"\1", " ".join(_WORDS[start : start + length]))


def _guild(rng: random.Random, layout: str) -> int:
    if layout == "neighbours":
        return rng.choice(NEIGHBOUR_GUILD_IDS)
    return BENCH_GUILD_ID if rng.random() < BENCH_GUILD_SHARE else rng.choice(OTHER_GUILD_IDS)


def _day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


async def build(path: Path, size: int, layout: str = "guild") -> None:
    """Seed the shipped story, then add `size` entries and size/4 quotes with the Store's own writes.

    People cannot be added through the Store API (they ship with the story), so "proportionate
    people" means every entry and quote references the existing people, spread evenly.
    """
    rng = random.Random(size)
    # A cache file is disposable: skip the per-commit fsync the bot keeps (synchronous=FULL).
    # This changes durability only; every row still goes through the Store's writes.
    store = await SqliteStore.open(
        path,
        load_story(DEFAULT_STORY_PATH),
        on_connect=lambda conn: conn.execute("PRAGMA synchronous = OFF"),
    )
    try:
        person_ids = [p.id for p in store.people]
        urls = [
            f"https://news{i}.example.com/story/{i}"
            for i in range(max(1, int(size * SOURCES_PER_ENTRY)))
        ]
        for _ in range(size):
            await store.add_entry(
                _guild(rng, layout),
                rng.randrange(10**17, 10**18),
                day=_day(rng),
                precision="month" if rng.random() < 0.1 else "day",
                headline=_phrase(rng, 4, 12)[:120],
                body=_phrase(rng, 15, 80),
                person_ids=rng.sample(person_ids, rng.randint(1, 3)),
                source_url=rng.choice(urls) if rng.random() < 0.9 else None,
            )
        for _ in range(int(size * QUOTES_PER_ENTRY)):
            await store.add_quote(
                _guild(rng, layout),
                rng.randrange(10**17, 10**18),
                person_id=rng.choice(person_ids),
                text=_phrase(rng, 8, 40),
                day=_day(rng),
                context=_phrase(rng, 3, 10),
                source_url=rng.choice(urls),
            )
    finally:
        await store.close()
