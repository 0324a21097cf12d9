"""Paged lists whose buttons keep working after a restart: the button's custom_id is the query.

The split follows RoboDanny's paginator: a source that knows how to get and show one page (a
`Pager`), and generic navigation that knows only page numbers and cursors (bot.ui.navigation).
Unlike a view held in memory, each button carries its pager's state, its target page and its
owner in its custom_id, so a click after a restart renders a page of the same question.

Adding a paged command is one `Pager` subclass (a `kind` letter, a state dataclass with
`encode`/`decode`, `render` and a navigation; `may_turn` if clicks need more than "it is the
member who ran it") and one `bot.pagers.add(...)`.

custom_id: ``pg:{kind}:{tag}:{page}:{owner}:{cursor}:{state}``, at most 100 characters: the
caps live in each state, and a test builds every pager's longest custom_id.
"""

from __future__ import annotations

import functools
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import discord

from bot.fair_use import TooFast
from bot.models import Cursor, Page
from bot.ui import limits
from bot.ui.navigation import Navigation
from bot.ui.respond import in_time, reply, report_error, send_ephemeral, update_message

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who ran this command can turn its pages. Run it yourself to browse."
OUT_OF_DATE = "This button is out of date: run the command again."

# What a custom_id may carry. Past these it is out of date: a short answer, not an error.
ID_MAX = limits.INTEGER_OPTION_MAX  # entry, quote and history ids, as the commands accept them
OWNER_MAX = 2**64 - 1  # Discord ids are 64-bit
PAGE_MAX = 99_999  # buttons stop counting here (half a million timeline entries)
TAGS = "fpxnlr"

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@functools.lru_cache(maxsize=4096)  # a page's buttons repeat its owner, dates and ids
def b36(number: int) -> str:
    """Numbers in base 36, to keep custom_ids short."""
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _B36[digit] + text
        if not number:
            return text


def parse_b36(text: str, maximum: int) -> int:
    """What b36 wrote, up to `maximum`; anything else (signs, spaces, "_") is a ValueError."""
    if not re.fullmatch(r"[0-9a-z]{1,13}", text) or int(text, 36) > maximum:
        raise ValueError(f"not a base-36 number up to {maximum}: {text[:20]!r}")
    return int(text, 36)


def parse_decimal(text: str, maximum: int) -> int:
    if not re.fullmatch(r"[0-9]{1,17}", text) or int(text) > maximum:
        raise ValueError(f"not a number up to {maximum}: {text[:20]!r}")
    return int(text)


def encode_day(day: date | None) -> str:
    return b36(day.toordinal()) if day else ""


def decode_day(text: str) -> date | None:
    return date.fromordinal(parse_b36(text, date.max.toordinal())) if text else None


def encode_cursor(cursor: Cursor) -> str:
    """ "" (from the start), "z" (from the end), "a…"/"b…" (after/before a date and id)."""
    if cursor.from_end:
        return "z"
    for tag, key in (("a", cursor.after), ("b", cursor.before)):
        if key is not None:
            return f"{tag}{encode_day(key[0])}.{b36(key[1])}"
    return ""


def decode_cursor(text: str) -> Cursor:
    if text in ("", "z"):
        return Cursor(from_end=text == "z")
    match = re.fullmatch(r"([ab])([0-9a-z]+)\.([0-9a-z]+)", text)
    if match is None:
        raise ValueError(f"not a cursor: {text[:20]!r}")
    key = (decode_day(match[2]), parse_b36(match[3], ID_MAX))
    return Cursor(after=key) if match[1] == "a" else Cursor(before=key)


class PagerState(Protocol):
    """What a pager's buttons carry between clicks: a frozen dataclass that checks its caps."""

    def encode(self) -> str: ...

    @classmethod
    def decode(cls, text: str) -> Self:
        """The state `encode` wrote; anything else raises ValueError."""
        ...


S = TypeVar("S", bound=PagerState)


@dataclass(frozen=True)
class Rendered:
    """A page as shown, with the Page it came from: navigation reads its numbers and items."""

    embed: discord.Embed
    page: Page
    # Bookkeeping once the page is shown, which the member need not wait for (what they read).
    after_shown: Callable[[], Awaitable[None]] | None = None

    async def shown(self) -> None:
        """Run after_shown; a failure is logged, never answered: the page is already there."""
        if self.after_shown is None:
            return
        try:
            await self.after_shown()
        except Exception:
            log.exception("Bookkeeping after a page was shown failed")


class Pager(ABC, Generic[S]):
    """One paged list: its state, how to render a page of it, its buttons, who may turn them."""

    kind: ClassVar[str]  # one lowercase letter, in the custom_id
    State: ClassVar[type]  # the PagerState class
    navigation: ClassVar[Navigation]
    refusal: ClassVar[str] = ""  # what a clicker may_turn refuses is told

    @abstractmethod
    async def render(
        self, interaction: discord.Interaction, state: S, page: int, cursor: Cursor
    ) -> Rendered:
        """The page at `page` (keyset lists: starting at `cursor` when it says where)."""

    async def may_turn(self, interaction: discord.Interaction) -> bool:
        """Asked on every click, after "is it the member who ran the command"."""
        return True

    def view(self, owner: int, state: S, rendered: Rendered) -> discord.ui.View | None:
        turns = type(self).navigation(rendered.page)
        if not turns:
            return None
        view = discord.ui.View(timeout=None)
        encoded = state.encode()
        for turn in turns:
            where = PageId(self.kind, turn.tag, turn.page, owner, turn.cursor, encoded)
            view.add_item(PageButton(where.custom_id(), label=turn.label, disabled=turn.disabled))
        return view

    async def send_first(
        self,
        interaction: discord.Interaction,
        state: S,
        rendered: Rendered,
        *,
        ephemeral: bool = False,
    ) -> None:
        """Answer a command with its first page and the buttons to the others."""
        view = self.view(interaction.user.id, state, rendered)
        await reply(interaction, embed=rendered.embed, view=view, ephemeral=ephemeral)
        await rendered.shown()


class Pagers:
    """The bot's pagers by kind: what a page button's custom_id is turned back into."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Pager[Any]] = {}

    def add(self, pager: Pager[Any]) -> None:
        if not re.fullmatch(r"[a-z]", pager.kind) or pager.kind in self._by_kind:
            raise ValueError(f"pager kind {pager.kind!r} is not one free lowercase letter")
        if type(pager).may_turn is not Pager.may_turn and not pager.refusal:
            raise ValueError(f"pager {pager.kind!r} refuses clicks without saying why")
        self._by_kind[pager.kind] = pager

    def remove(self, kind: str) -> None:
        self._by_kind.pop(kind, None)

    def get(self, kind: str) -> Pager[Any] | None:
        return self._by_kind.get(kind)

    def __iter__(self) -> Iterator[Pager[Any]]:
        return iter(self._by_kind.values())


@dataclass(frozen=True)
class PageId:
    """What one page button carries, read from or written to its custom_id."""

    kind: str
    tag: str
    page: int
    owner: int
    cursor: Cursor
    state: str  # the pager's encoded state

    def custom_id(self) -> str:
        page = min(self.page, PAGE_MAX)
        cursor = encode_cursor(self.cursor)
        value = f"pg:{self.kind}:{self.tag}:{page}:{b36(self.owner)}:{cursor}:{self.state}"
        if len(value) > limits.CUSTOM_ID:  # the states' caps and the test keep this from happening
            raise ValueError(f"custom_id over {limits.CUSTOM_ID} characters: {value!r}")
        return value

    @classmethod
    def parse(cls, custom_id: str) -> PageId:
        parts = custom_id.split(":", 6)
        if len(parts) != 7 or parts[0] != "pg":
            raise ValueError("not a page button's custom_id")
        _, kind, tag, page, owner, cursor, state = parts
        if len(tag) != 1 or tag not in TAGS:
            raise ValueError(f"unknown button {tag[:5]!r}")
        return cls(
            kind,
            tag,
            parse_decimal(page, PAGE_MAX),
            parse_b36(owner, OWNER_MAX),
            decode_cursor(cursor),
            state,
        )


@dataclass(frozen=True)
class _Click:
    pager: Pager[Any]
    where: PageId
    state: Any


def _read_click(client: Any, custom_id: str) -> _Click:
    where = PageId.parse(custom_id)
    pager = client.pagers.get(where.kind)
    if pager is None:
        raise ValueError(f"no pager {where.kind[:5]!r}")
    return _Click(pager, where, pager.State.decode(where.state))


class PageButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?s)pg:.*"):
    """Every page button of every pager; the whole custom_id is read on a click.

    The template takes any "pg:" id, so an old or crafted one gets a short answer instead of
    Discord's "This interaction failed".
    """

    def __init__(self, custom_id: str, *, label: str = "", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=custom_id,
            )
        )
        self.click: _Click | None = None  # None: the custom_id is out of date

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> PageButton:
        button = cls(match.string)
        try:
            button.click = _read_click(interaction.client, match.string)
        except ValueError as error:
            log.info("Out-of-date page button %r: %s", match.string, error)
        return button

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        refusal = None
        try:  # fair use first: a refused click costs no read
            interaction.client.fair_use.page_turns.use(interaction.user.id)
        except TooFast as too_fast:
            refusal = too_fast.sentence
        else:
            if self.click is None:
                refusal = OUT_OF_DATE
            elif interaction.user.id != self.click.where.owner:
                refusal = NOT_YOURS
            elif not await self.click.pager.may_turn(interaction):
                refusal = self.click.pager.refusal
        if refusal is not None:
            await send_ephemeral(interaction, refusal)
        return refusal is None

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the member ourselves.
        assert self.click is not None, "interaction_check refused it"
        pager, where, state = self.click.pager, self.click.where, self.click.state
        try:
            work = pager.render(interaction, state, where.page, where.cursor)
            rendered = await in_time(interaction, work)
            view = pager.view(where.owner, state, rendered)
            await update_message(interaction, embed=rendered.embed, view=view)
            await rendered.shown()
        except Exception as error:
            await report_error(interaction, error, f"Page button {self.custom_id!r}")
