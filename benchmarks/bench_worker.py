"""One database size, measured in a process of its own so its peak RSS is its own.

Run by bench.py as `python benchmarks/bench_worker.py --db FILE --calls N ... --out FILE`; writes
its figures as JSON. The measured bot is the real one (create_bot) driven through SimCord.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord
import simcord
from discord import app_commands

from bot import create_bot
from bot.app import StoryBot
from bot.config import Settings
from bot.fair_use import FairUse, Limit, RateLimiter
from bot.models import Cursor, TimelineFilters
from bot.pagers import SEARCH_PER_PAGE, TIMELINE_PER_PAGE
from bot.people import autocomplete as people_autocomplete
from bot.search_terms import search_terms
from bot.store import SearchBudget, Store, db, open_store, reads, searching, writes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_data import BENCH_GUILD_ID

PERSON = "leike"
SINCE, UNTIL = "2019-01-01", "2019-12-31"
SEARCH = "safety"
MODERATORS = 10  # /addupdate allows 5 a minute per moderator: rotate, and advance time per round
ADDUPDATE_PER_MINUTE = 5
THROUGHPUT_TASKS = 50
THROUGHPUT_WRITE_SHARE = 0.1


def set_settle_poll(seconds: float) -> None:
    """How often SimCord re-checks for finished work while settling after an action.

    SimCord's default (50 ms) is a polling interval, not bot work: any action whose handler never
    awaits real I/O (the no-op command, every autocomplete) pays one full interval, while one
    that awaits the store is woken as soon as it finishes. Left at 50 ms, the floors would
    measure SimCord's timer. A short interval bounds that artefact for every action alike.
    """
    from simcord.env import Env

    Env._settle_internal.__kwdefaults__["idle"] = seconds


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]  # nearest rank
    return {"median": statistics.median(ordered) * 1000, "p99": p99 * 1000}


# The floors: the cheapest command and autocomplete discord.py and SimCord can serve.


async def noop(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("ok")


async def noop_pick(interaction: discord.Interaction, value: str) -> None:
    await interaction.response.send_message("ok")


async def fixed_choice(interaction: discord.Interaction, current: str):
    return [app_commands.Choice(name="fixed", value="fixed")]


class BenchBot(StoryBot):
    """The real bot plus the two no-op commands, added before setup_hook syncs the tree.

    One member makes every call here, far faster than fair use allows: the limits are lifted,
    so the figures measure the commands (the limiter costs a dictionary lookup either way).
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        unlimited = Limit(uses=10**9, per_seconds=1)
        super().__init__(
            settings,
            store,
            fair_use=FairUse(
                reads=RateLimiter(unlimited),
                page_turns=RateLimiter(unlimited),
                searches=RateLimiter(unlimited),
            ),
        )
        self.tree.add_command(app_commands.Command(name="noop", description="n", callback=noop))
        pick = app_commands.Command(name="noopac", description="n", callback=noop_pick)
        pick.autocomplete("value")(fixed_choice)
        self.tree.add_command(pick)

    async def sync_commands(self, *, force: bool = False) -> bool:
        # A copied database may remember a sync SimCord's fresh backend never saw.
        return await super().sync_commands(force=True)


async def measure_startup(settings: Settings, starts: int) -> list[float]:
    """create_bot + SimCord start until READY, on the existing file (the first start also syncs)."""
    times = []
    for _ in range(starts):
        started = time.perf_counter()
        bot = create_bot(settings)
        async with simcord.run(bot, strict_sync=False):
            times.append(time.perf_counter() - started)
        await bot.store.close()  # SimCord never closes the bot
    return times


async def measure_commands(settings: Settings, calls: int, warmup: int) -> tuple[dict, dict]:
    """Per action, the settled times (around each actor call) and the answered times."""
    store = await open_store(settings.database_path)
    try:
        async with simcord.run(BenchBot(settings, store), strict_sync=True) as env:
            return await _drive(env, calls, warmup)
    finally:
        await store.close()


async def _drive(env, calls: int, warmup: int) -> tuple[dict, dict]:
    # Settled time (the actor call) includes SimCord's settling after the bot is done; the
    # time of the bot's last REST call for an action is when the member would see the answer.
    requests = env.backend.http_requests = _StampedRequests(env.backend.http_requests)
    guild = env.create_guild("Bench", id=BENCH_GUILD_ID)
    channel = guild.create_text_channel("general")
    member = guild.add_member(env.create_user("reader"))
    mods_role = guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    moderators = [
        guild.add_member(env.create_user(f"editor{i}"), roles=[mods_role])
        for i in range(MODERATORS)
    ]

    # The page-turn target: a timeline message turned to its last page, then stepped back and forth.
    first = await member.slash(channel, "timeline")
    pager = first.response
    await member.click(pager, label="Last »")
    turn_labels = ["‹ Previous", "Next ›"]
    posted = 0

    async def addupdate() -> None:
        nonlocal posted
        moderator = moderators[posted % MODERATORS]
        posted += 1
        result = await moderator.slash(
            channel,
            "addupdate",
            text=f"Benchmark update {posted}: the board met again about safety.",
            people="leike, altman",
            source="https://example.com/bench",
        )
        answers = [m.content for m in (result.response, *result.followups) if m is not None]
        _expect(any(a.startswith("Update #") for a in answers), result)

    async def page_turn() -> None:
        label = turn_labels[0]
        turn_labels.reverse()
        _expect((await member.click(pager, label=label)).acknowledged, label)

    async def read(name: str, **options) -> None:
        result = await member.slash(channel, name, **options)
        _expect(result.response is not None and result.response.embeds, (name, result))

    async def noop_command() -> None:
        _expect((await member.slash(channel, "noop")).response is not None, "noop")

    async def autocomplete(name: str, option: str, value: str) -> None:
        _expect(await member.autocomplete(channel, name, option, value), (name, value))

    actions: dict[str, Callable[[], Awaitable[None]]] = {
        "noop": noop_command,
        "noop_autocomplete": lambda: autocomplete("noopac", "value", "x"),
        "timeline": lambda: read("timeline"),
        "timeline_person": lambda: read("timeline", person=PERSON),
        "timeline_since_until": lambda: read("timeline", since=SINCE, until=UNTIL),
        "page_turn": page_turn,
        "search": lambda: read("search", query=SEARCH),
        "quote": lambda: read("quote", person=PERSON),
        "quote_autocomplete": lambda: autocomplete("quote", "person", "lei"),
        "addupdate": addupdate,
    }
    settled: dict[str, list[float]] = {name: [] for name in actions}
    answered: dict[str, list[float]] = {name: [] for name in actions}
    # Rounds, not one command after another, so slow drift (SimCord's growing message log,
    # the entries /addupdate adds) weighs on every command alike.
    for round_number in range(warmup + calls):
        if posted and posted % (MODERATORS * ADDUPDATE_PER_MINUTE) == 0:
            await env.advance_time(61)  # untimed: resets every moderator's cooldown
        for name, action in actions.items():
            calls_before = len(requests)
            started = time.perf_counter()
            await action()
            elapsed = time.perf_counter() - started
            if round_number >= warmup:
                settled[name].append(elapsed)
                called = len(requests) > calls_before
                answered[name].append(requests.last_at - started if called else elapsed)
    _expect(not env.errors, env.errors)
    return settled, answered


class _StampedRequests(list):
    """SimCord's log of the bot's REST calls, noting when the latest one arrived."""

    last_at = 0.0

    def append(self, item) -> None:
        self.last_at = time.perf_counter()
        super().append(item)


def _expect(condition, what) -> None:
    if not condition:
        raise RuntimeError(f"benchmark action did not get the expected answer: {what!r}")


async def measure_sql_floor(path: Path, calls: int, warmup: int) -> dict[str, list[float]]:
    """The store's own read and write functions on its connections: no Discord, no SimCord."""
    reader = await db.open_connection(path, read_only=True)
    writer = await db.open_connection(path, read_only=False)
    try:
        people = await reads.people(reader)
        by_id = {p.id: p for p in people}
        leike = next(p for p in people if p.slug == PERSON)
        scope = BENCH_GUILD_ID

        def timeline(filters: TimelineFilters, cursor: Cursor | None = None) -> Awaitable[object]:
            return reads.timeline(
                reader, by_id, scope, filters, cursor or Cursor(), TIMELINE_PER_PAGE
            )

        # The last two pages, as the clicks reach them: the last from the end, the one before
        # it from the last page's first entry (the cursor a "Previous" button carries).
        last_page = await reads.timeline(
            reader, by_id, scope, TimelineFilters(), Cursor(from_end=True), TIMELINE_PER_PAGE
        )
        first_of_last = last_page.items[0]
        deep_cursors = [
            Cursor(from_end=True),
            Cursor(before=(first_of_last.date, first_of_last.id)),
        ]
        since_until = TimelineFilters(
            since=date.fromisoformat(SINCE), until=date.fromisoformat(UNTIL)
        )
        involved = [p.id for p in people if p.slug in ("leike", "altman")]

        async def page_turn() -> object:
            deep_cursors.reverse()  # back and forth between the last two pages, like the clicks
            return await timeline(TimelineFilters(), deep_cursors[0])

        async def addupdate() -> None:
            await writes.add_entry(
                writer, by_id, scope, 1, date(2024, 5, 20), "day", "Benchmark",
                f"Benchmark update {time.perf_counter()}", involved, "https://example.com/bench",
            )  # fmt: skip
            await reads.guild_settings(reader, scope)  # the announcement's updates channel

        async def autocomplete() -> object:
            # No SQL: people are kept in memory. This is the name matching alone.
            return people_autocomplete(people, "lei")

        statements: dict[str, Callable[[], Awaitable[object]]] = {
            "timeline": lambda: timeline(TimelineFilters()),
            "timeline_person": lambda: timeline(TimelineFilters(person_id=leike.id)),
            "timeline_since_until": lambda: timeline(since_until),
            "page_turn": page_turn,
            "search": lambda: searching.search(
                reader, scope, search_terms(SEARCH), 0, SEARCH_PER_PAGE, SearchBudget.candidates
            ),
            "quote": lambda: reads.quote_at(reader, by_id, scope, leike.id, 0, None),
            "quote_autocomplete": autocomplete,
            "addupdate": addupdate,
        }
        samples: dict[str, list[float]] = {name: [] for name in statements}
        for round_number in range(warmup + calls):
            for name, run in statements.items():
                started = time.perf_counter()
                await run()
                elapsed = time.perf_counter() - started
                if round_number >= warmup:
                    samples[name].append(elapsed)
        return samples
    finally:
        await reader.close()
        await writer.close()


async def measure_throughput(path: Path, seconds: float) -> float:
    """Store ops/s with many tasks at once: 90% the reads commands make, 10% writes."""
    store = await open_store(path)
    try:
        by_slug = {p.slug: p.id for p in store.people}
        # /entry lookups by id in 1..visible: some ids are other guilds' and are refused, as in use.
        visible = (await store.counts(BENCH_GUILD_ID)).entries
        done = 0
        deadline = time.perf_counter() + seconds

        async def worker(seed: int) -> None:
            nonlocal done
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                pick = rng.random()
                if pick < THROUGHPUT_WRITE_SHARE * 0.7:
                    await store.add_entry(
                        BENCH_GUILD_ID, seed, day=date(2024, 5, 20), precision="day",
                        headline="Throughput", body="Concurrent write", person_ids=[by_slug[PERSON]],
                        source_url="https://example.com/throughput",
                    )  # fmt: skip
                elif pick < THROUGHPUT_WRITE_SHARE:
                    await store.add_quote(
                        BENCH_GUILD_ID, seed, person_id=by_slug[PERSON], text="Concurrent quote",
                        day=date(2024, 5, 20), context="", source_url=None,
                    )  # fmt: skip
                elif pick < 0.5:
                    await store.timeline(
                        BENCH_GUILD_ID, TimelineFilters(), Cursor(), TIMELINE_PER_PAGE
                    )
                elif pick < 0.65:
                    await store.search(BENCH_GUILD_ID, search_terms(SEARCH), 0, SEARCH_PER_PAGE)
                elif pick < 0.8:
                    await store.quote_at(BENCH_GUILD_ID, by_slug[PERSON], 0)
                elif pick < 0.95:
                    await store.entry(BENCH_GUILD_ID, rng.randint(1, max(1, visible)))
                else:
                    await store.guild_settings(BENCH_GUILD_ID)
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(THROUGHPUT_TASKS)))
        return done / (time.perf_counter() - started)
    finally:
        await store.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


async def run(args: argparse.Namespace) -> dict:
    set_settle_poll(args.settle_poll)
    settings = Settings(database_path=args.db)
    startups = await measure_startup(settings, args.starts)
    rss_ready = peak_rss_mb()  # before SimCord accumulates the benchmark's messages and logs
    commands, answered = await measure_commands(settings, args.calls, args.warmup)
    floor = await measure_sql_floor(args.db, args.floor_calls, args.warmup)
    ops = await measure_throughput(args.db, args.throughput_seconds)
    return {
        "startup_s": statistics.median(startups),
        "startup_first_s": startups[0],
        "commands_ms": {name: percentiles(s) for name, s in commands.items()},
        "answered_ms": {name: percentiles(s) for name, s in answered.items()},
        "sql_floor_ms": {name: percentiles(s) for name, s in floor.items()},
        "store_ops_per_s": ops,
        "rss_mb": peak_rss_mb(),
        "rss_ready_mb": rss_ready,
        "settle_poll_s": args.settle_poll,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--floor-calls", type=int, required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--starts", type=int, required=True)
    parser.add_argument("--throughput-seconds", type=float, required=True)
    parser.add_argument("--settle-poll", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(asyncio.run(run(args))), encoding="utf-8")


if __name__ == "__main__":
    main()
