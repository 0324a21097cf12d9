"""What moderators see about a server's own people, and the button that confirms a removal.

The button is stateless: the person and the usage the moderator was shown ride in its
custom_id, so it works after a restart, and the store removes the person only if their usage
is still what the moderator agreed to; otherwise the question is asked again, with the new
numbers.
"""

from __future__ import annotations

import re

import discord

from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.models import Person, PersonRemoval, PersonUsage
from bot.people import NameTaken
from bot.ui.respond import in_time, report_error, send_ephemeral, update_message
from bot.ui.text import escape, fit_plain

BUTTON_LABEL = 80  # Discord's limit on a button's label


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def usage_words(usage: PersonUsage) -> str:
    """ "named in 3 updates and has 2 quotes" (removed ones included)."""
    parts = []
    if usage.entries:
        parts.append(f"named in {plural(usage.entries, 'update')}")
    if usage.quotes:
        parts.append(f"has {plural(usage.quotes, 'quote')}")
    return " and ".join(parts) or "named nowhere"


def name_taken(taken: NameTaken) -> str:
    what = "alias" if taken.alias else "name"
    return (
        f"The {what} “{escape(taken.typed)}” already finds **{escape(taken.person.name)}** "
        f"(`{taken.person.slug}`): every name must find one person only. "
        f"Choose another {what}."
    )


def removal_question(person: Person, usage: PersonUsage) -> str:
    effects = []
    if usage.entries:
        effects.append(f"takes their name off {plural(usage.entries, 'update')}")
    if usage.quotes:
        effects.append(f"deletes their {plural(usage.quotes, 'quote')}")
    return (
        f"**{escape(person.name)}** is {usage_words(usage)} in this server (removed ones "
        f"count too). Removing them {' and '.join(effects)}; `/history` keeps a copy. "
        "Press the button to go ahead, or dismiss this message to keep them."
    )


def removal_done(removal: PersonRemoval) -> str:
    done = f"Removed **{escape(removal.person.name)}** from this server's story."
    usage = removal.usage
    if usage.entries:
        done += f" Their name came off {plural(usage.entries, 'update')}."
    if usage.quotes:
        done += f" {plural(usage.quotes, 'quote').capitalize()} deleted."
    return done


def removal_view(person: Person, usage: PersonUsage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RemovePersonButton(person, usage))
    return view


class RemovePersonButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"person:rm:(?P<id>\d{1,20}):(?P<entries>\d{1,9}):(?P<quotes>\d{1,9})",
):
    def __init__(self, person: Person | None, usage: PersonUsage, person_id: int = 0) -> None:
        person_id = person.id if person is not None else person_id
        label = f"Remove {person.name}" if person is not None else "Remove"
        super().__init__(
            discord.ui.Button(
                label=fit_plain(label, BUTTON_LABEL),
                style=discord.ButtonStyle.danger,
                custom_id=f"person:rm:{person_id}:{usage.entries}:{usage.quotes}",
            )
        )
        self.person_id, self.usage = person_id, usage

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RemovePersonButton:
        usage = PersonUsage(int(match["entries"]), int(match["quotes"]))
        return cls(None, usage, int(match["id"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        if not await is_moderator(interaction):
            await send_ephemeral(interaction, NOT_A_MODERATOR)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the moderator ourselves.
        try:
            store = interaction.client.store
            work = store.remove_person(
                interaction.guild_id, interaction.user.id, self.person_id, self.usage
            )
            removal = await in_time(interaction, work)
            if removal is None:
                await update_message(
                    interaction, content="They are no longer in this server's story.", view=None
                )
            elif not removal.removed:
                changed = "Their updates or quotes changed since you asked. "
                await update_message(
                    interaction,
                    content=changed + removal_question(removal.person, removal.usage),
                    view=removal_view(removal.person, removal.usage),
                )
            else:
                await update_message(interaction, content=removal_done(removal), view=None)
        except Exception as error:
            await report_error(interaction, error, f"Removing person {self.person_id}")
