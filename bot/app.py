"""The Bot subclass: opens its store (unless handed one), loads the commands, syncs them."""

from __future__ import annotations

import hashlib
import json
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.fair_use import FairUse
from bot.lifecycle import InFlight
from bot.store import Store, open_store
from bot.story import load_story
from bot.ui.catch_up import WhatsNewButton
from bot.ui.follow import FollowButton
from bot.ui.pager import PageButton, Pagers
from bot.ui.respond import report_error

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.reader",
    "bot.cogs.moderation",
    "bot.cogs.guild_config",
    "bot.cogs.people",
    "bot.cogs.feeds",
)
COMMAND_HASH_KEY = "command_tree_hash"


class StoryTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this command's answer
        return True


class StoryBot(commands.Bot):
    def __init__(
        self, settings: Settings, store: Store | None = None, *, fair_use: FairUse | None = None
    ) -> None:
        """With no `store`, the bot opens one on settings.database_path in setup_hook and closes
        it in close(); a store handed in stays its opener's to close."""
        intents = discord.Intents.none()
        intents.guilds = True  # channels and roles for announcements; nothing privileged
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=StoryTree,
        )
        self.settings = settings
        self.in_flight = InFlight()
        self.synced_at_start = False
        self.pagers = Pagers()  # filled by the cogs that open paged lists
        self.fair_use = fair_use or FairUse()
        self._store = store
        self._owns_store = store is None
        self.tree.on_error = self.on_app_command_error

    @property
    def store(self) -> Store:
        assert self._store is not None, "the store opens in setup_hook"
        return self._store

    async def setup_hook(self) -> None:
        self.story = load_story(self.settings.story_path)  # /about shows its title and summary
        if self._store is None:
            self._store = await open_store(
                self.settings.database_path, self.story, readers=self.settings.database_readers
            )
        # Buttons that outlive a restart.
        self.add_dynamic_items(PageButton, FollowButton, WhatsNewButton)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.synced_at_start = await self.sync_commands()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._owns_store and self._store is not None:
                await self._store.close()  # the same store's later calls fail: it stays closed

    def _sync_target(self) -> discord.Object | None:
        if self.settings.dev_guild_id is None:
            return None
        return discord.Object(self.settings.dev_guild_id)

    def command_tree_hash(self) -> str:
        payload = sorted(
            (c.to_dict(self.tree) for c in self.tree.get_commands()), key=lambda c: c["name"]
        )
        payload.append({"target": self.settings.dev_guild_id})
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree when it changed since the last sync (or when forced)."""
        digest = self.command_tree_hash()
        if not force and await self.store.meta(COMMAND_HASH_KEY) == digest:
            log.info("Commands unchanged since the last sync; not syncing")
            return False
        target = self._sync_target()
        if target is not None:
            self.tree.copy_global_to(guild=target)
        synced = await self.tree.sync(guild=target)
        await self.store.set_meta(COMMAND_HASH_KEY, digest)
        where = f"guild {target.id}" if target else "globally"
        log.info("Synced %d commands %s", len(synced), where)
        return True

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        await report_error(interaction, error, f"Command /{command}")
