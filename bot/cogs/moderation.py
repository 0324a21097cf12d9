"""Moderators post and correct updates: /addupdate and Add to timeline (on a message), /editupdate,
/removeupdate, /addquote, /removequote, /history. Everything is scoped to the moderator's guild."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ADD_TO_TIMELINE, moderator_only
from bot.errors import UserError
from bot.models import (
    CONTEXT_MAX,
    HEADLINE_MAX,
    KEEP,
    TEXT_MAX,
    Cursor,
    Entry,
    EntryAdded,
    EntryChanges,
    MessageRef,
)
from bot.options import ItemId, person_choices, resolve_person
from bot.pagers import HistoryPager, HistoryState
from bot.ui import limits
from bot.ui.announce import announce_update
from bot.ui.from_message import prefill_from_message
from bot.ui.respond import in_time, reply
from bot.ui.text import fit_markdown, fit_plain
from bot.ui.undo import UndoRemoveButton
from bot.ui.update_form import OpenForms, PrefilledUpdateModal, UpdateModal, answer_closed_form
from bot.validate import (
    clean_date,
    clean_people,
    clean_source,
    clean_text,
    update_draft,
)

if TYPE_CHECKING:
    from bot.app import StoryBot
    from bot.store import Store

log = logging.getLogger(__name__)

ADDUPDATE_RATE = (5, 60.0)  # posts per moderator per minute


class Moderation(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self.open_forms = OpenForms()
        self.histories = HistoryPager()
        # discord.py has no decorator for message commands in a cog: built here, added on load.
        self.add_to_timeline_menu = app_commands.ContextMenu(
            name=ADD_TO_TIMELINE, callback=self.add_to_timeline
        )

    async def cog_load(self) -> None:
        self.bot.pagers.add(self.histories)
        self.bot.tree.add_command(self.add_to_timeline_menu)

    async def cog_unload(self) -> None:
        self.bot.pagers.remove(self.histories.kind)
        menu = self.add_to_timeline_menu
        self.bot.tree.remove_command(menu.name, type=menu.type)

    @property
    def store(self) -> Store:
        return self.bot.store

    async def person_autocomplete(self, interaction: discord.Interaction, current: str):
        # `people` takes a comma-separated list: complete the last name being typed.
        done, _, last = current.rpartition(",")
        prefix = f"{done}, " if done else ""
        return [
            app_commands.Choice(
                name=fit_plain(prefix + choice.name, limits.CHOICE_NAME),
                value=prefix + choice.value,
            )
            for choice in person_choices(self.store, interaction.guild_id, last.strip())
            if len(prefix + choice.value) <= 100
        ]

    async def single_person_autocomplete(self, interaction: discord.Interaction, current: str):
        return person_choices(self.store, interaction.guild_id, current)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await answer_closed_form(interaction, self.open_forms)

    # /addupdate

    @app_commands.command(
        description="Post a news update to this server's timeline and announce it"
    )
    @app_commands.describe(
        text="What happened (leave empty to write it in a larger box)",
        date="When it happened (default today): 2024-05-17, 2024-05, May 17 2024",
        headline="A short headline (default: the first line of the text)",
        source="A link to where this was reported (http/https)",
        people="Who is involved, comma-separated (e.g. leike, altman)",
        announce="Post it publicly here and in the updates channel (default yes)",
    )
    @app_commands.autocomplete(people=person_autocomplete)
    @app_commands.checks.cooldown(*ADDUPDATE_RATE, key=lambda i: (i.guild_id, i.user.id))
    @moderator_only()
    async def addupdate(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, limits.TEXT_OPTION_MAX] | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
        headline: app_commands.Range[str, 1, 200] | None = None,
        source: app_commands.Range[str, 1, 1000] | None = None,
        people: app_commands.Range[str, 1, 200] | None = None,
        announce: bool = True,
    ) -> None:
        options = {"date": date, "source": source, "people": people, "announce": announce}
        if text is None:
            form = UpdateModal(self.post_update, options, interaction, self.open_forms)
            await interaction.response.send_modal(form)
            return
        await self.post_update(interaction, text=text, headline=headline, **options)

    @app_commands.checks.cooldown(*ADDUPDATE_RATE, key=lambda i: (i.guild_id, i.user.id))
    @moderator_only()
    async def add_to_timeline(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Message command: the /addupdate form, filled in from the message; links back to it."""
        prefill = prefill_from_message(message)
        form = PrefilledUpdateModal(self.post_update, prefill, interaction, self.open_forms)
        await interaction.response.send_modal(form)

    async def post_update(
        self,
        interaction: discord.Interaction,
        *,
        text: str,
        headline: str | None,
        date: str | None,
        source: str | None,
        people: str | None,
        announce: bool,
        from_message: MessageRef | None = None,
    ) -> EntryAdded:
        """Store the update and announce it; what was stored (or found stored already)."""
        draft = update_draft(
            text=text,
            headline=headline,
            date_text=date,
            source=source,
            people_text=people,
            people=self.store.people_in(interaction.guild_id),
        )
        # Answer Discord now; storing and announcing may take longer than its 3 seconds.
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as error:
            # Nothing is stored yet, so the honest answer is "try again".
            log.warning(
                "/addupdate: Discord refused the deferral (%s); nothing stored", error.status
            )
            raise UserError(
                f"Discord didn't accept my reply (error {error.status}), so nothing was saved. "
                "Please run /addupdate again."
            ) from None
        added = await self.store.add_entry(
            interaction.guild_id,
            interaction.user.id,
            day=draft.day,
            precision=draft.precision,
            headline=draft.headline,
            body=draft.text,
            person_ids=draft.person_ids,
            source_url=draft.source_url,
            from_message=from_message,
        )
        entry = added.entry
        if added.duplicate:
            # The same update from this moderator minutes ago: a retry after a lost reply.
            await self.tell_moderator(
                interaction,
                f"You already posted this update as #{entry.id}; it is in `/timeline` "
                "and was not posted or announced again.",
            )
            return added
        report = [f"Update #{entry.id} is in this server's `/timeline`."]
        if announce:
            settings = await self.store.guild_settings(interaction.guild_id)
            report += await announce_update(interaction, settings, entry)
        else:
            report.append("Not announced (announce: False).")
        await self.tell_moderator(interaction, "\n".join(report))
        return added

    async def tell_moderator(self, interaction: discord.Interaction, message: str) -> None:
        """The update is stored by now: make sure the moderator hears that, not an apology."""
        for attempt in (1, 2):
            try:
                await interaction.followup.send(message, ephemeral=True)
                return
            except discord.HTTPException as error:
                log.warning(
                    "Telling the moderator failed (attempt %d, %s): %r",
                    attempt,
                    error.status,
                    message,
                )

    # /editupdate, /removeupdate

    @app_commands.command(description="Correct one of this server's updates")
    @app_commands.describe(
        id="The update's number (#12)",
        text="New text",
        date="New date",
        headline="New headline",
        source="New source link",
        people="New list of people, comma-separated",
    )
    @app_commands.autocomplete(people=person_autocomplete)
    @moderator_only()
    async def editupdate(
        self,
        interaction: discord.Interaction,
        id: ItemId,
        text: app_commands.Range[str, 1, limits.TEXT_OPTION_MAX] | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
        headline: app_commands.Range[str, 1, 200] | None = None,
        source: app_commands.Range[str, 1, 1000] | None = None,
        people: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        body = clean_text(text, "text", TEXT_MAX) if text is not None else KEEP
        title = KEEP
        if headline is not None:
            title = clean_text(headline, "headline", HEADLINE_MAX, multiline=False)
        day, precision = clean_date(date) if date is not None else (KEEP, KEEP)
        url = clean_source(source) if source is not None else KEEP
        person_ids = KEEP
        if people is not None:
            person_ids = tuple(clean_people(people, self.store.people_in(interaction.guild_id)))
        changes = EntryChanges(
            day=day,
            precision=precision,
            headline=title,
            body=body,
            person_ids=person_ids,
            source_url=url,
        )
        if changes == EntryChanges():
            raise UserError(
                "Nothing to change: give at least one of text, date, headline, source, people."
            )

        async def apply() -> Entry | None:
            await self.require_own_entry(interaction, id)
            return await self.store.edit_entry(
                interaction.guild_id, interaction.user.id, id, changes
            )

        entry = await in_time(interaction, apply(), ephemeral=True)
        if entry is None:
            raise UserError(f"There is no entry #{id} here.")
        await reply(interaction, content=f"Update #{id} is corrected.", ephemeral=True)

    @app_commands.command(description="Take one of this server's updates out of the timeline")
    @app_commands.describe(id="The update's number (#12)")
    @moderator_only()
    async def removeupdate(self, interaction: discord.Interaction, id: ItemId) -> None:

        async def apply() -> Entry | None:
            await self.require_own_entry(interaction, id)
            return await self.store.remove_entry(interaction.guild_id, interaction.user.id, id)

        entry = await in_time(interaction, apply(), ephemeral=True)
        if entry is None:
            raise UserError(f"There is no entry #{id} here.")
        view = discord.ui.View(timeout=None)
        view.add_item(UndoRemoveButton(id, interaction.user.id))
        await reply(
            interaction,
            content=f"Removed update #{id} (“{fit_markdown(entry.headline, 80)}”) from the timeline.",
            view=view,
            ephemeral=True,
        )

    async def require_own_entry(self, interaction: discord.Interaction, entry_id: int) -> None:
        """Same answer for missing and other guilds' ids; a clear one for the shipped story."""
        entry = await self.store.entry(interaction.guild_id, entry_id)
        if entry is None:
            raise UserError(f"There is no entry #{entry_id} here.")
        if entry.shipped:
            raise UserError(
                f"Entry #{entry_id} is part of the story the bot ships with; only the bot's "
                "operator can change it. Post a correction with `/addupdate` instead."
            )

    # /addquote, /removequote

    @app_commands.command(description="Add a verbatim quote to this server's collection")
    @app_commands.describe(
        person="Who said it",
        text="Exactly what they said",
        date="When (default today)",
        context="Where, e.g. “thread on X” or “to Vox”",
        source="A link to where they said it",
    )
    @app_commands.autocomplete(person=single_person_autocomplete)
    @moderator_only()
    async def addquote(
        self,
        interaction: discord.Interaction,
        person: app_commands.Range[str, 1, 100],
        text: app_commands.Range[str, 1, limits.TEXT_OPTION_MAX],
        date: app_commands.Range[str, 1, 40] | None = None,
        context: app_commands.Range[str, 1, 200] | None = None,
        source: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        who = resolve_person(self.store, interaction.guild_id, person)
        body = clean_text(text, "text", TEXT_MAX)
        day, _ = clean_date(date)
        where = clean_text(context, "context", CONTEXT_MAX, multiline=False) if context else ""
        url = clean_source(source)
        quote = await in_time(
            interaction,
            self.store.add_quote(
                interaction.guild_id,
                interaction.user.id,
                person_id=who.id,
                text=body,
                day=day,
                context=where,
                source_url=url,
            ),
            ephemeral=True,
        )
        await reply(
            interaction,
            content=f"Added quote #{quote.id} from {who.name}; `/quote {who.slug}` shows it.",
            ephemeral=True,
        )

    @app_commands.command(description="Remove one of this server's quotes")
    @app_commands.describe(id="The quote's number (#7)")
    @moderator_only()
    async def removequote(self, interaction: discord.Interaction, id: ItemId) -> None:
        quote = await in_time(
            interaction,
            self.store.remove_quote(interaction.guild_id, interaction.user.id, id),
            ephemeral=True,
        )
        if quote is None:
            raise UserError(f"There is no quote #{id} of this server's to remove.")
        await reply(interaction, content=f"Removed quote #{id}.", ephemeral=True)

    # /history

    @app_commands.command(description="Who changed what, and when, in this server")
    @app_commands.describe(id="Only the history of this entry or quote number")
    @moderator_only()
    async def history(self, interaction: discord.Interaction, id: ItemId | None = None) -> None:
        state = HistoryState(id)
        rendered = await in_time(
            interaction, self.histories.render(interaction, state, 0, Cursor()), ephemeral=True
        )
        if rendered.page.total == 0:
            raise UserError(
                "No changes recorded yet." if id is None else f"No changes recorded for #{id}."
            )
        await self.histories.send_first(interaction, state, rendered, ephemeral=True)


async def setup(bot: StoryBot) -> None:
    bot.add_dynamic_items(UndoRemoveButton)
    await bot.add_cog(Moderation(bot))
