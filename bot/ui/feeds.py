"""What moderators read about feeds: /feeds list, the first check's report, choice names.

Addresses, keywords and status phrases come from moderators and feed servers: shown escaped
(or as plain text where Discord shows no Markdown).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import discord

from bot.feeds.limits import MIN_INTERVAL
from bot.feeds.poller import Feed, FeedOutcome
from bot.feeds.schedule import status_line
from bot.ui import limits
from bot.ui.announce import missing_permission
from bot.ui.embeds import STORY_COLOUR
from bot.ui.text import fit_markdown, fit_plain, link

# Ten feeds must fit one embed (6,000 characters in all): each field stays within ~560.
FIELD_NAME, ADDRESS, KEYWORDS, STATUS = 60, 150, 100, 120


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def card_problem(channel) -> str | None:
    """Why review cards cannot be posted in `channel` (None: they can)."""
    if channel is None:
        return "the review channel no longer exists (`/feeds add` the feed again with another)"
    missing = missing_permission(channel)
    return f"I lack {missing} there" if missing else None


def feed_choice_name(feed: Feed) -> str:
    paused = " · paused" if feed.paused else ""
    return fit_plain(f"#{feed.id} · {feed.url.split('://', 1)[-1]}", 100 - len(paused)) + paused


def feed_lines(feed: Feed, guild: discord.Guild, now: datetime) -> str:
    keywords = ", ".join(feed.keywords)
    lines = [
        link(host_of(feed.url), feed.url, 60, ADDRESS),
        f"Keywords: {fit_markdown(keywords, KEYWORDS)}" if keywords else "Every item",
        f"Cards in <#{feed.review_channel_id}>",
        fit_markdown(upper_first(status_line(feed.state, now, paused=feed.paused)), STATUS),
    ]
    problem = card_problem(guild.get_channel(feed.review_channel_id))
    if problem:
        lines.append(f"Cards can't be posted: {problem}.")
    return "\n".join(lines)


def feeds_embed(feeds: list[Feed], guild: discord.Guild, now: datetime, most: int) -> discord.Embed:
    embed = discord.Embed(title=f"Feeds · {len(feeds)} of {most}", colour=STORY_COLOUR)
    for feed in feeds:
        embed.add_field(
            name=fit_plain(f"#{feed.id} · {host_of(feed.url)}", FIELD_NAME),
            value=feed_lines(feed, guild, now)[: limits.EMBED_FIELD_VALUE],
            inline=False,
        )
    minutes = int(MIN_INTERVAL.total_seconds() // 60)
    embed.set_footer(
        text=f"Each feed is checked about every {minutes} minutes, less often while it fails."
    )
    return embed


def first_check_words(
    outcome: FeedOutcome | None, channel: discord.abc.GuildChannel, feed: Feed
) -> str:
    """What /feeds add says after checking the new feed once (None: the poll loop is)."""
    head = f"Following feed #{feed.id} (<{feed.url}>)"
    if outcome is None:
        return f"{head}: it is being checked right now; `/feeds list` shows how it went."
    state = outcome.state
    if state.failures:
        reason = fit_markdown(state.last_error or "it failed", 300)
        return (
            f"{head}, but its first check failed: it {reason}. The bot keeps trying, less often "
            f"while it fails; `/feeds list` shows how it goes, `/feeds remove feed:{feed.id}` "
            "stops it."
        )
    matching = " matching its keywords" if feed.keywords else ""
    found = f"{state.new_items} new item{'s' if state.new_items != 1 else ''}"
    sent = f"{len(outcome.sent)} sent to {channel.mention} for review"
    return (
        f"{head}. First check: {found}, {sent}. From now on, new items{matching} "
        f"come there as cards; `/feeds list` shows how it goes."
    )
