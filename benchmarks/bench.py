"""Latency, throughput, startup and memory of the bot at several database sizes; prints figures.

    python benchmarks/bench.py                  # 1,000 / 10,000 / 100,000 entries, 200 calls each
    python benchmarks/bench.py --quick          # 200 / 1,000 / 2,000 entries, 30 calls each
    python benchmarks/bench.py --sizes 500,5000 --calls 100 --json figures.json

--quick also makes fewer warm-up rounds (3, not 10), bot starts (2, not 5), seconds of
concurrent store load (0.5, not 3) and repetitions of the searches; it runs in under 30 seconds.

Each database is generated once through the Store API and cached outside the repo
($STORYBOT_BENCH_CACHE or the system temp folder, then storybot-bench/; or --cache-dir), keyed
by layout, size and a hash of the schema, the story and the generator. Each is then measured in
a process of its own (bench_worker.py, bench_search.py), on a copy of that file, so its peak
RSS is its own. Beside the sizes, the run measures:
- Floors: a no-op command and autocomplete, and for every read command an equal-payload floor,
  a command that answers with the very embeds and buttons the read sent, prepared in advance
  (bench_bot.py): what discord.py and SimCord need to deliver that answer.
- Neighbours: the read commands in a guild with no entries, on a database holding the shipped
  story alone and on one where 1,000 other guilds hold as many entries as the largest size.
- Worst-case searches (bench_search.py), at the largest size: a corpus of hard queries through
  Store.search, and another guild's /timeline while 8 of them are always in flight.

Latency is reported two ways. "Settled" is time.perf_counter around each SimCord actor call;
it includes SimCord settling the loop after the bot is done, which costs an action whose
handler never awaits real I/O (the no-op floors, autocomplete) about one settle poll more than
one that awaits the store. "Answered" stops at the bot's last REST call for the action: when
the member would see the reply. Each target says which it is judged on, with the other beside
it. A report, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_data import (  # noqa: E402
    FRESH_GUILD_ID,
    NEIGHBOUR_GUILD_IDS,
    cached_database,
    default_cache_dir,
    working_copy,
)
from bench_report import print_table  # noqa: E402
from bench_targets import check_targets, print_targets  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000, 2_000)


class Run(NamedTuple):
    calls: int  # through the bot, per command and size
    floor_calls: int  # of the store alone: its median settles fast, and at 100,000 entries
    # each round of it costs as much as a round through the bot
    warmup: int  # rounds
    starts: int  # bot starts
    load_seconds: float  # of concurrent store load
    neighbour_calls: int  # per read command, on each of the two neighbours databases
    corpus_reps: int  # per worst-case query
    contention_calls: int  # of /timeline, idle and under load
    search_budget_s: float  # at most, for the corpus and for the run under load


FULL_RUN = Run(200, 50, 10, 5, 3.0, 100, 5, 40, 20.0)
QUICK_RUN = Run(30, 30, 3, 2, 0.5, 20, 2, 8, 2.0)
SETTLE_POLL_S = 0.001


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive entry counts, e.g. 1000,10000")
    return sizes


def run_worker(script: str, cached: Path, options: list[str]) -> dict:
    """`script` on a copy of `cached`, in a process of its own; returns the figures it wrote."""
    with tempfile.TemporaryDirectory(prefix="storybot-bench-") as folder:
        db = working_copy(cached, Path(folder))
        out = Path(folder) / "figures.json"
        command = [sys.executable, str(HERE / script), f"--db={db}", f"--out={out}", *options]
        subprocess.run(command, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def measure_size(cached: Path, run: Run, settle_poll: float) -> dict:
    return run_worker(
        "bench_worker.py",
        cached,
        [
            f"--calls={run.calls}",
            f"--floor-calls={run.floor_calls}",
            f"--warmup={run.warmup}",
            f"--starts={run.starts}",
            f"--throughput-seconds={run.load_seconds}",
            f"--settle-poll={settle_poll}",
        ],
    )


def measure_neighbours(cached: Path, run: Run, settle_poll: float) -> dict:
    """The read commands alone, from a guild that has no entries."""
    return run_worker(
        "bench_worker.py",
        cached,
        [
            "--reads-only",
            f"--guild={FRESH_GUILD_ID}",
            f"--calls={run.neighbour_calls}",
            f"--warmup={run.warmup}",
            f"--settle-poll={settle_poll}",
        ],
    )


def measure_searches(cached: Path, run: Run, settle_poll: float) -> dict:
    return run_worker(
        "bench_search.py",
        cached,
        [
            f"--reps={run.corpus_reps}",
            f"--calls={run.contention_calls}",
            f"--budget={run.search_budget_s}",
            f"--settle-poll={settle_poll}",
        ],
    )


def by_size(sizes: list[int], figures: dict[int, dict], key: str, names: list[str]) -> dict:
    return {n: {str(s): figures[s][key][n] for s in sizes} for n in names}


def collect(sizes: list[int], figures: dict[int, dict], builds: dict[int, float | None]) -> dict:
    """The documented JSON shape; the no-op floors are those measured beside the largest size."""
    largest = figures[sizes[-1]]
    names = list(largest["commands_ms"])
    floors = [n for n in names if n.startswith("floor_")]
    commands = [n for n in names if not n.startswith(("noop", "floor_"))]
    reads = [f.removeprefix("floor_") for f in floors]
    return {
        "sizes": sizes,
        "noop_ms": largest["commands_ms"]["noop"],
        "noop_autocomplete_ms": largest["commands_ms"]["noop_autocomplete"],
        "commands": by_size(sizes, figures, "commands_ms", commands),
        "sql_floor_ms": by_size(sizes, figures, "sql_floor_ms", commands),
        "startup_s": {str(s): figures[s]["startup_s"] for s in sizes},
        "rss_mb": {str(s): figures[s]["rss_mb"] for s in sizes},
        "rss_ready_mb": {str(s): figures[s]["rss_ready_mb"] for s in sizes},
        "store_ops_per_s": {str(s): figures[s]["store_ops_per_s"] for s in sizes},
        # Beyond the documented keys: the floors at every size, and how the run was made.
        "noop_ms_by_size": {str(s): figures[s]["commands_ms"]["noop"] for s in sizes},
        "noop_autocomplete_ms_by_size": {
            str(s): figures[s]["commands_ms"]["noop_autocomplete"] for s in sizes
        },
        "answered_ms": by_size(sizes, figures, "answered_ms", names),
        "payload_floor_ms": {
            r: {str(s): figures[s]["commands_ms"][f"floor_{r}"] for s in sizes} for r in reads
        },
        "payload_floor_answered_ms": {
            r: {str(s): figures[s]["answered_ms"][f"floor_{r}"] for s in sizes} for r in reads
        },
        "first_startup_s": {str(s): figures[s]["startup_first_s"] for s in sizes},
        "build_s": {str(s): builds[s] for s in sizes},
        "settle_poll_s": largest["settle_poll_s"],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer calls")
    parser.add_argument("--sizes", type=parse_sizes, help="comma-separated entry counts")
    parser.add_argument("--calls", type=int, help="timed calls per command (default 200, quick 30)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--cache-dir", type=Path, default=default_cache_dir(), help="where built databases are kept"
    )
    parser.add_argument(
        "--settle-poll",
        type=float,
        default=SETTLE_POLL_S,
        help="SimCord's settle polling interval in seconds (its own default is 0.05; see bench_bot)",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    run = QUICK_RUN if args.quick else FULL_RUN
    if args.calls:
        run = run._replace(calls=args.calls, floor_calls=min(run.floor_calls, args.calls))

    started = time.perf_counter()
    figures, builds = {}, {}
    for size in sizes:
        cached, builds[size] = database(size, "guild", args.cache_dir)
        figures[size] = measure_size(cached, run, args.settle_poll)
    result = collect(sizes, figures, builds)
    result["calls"], result["sql_floor_calls"] = run.calls, run.floor_calls

    largest = sizes[-1]
    story, _ = database(0, "story", args.cache_dir)
    neighbours, _ = database(largest, "neighbours", args.cache_dir)
    result["neighbours"] = {
        "entries": largest,
        "guilds": len(NEIGHBOUR_GUILD_IDS),
        "calls": run.neighbour_calls,
        "story_only": measure_neighbours(story, run, args.settle_poll),
        "with_neighbours": measure_neighbours(neighbours, run, args.settle_poll),
    }
    print(f"{largest:>9,} entries (guild): worst-case searches, contention…", file=sys.stderr)
    searches = measure_searches(cached_database(largest, args.cache_dir)[0], run, args.settle_poll)
    result["search_corpus"], result["contention"] = searches["corpus"], searches["contention"]
    result["targets"] = check_targets(result)
    result["run_s"] = time.perf_counter() - started

    print_table(result)
    print()
    print_targets(result["targets"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def database(size: int, layout: str, cache_dir: Path) -> tuple[Path, float | None]:
    cached, built = cached_database(size, cache_dir, layout)
    how = "cached" if built is None else f"built in {built:.1f} s"
    what = f"{size:>9,} entries ({layout})"
    print(f"{what}: database {how}; measuring…", file=sys.stderr, flush=True)
    return cached, built


if __name__ == "__main__":
    main()
