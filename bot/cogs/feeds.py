"""Feeds with a review queue: /feeds add, list, remove and pause, the poll loop, and the review
cards' buttons (this cog is the review desk bot.ui.feed_card's buttons call).

About once a minute the bot checks the feeds that are due (bot.feeds: each at most every 10
minutes, jittered, backing off while it fails), only those of the guilds this process serves,
so a sharded bot polls each feed once. New items go to the feed's review channel as cards.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.checks import NOT_A_MODERATOR, is_moderator, moderators_at_run_time, server_managers_only
from bot.errors import UserError
from bot.feeds.fetch import Fetcher
from bot.feeds.guard import AddressPolicy
from bot.feeds.keywords import parse_keywords
from bot.feeds.limits import MAX_FEEDS_PER_GUILD, MAX_URL_LENGTH, ROUND_SECONDS
from bot.feeds.poller import Feed, FeedOutcome, NewItem, NotDelivered, Poller
from bot.feeds.schedule import PollState
from bot.feeds.urls import FeedInputError, check_feed_url
from bot.models import ADDED, DISMISSED, ReviewItem
from bot.options import ItemId
from bot.ui.feed_card import ReviewButton, review_embed, review_prefill, review_view
from bot.ui.feeds import card_problem, feed_choice_name, feeds_embed, first_check_words
from bot.ui.respond import in_time, reply, send_ephemeral, update_message
from bot.ui.update_form import PrefilledUpdateModal

if TYPE_CHECKING:
    from bot.app import StoryBot
    from bot.cogs.moderation import Moderation
    from bot.store import Store

log = logging.getLogger(__name__)


class ServedFeeds:
    """The store as the poller's FeedSource, limited to the guilds this process serves and to
    feeds not being checked already (`busy`): those it hands out join `busy` and `taken`, and
    the caller takes them out of `busy` when the round is over."""

    def __init__(self, store: Store, guild_ids: Collection[int], busy: set[int]) -> None:
        self.store, self.guild_ids, self.busy = store, guild_ids, busy
        self.taken: set[int] = set()

    async def due_feeds(self, now: datetime) -> Sequence[Feed]:
        due = [f for f in await self.store.due_feeds(now, self.guild_ids) if f.id not in self.busy]
        self.taken.update(feed.id for feed in due)
        self.busy.update(self.taken)
        return due

    async def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        return await self.store.seen_keys(feed_id, keys)

    async def mark_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        await self.store.mark_seen(feed_id, keys, now)

    async def save_state(self, feed_id: int, state: PollState) -> None:
        await self.store.save_state(feed_id, state)


class Feeds(commands.Cog):
    feeds = app_commands.Group(
        name="feeds",
        description="RSS and Atom feeds whose new items come to moderators for review",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self.policy = AddressPolicy(bot.settings.feeds_allowed_hosts)
        # Feeds being checked now (by the loop, or by /feeds add), so none is checked twice at
        # once: two checks could both post a card for the same new item.
        self.checking: set[int] = set()

    @property
    def store(self) -> Store:
        return self.bot.store

    async def cog_load(self) -> None:
        self.poll_loop.start()

    async def cog_unload(self) -> None:
        self.poll_loop.cancel()

    # Polling.

    def poller(self, fetcher: Fetcher, source=None) -> Poller:
        # discord.utils.utcnow: the clock the tests' simulated Discord moves too.
        return Poller(
            source or self.store,
            fetcher,
            self.deliver,
            clock=discord.utils.utcnow,
            random=random.random,
        )

    @tasks.loop(seconds=ROUND_SECONDS)
    async def poll_loop(self) -> None:
        try:
            await self.poll_round()
        except Exception:  # the loop stops at an unhandled error; the next round may work
            log.exception("A round of feed checks failed")

    @poll_loop.before_loop
    async def before_polling(self) -> None:
        await self.bot.wait_until_ready()

    async def poll_round(self) -> list[FeedOutcome]:
        """Check the due feeds of the guilds this process serves (its cache holds them)."""
        guild_ids = [guild.id for guild in self.bot.guilds]
        served = ServedFeeds(self.store, guild_ids, self.checking)
        try:
            # A session per round: nothing is left open between rounds, or after a restart.
            async with Fetcher(policy=self.policy) as fetcher:
                return await self.poller(fetcher, served).poll_due()
        finally:
            self.checking.difference_update(served.taken)

    async def deliver(self, new: NewItem) -> None:
        """Post an item as a review card (once per guild, from whichever of its feeds)."""
        channel = self.bot.get_channel(new.feed.review_channel_id)
        problem = card_problem(channel)
        if problem:
            raise NotDelivered(problem)
        item = await self.store.add_review_item(new.feed, new.outlet, new.item)
        if item is None:
            return  # the guild had this item already
        try:
            card = await channel.send(embed=review_embed(item), view=review_view(item))
        except discord.HTTPException as error:
            raise NotDelivered(f"Discord refused the card ({error.status})") from None
        await self.store.set_review_card(item.id, channel.id, card.id)

    # The review desk: the cards' buttons.

    async def review(self, interaction: discord.Interaction, action: str, item_id: int) -> None:
        if not await is_moderator(interaction):
            await send_ephemeral(interaction, NOT_A_MODERATOR)
            return
        item = await self.store.review_item(interaction.guild_id, item_id)
        if item is None:
            await send_ephemeral(interaction, "This item is no longer in the review queue.")
            return
        if not item.pending:  # decided meanwhile: show it (the card may not say so yet)
            await update_message(interaction, embed=review_embed(item), view=None)
            return
        if action == "dismiss":
            decided = await self.store.decide_review_item(
                interaction.guild_id, item_id, interaction.user.id, DISMISSED
            )
            await update_message(interaction, embed=review_embed(decided), view=None)
            return
        moderation: Moderation = self.bot.get_cog("Moderation")
        post = partial(self.add_from_card, item_id=item_id)
        form = PrefilledUpdateModal(post, review_prefill(item), interaction, moderation.open_forms)
        await interaction.response.send_modal(form)

    async def add_from_card(self, interaction: discord.Interaction, *, item_id: int, **fields):
        """The form from a card was sent: store the update, then mark the item added."""
        guild_id, actor = interaction.guild_id, interaction.user.id
        item = await self.store.review_item(guild_id, item_id)
        if item is None or not item.pending:
            decided = " by someone else" if item is not None else ""
            raise UserError(
                f"This item was decided{decided} while the form was open; nothing saved."
            )
        moderation: Moderation = self.bot.get_cog("Moderation")
        added = await moderation.post_update(interaction, **fields)
        decided = await self.store.decide_review_item(
            guild_id, item_id, actor, ADDED, entry_id=added.entry.id
        )
        await self.show_decision(decided)
        if decided.status != ADDED or decided.decided_by != actor:
            await moderation.tell_moderator(
                interaction, "Another moderator decided this item meanwhile; your update is kept."
            )
        return added

    async def show_decision(self, item: ReviewItem) -> None:
        """Edit the card (found by the ids stored with the item) to say who did what."""
        if item.channel_id is None or item.message_id is None:
            return
        card = self.bot.get_partial_messageable(item.channel_id).get_partial_message(
            item.message_id
        )
        try:
            await card.edit(embed=review_embed(item), view=None)
        except discord.HTTPException as error:
            log.warning("Could not update review card %s: %s", item.id, error)

    # /feeds

    async def feed_autocomplete(self, interaction: discord.Interaction, current: str):
        found = await self.store.feeds(interaction.guild_id)
        wanted = current.strip().lower().lstrip("#")
        return [
            app_commands.Choice(name=feed_choice_name(feed), value=feed.id)
            for feed in found
            if wanted in f"{feed.id} {feed.url}".lower()
        ][:25]

    @feeds.command(
        name="add", description="Follow a feed: its new items come to a channel for review"
    )
    @app_commands.rename(review_channel="review-channel")
    @app_commands.describe(
        url="The feed's address (RSS or Atom), starting with https://",
        keywords="Only items with these words, comma-separated (default: every item)",
        review_channel="Where the items go for review (default: this channel)",
    )
    @server_managers_only()
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, MAX_URL_LENGTH + 100],
        keywords: app_commands.Range[str, 1, 700] | None = None,
        review_channel: discord.TextChannel | None = None,
    ) -> None:
        try:
            address, words = check_feed_url(url), parse_keywords(keywords)
        except FeedInputError as error:
            raise UserError(str(error)) from None
        channel = review_channel or interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise UserError("Choose a text channel for the cards with `review-channel`.")
        problem = card_problem(channel)
        if problem:
            raise UserError(f"I can't post cards in {channel.mention}: {problem}.")
        # The first check may take a while (a slow feed: up to 20 seconds).
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            feed, added = await self.store.add_feed(
                interaction.guild_id,
                interaction.user.id,
                url=address,
                keywords=words,
                review_channel_id=channel.id,
            )
        except FeedInputError as error:
            raise UserError(str(error)) from None
        if not added:
            raise UserError(
                f"This server already follows that feed (#{feed.id}); `/feeds list` shows it."
            )
        if feed.id in self.checking:  # the poll loop took it first: it reports in /feeds list
            content = first_check_words(None, channel, feed)
        else:
            self.checking.add(feed.id)
            try:
                async with Fetcher(policy=self.policy) as fetcher:
                    outcome = await self.poller(fetcher).poll_feed(feed)
            finally:
                self.checking.discard(feed.id)
            content = first_check_words(outcome, channel, feed)
        await reply(interaction, content=content, ephemeral=True)

    @feeds.command(name="list", description="This server's feeds and how each is doing")
    @moderators_at_run_time()
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        found = await in_time(interaction, self.store.feeds(interaction.guild_id), ephemeral=True)
        if not found:
            raise UserError("This server follows no feeds yet: `/feeds add` follows one.")
        embed = feeds_embed(found, interaction.guild, discord.utils.utcnow(), MAX_FEEDS_PER_GUILD)
        await reply(interaction, embed=embed, ephemeral=True)

    @feeds.command(name="remove", description="Stop following a feed (its cards keep working)")
    @app_commands.describe(feed="The feed's number, as in /feeds list")
    @app_commands.autocomplete(feed=feed_autocomplete)
    @server_managers_only()
    async def remove(self, interaction: discord.Interaction, feed: ItemId) -> None:
        removed = await in_time(
            interaction,
            self.store.remove_feed(interaction.guild_id, interaction.user.id, feed),
            ephemeral=True,
        )
        if removed is None:
            raise UserError(f"This server has no feed #{feed}; `/feeds list` shows its feeds.")
        await reply(
            interaction,
            content=f"Stopped following feed #{feed} (<{removed.url}>). Cards already posted "
            "keep their buttons.",
            ephemeral=True,
        )

    @feeds.command(name="pause", description="Pause a feed, or resume it")
    @app_commands.describe(
        feed="The feed's number, as in /feeds list", resume="Resume it instead (default: pause)"
    )
    @app_commands.autocomplete(feed=feed_autocomplete)
    @moderators_at_run_time()
    async def pause(self, interaction: discord.Interaction, feed: ItemId, resume: bool = False):
        changed = await in_time(
            interaction,
            self.store.pause_feed(interaction.guild_id, interaction.user.id, feed, not resume),
            ephemeral=True,
        )
        if changed is None:
            raise UserError(f"This server has no feed #{feed}; `/feeds list` shows its feeds.")
        if resume:
            content = f"Feed #{feed} is on again: it is checked within a minute."
        else:
            content = (
                f"Paused feed #{feed}: it is not checked until "
                f"`/feeds pause feed:{feed} resume:True`."
            )
        await reply(interaction, content=content, ephemeral=True)


async def setup(bot: StoryBot) -> None:
    bot.add_dynamic_items(ReviewButton)
    await bot.add_cog(Feeds(bot))
