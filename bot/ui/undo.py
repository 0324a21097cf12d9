"""The Undo button under a removal: restores the update, for the moderator who removed it."""

from __future__ import annotations

import re

import discord

from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.ui.respond import in_time, report_error, send_ephemeral, update_message


class UndoRemoveButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"undo:entry:(?P<id>\d{1,20}):(?P<owner>\d{1,20})",
):
    """Restores a removed update; survives restarts; only for the moderator who removed it."""

    def __init__(self, entry_id: int, owner: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Undo",
                style=discord.ButtonStyle.danger,
                custom_id=f"undo:entry:{entry_id}:{owner}",
            )
        )
        self.entry_id, self.owner = entry_id, owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> UndoRemoveButton:
        return cls(int(match["id"]), int(match["owner"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        if interaction.user.id != self.owner:
            await send_ephemeral(interaction, "Only the moderator who removed it can undo this.")
            return False
        if not await is_moderator(interaction):
            await send_ephemeral(interaction, NOT_A_MODERATOR)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors raised here, so answer the moderator ourselves.
        try:
            store = interaction.client.store
            entry = await in_time(
                interaction,
                store.restore_entry(interaction.guild_id, interaction.user.id, self.entry_id),
            )
            if entry is None:
                message = f"Update #{self.entry_id} is already back; nothing to undo."
            else:
                message = f"Restored update #{entry.id}: it is back in `/timeline`."
            await update_message(interaction, content=message, view=None)
        except Exception as error:
            await report_error(interaction, error, f"Undo of entry {self.entry_id}")
