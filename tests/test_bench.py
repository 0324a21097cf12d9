"""The benchmark script runs end to end and writes every documented figure; no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
SIZES = ["50", "100"]
READS = {
    "timeline",
    "timeline_person",
    "timeline_since_until",
    "page_turn",
    "search",
    "quote",
    "entry",
    "people",
    "about",
}
# /whatsnew moves the member's marks, so no prepared payload can stand in for it: no floor.
COMMANDS = READS | {"whatsnew", "quote_autocomplete", "addupdate"}


def assert_latencies(by_size: dict, sizes) -> None:
    assert set(by_size) == set(sizes)
    for figure in by_size.values():
        assert set(figure) == {"median", "p99"}
        assert figure["median"] >= 0


def test_quick_run_writes_every_figure_for_every_size(tmp_path):
    out = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--quick",
            "--sizes",
            ",".join(SIZES),
            "--json",
            str(out),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert "Targets" in finished.stdout

    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["sizes"] == [int(s) for s in SIZES]
    for floor in ("noop_ms", "noop_autocomplete_ms"):
        assert set(figures[floor]) == {"median", "p99"}
    for key in ("commands", "sql_floor_ms"):
        assert set(figures[key]) == COMMANDS
        for by_size in figures[key].values():
            assert_latencies(by_size, SIZES)
    # Every read beside its equal-payload floor, settled and answered.
    for key in ("payload_floor_ms", "payload_floor_answered_ms"):
        assert set(figures[key]) == READS
        for by_size in figures[key].values():
            assert_latencies(by_size, SIZES)
    for key in ("startup_s", "rss_mb", "store_ops_per_s"):
        assert set(figures[key]) == set(SIZES), key
        assert all(value > 0 for value in figures[key].values()), key
    # A guild with no entries, on the shipped story alone and beside 1,000 guilds' entries.
    neighbours = figures["neighbours"]
    assert (neighbours["entries"], neighbours["guilds"]) == (int(SIZES[-1]), 1000)
    for run in ("story_only", "with_neighbours"):
        assert set(neighbours[run]["commands_ms"]) == READS | {
            "whatsnew",
            "noop",
            "noop_autocomplete",
        }
        assert set(neighbours[run]["answered_ms"]) == set(neighbours[run]["commands_ms"])
    corpus = figures["search_corpus"]
    assert "60 one-letter words" in corpus and "one-letter prefix" in corpus
    assert all(q["outcome"] and q["ms"]["max"] >= q["ms"]["median"] > 0 for q in corpus.values())
    contention = figures["contention"]
    assert contention["searches"] > 0 and contention["loaded_calls"] > 0
    assert contention["loaded_answered_ms"]["max"] > 0
    assert figures["targets"] and all("passed" in t for t in figures["targets"])
    assert {t["group"] for t in figures["targets"]} == {"Issue 12", "Earlier (issue 6)"}
    # The databases were built outside the repository, where they were asked to be.
    assert list((tmp_path / "cache").glob("entries-50-*.db"))
