"""Page buttons that keep working after a restart: the query lives in the button's custom_id.

Every pager is one `kind` letter with a renderer. A click re-runs the renderer for the
target page. Only the member who ran the command may turn pages, and a pager may ask more on
every click (`may_turn`: /history's pages turn only for a member who is still a moderator).
Pagers over long lists (the timeline) also carry a cursor, the (date, id) of the entry the
page starts after or before, so a page deep in the story is found by index instead of by
counting rows.
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

import discord

from bot.models import Cursor, Page
from bot.ui import limits
from bot.ui.respond import in_time, reply, report_error, send_ephemeral, update_message

NOT_YOURS = "Only the person who ran this command can turn its pages. Run it yourself to browse."
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(number: int) -> str:
    """Numbers in base 36, to keep custom_ids within Discord's 100 characters."""
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


def from_b36(text: str) -> int:
    return int(text, 36)


def encode_day(day: date | None) -> str:
    return b36(day.toordinal()) if day else ""


def decode_day(text: str) -> date | None:
    return date.fromordinal(from_b36(text)) if text else None


def encode_cursor(cursor: Cursor) -> str:
    """ "" (from the start), "z" (from the end), "a…"/"b…" (after/before a date and id)."""
    if cursor.from_end:
        return "z"
    for tag, key in (("a", cursor.after), ("b", cursor.before)):
        if key is not None:
            return f"{tag}{encode_day(key[0])}.{b36(key[1])}"
    return ""


def decode_cursor(text: str) -> Cursor:
    if text == "z":
        return Cursor(from_end=True)
    if not text:
        return Cursor()
    day, entry_id = text[1:].split(".")
    key = (decode_day(day), from_b36(entry_id))
    return Cursor(after=key) if text[0] == "a" else Cursor(before=key)


@dataclass(frozen=True)
class Rendered:
    """A rendered page and what its buttons need to find the neighbouring pages."""

    embed: discord.Embed
    page: int
    page_count: int
    total: int
    exact: bool = True
    has_previous: bool = False
    has_next: bool = False
    previous_cursor: str = ""  # for keyset pagers; offset pagers go by page number alone
    next_cursor: str = ""
    last_cursor: str = ""

    @classmethod
    def of(cls, embed: discord.Embed, page: Page, keyset: bool = False) -> Rendered:
        previous_cursor = next_cursor = last_cursor = ""
        if keyset and page.items:
            first, last = page.items[0], page.items[-1]
            previous_cursor = encode_cursor(Cursor(before=(first.date, first.id)))
            next_cursor = encode_cursor(Cursor(after=(last.date, last.id)))
            last_cursor = "z"
        return cls(
            embed,
            page.page,
            page.page_count,
            page.total,
            page.exact,
            page.has_previous,
            page.has_next,
            previous_cursor,
            next_cursor,
            last_cursor,
        )


Renderer = Callable[[discord.Interaction, str, int, str], Awaitable[Rendered]]
ViewBuilder = Callable[[str, int, str, Rendered], "discord.ui.View | None"]
MayTurn = Callable[[discord.Interaction], Awaitable[bool]]


@dataclass(frozen=True)
class Pager:
    renderer: Renderer
    view_builder: ViewBuilder
    may_turn: MayTurn | None  # asked on every click, after "is it the member who ran it"
    refusal: str  # what a clicker may_turn refuses is told


_PAGERS: dict[str, Pager] = {}


def register(
    kind: str,
    renderer: Renderer,
    view_builder: ViewBuilder,
    *,
    may_turn: MayTurn | None = None,
    refusal: str = "",
) -> None:
    assert re.fullmatch(r"[a-z]", kind), kind
    assert may_turn is None or refusal, "say why may_turn refuses"
    _PAGERS[kind] = Pager(renderer, view_builder, may_turn, refusal)


async def send_first_page(
    interaction: discord.Interaction,
    kind: str,
    state: str,
    rendered: Rendered,
    *,
    ephemeral: bool = False,
) -> None:
    """Answer a command with its first page and the buttons to the others."""
    view = _PAGERS[kind].view_builder(kind, interaction.user.id, state, rendered)
    await reply(interaction, embed=rendered.embed, view=view, ephemeral=ephemeral)


def custom_id(kind: str, tag: str, page: int, owner: int, cursor: str, state: str) -> str:
    value = f"pg:{kind}:{tag}:{page}:{b36(owner)}:{cursor}:{state}"
    # Commands cap their text options so that this always fits.
    assert len(value) <= limits.CUSTOM_ID, value
    return value


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=(
        r"pg:(?P<kind>[a-z]):(?P<tag>[fpnlrx]):(?P<page>\d{1,9}):(?P<owner>[0-9a-z]{1,14})"
        r":(?P<cursor>[0-9a-z.]*):(?P<state>.*)"
    ),
):
    def __init__(
        self,
        kind: str,
        tag: str,
        page: int,
        owner: int,
        state: str,
        *,
        cursor: str = "",
        label: str = "",
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=custom_id(kind, tag, page, owner, cursor, state),
            )
        )
        self.kind, self.page, self.owner, self.cursor, self.state = kind, page, owner, cursor, state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> PageButton:
        return cls(
            match["kind"],
            match["tag"],
            int(match["page"]),
            from_b36(match["owner"]),
            match["state"],
            cursor=match["cursor"],
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner:
            await send_ephemeral(interaction, NOT_YOURS)
            return False
        pager = _PAGERS[self.kind]
        if pager.may_turn is not None and not await pager.may_turn(interaction):
            await send_ephemeral(interaction, pager.refusal)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the member ourselves.
        try:
            pager = _PAGERS[self.kind]
            work = pager.renderer(interaction, self.state, self.page, self.cursor)
            rendered = await in_time(interaction, work)
            view = pager.view_builder(self.kind, self.owner, self.state, rendered)
            await update_message(interaction, embed=rendered.embed, view=view)
        except Exception as error:
            await report_error(interaction, error, f"Page button {self.custom_id!r}")


def page_label(rendered: Rendered) -> str:
    more = "" if rendered.exact else "+"
    return f"Page {rendered.page + 1}/{rendered.page_count}{more}"


def pager_view(kind: str, owner: int, state: str, rendered: Rendered) -> discord.ui.View | None:
    """First / previous / page x of y / next / last; None when there is only one page."""
    page, count = rendered.page, rendered.page_count
    if not rendered.has_previous and not rendered.has_next:
        return None
    view = discord.ui.View(timeout=None)
    for tag, target, cursor, label, disabled in (
        ("f", 0, "", "« First", not rendered.has_previous),
        ("p", max(0, page - 1), rendered.previous_cursor, "‹ Previous", not rendered.has_previous),
        ("x", page, "", page_label(rendered), True),
        ("n", page + 1, rendered.next_cursor, "Next ›", not rendered.has_next),
        ("l", max(page, count - 1), rendered.last_cursor, "Last »", not rendered.has_next),
    ):
        view.add_item(
            PageButton(
                kind, tag, target, owner, state, cursor=cursor, label=label, disabled=disabled
            )
        )
    return view


def quote_view(kind: str, owner: int, state: str, rendered: Rendered) -> discord.ui.View | None:
    """Previous / quote x of y / next / random, for stepping through one person's quotes."""
    page, count = rendered.page, rendered.page_count
    if count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    # The random target is drawn now, so the button needs no state beyond its custom_id.
    other = random.randrange(count - 1)
    if other >= page:
        other += 1
    for tag, target, label, disabled in (
        ("p", max(0, page - 1), "‹ Previous", page == 0),
        ("x", page, f"Quote {page + 1}/{count}", True),
        ("n", min(count - 1, page + 1), "Next ›", page == count - 1),
        ("r", other, "Random", False),
    ):
        view.add_item(PageButton(kind, tag, target, owner, state, label=label, disabled=disabled))
    return view
