"""What every member uses: /timeline, /quote, /people, /search, /entry, /about."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.dates import format_date
from bot.errors import UserError
from bot.models import TimelineFilters
from bot.options import (
    ItemId,
    check_can_embed,
    person_choices,
    resolve_person,
)
from bot.ui import embeds, paging
from bot.ui.paging import Rendered
from bot.ui.respond import in_time, reply
from bot.ui.text import fit_markdown
from bot.ui.timeline_chart import ShowListButton, TimelineCharts
from bot.validate import date_option

if TYPE_CHECKING:
    from bot.app import StoryBot
    from bot.store import Store

TIMELINE_PER_PAGE = 5
SEARCH_PER_PAGE = 5
# Text options are stored in page buttons' custom_ids (100 characters), so they are capped.
TIMELINE_SEARCH_MAX = 40
SEARCH_QUERY_MAX = 60


class Reader(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        paging.register("t", self.render_timeline, paging.pager_view)
        paging.register("q", self.render_quote, paging.quote_view)
        paging.register("s", self.render_search, paging.pager_view)
        self.charts = TimelineCharts()  # /timeline view:chart
        bot.add_dynamic_items(ShowListButton)

    @property
    def store(self) -> Store:
        return self.bot.store

    async def person_autocomplete(self, interaction: discord.Interaction, current: str):
        return person_choices(self.store, current)

    # /timeline

    @app_commands.command(description="The story's events in date order, with their sources")
    @app_commands.describe(
        person="Only events involving this person",
        since="From this date: 2024-05-17, 2024-05, May 17 2024 or 17 May 2024",
        until="Up to this date (same forms)",
        search="Only events mentioning these words",
        private="Show the timeline only to you",
        view="A list, five events a page (the default), or one picture of them all",
    )
    @app_commands.autocomplete(person=person_autocomplete)
    async def timeline(
        self,
        interaction: discord.Interaction,
        person: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        until: app_commands.Range[str, 1, 40] | None = None,
        search: app_commands.Range[str, 1, TIMELINE_SEARCH_MAX] | None = None,
        private: bool = False,
        view: Literal["list", "chart"] = "list",
    ) -> None:
        check_can_embed(interaction)
        who = resolve_person(self.store, person) if person is not None else None
        start = date_option(since, "since")[0] if since is not None else None
        end = date_option(until, "until", end_of_month=True)[0] if until is not None else None
        if start and end and start > end:
            raise UserError("`since` is after `until`: swap them to see that stretch of the story.")
        if search is not None and not search.strip():
            search = None
        state = encode_timeline_state(who.id if who else None, start, end, search)
        if view == "chart":  # with no match, the list below says so
            filters = decode_timeline_state(state)
            if await self.charts.send(interaction, self.store, state, filters, ephemeral=private):
                return
        rendered = await in_time(
            interaction, self.render_timeline(interaction, state, 0), ephemeral=private
        )
        if rendered.total == 0:
            filters = describe_filters(self.store, state)
            raise UserError(f"Nothing in the timeline matches {filters}. Try fewer filters.")
        await paging.send_first_page(interaction, "t", state, rendered, ephemeral=private)

    async def render_timeline(
        self, interaction: discord.Interaction, state: str, page: int, cursor: str = ""
    ) -> Rendered:
        filters = decode_timeline_state(state)
        found = await self.store.timeline(
            interaction.guild_id, filters, paging.decode_cursor(cursor), TIMELINE_PER_PAGE, page
        )
        embed = embeds.timeline_embed(found, describe_filters(self.store, state))
        return Rendered.of(embed, found, keyset=True)

    # /quote

    @app_commands.command(description="What someone in the story said, verbatim and sourced")
    @app_commands.describe(
        person="Who said it (name, first or last name)", search="Only quotes with these words"
    )
    @app_commands.autocomplete(person=person_autocomplete)
    async def quote(
        self,
        interaction: discord.Interaction,
        person: app_commands.Range[str, 1, 100],
        search: app_commands.Range[str, 1, TIMELINE_SEARCH_MAX] | None = None,
    ) -> None:
        check_can_embed(interaction)
        who = resolve_person(self.store, person)
        if search is not None and not search.strip():
            search = None
        state = f"{who.id}|{search or ''}"
        rendered = await in_time(interaction, self.render_quote(interaction, state, 0))
        if rendered.total == 0:
            matching = f" matching “{fit_markdown(search, 40)}”" if search else ""
            raise UserError(
                f"No quotes from {who.name}{matching} yet. `/people` shows who has some."
            )
        await paging.send_first_page(interaction, "q", state, rendered)

    async def render_quote(
        self, interaction: discord.Interaction, state: str, page: int, cursor: str = ""
    ) -> Rendered:
        person_id, search = state.split("|", 1)
        found = await self.store.quote_at(
            interaction.guild_id, int(person_id), page, search or None
        )
        if not found.items:
            who = self.store.person(int(person_id))
            embed = discord.Embed(
                description=f"No quotes from {who.name if who else 'them'} any more."
            )
            return Rendered(embed, 0, 1, 0)
        return Rendered.of(embeds.quote_embed(found, search or None), found)

    # /people

    @app_commands.command(description="Who is who in the story")
    async def people(self, interaction: discord.Interaction) -> None:
        check_can_embed(interaction)
        stats = await in_time(interaction, self.store.people_stats(interaction.guild_id))
        await reply(interaction, embed=embeds.people_embed(stats))

    # /search

    @app_commands.command(description="Search every event and quote")
    @app_commands.describe(query="Words to look for")
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, SEARCH_QUERY_MAX]
    ) -> None:
        check_can_embed(interaction)
        rendered = await in_time(interaction, self.render_search(interaction, query, 0))
        if rendered.total == 0:
            raise UserError(
                f"Nothing matches “{fit_markdown(' '.join(query.split()), 60)}”. Try other words."
            )
        await paging.send_first_page(interaction, "s", query, rendered)

    async def render_search(
        self, interaction: discord.Interaction, query: str, page: int, cursor: str = ""
    ) -> Rendered:
        found = await self.store.search(interaction.guild_id, query, page, SEARCH_PER_PAGE)
        return Rendered.of(embeds.search_embed(found, query), found)

    # /entry

    @app_commands.command(description="One event in full, with all its sources")
    @app_commands.describe(id="The entry's number, as shown in /timeline (#12)")
    async def entry(self, interaction: discord.Interaction, id: ItemId) -> None:
        check_can_embed(interaction)
        found = await in_time(interaction, self.store.entry(interaction.guild_id, id))
        if found is None:
            raise UserError(f"There is no entry #{id} here. `/timeline` lists them all.")
        await reply(interaction, embed=embeds.entry_embed(found))

    # /about

    @app_commands.command(description="What this bot tracks and where its data comes from")
    async def about(self, interaction: discord.Interaction) -> None:
        check_can_embed(interaction)
        counts = await in_time(interaction, self.store.counts(interaction.guild_id))
        story = self.bot.story
        embed = embeds.about_embed(story.title, story.summary, counts, __version__)
        await reply(interaction, embed=embed)


def encode_timeline_state(
    person_id: int | None, since: date | None, until: date | None, search: str | None
) -> str:
    person = paging.b36(person_id) if person_id is not None else ""
    return f"{person}|{paging.encode_day(since)}|{paging.encode_day(until)}|{search or ''}"


def decode_timeline_state(state: str) -> TimelineFilters:
    person, since, until, search = state.split("|", 3)
    return TimelineFilters(
        paging.from_b36(person) if person else None,
        paging.decode_day(since),
        paging.decode_day(until),
        search or None,
    )


def describe_filters(store, state: str) -> str:
    filters = decode_timeline_state(state)
    parts = []
    if filters.person_id is not None:
        who = store.person(filters.person_id)
        parts.append(f"events with {who.name if who else 'that person'}")
    if filters.since:
        parts.append(f"from {format_date(filters.since)}")
    if filters.until:
        parts.append(f"up to {format_date(filters.until)}")
    if filters.search:
        parts.append(f"mentioning “{fit_markdown(filters.search, 40)}”")
    return ", ".join(parts)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Reader(bot))
