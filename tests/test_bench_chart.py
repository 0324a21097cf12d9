"""The chart benchmark runs end to end and prints its figures; no timing is asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_chart.py"


def test_the_chart_benchmark_prints_every_figure():
    finished = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1"], capture_output=True, text=True, timeout=120
    )

    assert finished.returncode == 0, finished.stderr
    for figure in (
        "draw (layout, drawing, PNG)",
        "served, nothing cached",
        "served from the cache",
    ):
        assert re.search(rf"{re.escape(figure)}: +\d+\.\d ms", finished.stdout), finished.stdout
    assert "Target: at most 300 ms for 100 events:" in finished.stdout
