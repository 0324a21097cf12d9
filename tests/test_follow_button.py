"""The Follow updates button under announcements: gives and takes the updates role, says plainly
when it can't, checks the current setting on every click and survives restarts."""

from __future__ import annotations

import discord
import pytest
from helpers import handled_errors

from bot.fair_use import FOLLOWS_PER_MEMBER
from bot.ui.catch_up import WHATS_NEW_LABEL
from bot.ui.follow import FOLLOW_LABEL

FOLLOWED = "You'll be pinged for updates in {news}."
UNFOLLOWED = "You won't be pinged any more."


@pytest.fixture
def news(guild):
    return guild.create_text_channel("news")


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


@pytest.fixture
def followers(guild):
    return guild.create_role("Followers", mentionable=True)


@pytest.fixture
async def announced(simcord_env, channel, news, admin, moderator, followers):
    """An update announced in #news with @Followers as the updates role: the message in #news."""
    await admin.slash(channel, "config", **{"updates-channel": news, "updates-role": followers})
    await moderator.slash(channel, "addupdate", text="Leike joins Anthropic")
    return news.last_message


def has_role(env, guild, member, role) -> bool:
    """What Discord holds, not the bot's cache (the bot has no members intent)."""
    return role.id in env.backend.get_member(guild.id, member.id).role_ids


def bot_role(env, guild):
    return guild.roles[env.bot.user.name]


async def config_follow_field(admin, channel) -> str:
    shown = await admin.slash(channel, "config")
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    return fields["Follow button"]


async def test_follow_then_unfollow(
    simcord_env, guild, channel, news, member, followers, announced
):
    assert announced.content == followers.mention  # the ping is still there
    followed = await member.click(announced, label=FOLLOW_LABEL)

    assert followed.ephemeral
    assert followed.response.content == FOLLOWED.format(news=news.mention)
    assert has_role(simcord_env, guild, member, followers)

    unfollowed = await member.click(announced, label=FOLLOW_LABEL)

    assert unfollowed.ephemeral and unfollowed.response.content == UNFOLLOWED
    assert not has_role(simcord_env, guild, member, followers)


async def test_the_announcement_where_it_was_posted_carries_the_button_without_a_ping(
    simcord_env, guild, channel, news, member, followers, announced
):
    here = channel.last_message
    assert here.content == "" and here.embeds[0].title.startswith("Update:")

    followed = await member.click(here, label=FOLLOW_LABEL)

    assert followed.response.content == FOLLOWED.format(news=news.mention)
    assert has_role(simcord_env, guild, member, followers)


async def test_no_follow_button_without_an_updates_role(
    simcord_env, channel, news, admin, moderator
):
    await admin.slash(channel, "config", **{"updates-channel": news})
    await moderator.slash(channel, "addupdate", text="Leike joins Anthropic")

    for message in (news.last_message, channel.last_message):
        labels = [button.label for row in message.components for button in row.children]
        assert message.embeds and labels == [WHATS_NEW_LABEL]


async def test_it_works_after_a_restart(
    simcord_env, guild, news, member, followers, announced, make_bot
):
    await simcord_env.restart_bot(await make_bot())

    followed = await member.click(announced, label=FOLLOW_LABEL)

    assert followed.response.content == FOLLOWED.format(news=news.mention)
    assert has_role(simcord_env, guild, member, followers)


async def test_without_manage_roles_the_member_is_told_and_config_shows_the_fix(
    simcord_env, guild, channel, admin, member, followers, announced
):
    role = bot_role(simcord_env, guild)
    without = discord.Permissions.all()
    without.update(administrator=False, manage_roles=False)
    simcord_env.backend.edit_role(guild.id, role.id, {"permissions": without.value})

    refused = await member.click(announced, label=FOLLOW_LABEL)

    assert refused.ephemeral
    assert refused.response.content == (
        f"I can't give or take {followers.mention}: I lack the Manage Roles permission. "
        "A server admin can fix this: `/config` shows how."
    )
    assert not has_role(simcord_env, guild, member, followers)
    assert (await config_follow_field(admin, channel)).startswith("needs Manage Roles: ")


async def test_a_role_above_the_bots_is_explained(simcord_env, guild, channel, news, admin, member):
    above = guild.create_role("Top news", mentionable=True, position=guild.me.top_role.position + 1)
    moderator = guild.add_member(
        simcord_env.create_user("mod"),
        roles=[guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))],
    )
    await admin.slash(channel, "config", **{"updates-channel": news, "updates-role": above})
    await moderator.slash(channel, "addupdate", text="Leike joins Anthropic")

    refused = await member.click(news.last_message, label=FOLLOW_LABEL)

    assert refused.response.content == (
        f"I can't give or take {above.mention}: it is above my highest role. "
        "A server admin can fix this: `/config` shows how."
    )
    assert not has_role(simcord_env, guild, member, above)
    field = await config_follow_field(admin, channel)
    assert field.startswith("role is above mine: ") and above.mention in field


async def test_config_says_when_it_works(channel, admin, followers, announced):
    field = await config_follow_field(admin, channel)
    assert field.startswith("works: ") and followers.mention in field


async def test_config_shows_no_follow_line_without_an_updates_role(channel, admin):
    shown = await admin.slash(channel, "config")
    assert "Follow button" not in [f.name for f in shown.response.embeds[0].fields]


@pytest.mark.parametrize("change", ["another role", "cleared"])
async def test_a_button_for_a_role_no_longer_used_says_so(
    simcord_env, guild, channel, admin, member, followers, announced, change
):
    if change == "another role":
        newer = guild.create_role("Breaking", mentionable=True)
        await admin.slash(channel, "config", **{"updates-role": newer})
        expected = (
            f"The updates role has changed since this announcement: it is now {newer.mention}. "
            f"Use **{FOLLOW_LABEL}** under a newer announcement."
        )
    else:
        newer = None
        await admin.slash(channel, "config", clear="updates-role")
        expected = "This server no longer pings a role for updates, so there is nothing to follow."

    answered = await member.click(announced, label=FOLLOW_LABEL)

    assert answered.ephemeral and answered.response.content == expected
    assert not has_role(simcord_env, guild, member, followers)
    if newer is not None:
        assert not has_role(simcord_env, guild, member, newer)


async def test_a_deleted_role_is_named_plainly(simcord_env, guild, member, followers, announced):
    simcord_env.backend.delete_role(guild.id, followers.id)

    answered = await member.click(announced, label=FOLLOW_LABEL)

    assert answered.response.content == (
        "The updates role no longer exists. A moderator can choose another with `/config`."
    )


async def test_clicking_without_end_is_slowed_down(simcord_env, guild, member, announced):
    for _ in range(FOLLOWS_PER_MEMBER.uses):
        await member.click(announced, label=FOLLOW_LABEL)

    slowed = await member.click(announced, label=FOLLOW_LABEL)

    assert slowed.ephemeral and slowed.response.content.startswith("Slow down a little")
    assert handled_errors(simcord_env) == []
