"""SIGKILL a writer at random moments, 20 times: no acknowledged write lost, nothing half-written.

The long version is `python scripts/crashkill.py --kills 300`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "crashkill.py"


def test_twenty_kills_lose_nothing():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--kills", "20", "--seed", "7"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("20 kills, ")
    acknowledged = int(summary.split(", ")[1].split()[0])
    assert acknowledged >= 20  # the writer really was writing when it was killed
