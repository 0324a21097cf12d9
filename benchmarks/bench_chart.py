"""What the timeline picture costs: 100 events, drawn and served; prints figures, asserts nothing.

    python benchmarks/bench_chart.py            # 20 runs of each
    python benchmarks/bench_chart.py --runs 3   # a quick look

"draw" is what the worker thread does (layout, drawing, PNG encoding); "served" adds the
store reads, from a database with 100 events in one guild, as /timeline view:chart does when
nothing is cached; "cached" is the same request when the picture is kept. The first draw in
a process also loads the fonts (and imports matplotlib to find them): shown apart as "cold".
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bot.charts import render  # noqa: E402
from bot.charts.cache import RenderCache  # noqa: E402
from bot.config import DEFAULT_STORY_PATH  # noqa: E402
from bot.models import Cursor, TimelineFilters  # noqa: E402
from bot.pagers import TimelineState  # noqa: E402
from bot.store import Store, open_store  # noqa: E402
from bot.story import load_story  # noqa: E402
from bot.timeline_chart import TimelineCharts  # noqa: E402

EVENTS = 100
GUILD = 123456789012345678
TARGET_MS = 300


async def build_store(folder: Path) -> Store:
    """The shipped story plus a guild's own events, 100 in all, several a day like real news."""
    story = load_story(DEFAULT_STORY_PATH)
    store = await open_store(folder / "chart.db", story)
    headlines = [e.headline for e in story.entries]
    people = [p.id for p in store.people]
    for n in range(EVENTS - len(story.entries)):
        await store.add_entry(
            GUILD,
            None,
            day=date(2024, 5, 19) + timedelta(days=n // 4),
            precision="month" if n % 29 == 0 else "day",
            headline=f"{headlines[n % len(headlines)]} ({n})",
            body="A server's own follow-up.",
            person_ids=people[n % len(people) : n % len(people) + 1 + n % 3],
            source_url=None,
        )
    return store


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f}"


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = await build_store(Path(folder))
        try:
            page = await store.timeline(GUILD, TimelineFilters(), Cursor(), 200)
            assert page.total == EVENTS, page.total
            args = (page.items, page.total, page.exact, "Timeline · 100 events", "", store.people)

            started = time.perf_counter()
            png = render.timeline_png(*args)
            cold = time.perf_counter() - started
            draws = []
            for _ in range(runs):
                started = time.perf_counter()
                render.timeline_png(*args)
                draws.append(time.perf_counter() - started)

            served, cached = [], []
            charts = TimelineCharts()
            for _ in range(runs):
                charts.cache = RenderCache()  # nothing kept: the full cost
                started = time.perf_counter()
                await charts.picture(store, GUILD, TimelineState())
                served.append(time.perf_counter() - started)
                started = time.perf_counter()
                await charts.picture(store, GUILD, TimelineState())
                cached.append(time.perf_counter() - started)
        finally:
            await store.close()

    print(
        f"Timeline picture of {EVENTS} events ({len(png):,} bytes of PNG), median of {runs} runs:"
    )
    print(
        f"  draw (layout, drawing, PNG): {median_ms(draws)} ms   (cold, first in the process: {cold * 1000:.0f} ms)"
    )
    print(f"  served, nothing cached:      {median_ms(served)} ms")
    print(f"  served from the cache:       {median_ms(cached)} ms")
    verdict = "met" if statistics.median(served) * 1000 <= TARGET_MS else "MISSED"
    print(f"Target: at most {TARGET_MS} ms for {EVENTS} events: {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args().runs))
