"""Fair use through the bot: a member or server past its limit gets one private sentence,
and nothing is read from the store for it; others are unaffected; the window reopens."""

from __future__ import annotations

import functools
import inspect

import pytest
from helpers import handled_errors

from bot.fair_use import FairUse, Limit, RateLimiter
from bot.store import SqliteStore

READS = Limit(3, 30)
TURNS = Limit(2, 30)
SEARCHES = Limit(2, 30)
SLOW_DOWN = "Slow down a little: try again in 30 seconds."


@pytest.fixture
async def simcord_bot(make_bot):
    return await make_bot(
        fair_use=FairUse(
            reads=RateLimiter(READS),
            page_turns=RateLimiter(TURNS),
            searches=RateLimiter(SEARCHES),
        )
    )


@pytest.fixture
def store_calls(monkeypatch) -> list[str]:
    """Names of the Store methods called, in order: every read goes through one of them."""
    calls: list[str] = []

    def counted(name, method):
        @functools.wraps(method)
        async def wrapper(*args, **kwargs):
            calls.append(name)
            return await method(*args, **kwargs)

        return wrapper

    for name, method in list(vars(SqliteStore).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(method):
            monkeypatch.setattr(SqliteStore, name, counted(name, method))
    return calls


@pytest.fixture
def elsewhere(simcord_env):
    guild = simcord_env.create_guild("Elsewhere")
    return guild.add_member(simcord_env.create_user("outsider")), guild.create_text_channel("main")


async def test_reader_commands_share_one_limit_per_member(
    simcord_env, channel, member, other_member, store_calls
):
    for name, options in [("timeline", {}), ("people", {}), ("entry", {"id": 1})]:
        result = await member.slash(channel, name, **options)
        assert result.response.embeds, name

    before = len(store_calls)
    refused = await member.slash(channel, "about")

    assert refused.ephemeral
    assert refused.response.content == SLOW_DOWN
    assert store_calls[before:] == []
    assert handled_errors(simcord_env) == ["SlowDown"]

    # Someone else is not slowed down, and the member's turn comes back after the window.
    theirs = await other_member.slash(channel, "about")
    assert theirs.response.embeds and store_calls[before:] == ["counts"]
    await simcord_env.advance_time(READS.per_seconds)
    again = await member.slash(channel, "about")
    assert again.response.embeds and not again.ephemeral


async def test_page_turns_are_limited_per_member(
    simcord_env, channel, member, other_member, store_calls
):
    mine = await member.slash(channel, "timeline")
    theirs = await other_member.slash(channel, "timeline")
    await member.click(mine.response, label="Next ›")
    await member.click(mine.response, label="Next ›")
    shown = mine.response.embeds[0].description
    assert mine.response.embeds[0].footer.text.startswith("Page 3 of")

    before = len(store_calls)
    refused = await member.click(mine.response, label="Next ›")

    assert refused.ephemeral and refused.response.content == SLOW_DOWN
    assert mine.response.embeds[0].description == shown
    assert store_calls[before:] == []

    await other_member.click(theirs.response, label="Next ›")
    assert theirs.response.embeds[0].footer.text.startswith("Page 2 of")
    await simcord_env.advance_time(TURNS.per_seconds)
    await member.click(mine.response, label="Next ›")
    assert mine.response.embeds[0].footer.text.startswith("Page 4 of")
    assert handled_errors(simcord_env) == []


async def test_searches_are_limited_per_server(
    simcord_env, channel, member, other_member, elsewhere, store_calls
):
    for word in ("equity", "safety"):
        assert (await member.slash(channel, "search", query=word)).response.embeds

    before = len(store_calls)
    refused = await other_member.slash(channel, "search", query="superalignment")

    assert refused.ephemeral and refused.response.content == SLOW_DOWN
    assert store_calls[before:] == []
    assert handled_errors(simcord_env) == ["SlowDown"]

    # Only searches are limited per server, and only in this server.
    assert (await other_member.slash(channel, "timeline")).response.embeds
    outsider, their_channel = elsewhere
    assert (await outsider.slash(their_channel, "search", query="equity")).response.embeds
    await simcord_env.advance_time(SEARCHES.per_seconds)
    found = await other_member.slash(channel, "search", query="superalignment")
    assert found.response.embeds and not found.ephemeral


def test_a_bot_built_without_limits_gets_the_documented_ones(settings):
    from bot import create_bot
    from bot.fair_use import PAGE_TURNS_PER_MEMBER, READS_PER_MEMBER, SEARCHES_PER_GUILD

    fair_use = create_bot(settings).fair_use
    assert fair_use.reads.limit == READS_PER_MEMBER
    assert fair_use.page_turns.limit == PAGE_TURNS_PER_MEMBER
    assert fair_use.searches.limit == SEARCHES_PER_GUILD
