"""Escaping without a regex per field: the shortcut and the cache never change what escaping gives."""

from __future__ import annotations

import re

import discord
from hypothesis import example, given
from hypothesis import strategies as st

from bot.ui import text
from bot.ui.text import EscapedCache, escape


def escaped_with_regexes(value: str) -> str:
    """What escaping means, as it was done for every string before the shortcut and the cache:
    discord.py's Markdown and mention escapes, then every unescaped "[" and short mentions."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(value))
    escaped = re.sub(r"(?<!\\)((?:\\\\)*)\[", r"\1\\[", escaped)
    return re.sub(r"<([@#])([!&]?\d+)>", "<\\1\u200b\\2>", escaped)


# Pieces that escaping treats specially, where they stand, and ordinary text around them.
PIECES = [
    *"ab1 \n\t\r-#>*_~`|\\@<[]()!&:/.",
    "\u2028",  # a line separator that is not a line start for Markdown
    "\u00a0",  # a space that is not " "
    "\x1c",  # whitespace to Python, and to regular expressions
    "https://example.com/a_b*c",
    "<@&123>",
    "@everyone",
    "[link](https://evil.example)",
]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@example("- a list item")
@example("a\n  - an indented item")
@example("a\n \n-x")  # the whitespace before "-" runs over a blank line
@example("x - y, 1 > 0, a#b")  # in the middle of a line: nothing to escape
@example("# heading")
@example("> quote")
@example("a\n>>> quote")
@example("\u2028- not a line start")
@example("\x1c- a line start after whitespace")
@example("plain words, nothing to escape")
def test_escape_gives_what_the_regexes_give(value):
    assert escape(value) == escaped_with_regexes(value)
    assert escape(value) == escaped_with_regexes(value)  # the second time from the cache


def test_text_with_nothing_to_escape_is_not_kept():
    before = len(text.ESCAPED)
    assert escape("OpenAI’s superalignment team - dissolved.") == (
        "OpenAI’s superalignment team - dissolved."
    )
    assert len(text.ESCAPED) == before


def test_the_cache_keeps_at_most_its_size_dropping_the_least_recently_used():
    cache = EscapedCache(max_chars=40)
    cache.escape("**one**")  # 7 characters, 11 escaped: 18
    cache.escape("**two**")  # 36 in all
    cache.escape("**one**")  # used again: "two" is now the least recently used
    assert cache.escape("*three*") == r"\*three\*"  # 16 more: over 40, so "two" goes

    assert "**one**" in cache and "*three*" in cache and "**two**" not in cache
    assert cache.chars == 18 + 16 <= cache.max_chars
    assert len(cache) == 2


def test_a_text_larger_than_the_cache_is_escaped_but_not_kept():
    cache = EscapedCache(max_chars=10)
    assert cache.escape("**bold words**") == r"\*\*bold words\*\*"
    assert "**bold words**" not in cache and cache.chars == 0
