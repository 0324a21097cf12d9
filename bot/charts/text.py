"""Text on the timeline picture: styles, and fitting strings to widths measured in pixels."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

ELLIPSIS = "…"

# (text, style name) -> width in px; bot.charts.render measures with the fonts it draws with.
Measure = Callable[[str, str], float]


@dataclass(frozen=True)
class TextStyle:
    size: int  # font size, px
    bold: bool
    line: int  # height of one line's box, px


STYLES = {
    "title": TextStyle(30, True, 40),
    "subtitle": TextStyle(21, False, 28),
    "month": TextStyle(23, True, 34),
    "date": TextStyle(21, True, 31),
    "headline": TextStyle(25, False, 31),
    "meta": TextStyle(20, False, 27),
    "note": TextStyle(22, True, 30),
    "legend": TextStyle(21, False, 30),
}


def clean(text: str) -> str:
    """One line with no control or invisible formatting characters (they draw as boxes)."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return " ".join(kept.split())


def shorten(text: str, width: float, style: str, measure: Measure) -> str:
    """`text`, cut with an ellipsis so that it is at most `width` wide."""
    if measure(text, style) <= width:
        return text
    low, high = 0, len(text)  # longest prefix that fits with the ellipsis
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS, style) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS if low else ""


def wrap(text: str, width: float, style: str, measure: Measure, max_lines: int) -> list[str]:
    """Lines of at most `width`, broken between words (inside a word only when it must)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if measure(candidate, style) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while measure(word, style) > width:  # a long link or name: break it where it must
            cut = max(1, len(shorten(word, width, style, measure)) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], shorten(rest, width, style, measure)]
    return lines
