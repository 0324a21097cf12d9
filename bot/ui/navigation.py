"""Which buttons a page gets: generic navigation that knows page numbers and cursors only.

A navigation turns the Page the store returned into the buttons below it (`Turn`s); the
pager that owns the list puts its state and owner into each button's custom_id.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.models import Cursor, Page


@dataclass(frozen=True)
class Turn:
    """One button: where it leads and how it looks."""

    tag: str  # one letter, so that every button on a message has its own custom_id
    page: int  # the target page, zero-based
    label: str
    disabled: bool = False
    cursor: Cursor = field(default_factory=Cursor)  # keyset lists: where the page starts


Navigation = Callable[[Page], list[Turn]]  # no turns: no buttons


def page_label(page: Page) -> str:
    more = "" if page.exact else "+"
    return f"Page {page.page + 1}/{page.page_count}{more}"


def by_number(page: Page) -> list[Turn]:
    """First / previous / page x of y / next / last, by page number."""
    return _pages(page, keyset=False)


def by_key(page: Page) -> list[Turn]:
    """The same buttons for a list in (date, id) order: each carries the entry its page starts
    after or before, so a page deep in the list is found by index instead of by counting."""
    return _pages(page, keyset=True)


def _pages(page: Page, *, keyset: bool) -> list[Turn]:
    if not page.has_previous and not page.has_next:
        return []
    before = after = last = Cursor()
    if keyset and page.items:
        first, final = page.items[0], page.items[-1]
        before = Cursor(before=(first.date, first.id))
        after = Cursor(after=(final.date, final.id))
        last = Cursor(from_end=True)
    at, count = page.page, page.page_count
    return [
        Turn("f", 0, "« First", not page.has_previous),
        Turn("p", max(0, at - 1), "‹ Previous", not page.has_previous, before),
        Turn("x", at, page_label(page), True),
        Turn("n", at + 1, "Next ›", not page.has_next, after),
        Turn("l", max(at, count - 1), "Last »", not page.has_next, last),
    ]


def one_by_one(page: Page) -> list[Turn]:
    """Previous / quote x of y / next / random, for stepping through one item at a time."""
    at, count = page.page, page.page_count
    if count <= 1:
        return []
    # The random target is drawn now, so the button needs no state beyond its custom_id.
    other = random.randrange(count - 1)
    if other >= at:
        other += 1
    return [
        Turn("p", max(0, at - 1), "‹ Previous", at == 0),
        Turn("x", at, f"Quote {at + 1}/{count}", True),
        Turn("n", min(count - 1, at + 1), "Next ›", at == count - 1),
        Turn("r", other, "Random"),
    ]
