"""The review card a feed item is posted as, and its Add to timeline and Dismiss buttons.

Item text comes from someone else's feed: plain and unescaped, so everything shown is escaped
here. The buttons are stateless (the item id rides in the custom_id) and so survive restarts;
what they do is the review desk's (the feeds cog's) to decide, reached through the client.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol

import discord

from bot.dates import format_date
from bot.models import ADDED, DISMISSED, ReviewItem
from bot.ui import limits
from bot.ui.feeds import host_of
from bot.ui.respond import report_error
from bot.ui.text import fit_markdown, fit_plain, link, one_line
from bot.ui.update_form import Prefill

REVIEW_DESK = "Feeds"  # the cog that handles the buttons
ADD_LABEL, DISMISS_LABEL = "Add to timeline", "Dismiss"
PENDING_COLOUR = discord.Colour(0xF1C40F)
ADDED_COLOUR = discord.Colour(0x2ECC71)
DISMISSED_COLOUR = discord.Colour(0x95A5A6)
SUMMARY_SHOWN = 1000
UNTITLED = "(the feed gives no title)"


class ReviewDesk(Protocol):
    async def review(self, interaction: discord.Interaction, action: str, item_id: int) -> None:
        """Handle a click on a card's button: "add" or "dismiss"."""


def review_embed(item: ReviewItem) -> discord.Embed:
    """The card: title (linked), outlet, date, link, a short summary, and any decision."""
    colour = {ADDED: ADDED_COLOUR, DISMISSED: DISMISSED_COLOUR}.get(item.status, PENDING_COLOUR)
    embed = discord.Embed(
        title=fit_markdown(one_line(item.title) or UNTITLED, limits.EMBED_TITLE),
        url=item.link,
        description=fit_markdown(item.summary, SUMMARY_SHOWN) or None,
        colour=colour,
    )
    embed.add_field(name="Outlet", value=fit_markdown(item.outlet, 200) or "unknown", inline=True)
    published = item.published.date() if item.published else None
    embed.add_field(
        name="Date", value=format_date(published) if published else "not given", inline=True
    )
    if item.link:
        embed.add_field(name="Link", value=link(host_of(item.link), item.link, 100), inline=False)
    decision = decision_words(item)
    if decision:
        embed.add_field(name="Review", value=decision, inline=False)
    embed.set_footer(text=fit_plain(f"Review item #{item.id} · from a feed · /feeds list", 200))
    return embed


def decision_words(item: ReviewItem) -> str | None:
    """Who did what (a mention in an embed never pings)."""
    if item.pending:
        return None
    when = ""
    if item.decided_at:
        when = f" <t:{int(datetime.fromisoformat(item.decided_at).timestamp())}:f>"
    if item.status == ADDED:
        made = f" as update #{item.entry_id}" if item.entry_id else ""
        return f"Added to the timeline{made} by <@{item.decided_by}>{when}."
    return f"Dismissed by <@{item.decided_by}>{when}."


def review_view(item: ReviewItem) -> discord.ui.View | None:
    """The buttons, while the item waits for a decision."""
    if not item.pending:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton("add", item.id))
    view.add_item(ReviewButton("dismiss", item.id))
    return view


def review_prefill(item: ReviewItem) -> Prefill:
    """The /addupdate form's starting values: the summary (or title) as text, the title as
    headline, the item's date (UTC) and its link."""
    return Prefill(
        text=item.summary or item.title,
        headline=item.title if item.summary else "",
        date=item.published.date().isoformat() if item.published else "",
        sources=(item.link,) if item.link else (),
    )


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"review:(?P<action>add|dismiss):(?P<id>\d{1,20})",
):
    def __init__(self, action: str, item_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=ADD_LABEL if action == "add" else DISMISS_LABEL,
                style=discord.ButtonStyle.success
                if action == "add"
                else discord.ButtonStyle.secondary,
                custom_id=f"review:{action}:{item_id}",
            )
        )
        self.action, self.item_id = action, item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ReviewButton:
        return cls(match["action"], int(match["id"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the moderator ourselves.
        try:
            desk: ReviewDesk = interaction.client.get_cog(REVIEW_DESK)
            await desk.review(interaction, self.action, self.item_id)
        except Exception as error:
            await report_error(interaction, error, f"Review button {self.custom_id!r}")
