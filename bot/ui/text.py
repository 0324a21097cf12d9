"""Making stored text safe to show: escaped Markdown and mentions, shortened at word boundaries.

Escaping takes four regular expressions, and a page of the timeline escapes some twenty
strings, the same stored texts on every read. So text with nothing to escape (most of it) is
recognised by a scan for the few characters escaping touches, and the rest is escaped once and
kept, keyed by the text itself: an edited text is another key, never the old escaped one.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import discord

from bot.models import HIGHLIGHT_END, HIGHLIGHT_START
from bot.ui import limits

ELLIPSIS = "…"


# discord.py only escapes mentions of real-looking ids (17-20 digits); `<@&123>` still renders.
_MENTION = re.compile(r"<([@#])([!&]?\d+)>")
# discord.py escapes only the first "[" of a line that looks like a masked link, so a second
# link stays live: escape every "[" that an odd run of backslashes does not already escape.
_OPEN_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)\[")


# What escaping changes, or what starts something it changes, wherever it is in the text...
_ESCAPED_ANYWHERE = tuple("\\*_~`|@<[")
# ...and what it changes only at the start of a line (after spaces, for a list item's "-").
_ESCAPED_AT_LINE_START = ("-", "#", ">")


def _nothing_to_escape(text: str) -> bool:
    """True when escaping would return `text` unchanged: a few substring scans, no regex."""
    for mark in _ESCAPED_ANYWHERE:
        if mark in text:
            return False
    if "-" in text or "#" in text or ">" in text:
        lines = text.split("\n")
        return not any(line.lstrip().startswith(_ESCAPED_AT_LINE_START) for line in lines)
    return True


def _escape_markup(text: str) -> str:
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    escaped = _OPEN_BRACKET.sub(r"\1\\[", escaped)
    return _MENTION.sub("<\\1\u200b\\2>", escaped)


class EscapedCache:
    """Escaped texts by the text itself, the least recently used dropped past `max_chars`
    (texts and escaped forms together)."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self._escaped: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._escaped)

    def __contains__(self, text: object) -> bool:
        return text in self._escaped

    def escape(self, text: str) -> str:
        escaped = self._escaped.get(text)
        if escaped is not None:
            self._escaped.move_to_end(text)
            return escaped
        escaped = _escape_markup(text)
        size = len(text) + len(escaped)
        if size <= self.max_chars:
            self._escaped[text] = escaped
            self.chars += size
            while self.chars > self.max_chars:
                old, old_escaped = self._escaped.popitem(last=False)
                self.chars -= len(old) + len(old_escaped)
        return escaped


# A million characters at most (a few MB): some thousands of stored texts of up to 1,500 each.
ESCAPED = EscapedCache(max_chars=1_000_000)


def escape(text: str) -> str:
    """Data, not formatting: Markdown shows literally, links and mentions show as text."""
    return text if _nothing_to_escape(text) else ESCAPED.escape(text)


def fit_plain(text: str, limit: int, hint: str = "") -> str:
    """`text` as plain text (footers, author names, labels, choice names: no Markdown there),
    cut to at most `limit` characters at a word boundary, with an ellipsis and `hint`."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ELLIPSIS) - len(hint))
    cut = text[:room]
    if " " in cut[room // 2 :]:
        cut = cut[: cut.rindex(" ")]
    # Never end inside a Markdown escape or a half-written mention.
    return cut.rstrip(" \\") + ELLIPSIS + hint


def fit_markdown(text: str, limit: int, hint: str = "") -> str:
    """`text` for places that render Markdown (descriptions, field values, titles, messages):
    escaped and shortened so the result, `hint` included when cut, is at most `limit`."""
    room = limit
    while room > 0:
        short = fit_plain(text, room - (len(hint) if len(text) > room else 0))
        out = escape(short) + (hint if short != text else "")
        if len(out) <= limit:
            return out
        # Escaping at most doubles a character: cutting half the excess may already fit.
        room -= max(1, (len(out) - limit) // 2)
    # Too little room for the ellipsis and the hint: drop the hint, or show nothing at all.
    return fit_markdown(text, limit) if hint else ""


def block_quote(text: str, limit: int) -> str:
    """`text` escaped as a Markdown block quote ("> " before each line) of at most `limit`."""
    room = limit
    while True:
        short = fit_markdown(text, room)
        quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in short.splitlines())
        if len(quoted) <= limit:
            return quoted
        room -= len(quoted) - limit


LINK_TOO_LONG = " (link too long to show)"


def link(name: str, url: str | None, label_max: int, room: int = limits.EMBED_FIELD_VALUE) -> str:
    """`name` as a Markdown link to `url`, in at most `room` characters (or "" if none fit).

    Percent-encoding can make a valid link longer than any room (512 `)` become 1,536
    characters): then the label alone, saying so, rather than a message Discord refuses.
    """
    label = name.replace("[", "(").replace("]", ")")
    if not url:
        return fit_markdown(label, min(label_max, room))
    target = url.replace(")", "%29").replace(" ", "%20")
    masked = f"[{fit_markdown(label, label_max)}]({target})"
    if len(masked) <= room:
        return masked
    if room <= len(LINK_TOO_LONG):
        return ""
    return fit_markdown(label, min(label_max, room - len(LINK_TOO_LONG))) + LINK_TOO_LONG


def highlighted(snippet: str, limit: int) -> str:
    """A search snippet, escaped, with the matched words in bold, in at most `limit` characters.

    The snippet is escaped whole, highlight marks and all, and only then are the marks
    turned into bold: escaping the pieces separately let stored Markdown such as a masked
    link, split by a mark, escape the escaper.
    """
    room = limit
    while room > 0:
        out = _HIGHLIGHT.sub(_bold, escape(fit_plain(snippet, room)))
        if len(out) <= limit:
            return out
        room -= max(1, (len(out) - limit) // 2)
    return ""


# A highlighted run: to its end mark, or to the end when shortening cut the end mark off.
_HIGHLIGHT = re.compile(
    f"{HIGHLIGHT_START}([^{HIGHLIGHT_START}{HIGHLIGHT_END}]*)(?:{HIGHLIGHT_END}|$)"
)


def _bold(match: re.Match[str]) -> str:
    return f"**{match[1]}**" if match[1].strip() else match[1]


def one_line(text: str) -> str:
    return " ".join(text.split())
