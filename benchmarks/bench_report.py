"""The benchmark's table and its targets check (ratios of medians, printed as PASS/FAIL)."""

from __future__ import annotations

LABELS = {
    "noop": "no-op command (floor)",
    "noop_autocomplete": "no-op autocomplete (floor)",
    "timeline": "/timeline",
    "timeline_person": "/timeline person:",
    "timeline_since_until": "/timeline since: until:",
    "page_turn": "page turn (last pages)",
    "search": "/search",
    "quote": "/quote",
    "whatsnew": "/whatsnew",
    "quote_autocomplete": "/quote autocomplete",
    "addupdate": "/addupdate",
}
READS = ("timeline", "timeline_person", "timeline_since_until", "page_turn", "search", "quote")
READS += ("whatsnew",)
LABEL_WIDTH, CELL_WIDTH = 30, 17


def _row(label: str, cells: list[str]) -> str:
    return f"  {label:<{LABEL_WIDTH}}" + "".join(f"{c:>{CELL_WIDTH}}" for c in cells)


def _latency(figure: dict) -> str:
    return f"{figure['median']:.2f} / {figure['p99']:.2f}"


def settled_table(result: dict) -> dict[str, dict]:
    """Around each actor call, as the issue asks: the floors beside each size, then the commands."""
    return {
        "noop": result["noop_ms_by_size"],
        "noop_autocomplete": result["noop_autocomplete_ms_by_size"],
        **result["commands"],
    }


def print_table(result: dict) -> None:
    sizes = [str(s) for s in result["sizes"]]
    print(_row(f"entries ({result['calls']} calls each)", [f"{int(s):,}" for s in sizes]))
    for title, table in (
        ("Settled: each actor call through SimCord, ms (median / p99)", settled_table(result)),
        ("Answered: until the bot's last REST call, ms (median / p99)", result["answered_ms"]),
        (
            f"Storage floor: the store's functions on its connections ({result['sql_floor_calls']} calls), ms",
            result["sql_floor_ms"],
        ),
    ):
        print(title)
        for name, figures in table.items():
            label = LABELS.get(name, name)
            if table is result["sql_floor_ms"] and name == "quote_autocomplete":
                label += " (no SQL)"
            print(_row(label, [_latency(figures[s]) for s in sizes]))
    print("Process")
    print(_row("startup to ready, s (median)", [f"{result['startup_s'][s]:.3f}" for s in sizes]))
    print(_row("first start (+ sync), s", [f"{result['first_startup_s'][s]:.3f}" for s in sizes]))
    print(_row("peak RSS, MB", [f"{result['rss_mb'][s]:.1f}" for s in sizes]))
    print(_row("  of which at ready, MB", [f"{result['rss_ready_mb'][s]:.1f}" for s in sizes]))
    print(_row("store ops/s (50 tasks)", [f"{result['store_ops_per_s'][s]:,.0f}" for s in sizes]))
    builds = [result["build_s"][s] for s in sizes]
    print(_row("database build, s", ["cached" if b is None else f"{b:.1f}" for b in builds]))


def check_targets(result: dict) -> list[dict]:
    """Each target as {name, ratio, limit, passed}, on the settled times the issue specifies,
    with answered_ratio / answered_passed: the same ratio on the answered times."""
    sizes = [str(s) for s in result["sizes"]]
    small, large = sizes[0], sizes[-1]
    settled, answered = settled_table(result), result["answered_ms"]
    at = f"at {int(large):,}"
    checks = []

    def ratio(a: float, b: float) -> float:
        return a / b if b else float("inf")

    def latency(name: str, command: str, floor: str | None, limit: float) -> None:
        # Against a floor at the largest size, or the same command at the smallest size.
        pairs = [
            (t[command][large]["median"], t[floor][large]["median"] if floor else None)
            if floor
            else (t[command][large]["median"], t[command][small]["median"])
            for t in (settled, answered)
        ]
        (a, b), (c, d) = pairs
        checks.append(
            {
                "name": name,
                "ratio": ratio(a, b),
                "limit": limit,
                "passed": ratio(a, b) <= limit,
                "answered_ratio": ratio(c, d),
                "answered_passed": ratio(c, d) <= limit,
            }
        )

    def process(name: str, figures: dict) -> None:
        value = ratio(figures[large], figures[small])
        checks.append({"name": name, "ratio": value, "limit": 1.2, "passed": value <= 1.2})

    for name in READS:
        latency(f"{LABELS[name]} {at} ≤ 2.0 × no-op", name, "noop", 2.0)
    latency(
        f"/quote autocomplete {at} ≤ 1.3 × no-op autocomplete",
        "quote_autocomplete",
        "noop_autocomplete",
        1.3,
    )
    latency(f"/addupdate {at} ≤ 4 × no-op", "addupdate", "noop", 4.0)
    for name in result["commands"]:
        latency(f"{LABELS[name]} {at} ≤ 1.2 × at {int(small):,}", name, None, 1.2)
    process(f"startup {at} ≤ 1.2 × at {int(small):,}", result["startup_s"])
    process(f"peak RSS {at} ≤ 1.2 × at {int(small):,}", result["rss_mb"])
    return checks


def print_targets(checks: list[dict]) -> None:
    passed = sum(c["passed"] for c in checks)
    print(f"Targets (ratios of medians, settled times): {passed} of {len(checks)} pass")
    print(f"  {'':<4}  {'':<56} {'settled':>8} {'limit':>6}   answered")
    for c in checks:
        verdict = "PASS" if c["passed"] else "FAIL"
        line = f"  {verdict}  {c['name']:<56} {c['ratio']:7.2f}× {c['limit']:5.1f}×"
        if "answered_ratio" in c:
            other = "PASS" if c["answered_passed"] else "FAIL"
            line += f"   {c['answered_ratio']:6.2f}× {other}"
        print(line)
