"""The mutation score of each pure-logic module, from the results `mutmut run` left in mutants/.

    python scripts/mutation_report.py      # after mutmut run; scripts/mutation.sh runs both

A mutant is killed when a test fails with it. Every mutant that survives (or that no selected
test reaches) is a behaviour no unit test pins, unless ALLOWED below says why the change makes
no difference. Functions that only glue the logic to Discord are not scored here: SimCord tests
drive them, and running those for each mutant would take hours.

Exits 1 when a module scores under TARGET, when a surviving mutant is not explained, or when an
ALLOWED entry no longer matches any survivor (the code changed: look again).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

TARGET = 95.0
DIFFS_SHOWN = 60  # past that, only names (`mutmut show NAME` shows one)
MUTANTS = Path("mutants")

# mutmut's exit codes per mutant (mutmut/stats.py): 1 and 3 mean a test failed.
KILLED = {1, 3, 37}
TIMEOUT = {36, 24, -24, 152, 255}  # an endless loop is a kill too: the test run never passes

# Discord glue, tested through SimCord (tests/test_pager.py, tests/test_reader_*.py).
NOT_SCORED = {
    "bot.ui.pager": {
        "Pager.view",
        "Pager.send_first",
        "Pager.may_turn",
        "_read_click",
        "PageButton.__init__",
        "PageButton.from_custom_id",
        "PageButton.interaction_check",
        "PageButton.callback",
    },
    "bot.pagers": {
        "describe_filters",
        "TimelinePager.render",
        "QuotePager.render",
        "SearchPager.render",
        "HistoryPager.may_turn",
        "HistoryPager.render",
    },
}

# Survivors that make no difference anyone could see: (function, the mutated line) -> why.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "bot.dates.format_date",
        'def format_date(day: date, precision: str = "XXdayXX") -> str:',
    ): 'only "month" is ever compared: any other precision is a day',
    (
        "bot.dates.format_date",
        'def format_date(day: date, precision: str = "DAY") -> str:',
    ): 'only "month" is ever compared: any other precision is a day',
    (
        "bot.validate.update_draft",
        'title = clean_text(headline, "headline", HEADLINE_MAX, multiline=None)',
    ): "None is as false as False",
    (
        "bot.pagers.SearchState.__post_init__",
        "check_text(self.query, self.QUERY_MAX, optional=None)",
    ): "None is as false as False",
    (
        "bot.ui.text.fit_markdown",
        "while room >= 0:",
    ): "room reaches 0 only when the limit is 0, and then both give the empty string",
    (
        "bot.ui.text.highlighted",
        "while room >= 0:",
    ): "room reaches 0 only when the limit is 0, and then both give the empty string",
    (
        "bot.ui.text.fit_markdown",
        "room -= max(1, (len(out) - limit) // 3)",
    ): "a smaller step of the same search: more tries, the same longest fit",
    (
        "bot.ui.text.highlighted",
        "room -= max(1, (len(out) - limit) // 3)",
    ): "a smaller step of the same search: more tries, the same longest fit",
    (
        "bot.people.suggest",
        "close = difflib.get_close_matches(wanted, list(by_name), n=limit * 4, cutoff=0.5)",
    ): "a longer shortlist of close names differs only for a person with 6 or more close aliases",
}


def function_of(mutant: str) -> tuple[str, str]:
    """("bot.ui.pager", "PageId.parse") from "bot.ui.pager.xǁPageIdǁparse__mutmut_3"."""
    module, _, name = mutant.rpartition(".")
    name = re.sub(r"__mutmut_\d+$", "", name)
    return module, name.removeprefix("x_").removeprefix("xǁ").replace("ǁ", ".")


def changed_lines(mutant: str) -> list[str]:
    """The diff's removed and added lines, from `mutmut show`."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", mutant], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in shown.splitlines()[3:] if line[:1] in "+-"]


def main() -> int:
    results: dict[str, dict[str, int | None]] = defaultdict(dict)
    for meta in sorted(MUTANTS.glob("bot/**/*.py.meta")):
        for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            module, function = function_of(mutant)
            if function not in NOT_SCORED.get(module, ()):
                results[module][mutant] = code
    if not results:
        print("No results in mutants/: run scripts/mutation.sh.")
        return 1

    failed = False
    used: set[tuple[str, str]] = set()
    unexplained: list[str] = []
    allowed_functions = {function for function, _ in ALLOWED}
    print(f"{'module':<20} {'mutants':>7} {'killed':>6} {'allowed':>7} {'left':>4} {'score':>6}")
    for module, codes in sorted(results.items()):
        killed = allowed = 0
        for mutant, code in sorted(codes.items()):
            if code in KILLED or code in TIMEOUT:
                killed += 1
                continue
            function = f"{module}.{function_of(mutant)[1]}"
            keys = set()
            if function in allowed_functions:  # `mutmut show` takes a second: only when needed
                keys = {(function, ln[1:].strip()) for ln in changed_lines(mutant) if ln[0] == "+"}
            if keys & ALLOWED.keys():
                allowed += 1
                used |= keys & ALLOWED.keys()
            else:
                unexplained.append(mutant)
        scored = len(codes) - allowed
        score = 100.0 * killed / scored if scored else 100.0
        left = scored - killed
        failed |= score < TARGET
        print(f"{module:<20} {len(codes):>7} {killed:>6} {allowed:>7} {left:>4} {score:>5.1f}%")

    if unexplained:
        failed = True
        print(f"\nSurvivors no test pins ({len(unexplained)}): add a test, or to ALLOWED why not")
        for mutant in unexplained:
            code = results[function_of(mutant)[0]][mutant]
            status = "no test reaches it" if code in (5, 33) else "survived"
            print(f"  {mutant} ({status})")
            if len(unexplained) <= DIFFS_SHOWN:
                print("\n".join(f"      {line}" for line in changed_lines(mutant)))
    stale = sorted(set(ALLOWED) - used)
    if stale:
        failed = True
        print(
            "\nALLOWED entries that match no survivor (the code changed, or a test kills it now):"
        )
        for function, line in stale:
            print(f"  {function}: {line}")
    if ALLOWED and not stale:
        print(f"\n{len(ALLOWED)} allowed survivors, each explained in scripts/mutation_report.py.")
    print(f"Target: {TARGET:.0f}% killed in each module." + (" Missed." if failed else " Met."))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
