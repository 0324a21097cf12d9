"""What every member uses: /timeline, /whatsnew, /quote, /people, /search, /entry, /about."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.checks import per_guild_searches, use_fairly
from bot.errors import UserError
from bot.models import Cursor
from bot.options import ItemId, check_can_embed, person_choices, resolve_person
from bot.pagers import (
    NewestTimelinePager,
    QuotePager,
    QuoteState,
    SearchPager,
    SearchState,
    TimelinePager,
    TimelineState,
    WhatsNewPager,
    describe_filters,
)
from bot.timeline_chart import ShowListButton, TimelineCharts
from bot.ui import embeds
from bot.ui.pager import Pager
from bot.ui.respond import in_time, reply
from bot.ui.text import escape, fit_markdown
from bot.validate import date_option

if TYPE_CHECKING:
    from bot.app import StoryBot
    from bot.store import Store


class Reader(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self.timelines = TimelinePager()
        self.newest_first = NewestTimelinePager()  # /timeline order:newest
        self.whats_new = WhatsNewPager()
        self.quotes = QuotePager()
        self.searches = SearchPager()
        self.charts = TimelineCharts()  # /timeline view:chart
        bot.add_dynamic_items(ShowListButton)

    @property
    def pagers(self) -> tuple[Pager, ...]:
        return (self.timelines, self.newest_first, self.whats_new, self.quotes, self.searches)

    async def cog_load(self) -> None:
        for pager in self.pagers:
            self.bot.pagers.add(pager)

    async def cog_unload(self) -> None:
        for pager in self.pagers:
            self.bot.pagers.remove(pager.kind)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Fair use: every command here counts for the member, before anything is read."""
        use_fairly(self.bot.fair_use.reads, interaction.user.id)
        return True

    @property
    def store(self) -> Store:
        return self.bot.store

    async def person_autocomplete(self, interaction: discord.Interaction, current: str):
        return person_choices(self.store, interaction.guild_id, current)

    # /timeline

    @app_commands.command(description="The story's events in date order, with their sources")
    @app_commands.describe(
        person="Only events involving this person",
        since="From this date: 2024-05-17, 2024-05, May 17 2024 or 17 May 2024",
        until="Up to this date (same forms)",
        search="Only events mentioning these words",
        private="Show the timeline only to you",
        view="A list, five events a page (the default), or one picture of them all",
        order="Oldest first (the default), or newest first: the latest news on the first page",
    )
    @app_commands.autocomplete(person=person_autocomplete)
    async def timeline(
        self,
        interaction: discord.Interaction,
        person: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        until: app_commands.Range[str, 1, 40] | None = None,
        search: app_commands.Range[str, 1, TimelineState.SEARCH_MAX] | None = None,
        private: bool = False,
        view: Literal["list", "chart"] = "list",
        order: Literal["oldest", "newest"] = "oldest",
    ) -> None:
        check_can_embed(interaction)
        who = resolve_person(self.store, interaction.guild_id, person) if person else None
        start = date_option(since, "since")[0] if since is not None else None
        end = date_option(until, "until", end_of_month=True)[0] if until is not None else None
        if start and end and start > end:
            raise UserError("`since` is after `until`: swap them to see that stretch of the story.")
        if search is not None and not search.strip():
            search = None
        # Normalised as the state is made, before any read; nothing to look for is answered.
        state = TimelineState(who.id if who else None, start, end, search)
        # With no match, the picture is not sent and the list below says so.
        if view == "chart" and await self.charts.send(
            interaction, self.store, state, ephemeral=private
        ):
            return
        pager = self.newest_first if order == "newest" else self.timelines
        rendered = await in_time(
            interaction, pager.render(interaction, state, 0, Cursor()), ephemeral=private
        )
        if rendered.page.total == 0:
            filters = escape(describe_filters(self.store, interaction.guild_id, state.filters))
            raise UserError(f"Nothing in the timeline matches {filters}. Try fewer filters.")
        await pager.send_first(interaction, state, rendered, ephemeral=private)

    # /whatsnew

    @app_commands.command(description="What was added to this server's story since you last looked")
    @app_commands.describe(private="Show the answer only to you (the default)")
    @app_commands.guild_only()
    async def whatsnew(self, interaction: discord.Interaction, private: bool = True) -> None:
        await self.whats_new.answer(interaction, ephemeral=private)

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
        search: app_commands.Range[str, 1, QuoteState.SEARCH_MAX] | None = None,
    ) -> None:
        check_can_embed(interaction)
        who = resolve_person(self.store, interaction.guild_id, person)
        if search is not None and not search.strip():
            search = None
        state = QuoteState(who.id, search)
        rendered = await in_time(interaction, self.quotes.render(interaction, state, 0, Cursor()))
        if rendered.page.total == 0:
            matching = f" matching “{fit_markdown(state.terms.text, 40)}”" if state.terms else ""
            raise UserError(
                f"No quotes from {who.name}{matching} yet. `/people` shows who has some."
            )
        await self.quotes.send_first(interaction, state, rendered)

    # /people

    @app_commands.command(description="Who is who in the story")
    async def people(self, interaction: discord.Interaction) -> None:
        check_can_embed(interaction)
        stats = await in_time(interaction, self.store.people_stats(interaction.guild_id))
        await reply(interaction, embed=embeds.people_embed(stats))

    # /search

    @app_commands.command(description="Search every event and quote")
    @app_commands.describe(query="Words to look for")
    @per_guild_searches()
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, SearchState.QUERY_MAX],
    ) -> None:
        check_can_embed(interaction)
        state = SearchState(query)  # normalised before any read; nothing to look for is answered
        rendered = await in_time(interaction, self.searches.render(interaction, state, 0, Cursor()))
        if rendered.page.total == 0:
            raise UserError(
                f"Nothing matches “{fit_markdown(state.terms.text, 60)}”. Try other words."
            )
        await self.searches.send_first(interaction, state, rendered)

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


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Reader(bot))
