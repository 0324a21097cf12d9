"""Page buttons that keep working after a restart: the query lives in the button's custom_id.

Every pager is one `kind` letter with a renderer. A click re-runs the renderer for the
target page; only the member who ran the command may turn pages.
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot import errors
from bot.ui import limits
from bot.ui.respond import in_time, update_message

NOT_YOURS = "Only the person who ran this command can turn its pages. Run it yourself to browse."


@dataclass(frozen=True)
class Rendered:
    embed: discord.Embed
    page: int
    page_count: int
    total: int


Renderer = Callable[[discord.Interaction, str, int], Awaitable[Rendered]]
ViewBuilder = Callable[[str, int, str, Rendered], "discord.ui.View | None"]
_PAGERS: dict[str, tuple[Renderer, ViewBuilder]] = {}


def register(kind: str, renderer: Renderer, view_builder: ViewBuilder) -> None:
    assert re.fullmatch(r"[a-z]", kind), kind
    _PAGERS[kind] = (renderer, view_builder)


def view_for(kind: str, owner: int, state: str, rendered: Rendered) -> discord.ui.View | None:
    return _PAGERS[kind][1](kind, owner, state, rendered)


def custom_id(kind: str, tag: str, page: int, owner: int, state: str) -> str:
    value = f"pg:{kind}:{tag}:{page}:{owner}:{state}"
    # Commands cap their text options so that this always fits.
    assert len(value) <= limits.CUSTOM_ID, value
    return value


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"pg:(?P<kind>[a-z]):(?P<tag>[fpnlrx]):(?P<page>\d{1,9}):(?P<owner>\d{1,20}):(?P<state>.*)",
):
    def __init__(
        self,
        kind: str,
        tag: str,
        page: int,
        owner: int,
        state: str,
        *,
        label: str = "",
        disabled: bool = False,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                disabled=disabled,
                custom_id=custom_id(kind, tag, page, owner, state),
            )
        )
        self.kind, self.page, self.owner, self.state = kind, page, owner, state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> PageButton:
        return cls(
            match["kind"], match["tag"], int(match["page"]), int(match["owner"]), match["state"]
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner:
            await errors.send_ephemeral(interaction, NOT_YOURS)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the member ourselves.
        try:
            renderer, view_builder = _PAGERS[self.kind]
            rendered = await in_time(interaction, renderer(interaction, self.state, self.page))
            view = view_builder(self.kind, self.owner, self.state, rendered)
            await update_message(interaction, embed=rendered.embed, view=view)
        except Exception as error:
            await errors.report(interaction, error, f"Page button {self.custom_id!r}")


def pager_view(kind: str, owner: int, state: str, rendered: Rendered) -> discord.ui.View | None:
    """First / previous / page x of y / next / last; None when there is only one page."""
    page, count = rendered.page, rendered.page_count
    if count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    last = count - 1
    for tag, target, label, disabled in (
        ("f", 0, "« First", page == 0),
        ("p", max(0, page - 1), "‹ Previous", page == 0),
        ("x", page, f"Page {page + 1}/{count}", True),
        ("n", min(last, page + 1), "Next ›", page == last),
        ("l", last, "Last »", page == last),
    ):
        view.add_item(PageButton(kind, tag, target, owner, state, label=label, disabled=disabled))
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
