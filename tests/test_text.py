"""Stored text made safe to show and shortened to fit, with exact expectations: every
character of the result is pinned, so text around a change stays as it was."""

from __future__ import annotations

import pytest

from bot.models import HIGHLIGHT_END as END
from bot.models import HIGHLIGHT_START as START
from bot.ui import limits
from bot.ui.text import (
    ELLIPSIS,
    LINK_TOO_LONG,
    block_quote,
    escape,
    fit_markdown,
    fit_plain,
    highlighted,
    link,
    one_line,
)

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain words", "plain words"),
        ("*a* _b_ ~~c~~ `d` a|b", r"\*a\* \_b\_ \~\~c\~\~ \`d\` a\|b"),
        ("> quote", r"\> quote"),
        ("# heading", r"\# heading"),
        ("- item", r"\- item"),
        ("[x](https://e.com)", r"\[x](https://e.com)"),
        ("a [b] [c](d)", r"a \[b] \[c](d)"),  # every "[", not only a line's first
        ("\\[x]", r"\\\[x]"),  # an escaped backslash does not escape the "["
        ("\\\\[x]", r"\\\\\[x]"),
        ("<@123> <#9> <@&5> <@!7>", f"<@{ZWSP}123> <#{ZWSP}9> <@{ZWSP}&5> <@{ZWSP}!7>"),
        ("@everyone @here", f"@{ZWSP}everyone @{ZWSP}here"),
    ],
)
def test_escape_shows_markdown_links_and_mentions_as_text(text, shown):
    assert escape(text) == shown


@pytest.mark.parametrize(
    ("text", "limit", "hint", "shown"),
    [
        ("abc", 3, "", "abc"),  # fits: unchanged
        ("abcd", 3, "", "ab…"),
        ("one two three four", 10, "", "one two…"),  # at the last space
        ("aaaaaa bb", 8, "", "aaaaaa…"),
        ("ab cdefghijklmnop", 10, "", "ab cdefgh…"),  # a space in the first half: cut hard
        ("aaaa bbbbbbbbb", 10, "", "aaaa…"),  # a space just past half: cut there
        ("one two three four", 12, " (+2)", "one… (+2)"),
        ("x" * 20, 5, "HINTHINT", "…HINTHINT"),  # no room left for text
        ("ab\\\\cd", 4, "", "ab…"),  # never ends in a backslash
        ("ab   cdefgh", 8, "", "ab…"),  # nor in spaces
        ("MAX RESULTS", 6, "", "MAX…"),  # but keeps any other character
    ],
)
def test_fit_plain(text, limit, hint, shown):
    assert fit_plain(text, limit, hint) == shown


@pytest.mark.parametrize(
    ("text", "limit", "hint", "shown"),
    [
        ("abc", 3, "!", "abc"),  # fits: no hint
        ("abcdef", 5, "!", "abc…!"),
        ("abcdefghijklmnop", 10, " (+3)", "abcd… (+3)"),
        ("a_b", 3, "", "a…"),  # "a\_…" would be 4
        ("a_b c_d", 6, "", r"a\_b…"),
        ("a_b_c_d_e", 9, "", r"a\_b\_c…"),
        ("a_b_c_d_e", 9, "+", r"a\_b\_c…+"),
        ("____", 5, "", r"\_\_…"),
        ("*" * 10, 10, " (more)", "… (more)"),
        ("ab", 1, "xx", "…"),  # no room for the hint: dropped
        ("abc", 0, "", ""),
    ],
)
def test_fit_markdown_counts_the_escapes(text, limit, hint, shown):
    assert fit_markdown(text, limit, hint) == shown
    assert len(shown) <= limit


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("abc", 10, "> abc"),
        ("a\n\nb", 10, "> a\n>\n> b"),  # an empty line is a bare ">"
        ("one two three four five", 15, "> one two…"),
        ("l1\nl2\nl3\nl4 long line here", 14, "> l1\n> l2\n> l…"),  # the "> "s count
        ("one\ntwo\n\nthree four five six", 20, "> one\n> two\n>\n> thr…"),
        ("*" * 40, 12, "> " + r"\*" * 4 + "…"),
    ],
)
def test_block_quote_keeps_as_much_as_fits_in_the_limit(text, limit, shown):
    assert block_quote(text, limit) == shown
    assert len(shown) <= limit


def test_a_block_quote_at_its_limit_is_whole():
    text = "first line\nsecond"
    assert block_quote(text, 21) == "> first line\n> second"
    assert block_quote(text, 20) == "> first line\n> seco…"


def test_link_masks_the_name_and_encodes_what_would_end_the_target():
    assert link("Vox", "https://vox.com/a", 20) == "[Vox](https://vox.com/a)"
    assert link("Na[me]", "https://a.b/(c) d", 50) == "[Na(me)](https://a.b/(c%29%20d)"
    assert link("Wikipedia", "https://en.wikipedia.org/wiki/Ilya_(name)", 20) == (
        "[Wikipedia](https://en.wikipedia.org/wiki/Ilya_(name%29)"
    )
    assert link("*Vox*", "https://vox.com", 20) == r"[\*Vox\*](https://vox.com)"


def test_link_labels_are_fitted_to_label_max():
    assert link("a" * 20, "https://a.b", 10) == "[aaaaaaaaa…](https://a.b)"


def test_without_a_url_the_name_alone_fitted_to_the_room():
    assert link("name", None, 10) == "name"
    assert link("name", "", 10) == "name"
    assert link("*" * 10, None, 8) == r"\*\*\*…"
    assert link("*" * 10, None, 20, room=8) == r"\*\*\*…"
    assert link("*" * 10, None, 8, room=20) == r"\*\*\*…"


def test_a_link_exactly_the_room_fits_one_less_does_not():
    masked = "[a long name](https://a.b/c%20d)"
    assert link("a long name", "https://a.b/c d", 20, room=32) == masked
    assert len(masked) == 32
    assert link("a long name", "https://a.b/c d", 20, room=31) == "a long… (link too long to show)"


def test_a_link_too_long_for_the_room_is_its_label_saying_so():
    url = "https://a.b/" + ")" * 30  # 102 characters once encoded
    assert LINK_TOO_LONG == " (link too long to show)"
    assert link("a long name", url, 30, room=40) == "a long name (link too long to show)"
    assert link("n", url, 30, room=25) == "n (link too long to show)"
    assert link("name", url, 30, room=26) == "n… (link too long to show)"
    assert link("n", url, 30, room=24) == ""  # no room even for the note
    assert link("n", "https://a.b/c", 30) == "[n](https://a.b/c)"
    assert limits.EMBED_FIELD_VALUE == 1024  # the default room


@pytest.mark.parametrize(
    ("snippet", "limit", "shown"),
    [
        (f"{START}safety{END} first", 100, "**safety** first"),
        (f"a {START}b{END} c {START}d{END} e", 100, "a **b** c **d** e"),  # plain between
        (f"one *two* {START}three{END}", 100, r"one \*two\* **three**"),
        (f"{START}[x](y){END}", 100, r"**\[x](y)**"),
        (f"a {START} {END} b", 100, "a   b"),  # a blank match is not bold
        (f"{START}wordy longer words here{END}", 12, "**wordy…**"),  # cut inside: closed
        (f"one {START}two{END} three four five", 14, "one **two**…"),
        ("one *two* three", 12, r"one \*two\*…"),
        ("*" * 30, 10, r"\*\*\*\*…"),
        ("x " * 30 + f"{START}word{END}", 20, "x x x x x x x x x…"),
        (f"abc {START}wordy", 8, "abc…"),
        ("abc", 1, "…"),
        ("abc", 0, ""),
    ],
)
def test_highlighted_snippets_bold_the_matches_and_fit(snippet, limit, shown):
    assert highlighted(snippet, limit) == shown
    assert len(shown) <= limit


def test_one_line():
    assert one_line(" a \n b\tc ") == "a b c"
    assert ELLIPSIS == "…"
