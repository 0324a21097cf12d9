"""Moderators add people to their own server's story: /addperson, /editperson, /removeperson.

A server's people are its own: /quote, /timeline, /people, the people of /addupdate and
every autocomplete know them in that server only. Their names never collide with the shipped
people's or with each other's (the store checks, under its write lock).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only
from bot.errors import UserError
from bot.models import KEEP, OUTLET, PERSON, Person, PersonChanges, PersonUsage
from bot.options import choices_among, resolve_person
from bot.people import NameTaken
from bot.ui.people import (
    RemovePersonButton,
    name_taken,
    removal_done,
    removal_question,
    removal_view,
)
from bot.ui.respond import in_time, reply
from bot.ui.text import escape
from bot.validate import clean_aliases, clean_person_name, clean_role

if TYPE_CHECKING:
    from bot.app import StoryBot
    from bot.store import Store

Kind = Literal["person", "outlet"]
NAME_OPTION = app_commands.Range[str, 1, 100]
ROLE_OPTION = app_commands.Range[str, 1, 250]
ALIASES_OPTION = app_commands.Range[str, 1, 700]


class People(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @property
    def store(self) -> Store:
        return self.bot.store

    async def own_person_autocomplete(self, interaction: discord.Interaction, current: str):
        own = [p for p in self.store.people_in(interaction.guild_id) if not p.shipped]
        return choices_among(own, current)

    def own_person(self, interaction: discord.Interaction, text: str) -> Person:
        person = resolve_person(self.store, interaction.guild_id, text)
        if person.shipped:
            raise UserError(
                f"{escape(person.name)} is part of the story the bot ships with; only the bot's "
                "operator can change them. `/editperson` and `/removeperson` work on the "
                "people this server added."
            )
        return person

    @app_commands.command(description="Add a person (or an outlet) to this server's story")
    @app_commands.describe(
        name="Their full name, as readers know it (e.g. Helen Toner)",
        role="Who they are in the story, in a line",
        aliases="Other names that should find them, comma-separated (e.g. toner, htoner)",
        kind="A person (the default), or an outlet quoted as reporting",
    )
    @moderator_only()
    async def addperson(
        self,
        interaction: discord.Interaction,
        name: NAME_OPTION,
        role: ROLE_OPTION | None = None,
        aliases: ALIASES_OPTION | None = None,
        kind: Kind = PERSON,
    ) -> None:
        clean_name = clean_person_name(name)
        work = self.store.add_person(
            interaction.guild_id,
            interaction.user.id,
            name=clean_name,
            role=clean_role(role),
            aliases=clean_aliases(aliases),
            kind=kind,
        )
        try:
            person = await in_time(interaction, work, ephemeral=True)
        except NameTaken as taken:
            raise UserError(name_taken(taken)) from None
        what = "outlet" if person.kind == OUTLET else "person"
        await reply(
            interaction,
            content=(
                f"Added the {what} **{escape(person.name)}** (`{person.slug}`) to this server's "
                f"story: `/quote {person.slug}`, `/timeline person:{person.slug}` and the "
                "`people` of `/addupdate` know them here, and no other server sees them."
            ),
            ephemeral=True,
        )

    @app_commands.command(description="Change one of the people this server added")
    @app_commands.describe(
        person="Whom to change (one this server added)",
        name="Their new name",
        role="Who they are, in a line (- for none)",
        aliases="Their other names, comma-separated, replacing the old ones (- for none)",
        kind="A person, or an outlet quoted as reporting",
    )
    @app_commands.autocomplete(person=own_person_autocomplete)
    @moderator_only()
    async def editperson(
        self,
        interaction: discord.Interaction,
        person: NAME_OPTION,
        name: NAME_OPTION | None = None,
        role: ROLE_OPTION | None = None,
        aliases: ALIASES_OPTION | None = None,
        kind: Kind | None = None,
    ) -> None:
        who = self.own_person(interaction, person)
        changes = PersonChanges(
            name=clean_person_name(name) if name is not None else KEEP,
            role=clean_role(role) if role is not None else KEEP,
            aliases=clean_aliases(aliases) if aliases is not None else KEEP,
            kind=kind if kind is not None else KEEP,
        )
        if changes == PersonChanges():
            raise UserError("Nothing to change: give at least one of name, role, aliases, kind.")
        work = self.store.edit_person(interaction.guild_id, interaction.user.id, who.id, changes)
        try:
            changed = await in_time(interaction, work, ephemeral=True)
        except NameTaken as taken:
            raise UserError(name_taken(taken)) from None
        if changed is None:
            raise UserError(f"{escape(who.name)} is no longer in this server's story.")
        await reply(
            interaction,
            content=f"Changed **{escape(changed.name)}** (`{changed.slug}`).",
            ephemeral=True,
        )

    @app_commands.command(description="Remove one of the people this server added")
    @app_commands.describe(person="Whom to remove (one this server added)")
    @app_commands.autocomplete(person=own_person_autocomplete)
    @moderator_only()
    async def removeperson(self, interaction: discord.Interaction, person: NAME_OPTION) -> None:
        who = self.own_person(interaction, person)
        usage = await in_time(
            interaction, self.store.person_usage(interaction.guild_id, who.id), ephemeral=True
        )
        if usage is None:
            raise UserError(f"{escape(who.name)} is no longer in this server's story.")
        if not usage.unused:
            # Updates and quotes change with them: say how many, and let the moderator confirm.
            await reply(
                interaction,
                content=removal_question(who, usage),
                view=removal_view(who, usage),
                ephemeral=True,
            )
            return
        removal = await in_time(
            interaction,
            self.store.remove_person(
                interaction.guild_id, interaction.user.id, who.id, PersonUsage(0, 0)
            ),
            ephemeral=True,
        )
        if removal is None:
            raise UserError(f"{escape(who.name)} is no longer in this server's story.")
        if not removal.removed:  # linked or quoted a moment ago
            view = removal_view(removal.person, removal.usage)
            content = removal_question(removal.person, removal.usage)
            await reply(interaction, content=content, view=view, ephemeral=True)
            return
        await reply(interaction, content=removal_done(removal), ephemeral=True)


async def setup(bot: StoryBot) -> None:
    bot.add_dynamic_items(RemovePersonButton)
    await bot.add_cog(People(bot))
