"""/addupdate: validation, the modal, announcements, mentions, the cooldown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest
from helpers import guild_entries, handled_errors

from bot.models import HEADLINE_MAX, SOURCE_URL_MAX, TEXT_MAX


@pytest.fixture
def news(guild):
    return guild.create_text_channel("news")


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


def tomorrow() -> str:
    return (datetime.now(UTC).date() + timedelta(days=1)).isoformat()


def in_three_days() -> str:
    return (datetime.now(UTC).date() + timedelta(days=3)).isoformat()


# Each rule: an option set that must be refused (and the field its message names),
# and the closest value that must be accepted.
RULES = [
    ({"text": "   "}, "`text`", {"text": "x"}),
    ({"text": "\u200b\u200d \u2060"}, "`text`", {"text": "\u200bvisible"}),
    ({"text": "bell\x07"}, "`text`", {"text": "two\nlines"}),
    ({"text": "a" * (TEXT_MAX + 1)}, "`text`", {"text": "a" * TEXT_MAX}),
    (
        {"text": "t", "headline": "h" * (HEADLINE_MAX + 1)},
        "`headline`",
        {"text": "t", "headline": "h" * HEADLINE_MAX},
    ),
    ({"text": "t", "date": "yesterday"}, "`date`", {"text": "t", "date": "17 May 2024"}),
    ({"text": "t", "date": in_three_days()}, "`date`", {"text": "t", "date": tomorrow()}),
    (
        {"text": "t", "source": "ftp://example.com/a"},
        "`source`",
        {"text": "t", "source": "https://example.com/a"},
    ),
    (
        {"text": "t", "source": "example.com/a"},
        "`source`",
        {"text": "t", "source": "http://example.com/a"},
    ),
    (
        {"text": "t", "source": "https://example.com/" + "a" * SOURCE_URL_MAX},
        "`source`",
        {"text": "t", "source": "https://example.com/" + "a" * (SOURCE_URL_MAX - 20)},
    ),
    (
        {"text": "t", "people": "leike, nobody-here"},
        "`people`",
        {"text": "t", "people": "leike, Sam Altman"},
    ),
]


@pytest.mark.parametrize(("bad", "field", "good"), RULES)
async def test_each_rule_refuses_then_accepts(
    simcord_env, guild, channel, moderator, bad, field, good
):
    refused = await moderator.slash(channel, "addupdate", **bad)
    assert refused.ephemeral
    assert field in refused.response.content
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]

    accepted = await moderator.slash(channel, "addupdate", **good)
    assert "is in this server's `/timeline`" in accepted.response.content
    assert len(await guild_entries(simcord_env, guild)) == 1


async def test_unknown_person_gets_suggestions(simcord_env, channel, moderator):
    result = await moderator.slash(channel, "addupdate", text="t", people="leikee")
    assert "No one called “leikee”" in result.response.content
    assert "Jan Leike" in result.response.content
    assert handled_errors(simcord_env) == ["UserError"]


async def test_stored_update_shows_in_timeline_with_its_details(
    simcord_env, guild, channel, moderator, member
):
    await moderator.slash(
        channel,
        "addupdate",
        text="  Leike says he joined Anthropic.  ",
        headline="Leike joins Anthropic",
        date="28 May 2024",
        source="https://x.com/janleike",
        people="jan leike",
    )
    [entry] = await guild_entries(simcord_env, guild)
    assert (entry.body, entry.headline, entry.date.isoformat()) == (
        "Leike says he joined Anthropic.",
        "Leike joins Anthropic",
        "2024-05-28",
    )
    assert [p.slug for p in entry.people] == ["leike"]
    assert [s.url for s in entry.sources] == ["https://x.com/janleike"]

    shown = await member.slash(channel, "timeline", person="leike", since="2024-05-28")
    assert "Leike joins Anthropic" in shown.response.embeds[0].description
    assert f"#{entry.id}" in shown.response.embeds[0].description


async def test_default_headline_is_the_first_line(simcord_env, guild, channel, moderator):
    await moderator.slash(channel, "addupdate", text="First line here\nMore detail below.")
    [entry] = await guild_entries(simcord_env, guild)
    assert entry.headline == "First line here"


async def test_modal_path(simcord_env, guild, channel, moderator):
    shown = await moderator.slash(channel, "addupdate", source="https://example.com/m")
    assert shown.modal is not None

    submitted = await moderator.submit_modal(
        shown, {"text": "Written in the big box", "headline": "Box"}
    )

    assert "is in this server's `/timeline`" in submitted.response.content
    [entry] = await guild_entries(simcord_env, guild)
    assert (entry.body, entry.headline, entry.sources[0].url) == (
        "Written in the big box",
        "Box",
        "https://example.com/m",
    )


async def test_modal_error_hands_the_text_back(simcord_env, guild, channel, moderator):
    shown = await moderator.slash(channel, "addupdate", source="not a link")
    submitted = await moderator.submit_modal(shown, {"text": "Precious words", "headline": ""})

    assert submitted.ephemeral
    assert "`source`" in submitted.response.content
    assert "Precious words" in submitted.response.content
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]


async def test_announces_here_and_in_updates_channel_pinging_only_the_role(
    simcord_env, guild, channel, news, admin, moderator
):
    followers = guild.create_role("Followers", mentionable=True)
    await admin.slash(channel, "config", **{"updates-channel": news, "updates-role": followers})
    victim = guild.add_member(simcord_env.create_user("victim"))
    text = f"Hey @everyone and @here, <@&{guild.default_role.id}> <@{victim.id}> {followers.mention} **bold**"

    result = await moderator.slash(channel, "addupdate", text=text)

    assert "Announced in this channel." in result.response.content
    assert f"Announced in {news.mention}." in result.response.content
    announced = news.last_message
    assert announced.content == followers.mention
    assert [r.id for r in announced.role_mentions] == [followers.id]
    assert not announced.mention_everyone
    assert announced.mentions == []
    here = channel.last_message
    assert here.embeds[0].title.startswith("Update:")
    assert here.role_mentions == [] and here.mentions == [] and not here.mention_everyone
    # What Discord was asked to allow: nothing, except the updates role in #news.
    posts = [
        r for r in simcord_env.http_requests if r.method == "POST" and r.path.endswith("/messages")
    ]
    allowed = {r.path.split("/")[2]: r.json["allowed_mentions"] for r in posts}
    assert allowed[str(news.id)] == {"parse": [], "roles": [followers.id]}
    assert allowed[str(channel.id)] == {"parse": []}


async def test_announce_false_posts_nothing(simcord_env, guild, channel, moderator):
    before = channel.last_message
    result = await moderator.slash(channel, "addupdate", text="quiet", announce=False)
    assert "Not announced" in result.response.content
    assert channel.last_message == before
    assert len(await guild_entries(simcord_env, guild)) == 1


async def test_deleted_updates_channel_keeps_the_update_and_says_so(
    simcord_env, guild, channel, news, admin, moderator
):
    await admin.slash(channel, "config", **{"updates-channel": news})
    simcord_env.backend.delete_channel(news.id)

    result = await moderator.slash(channel, "addupdate", text="Still saved")

    assert "no longer exists" in result.response.content
    assert "Announced in this channel." in result.response.content
    assert [e.body for e in await guild_entries(simcord_env, guild)] == ["Still saved"]


async def test_missing_send_permission_in_updates_channel_is_named(
    simcord_env, guild, channel, admin, moderator
):
    locked = guild.create_text_channel(
        "locked", overwrites={guild.default_role: discord.PermissionOverwrite(send_messages=False)}
    )
    await admin.slash(channel, "config", **{"updates-channel": locked})

    result = await moderator.slash(channel, "addupdate", text="Saved anyway")

    assert (
        f"Could not announce in {locked.mention}: I lack Send Messages there."
        in result.response.content
    )
    assert [e.body for e in await guild_entries(simcord_env, guild)] == ["Saved anyway"]


async def test_cooldown_five_per_minute(simcord_env, guild, channel, moderator):
    for n in range(5):
        await moderator.slash(channel, "addupdate", text=f"update {n}", announce=False)
    refused = await moderator.slash(channel, "addupdate", text="sixth", announce=False)
    assert refused.ephemeral
    assert "you can use this again in" in refused.response.content
    assert handled_errors(simcord_env) == ["CommandOnCooldown"]

    await simcord_env.advance_time(61)
    again = await moderator.slash(channel, "addupdate", text="after a minute", announce=False)
    assert "is in this server's `/timeline`" in again.response.content
    assert len(await guild_entries(simcord_env, guild)) == 6
