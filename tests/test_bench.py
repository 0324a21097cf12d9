"""The benchmark script runs end to end and writes every documented figure; no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
SIZES = ["50", "100"]
COMMANDS = {
    "timeline",
    "timeline_person",
    "timeline_since_until",
    "page_turn",
    "search",
    "quote",
    "whatsnew",
    "quote_autocomplete",
    "addupdate",
}


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
        for name, by_size in figures[key].items():
            assert set(by_size) == set(SIZES), (key, name)
            for figure in by_size.values():
                assert set(figure) == {"median", "p99"}
                assert figure["median"] >= 0
    for key in ("startup_s", "rss_mb", "store_ops_per_s"):
        assert set(figures[key]) == set(SIZES), key
        assert all(value > 0 for value in figures[key].values()), key
    assert figures["targets"] and all("passed" in t for t in figures["targets"])
    # The databases were built outside the repository, where they were asked to be.
    assert list((tmp_path / "cache").glob("entries-50-*.db"))
