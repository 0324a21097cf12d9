"""`/timeline view:chart`: the filtered timeline as one picture, the text list a click away."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import discord

from bot.charts.cache import RenderCache
from bot.charts.render import timeline_png
from bot.dates import format_date
from bot.errors import UserError
from bot.models import Cursor
from bot.options import check_can_embed
from bot.pagers import TimelinePager, TimelineState, describe_filters
from bot.store import Store
from bot.ui.pager import OUT_OF_DATE
from bot.ui.respond import in_time, reply, report_error, send_ephemeral
from bot.ui.text import fit_plain

READ_CAP = 200  # entries read for one picture: more than ever fit (the layout stops at its height)
FILENAME = "timeline.png"
ALT_TEXT = 1024  # Discord's limit on an attachment's description
LIST_PREFIX = "tl:list:"


class TimelineCharts:
    """Answers with the picture; keeps recent ones by guild, data version and filters."""

    def __init__(
        self, cache: RenderCache | None = None, draw: Callable[..., bytes] = timeline_png
    ) -> None:
        self.cache: RenderCache[tuple[bytes, str]] = cache if cache is not None else RenderCache()
        self.draw = draw

    async def send(
        self,
        interaction: discord.Interaction,
        store: Store,
        state: TimelineState,
        *,
        ephemeral: bool,
    ) -> bool:
        """Reply with the picture; False (nothing sent) when no event matches."""
        if interaction.guild is not None and not interaction.app_permissions.attach_files:
            raise UserError(
                "I can't attach pictures in this channel. A server admin can give me the "
                "**Attach Files** permission here, or use `/timeline` without `view:chart`."
            )
        work = self.picture(store, interaction.guild_id, state)
        found = await in_time(interaction, work, ephemeral=ephemeral)
        if found is None:
            return False
        png, alt = found
        picture = discord.File(io.BytesIO(png), FILENAME, description=alt)
        view = discord.ui.View(timeout=None)
        view.add_item(ShowListButton(state))
        await reply(interaction, file=picture, view=view, ephemeral=ephemeral)
        return True

    async def picture(
        self, store: Store, guild_id: int | None, state: TimelineState
    ) -> tuple[bytes, str] | None:
        """(PNG, alt text); drawn again only when the data's version or the filters differ."""
        filters = state.filters
        key = (guild_id, await store.timeline_version(guild_id), state)
        if (kept := self.cache.get(key)) is not None:
            return kept
        page = await store.timeline(guild_id, filters, Cursor(), READ_CAP)
        if not page.items:
            return None
        count = f"{page.total:,}{'' if page.exact else '+'}"
        title = f"Timeline · {count} {'event' if page.total == 1 else 'events'}"
        # The picture and its alt text show no Markdown: the plain description, capitalised.
        subtitle = describe_filters(store, guild_id, filters) or "the whole story, oldest first"
        subtitle = subtitle[:1].upper() + subtitle[1:]
        alt = fit_plain(f"{title}, {span(page.items)}. {subtitle}", ALT_TEXT)
        people = store.people_in(guild_id)  # the palette: shipped people keep their colours
        args = (page.items, page.total, page.exact, title, subtitle, people)
        return await self.cache.render(key, self._draw, alt, *args)

    def _draw(self, alt: str, *args) -> tuple[bytes, str]:
        return self.draw(*args), alt


def span(entries) -> str:
    first, last = entries[0].date, entries[-1].date
    return format_date(first) if first == last else f"{format_date(first)} to {format_date(last)}"


class ShowListButton(
    discord.ui.DynamicItem[discord.ui.Button], template=re.escape(LIST_PREFIX) + r"(?P<state>.*)"
):
    """Under the picture: the same events as the text list, shown to whoever clicks."""

    def __init__(self, state: TimelineState | None, custom_id: str = "") -> None:
        # Shorter than the page buttons' custom_id, which TimelineState's caps keep within 100.
        custom_id = LIST_PREFIX + state.encode() if state is not None else custom_id
        super().__init__(
            discord.ui.Button(
                label="Show as list", style=discord.ButtonStyle.secondary, custom_id=custom_id
            )
        )
        self.state = state  # None: the custom_id is out of date

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ShowListButton:
        try:
            return cls(TimelineState.decode(match["state"]))
        except ValueError:
            return cls(None, item.custom_id)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the member ourselves.
        if self.state is None:
            await send_ephemeral(interaction, OUT_OF_DATE)
            return
        try:
            check_can_embed(interaction)
            timelines = interaction.client.pagers.get(TimelinePager.kind)
            work = timelines.render(interaction, self.state, 0, Cursor())
            rendered = await in_time(interaction, work, ephemeral=True)
            await timelines.send_first(interaction, self.state, rendered, ephemeral=True)
        except Exception as error:
            await report_error(interaction, error, f"Button {self.custom_id!r}")
