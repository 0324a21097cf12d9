"""Worst-case searches: a corpus of hard queries, and a contention run; prints nothing, writes JSON.

Run by bench.py as `python benchmarks/bench_search.py --db FILE --reps N --calls N --out FILE`
on a copy of the largest database. Both call the store through its public interface
(Store.search), so they measure whichever search the store has.

- Corpus: each query, once to warm up and then `reps` times, in the benchmarked guild (which
  holds half of the entries). A query the store refuses counts with its time and its message.
- Contention: another guild's member runs /timeline through the real bot in SimCord, first
  alone, then with 8 corpus searches always in flight in the benchmarked guild. SimCord actors
  cannot act at once, so the searches are the store's, started beside the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import simcord

from bot.config import Settings
from bot.pagers import SEARCH_PER_PAGE, SearchState
from bot.store import Store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bot import BenchBot, StampedRequests, set_settle_poll
from bench_data import BENCH_GUILD_ID, OTHER_GUILD_IDS

_LETTERS = string.ascii_lowercase * 3
# The worst cases the issue names: stop words, repeated words, one-letter words, prefixes, OR.
CORPUS = {
    "a stop word": "the",
    "stop words only": "the of and to a in that it is was for on",
    "one word 8 times": " ".join(["safety"] * 8),
    "a stop word 15 times": " ".join(["the"] * 15),
    "30 one-letter words": " ".join(_LETTERS[:30]),
    "60 one-letter words": " ".join(_LETTERS[:60]),  # longer than /search takes: the store alone
    "one-letter prefix": "s*",
    "four one-letter prefixes": "s* t* a* o*",
    "OR chain": " OR ".join(["safety", "openai", "altman", "leike", "team", "said", "the"]),
    "26-term OR chain": " OR ".join(_LETTERS[:26]),  # the store alone
    "phrases of stop words": '"of the" "in the" "to the" "and the"',
    "NEAR of stop words": "NEAR(the of and, 10)",
    "the most common name": "OpenAI",
}
SEARCHES_IN_FLIGHT = 8
OTHER_GUILD_ID = OTHER_GUILD_IDS[0]


def summary(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "median": statistics.median(ordered) * 1000,
        "p99": ordered[max(0, -(-99 * len(ordered) // 100) - 1)] * 1000,
        "max": ordered[-1] * 1000,
    }


async def search_once(store: Store, query: str) -> str:
    """One search in the benchmarked guild; what it answered, in a few words."""
    try:
        found = await store.search(BENCH_GUILD_ID, query, 0, SEARCH_PER_PAGE)
    except Exception as refused:  # the store may answer a query with a sentence instead
        return f"{type(refused).__name__}: {str(refused)[:80]}"
    return f"{found.total:,}{'' if found.exact else '+'} matches"


async def measure_corpus(store: Store, reps: int, budget_s: float) -> dict[str, dict]:
    figures = {}
    deadline = time.perf_counter() + budget_s
    for name, query in CORPUS.items():
        await search_once(store, query)  # warm-up
        samples, outcome = [], ""
        for _ in range(reps):
            started = time.perf_counter()
            outcome = await search_once(store, query)
            samples.append(time.perf_counter() - started)
            if time.perf_counter() > deadline:
                break  # the slowest queries get fewer repetitions, never none
        figures[name] = {"query": query, "ms": summary(samples), "outcome": outcome}
    return figures


async def measure_contention(settings: Settings, calls: int, budget_s: float) -> dict:
    store = await open_store(settings.database_path)
    try:
        async with simcord.run(BenchBot(settings, store), strict_sync=True) as env:
            requests = env.backend.http_requests = StampedRequests(env.backend.http_requests)
            guild = env.create_guild("Neighbour", id=OTHER_GUILD_ID)
            channel = guild.create_text_channel("general")
            member = guild.add_member(env.create_user("reader"))

            async def timelines(count: int, deadline: float) -> tuple[list[float], list[float]]:
                settled, answered = [], []
                for _ in range(count):
                    started = time.perf_counter()
                    result = await member.slash(channel, "timeline")
                    settled.append(time.perf_counter() - started)
                    answered.append(requests.last_at - started)
                    if not (result.response and result.response.embeds):
                        raise RuntimeError(f"/timeline did not answer with a page: {result!r}")
                    if time.perf_counter() > deadline:
                        break
                return settled, answered

            await timelines(5, float("inf"))  # warm-up
            idle = await timelines(calls, float("inf"))
            queries = [q for q in CORPUS.values() if len(q) <= SearchState.QUERY_MAX]
            stop = asyncio.Event()
            done = 0

            async def searcher(first: int) -> None:
                nonlocal done
                turn = first
                while not stop.is_set():
                    await search_once(store, queries[turn % len(queries)])
                    done += 1
                    turn += 1
                    await asyncio.sleep(0)  # a search refused at once must not hold the loop

            searchers = [asyncio.create_task(searcher(i)) for i in range(SEARCHES_IN_FLIGHT)]
            started = time.perf_counter()
            try:
                await asyncio.sleep(0.05)  # let every search reach the store first
                loaded = await timelines(calls, time.perf_counter() + budget_s)
            finally:
                stop.set()
                await asyncio.gather(*searchers)
            elapsed = time.perf_counter() - started
            if env.errors:
                raise RuntimeError(f"the bot failed during the contention run: {env.errors!r}")
    finally:
        await store.close()
    return {
        "idle_settled_ms": summary(idle[0]),
        "idle_answered_ms": summary(idle[1]),
        "loaded_settled_ms": summary(loaded[0]),
        "loaded_answered_ms": summary(loaded[1]),
        "loaded_calls": len(loaded[1]),
        "searches": done,
        "searches_per_s": done / elapsed,
    }


async def run(args: argparse.Namespace) -> dict:
    set_settle_poll(args.settle_poll)
    store = await open_store(args.db)
    try:
        corpus = await measure_corpus(store, args.reps, args.budget)
    finally:
        await store.close()
    contention = await measure_contention(Settings(database_path=args.db), args.calls, args.budget)
    return {"corpus": corpus, "contention": contention}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--reps", type=int, required=True)
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--budget", type=float, required=True, help="seconds for each half")
    parser.add_argument("--settle-poll", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(asyncio.run(run(args))), encoding="utf-8")


if __name__ == "__main__":
    main()
