"""The benchmark's tables: latency by size, floors, neighbours, worst-case searches, contention."""

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
    "entry": "/entry",
    "people": "/people",
    "about": "/about",
    "whatsnew": "/whatsnew",
    "quote_autocomplete": "/quote autocomplete",
    "addupdate": "/addupdate",
}
LABEL_WIDTH, CELL_WIDTH = 30, 17


def _row(label: str, cells: list[str], width: int = CELL_WIDTH) -> str:
    return f"  {label:<{LABEL_WIDTH}}" + "".join(f"{c:>{width}}" for c in cells)


def _latency(figure: dict) -> str:
    return f"{figure['median']:.2f} / {figure['p99']:.2f}"


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def settled_table(result: dict) -> dict[str, dict]:
    """Around each actor call: the no-op floors beside each size, then the commands."""
    return {
        "noop": result["noop_ms_by_size"],
        "noop_autocomplete": result["noop_autocomplete_ms_by_size"],
        **result["commands"],
    }


def print_table(result: dict) -> None:
    sizes = [str(s) for s in result["sizes"]]
    print(_row(f"entries ({result['calls']} calls each)", [f"{int(s):,}" for s in sizes]))
    answered = {n: f for n, f in result["answered_ms"].items() if not n.startswith("floor_")}
    for title, table in (
        ("Settled: each actor call through SimCord, ms (median / p99)", settled_table(result)),
        ("Answered: until the bot's last REST call, ms (median / p99)", answered),
        (
            f"Storage floor: the store's methods alone ({result['sql_floor_calls']} calls), ms",
            result["sql_floor_ms"],
        ),
    ):
        print(title)
        for name, figures in table.items():
            label = LABELS.get(name, name)
            if table is result["sql_floor_ms"] and name == "quote_autocomplete":
                label += " (no SQL)"
            print(_row(label, [_latency(figures[s]) for s in sizes]))
    print_floors(result, sizes)
    print("Process")
    print(_row("startup to ready, s (median)", [f"{result['startup_s'][s]:.3f}" for s in sizes]))
    print(_row("first start (+ sync), s", [f"{result['first_startup_s'][s]:.3f}" for s in sizes]))
    print(_row("peak RSS, MB", [f"{result['rss_mb'][s]:.1f}" for s in sizes]))
    print(_row("  of which at ready, MB", [f"{result['rss_ready_mb'][s]:.1f}" for s in sizes]))
    print(_row("store ops/s (50 tasks)", [f"{result['store_ops_per_s'][s]:,.0f}" for s in sizes]))
    builds = [result["build_s"][s] for s in sizes]
    print(_row("database build, s", ["cached" if b is None else f"{b:.1f}" for b in builds]))
    print_neighbours(result["neighbours"])
    print_searches(result)


def print_floors(result: dict, sizes: list[str]) -> None:
    floors, answered = result["payload_floor_ms"], result["payload_floor_answered_ms"]
    print("Equal-payload floor: the same embeds and buttons, prepared, ms (settled / answered)")
    for name in floors:
        cells = [
            f"{floors[name][s]['median']:.2f} / {answered[name][s]['median']:.2f}" for s in sizes
        ]
        print(_row(LABELS[name], cells))
    print("Each read ÷ its equal-payload floor, medians (settled / answered)")
    for name in floors:
        cells = []
        for s in sizes:
            settled = ratio(result["commands"][name][s]["median"], floors[name][s]["median"])
            heard = ratio(result["answered_ms"][name][s]["median"], answered[name][s]["median"])
            cells.append(f"{settled:.2f}× / {heard:.2f}×")
        print(_row(LABELS[name], cells))


def neighbour_ratios(neighbours: dict, name: str) -> tuple[float, float]:
    """(settled, answered) median with neighbours ÷ with the shipped story only."""
    alone, crowded = neighbours["story_only"], neighbours["with_neighbours"]
    return tuple(
        ratio(crowded[key][name]["median"], alone[key][name]["median"])
        for key in ("commands_ms", "answered_ms")
    )


def print_neighbours(neighbours: dict) -> None:
    alone, crowded = neighbours["story_only"], neighbours["with_neighbours"]
    print(
        f"Neighbours: a guild with no entries, {neighbours['calls']} calls each, ms "
        f"(settled / answered median)"
    )
    crowd = f"{neighbours['entries']:,} in {neighbours['guilds']:,}"
    print(_row("", ["story only", crowd, "ratio"], width=22))
    for name in alone["commands_ms"]:
        cells = [
            f"{f['commands_ms'][name]['median']:.2f} / {f['answered_ms'][name]['median']:.2f}"
            for f in (alone, crowded)
        ]
        settled, heard = neighbour_ratios(neighbours, name)
        print(_row(LABELS.get(name, name), [*cells, f"{settled:.2f}× / {heard:.2f}×"], width=22))


def print_searches(result: dict) -> None:
    largest = result["sizes"][-1]
    print(f"Worst-case searches at {largest:,} entries: Store.search in the benchmarked guild, ms")
    print(f"  {'':<26}{'chars':>6}{'median':>9}{'max':>9}  answer")
    for name, figure in result["search_corpus"].items():
        ms = figure["ms"]
        print(
            f"  {name:<26}{len(figure['query']):>6}{ms['median']:>9.2f}{ms['max']:>9.2f}"
            f"  {figure['outcome']}"
        )
    c = result["contention"]
    print(
        "Contention: another guild's /timeline, alone and with 8 worst-case searches in flight, "
        "ms (median / p99 / max)"
    )
    for label, key in (("alone", "idle"), (f"under load ({c['loaded_calls']} calls)", "loaded")):
        heard, settled = c[f"{key}_answered_ms"], c[f"{key}_settled_ms"]
        print(
            _row(
                label,
                [
                    f"answered {heard['median']:.2f} / {heard['p99']:.2f} / {heard['max']:.2f}",
                    f"settled {settled['median']:.2f} / {settled['max']:.2f}",
                ],
                width=34,
            )
        )
    print(_row("searches finished", [f"{c['searches']:,} ({c['searches_per_s']:,.0f}/s)"]))
