"""Discord faults (500 and 429, injected without discord.py's retries): nothing acknowledged is lost."""

from __future__ import annotations

import logging

import pytest
from helpers import guild_entries, handled_errors


async def guild_bodies(env, guild) -> list[str]:
    return [entry.body for entry in await guild_entries(env, guild)]


@pytest.mark.parametrize("status", [500, 429])
async def test_refused_deferral_stores_nothing_and_says_so(
    simcord_env, guild, channel, moderator, status, caplog
):
    simcord_env.inject_error("POST", "/interactions/*/callback", status=status)

    with caplog.at_level(logging.WARNING, logger="bot"):
        result = await moderator.slash(channel, "addupdate", text="News")

    assert result.ephemeral
    assert "nothing was saved" in result.response.content
    assert await guild_bodies(simcord_env, guild) == []
    assert [r.getMessage() for r in caplog.records if "deferral" in r.getMessage()]
    assert handled_errors(simcord_env) == ["UserError"]

    retried = await moderator.slash(channel, "addupdate", text="News")
    assert "is in this server's `/timeline`" in retried.response.content
    assert await guild_bodies(simcord_env, guild) == ["News"]


@pytest.mark.parametrize("status", [500, 429])
async def test_failed_announcement_keeps_the_update(
    simcord_env, guild, channel, moderator, status, caplog
):
    simcord_env.inject_error("POST", "/channels/*/messages", status=status)

    with caplog.at_level(logging.WARNING, logger="bot"):
        result = await moderator.slash(channel, "addupdate", text="Saved despite Discord")

    assert (
        f"Could not announce in this channel: Discord answered {status}" in result.response.content
    )
    assert await guild_bodies(simcord_env, guild) == ["Saved despite Discord"]
    assert len([r for r in caplog.records if "Announcement" in r.getMessage()]) == 1

    after = await moderator.slash(channel, "timeline", search="Saved despite")
    assert "Saved despite Discord" in after.response.embeds[0].description


@pytest.mark.parametrize("status", [500, 429])
async def test_failed_followup_is_retried_with_the_truth(
    simcord_env, guild, channel, moderator, status, caplog
):
    simcord_env.inject_error("POST", "/webhooks/*", status=status)

    with caplog.at_level(logging.WARNING, logger="bot"):
        result = await moderator.slash(channel, "addupdate", text="Followup trouble")

    assert "is in this server's `/timeline`" in result.response.content
    assert "Sorry" not in result.response.content
    assert await guild_bodies(simcord_env, guild) == ["Followup trouble"]
    assert len([r for r in caplog.records if "Telling the moderator failed" in r.getMessage()]) == 1


async def test_bot_keeps_serving_after_a_fault(simcord_env, channel, member):
    simcord_env.inject_error("POST", "/interactions/*/callback", status=500)
    await member.slash(channel, "people")
    assert handled_errors(simcord_env) == ["HTTPException"]

    result = await member.slash(channel, "people")

    assert result.response.embeds[0].title == "Who is who"


async def test_retrying_after_a_lost_report_does_not_duplicate(
    simcord_env, guild, channel, moderator
):
    # Both attempts to tell the moderator fail: they saw nothing, so they run it again.
    simcord_env.inject_error("POST", "/webhooks/*", status=500, times=2)
    await moderator.slash(channel, "addupdate", text="Posted once")
    posts_before = len([r for r in simcord_env.http_requests if r.path.endswith("/messages")])

    retried = await moderator.slash(channel, "addupdate", text="Posted once")

    assert "You already posted this update as #" in retried.response.content
    assert await guild_bodies(simcord_env, guild) == ["Posted once"]
    posts_after = len([r for r in simcord_env.http_requests if r.path.endswith("/messages")])
    assert posts_after == posts_before  # not announced twice
