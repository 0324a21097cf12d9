"""What moderators see of feeds stays within Discord's limits and shows feed text as text:
the review card of a hostile item, and /feeds list at its longest."""

from __future__ import annotations

import discord
import pytest
from discord_limits import assert_all_sent_embeds_valid, embed_problems

from bot.feeds.limits import MAX_FEEDS_PER_GUILD, MAX_KEYWORDS
from bot.feeds.schedule import PollState
from bot.models import ReviewItem
from bot.ui.feed_card import review_embed


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role(
        "Admins", permissions=discord.Permissions(manage_guild=True, manage_messages=True)
    )
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


def test_a_card_shows_a_hostile_item_as_text_within_discords_limits():
    item = ReviewItem(
        id=1,
        guild_id=1,
        feed_id=1,
        item_key="x",
        link="https://news.example.org/" + "a" * 1970,
        outlet="**Outlet** @everyone",
        title="[Click](https://evil.example) <@&123> " + "T" * 200,
        published=None,
        summary="*Summary* with [a link](https://evil.example) and @here",
        decided_by=None,
    )

    embed = review_embed(item).to_dict()

    assert embed_problems(embed) == []
    assert embed["title"].startswith("\\[Click](https://evil.example) <@\u200b&123>")
    assert embed["description"] == (
        "\\*Summary\\* with \\[a link](https://evil.example) and @\u200bhere"
    )
    shown = {f["name"]: f["value"] for f in embed["fields"]}
    assert shown == {
        "Outlet": "\\*\\*Outlet\\*\\* @\u200beveryone",
        "Date": "not given",
        "Link": "news.example.org (link too long to show)",
    }


async def test_the_longest_list_of_feeds_is_valid_for_discord(simcord_env, guild, channel, admin):
    store = simcord_env.bot.store
    for n in range(MAX_FEEDS_PER_GUILD):
        feed, _ = await store.add_feed(
            guild.id, admin.id, url=f"https://{'a' * 60}.example.org/{n}/" + "p" * 1900,
            keywords=tuple(f"{n} {'word ' * 11}"[:60] for _ in range(MAX_KEYWORDS)),
            review_channel_id=channel.id,
        )  # fmt: skip
        failing = PollState(last_checked=discord.utils.utcnow(), failures=3, last_error="x*" * 150)
        await store.save_state(feed.id, failing)

    listed = await admin.slash(channel, "feeds list")

    assert len(listed.response.embeds[0].fields) == MAX_FEEDS_PER_GUILD
    assert assert_all_sent_embeds_valid(simcord_env) == 1
