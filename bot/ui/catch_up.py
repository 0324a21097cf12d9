"""What's new for a member: the /whatsnew page, and the button under announcements that asks
for it. The answer itself (reading the member's marks) is the whats-new pager's, in
bot.pagers: this module reaches it through the bot's pagers, as ui/ never reads the store."""

from __future__ import annotations

import re
from datetime import date

import discord

from bot.checks import SlowDown, use_fairly
from bot.dates import format_date
from bot.models import NewItem, Page
from bot.ui import limits
from bot.ui.embeds import STORY_COLOUR, how_many, pages, timeline_block
from bot.ui.follow import FollowButton
from bot.ui.respond import report_error, send_ephemeral
from bot.ui.text import block_quote, escape, link

WHATS_NEW_LABEL = "What's new for me"
WHATS_NEW_KIND = "w"  # the pager that answers /whatsnew and the button
WHATS_NEW_ID = "whatsnew:me"
LATEST_EVENTS = "`/timeline order:newest` shows the latest events."


def seen_day(seen_at: str) -> str:
    """When a member last looked ("3 June 2025"), from the ISO time the store keeps (UTC)."""
    return format_date(date.fromisoformat(seen_at[:10]))


def nothing_new(seen_at: str | None) -> str:
    """The answer when nothing was added since the member last looked (None: never looked,
    and the story is empty: no shipped story was seeded)."""
    if seen_at is None:
        return "Nothing in this server's story yet."
    return f"Nothing new since {seen_day(seen_at)}. {LATEST_EVENTS}"


def whats_new_embed(
    found: Page[NewItem], *, first_look: bool, seen_at: str | None
) -> discord.Embed:
    """A page of what is new, newest first. `seen_at`: when the member looked before (the
    first page says the date; later pages carry only the marks)."""
    if first_look:
        header = (
            "Your first look: the latest additions to this server's story, newest first. "
            "From now on, `/whatsnew` shows what was added since you last looked."
        )
        title = "What's new · your first look"
    else:
        since = seen_day(seen_at) if seen_at is not None else "you last looked"
        header = f"Added to this server's story since {since}, newest first."
        count = how_many(found)
        title = f"What's new · {count} {'addition' if found.total == 1 else 'additions'}"
    budget = (limits.EMBED_DESCRIPTION - len(header) - 4) // max(1, len(found.items)) - 2
    blocks = [_block(item, budget) for item in found.items]
    embed = discord.Embed(
        title=title, description="\n\n".join([header, *blocks]), colour=STORY_COLOUR
    )
    where = "/entry <id> shows an event in full"
    if first_look:
        embed.set_footer(text=where)
    else:
        embed.set_footer(text=f"Page {found.page + 1} of {pages(found)} · {where}")
    return embed


def _block(item: NewItem, budget: int) -> str:
    """One item in at most `budget` characters, under a line saying what it is."""
    if item.quote is not None:
        quote = item.quote
        name, day = escape(quote.person.name), format_date(quote.date)
        head = f"New quote\n**{name}** · {day} · quote `#{quote.id}`"
        source = link(quote.source.name, quote.source.url, 40, budget // 2) if quote.source else ""
        tail = f"\nSource: {source}" if source else ""
        text = block_quote(quote.text, max(20, budget - len(head) - len(tail) - 2))
        return f"{head}\n{text}{tail}"
    label = "Edited: its text changed" if item.edited else "New event"
    return f"{label}\n{timeline_block(item.entry, budget - len(label) - 1)}"


def announcement_view(role: discord.Role | None) -> discord.ui.View:
    """What an announcement carries: Follow updates (with an updates role), What's new for me."""
    view = discord.ui.View(timeout=None)
    if role is not None:
        view.add_item(FollowButton(role.id))
    view.add_item(WhatsNewButton())
    return view


class WhatsNewButton(discord.ui.DynamicItem[discord.ui.Button], template=re.escape(WHATS_NEW_ID)):
    """/whatsnew for whoever clicks, answered only to them."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=WHATS_NEW_LABEL, style=discord.ButtonStyle.secondary, custom_id=WHATS_NEW_ID
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> WhatsNewButton:
        return cls()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the member ourselves.
        try:
            use_fairly(interaction.client.fair_use.reads, interaction.user.id)
            if interaction.guild_id is None:
                await send_ephemeral(interaction, "This button works only in its server.")
                return
            pager = interaction.client.pagers.get(WHATS_NEW_KIND)
            await pager.answer(interaction, ephemeral=True)
        except SlowDown as slow:
            await send_ephemeral(interaction, str(slow))
        except Exception as error:
            await report_error(interaction, error, "What's new button")
