"""One database, measured in a process of its own so its peak RSS is its own.

Run by bench.py as `python benchmarks/bench_worker.py --db FILE --calls N ... --out FILE`; writes
its figures as JSON. The measured bot is the real one (create_bot) driven through SimCord, beside
its floors (bench_bot.py). With --reads-only it times the read commands alone, from --guild.
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

from bot import create_bot
from bot.config import Settings
from bot.models import Cursor, SeenMarks, TimelineFilters
from bot.pagers import SEARCH_PER_PAGE, TIMELINE_PER_PAGE, WHATS_NEW_PER_PAGE
from bot.people import autocomplete as people_autocomplete
from bot.search_terms import search_terms
from bot.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bot import BenchBot, Payload, StampedRequests, floor_command, set_settle_poll
from bench_data import BENCH_GUILD_ID

PERSON = "leike"
SINCE, UNTIL = "2024-01-01", "2024-05-17"  # part of the shipped story, and 4% of the rest
SEARCH = "safety"
ENTRY_ID = 1  # a shipped entry: every guild sees it
MODERATORS = 10  # /addupdate allows 5 a minute per moderator: rotate, and advance time per round
ADDUPDATE_PER_MINUTE = 5
THROUGHPUT_TASKS = 50
THROUGHPUT_WRITE_SHARE = 0.1
# The read commands as the member runs them: (command, options). The page turn comes apart.
READS: dict[str, tuple[str, dict]] = {
    "timeline": ("timeline", {}),
    "timeline_person": ("timeline", {"person": PERSON}),
    "timeline_since_until": ("timeline", {"since": SINCE, "until": UNTIL}),
    "search": ("search", {"query": SEARCH}),
    "quote": ("quote", {"person": PERSON}),
    "entry": ("entry", {"id": ENTRY_ID}),
    "people": ("people", {}),
    "about": ("about", {}),
}
TURN_LABELS = ("‹ Previous", "Next ›")  # back and forth between the last two timeline pages


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]  # nearest rank
    return {"median": statistics.median(ordered) * 1000, "p99": p99 * 1000}


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


async def measure_commands(
    settings: Settings, guild_id: int, calls: int, warmup: int, *, reads_only: bool = False
) -> tuple[dict, dict]:
    """Per action, the settled times (around each actor call) and the answered times."""
    store = await open_store(settings.database_path)
    try:
        async with simcord.run(BenchBot(settings, store), strict_sync=True) as env:
            return await _drive(env, guild_id, calls, warmup, reads_only)
    finally:
        await store.close()


async def _drive(
    env, guild_id: int, calls: int, warmup: int, reads_only: bool
) -> tuple[dict, dict]:
    # Settled time (the actor call) includes SimCord's settling after the bot is done; the
    # time of the bot's last REST call for an action is when the member would see the answer.
    requests = env.backend.http_requests = StampedRequests(env.backend.http_requests)
    guild = env.create_guild("Bench", id=guild_id)
    channel = guild.create_text_channel("general")
    member = guild.add_member(env.create_user("reader"))
    mods_role = guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    moderators = [
        guild.add_member(env.create_user(f"editor{i}"), roles=[mods_role])
        for i in range(MODERATORS)
    ]
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

    def turner(message) -> Callable[[], Awaitable[None]]:
        labels = list(TURN_LABELS)

        async def turn() -> None:
            label = labels[0]
            labels.reverse()
            _expect((await member.click(message, label=label)).acknowledged, label)

        return turn

    def read(command: str, **options) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            result = await member.slash(channel, command, **options)
            _expect(result.response is not None and result.response.embeds, (command, result))

        return run

    async def whatsnew() -> None:
        # Each round's /addupdate is new to the member, unless the page turns read it first.
        result = await member.slash(channel, "whatsnew")
        answer = result.response
        _expect(answer is not None and (answer.embeds or "Nothing new" in answer.content), result)

    async def noop_command() -> None:
        _expect((await member.slash(channel, "noop")).response is not None, "noop")

    def autocomplete(name: str, option: str, value: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            _expect(await member.autocomplete(channel, name, option, value), (name, value))

        return run

    # The page-turn target: a timeline message turned to its last page, then stepped back and forth.
    pager = (await member.slash(channel, "timeline")).response
    await member.click(pager, label="Last »")
    actions: dict[str, Callable[[], Awaitable[None]]] = {
        "noop": noop_command,
        "noop_autocomplete": autocomplete("noopac", "value", "x"),
        "whatsnew": whatsnew,
    }
    for name, (command, options) in READS.items():
        actions[name] = read(command, **options)
    actions["page_turn"] = turner(pager)
    if not reads_only:
        actions["quote_autocomplete"] = autocomplete("quote", "person", "lei")
        actions["addupdate"] = addupdate
        # Each floor answers with what its command answered, built before it is timed.
        for name, (_, options) in READS.items():
            await actions[name]()
            env.bot.floors[floor_command(name)] = Payload(requests[-1].json)
            actions[f"floor_{name}"] = read(floor_command(name), **options)
        for label in TURN_LABELS:  # the real turns start again from the page they start from
            await member.click(pager, label=label)
            env.bot.floor_turns[label] = Payload(requests[-1].json)
        env.bot.floors[floor_command("page_turn")] = env.bot.floor_turns[TURN_LABELS[-1]]
        floor_pager = (await member.slash(channel, floor_command("page_turn"))).response
        actions["floor_page_turn"] = turner(floor_pager)
        await _check_floors(env.bot, actions, requests)

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


async def _check_floors(bot: BenchBot, actions: dict, requests: list) -> None:
    """Each floor sends exactly what its command sent, page buttons renamed."""
    for read in (*READS, "page_turn"):
        await actions[f"floor_{read}"]()
        expected = bot.floors[floor_command(read)]
        if read == "page_turn":
            expected = bot.floor_turns[TURN_LABELS[0]]
        _expect(requests[-1].json == expected.json, (read, requests[-1].json, expected.json))
    await actions["floor_page_turn"]()  # back on the page the floor's turns start from


def _expect(condition, what) -> None:
    if not condition:
        raise RuntimeError(f"benchmark action did not get the expected answer: {what!r}")


async def measure_sql_floor(path: Path, calls: int, warmup: int) -> dict[str, list[float]]:
    """The store's own methods (its public interface), one call at a time: no Discord, no SimCord."""
    store = await open_store(path)
    try:
        leike = next(p for p in store.people if p.slug == PERSON)
        involved = [p.id for p in store.people if p.slug in ("leike", "altman")]
        scope = BENCH_GUILD_ID

        def timeline(filters: TimelineFilters, cursor: Cursor | None = None) -> Awaitable[object]:
            return store.timeline(scope, filters, cursor or Cursor(), TIMELINE_PER_PAGE)

        # The last two pages, as the clicks reach them: the last from the end, the one before
        # it from the last page's first entry (the cursor a "Previous" button carries).
        last_page = await timeline(TimelineFilters(), Cursor(from_end=True))
        first_of_last = last_page.items[0]
        deep_cursors = [
            Cursor(from_end=True),
            Cursor(before=(first_of_last.date, first_of_last.id)),
        ]
        since_until = TimelineFilters(
            since=date.fromisoformat(SINCE), until=date.fromisoformat(UNTIL)
        )

        async def page_turn() -> object:
            deep_cursors.reverse()  # back and forth between the last two pages, like the clicks
            return await timeline(TimelineFilters(), deep_cursors[0])

        async def addupdate() -> None:
            await store.add_entry(
                scope, 1, day=date(2024, 5, 20), precision="day", headline="Benchmark",
                body=f"Benchmark update {time.perf_counter()}", person_ids=involved,
                source_url="https://example.com/bench",
            )  # fmt: skip
            await store.guild_settings(scope)  # the announcement's updates channel

        # A member who last looked 20 entries and 5 quotes ago.
        now = (await store.whats_new(scope, 1, WHATS_NEW_PER_PAGE)).upto
        missed = (SeenMarks(now.entry_id - 20, now.quote_id - 5, now.text_edit), now)

        async def autocomplete() -> object:
            # No SQL: people are kept in memory. This is the name matching alone.
            return people_autocomplete(store.people, "lei")

        statements: dict[str, Callable[[], Awaitable[object]]] = {
            "timeline": lambda: timeline(TimelineFilters()),
            "timeline_person": lambda: timeline(TimelineFilters(person_id=leike.id)),
            "timeline_since_until": lambda: timeline(since_until),
            "search": lambda: store.search(scope, search_terms(SEARCH), 0, SEARCH_PER_PAGE),
            "quote": lambda: store.quote_at(scope, leike.id, 0),
            "entry": lambda: store.entry(scope, ENTRY_ID),
            "people": lambda: store.people_stats(scope),
            "about": lambda: store.counts(scope),
            "page_turn": page_turn,
            "whatsnew": lambda: store.whats_new(scope, 1, WHATS_NEW_PER_PAGE, 0, missed),
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
        await store.close()


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
    if args.reads_only:
        commands, answered = await measure_commands(
            settings, args.guild, args.calls, args.warmup, reads_only=True
        )
        return {
            "commands_ms": {name: percentiles(s) for name, s in commands.items()},
            "answered_ms": {name: percentiles(s) for name, s in answered.items()},
        }
    startups = await measure_startup(settings, args.starts)
    rss_ready = peak_rss_mb()  # before SimCord accumulates the benchmark's messages and logs
    commands, answered = await measure_commands(settings, args.guild, args.calls, args.warmup)
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
    parser.add_argument("--guild", type=int, default=BENCH_GUILD_ID)
    parser.add_argument("--reads-only", action="store_true")
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--floor-calls", type=int, default=0)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--starts", type=int, default=0)
    parser.add_argument("--throughput-seconds", type=float, default=0.0)
    parser.add_argument("--settle-poll", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(asyncio.run(run(args))), encoding="utf-8")


if __name__ == "__main__":
    main()
