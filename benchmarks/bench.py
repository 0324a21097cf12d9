"""Latency, throughput, startup and memory of the bot at several database sizes; prints figures.

    python benchmarks/bench.py                  # 1,000 / 10,000 / 100,000 entries, 200 calls each
    python benchmarks/bench.py --quick          # 200 / 1,000 / 2,000 entries, 30 calls each
    python benchmarks/bench.py --sizes 500,5000 --calls 100 --json figures.json

--quick also makes fewer warm-up rounds (3, not 10), bot starts (2, not 5) and seconds of
concurrent store load (0.5, not 3); it runs in well under 30 seconds.

Each size's database is generated once through the Store API and cached outside the repo
($STORYBOT_BENCH_CACHE or the system temp folder, then storybot-bench/; or --cache-dir), keyed
by size and by a hash of the schema, the story and the generator. Each size is then measured in
a process of its own (bench_worker.py), on a copy of that file, so its peak RSS is its own.

Latency is reported two ways. "Settled" is time.perf_counter around each SimCord actor call, as
the issue asks; it includes SimCord settling the loop after the bot is done, which costs an
action whose handler never awaits real I/O (the no-op floors, autocomplete) about one settle
poll more than one that awaits the store. "Answered" stops at the bot's last REST call for the
action: when the member would see the reply. The targets are judged on settled times, with the
answered ratios beside them. A report, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_data import cached_database, default_cache_dir, working_copy  # noqa: E402
from bench_report import check_targets, print_table, print_targets  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000, 2_000)
# (calls through the bot, calls of the bare SQL, warm-up rounds, bot starts, seconds of
# concurrent store load). The SQL floor takes fewer calls: its median settles fast, and at
# 100,000 entries each round of it costs as much as a round through the bot.
FULL_RUN = (200, 50, 10, 5, 3.0)
QUICK_RUN = (30, 30, 3, 2, 0.5)
SETTLE_POLL_S = 0.001


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive entry counts, e.g. 1000,10000")
    return sizes


def measure_size(cached: Path, run: tuple[int, int, int, int, float], settle_poll: float) -> dict:
    calls, floor_calls, warmup, starts, load_seconds = run
    with tempfile.TemporaryDirectory(prefix="storybot-bench-") as folder:
        db = working_copy(cached, Path(folder))
        out = Path(folder) / "figures.json"
        command = [
            sys.executable,
            str(HERE / "bench_worker.py"),
            f"--db={db}",
            f"--calls={calls}",
            f"--floor-calls={floor_calls}",
            f"--warmup={warmup}",
            f"--starts={starts}",
            f"--throughput-seconds={load_seconds}",
            f"--settle-poll={settle_poll}",
            f"--out={out}",
        ]
        subprocess.run(command, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def collect(sizes: list[int], figures: dict[int, dict], builds: dict[int, float | None]) -> dict:
    """The documented JSON shape; the no-op floors are those measured beside the largest size."""
    largest = figures[sizes[-1]]
    names = list(largest["commands_ms"])
    commands = [n for n in names if not n.startswith("noop")]
    return {
        "sizes": sizes,
        "noop_ms": largest["commands_ms"]["noop"],
        "noop_autocomplete_ms": largest["commands_ms"]["noop_autocomplete"],
        "commands": {n: {str(s): figures[s]["commands_ms"][n] for s in sizes} for n in commands},
        "sql_floor_ms": {
            n: {str(s): figures[s]["sql_floor_ms"][n] for s in sizes} for n in commands
        },
        "startup_s": {str(s): figures[s]["startup_s"] for s in sizes},
        "rss_mb": {str(s): figures[s]["rss_mb"] for s in sizes},
        "rss_ready_mb": {str(s): figures[s]["rss_ready_mb"] for s in sizes},
        "store_ops_per_s": {str(s): figures[s]["store_ops_per_s"] for s in sizes},
        # Beyond the documented keys: the floors at every size, and how the run was made.
        "noop_ms_by_size": {str(s): figures[s]["commands_ms"]["noop"] for s in sizes},
        "noop_autocomplete_ms_by_size": {
            str(s): figures[s]["commands_ms"]["noop_autocomplete"] for s in sizes
        },
        "answered_ms": {n: {str(s): figures[s]["answered_ms"][n] for s in sizes} for n in names},
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
        help="SimCord's settle polling interval in seconds (its own default is 0.05; see bench_worker)",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    run = QUICK_RUN if args.quick else FULL_RUN
    if args.calls:
        run = (args.calls, min(run[1], args.calls), *run[2:])

    started = time.perf_counter()
    figures, builds = {}, {}
    for size in sizes:
        cached, builds[size] = cached_database(size, args.cache_dir)
        how = "cached" if builds[size] is None else f"built in {builds[size]:.1f} s"
        print(f"{size:>9,} entries: database {how}; measuring…", file=sys.stderr, flush=True)
        figures[size] = measure_size(cached, run, args.settle_poll)
    result = collect(sizes, figures, builds)
    result["calls"], result["sql_floor_calls"] = run[0], run[1]
    result["targets"] = check_targets(result)
    result["run_s"] = time.perf_counter() - started

    print_table(result)
    print()
    print_targets(result["targets"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
