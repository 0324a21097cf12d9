"""Option parsing shared by the reader and moderator commands."""

from __future__ import annotations

from collections.abc import Iterable

import discord
from discord import app_commands

from bot.errors import UserError
from bot.models import Person
from bot.people import autocomplete, describe_unknown, find_person
from bot.store import Store
from bot.ui import limits
from bot.ui.text import fit_plain

# An entry or quote number as an option; Discord refuses bounds above its integer maximum.
ItemId = app_commands.Range[int, 1, limits.INTEGER_OPTION_MAX]


def resolve_person(store: Store, guild_id: int | None, text: str) -> Person:
    """The person `text` names among those this guild knows (the shipped ones and its own)."""
    people = store.people_in(guild_id)
    person = find_person(people, text)
    if person is None:
        raise UserError(describe_unknown(people, text))
    return person


def person_choices(
    store: Store, guild_id: int | None, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete from memory, among the people this guild knows only."""
    return choices_among(store.people_in(guild_id), current)


def choices_among(people: Iterable[Person], current: str) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(
            name=fit_plain(f"{p.name} · {p.role}" if p.role else p.name, limits.CHOICE_NAME),
            value=p.slug,
        )
        for p in autocomplete(people, current[:100])
    ]


def check_can_embed(interaction: discord.Interaction) -> None:
    """Say plainly when the channel won't let the bot show its embeds."""
    if interaction.guild is not None and not interaction.app_permissions.embed_links:
        raise UserError(
            "I can't show embeds in this channel. A server admin can give me the "
            "**Embed Links** permission here, or try another channel."
        )
