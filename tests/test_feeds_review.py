"""Feeds with a review queue, driven through SimCord against a local feed server on 127.0.0.1
(allowed by the test settings): /feeds add, list, remove and pause, polling moved by
env.advance_time, and the review cards' buttons, also after a restart."""

from __future__ import annotations

import discord
import pytest
from discord_limits import assert_all_sent_embeds_valid, modal_problems
from feed_server import running_feed_server
from helpers import guild_entries, handled_errors

from bot.checks import NOT_A_MODERATOR, NOT_A_SERVER_MANAGER
from bot.config import Settings
from bot.feeds.limits import MIN_INTERVAL
from bot.ui.feed_card import ADD_LABEL, DISMISS_LABEL

LEIKE = "Jan Leike explains why he resigned"
RSS_TITLES_OLDEST_FIRST = [
    "Corrections",
    "Site notice: comments are moving",
    "Ilya Sutskever leaves OpenAI; Jakub Pachocki is the new Chief Scientist",
    LEIKE,
    "OpenAI’s Superalignment team dissolves",
    "Sam Altman responds on exit paperwork and vested equity",
]
NEWS = (
    b"<item><title>Altman and Brockman respond to Leike</title>"
    b"<link>https://news.example.org/2024/05/18/response</link>"
    b"<pubDate>Sat, 18 May 2024 20:00:00 +0000</pubDate></item><item>"
)
AFTER_INTERVAL = MIN_INTERVAL.total_seconds() * 1.3  # past the jitter too


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_path=tmp_path / "bot.db", feeds_allowed_hosts=frozenset({"127.0.0.1"}))


@pytest.fixture
async def server():
    async with running_feed_server() as server:
        yield server


@pytest.fixture
def review(guild):
    return guild.create_text_channel("review")


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role(
        "Admins", permissions=discord.Permissions(manage_guild=True, manage_messages=True)
    )
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


def cards(channel) -> list[discord.Message]:
    """The review cards in a channel, oldest first."""
    return [
        m
        for m in channel.history()
        if m.embeds and m.embeds[0].footer.text.startswith("Review item")
    ]


def titles(channel) -> list[str]:
    return [card.embeds[0].title for card in cards(channel)]


def buttons(message) -> list[str]:
    return [child.label for row in message.components for child in row.children]


def fields(message) -> dict[str, str]:
    return {f.name: f.value for f in message.embeds[0].fields}


async def follow(admin, channel, review, server, path="/rss.xml", **options):
    return await admin.slash(
        channel, "feeds add", url=server.url(path), **{"review-channel": review, **options}
    )


async def test_a_new_feed_is_checked_at_once_and_its_items_come_as_cards(
    simcord_env, channel, review, admin, server
):
    added = await follow(admin, channel, review, server)

    assert added.ephemeral
    assert added.response.content.startswith(
        f"Following feed #1 (<{server.url('/rss.xml')}>). First check: 6 new items, "
        f"6 sent to {review.mention} for review."
    )
    assert titles(review) == RSS_TITLES_OLDEST_FIRST
    card = next(c for c in cards(review) if c.embeds[0].title == LEIKE)
    assert card.embeds[0].url == "https://news.example.org/2024/05/17/leike-thread"
    assert fields(card)["Outlet"] == "The Test Desk"
    assert fields(card)["Date"] == "17 May 2024"
    assert (
        fields(card)["Link"]
        == "[news.example.org](https://news.example.org/2024/05/17/leike-thread)"
    )
    assert card.embeds[0].description.startswith("In a thread on Friday, Jan Leike described")
    assert buttons(card) == [ADD_LABEL, DISMISS_LABEL]
    assert card.content == "" and not card.mentions
    assert assert_all_sent_embeds_valid(simcord_env) > 0


async def test_keywords_pick_the_items_and_polling_brings_only_news(
    simcord_env, channel, review, admin, server
):
    await follow(admin, channel, review, server, keywords="Leike, Brockman")
    assert titles(review) == [LEIKE]
    checks = server.hits["/rss.xml"]

    await simcord_env.advance_time(MIN_INTERVAL.total_seconds() * 0.9)
    assert server.hits["/rss.xml"] == checks  # not due yet: never fetched early

    server.feeds["rss.xml"] = server.feeds["rss.xml"].replace(b"<item>", NEWS, 1)
    # Due 10 to 12 minutes after the first check (jitter), found by a round within a minute;
    # the check after is due 20 minutes after the first at the earliest, so 14 minutes in
    # there was exactly one more, whatever the jitter drew.
    await simcord_env.advance_time(MIN_INTERVAL.total_seconds() * 0.5)

    assert titles(review) == [LEIKE, "Altman and Brockman respond to Leike"]
    assert server.hits["/rss.xml"] == checks + 1
    # Conditional requests: the validators of the last answer go with the next one.
    await simcord_env.advance_time(AFTER_INTERVAL)
    assert "If-None-Match" in server.headers["/rss.xml"][-1]
    assert len(cards(review)) == 2


async def test_a_failing_feed_never_stops_the_others_and_says_why(
    simcord_env, guild, channel, review, admin, server
):
    broken = await follow(admin, channel, review, server, path="/missing")
    assert "but its first check failed: it answered 404 (Not Found)" in broken.response.content
    await follow(admin, channel, review, server, path="/atom.xml")
    first = len(cards(review))
    server.feeds["atom.xml"] = server.feeds["atom.xml"].replace(
        b"<entry>",
        b"<entry><title>Fresh from Atom</title><id>urn:fresh</id>"
        b"<link href='https://news.example.org/fresh'/><updated>2024-05-19T10:00:00Z</updated>"
        b"</entry><entry>",
        1,
    )

    await simcord_env.advance_time(AFTER_INTERVAL * 2)

    assert titles(review)[first:] == ["Fresh from Atom"]
    listed = await admin.slash(channel, "feeds list")
    shown = {f.name: f.value for f in listed.response.embeds[0].fields}
    [missing] = [value for name, value in shown.items() if name.startswith("#1 ")]
    assert "Failing since 26 min: answered 404 (Not Found)" in missing
    [atom] = [value for name, value in shown.items() if name.startswith("#2 ")]
    assert "Last checked" in atom and "Every item" in atom and review.mention in atom


async def test_the_fetcher_refuses_local_addresses_unless_the_operator_allows_them(
    simcord_env, channel, review, admin, server, make_bot, settings
):
    await simcord_env.restart_bot(await make_bot(feeds_allowed_hosts=frozenset()))

    refused = await follow(admin, channel, review, server)

    assert (
        "leads to 127.0.0.1, a private or local address the bot does not contact"
        in refused.response.content
    )
    assert server.hits["/rss.xml"] == 0 and cards(review) == []


async def test_dismiss_records_who_and_a_member_cannot(
    simcord_env, channel, review, member, moderator, admin, server
):
    await follow(admin, channel, review, server, keywords="Leike")
    [card] = cards(review)

    refused = await member.click(card, label=DISMISS_LABEL)
    assert refused.ephemeral and refused.response.content == NOT_A_MODERATOR
    assert buttons(review.last_message) == [ADD_LABEL, DISMISS_LABEL]

    await moderator.click(card, label=DISMISS_LABEL)

    [card] = cards(review)
    assert fields(card)["Review"].startswith(f"Dismissed by {moderator.mention}")
    assert buttons(card) == []
    assert await guild_entries(simcord_env, card.guild) == []


async def test_after_a_restart_add_to_timeline_opens_the_filled_form_and_stores_the_update(
    simcord_env, guild, channel, review, moderator, admin, server, make_bot
):
    await follow(admin, channel, review, server, keywords="Leike")
    await simcord_env.restart_bot(await make_bot())
    [card] = cards(review)

    shown = await moderator.click(card, label=ADD_LABEL)

    assert modal_problems(shown.modal) == []
    values = {
        field["custom_id"]: field.get("value", "")
        for row in shown.modal["components"]
        for field in row["components"]
    }
    assert values["headline"] == LEIKE
    assert values["text"].startswith("In a thread on Friday, Jan Leike described")
    assert values["date"] == "2024-05-17"
    assert values["source"] == "https://news.example.org/2024/05/17/leike-thread"
    sent = await moderator.submit_modal(shown, {**values, "people": "leike"})

    assert "is in this server's `/timeline`" in sent.response.content
    [entry] = await guild_entries(simcord_env, guild)
    assert (entry.headline, [p.slug for p in entry.people]) == (LEIKE, ["leike"])
    assert [s.url for s in entry.sources] == ["https://news.example.org/2024/05/17/leike-thread"]
    [card] = cards(review)
    assert fields(card)["Review"].startswith(
        f"Added to the timeline as update #{entry.id} by {moderator.mention}"
    )
    assert buttons(card) == []


async def test_a_member_cannot_open_the_form(simcord_env, channel, review, member, admin, server):
    await follow(admin, channel, review, server, keywords="Leike")

    refused = await member.click(cards(review)[0], label=ADD_LABEL)

    assert refused.response.content == NOT_A_MODERATOR and refused.modal is None


async def test_an_item_decided_never_returns(
    simcord_env, channel, review, moderator, admin, server
):
    await follow(admin, channel, review, server, keywords="Leike, Sutskever")
    sutskever, leike = cards(review)
    await moderator.click(sutskever, label=DISMISS_LABEL)
    shown = await moderator.click(leike, label=ADD_LABEL)
    await moderator.submit_modal(shown, {"text": "Leike explains.", "headline": LEIKE})

    # Even following the feed afresh (its seen items forgotten) brings neither back.
    await admin.slash(channel, "feeds remove", feed=1)
    again = await follow(admin, channel, review, server, keywords="Leike, Sutskever")
    await simcord_env.advance_time(AFTER_INTERVAL)

    assert "First check: 4 new items, 0 sent" in again.response.content
    assert len(cards(review)) == 2


async def test_a_decision_made_while_the_form_was_open_wins(
    simcord_env, guild, channel, review, moderator, admin, server
):
    await follow(admin, channel, review, server, keywords="Leike")
    [card] = cards(review)
    shown = await moderator.click(card, label=ADD_LABEL)
    await admin.click(card, label=DISMISS_LABEL)

    late = await moderator.submit_modal(shown, {"text": "Leike explains.", "headline": LEIKE})

    assert late.response.content.startswith("This item was decided by someone else")
    assert "Leike explains." in late.response.content  # the text handed back
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]


async def test_feeds_list_pause_and_remove(simcord_env, channel, review, moderator, admin, server):
    await follow(admin, channel, review, server, keywords="Leike")

    paused = await moderator.slash(channel, "feeds pause", feed=1)
    assert paused.response.content.startswith("Paused feed #1")
    listed = await moderator.slash(channel, "feeds list")
    [value] = [f.value for f in listed.response.embeds[0].fields]
    assert "Paused; last checked" in value and "Keywords: Leike" in value
    checks = server.hits["/rss.xml"]
    await simcord_env.advance_time(AFTER_INTERVAL)
    assert server.hits["/rss.xml"] == checks

    await moderator.slash(channel, "feeds pause", feed=1, resume=True)
    await simcord_env.advance_time(61)
    assert server.hits["/rss.xml"] == checks + 1

    choices = await admin.autocomplete(channel, "feeds remove", "feed", "")
    assert [c["value"] for c in choices] == [1]
    kept = await moderator.slash(channel, "feeds remove", feed=1)
    assert kept.response.content == NOT_A_SERVER_MANAGER
    removed = await admin.slash(channel, "feeds remove", feed=1)
    assert removed.response.content.startswith("Stopped following feed #1")
    await simcord_env.advance_time(AFTER_INTERVAL)
    assert server.hits["/rss.xml"] == checks + 1
    assert buttons(cards(review)[0]) == [ADD_LABEL, DISMISS_LABEL]  # the card still works
    assert handled_errors(simcord_env) == ["CheckFailure"]


async def test_who_may_use_feeds(simcord_env, guild, channel, review, member, moderator, server):
    assert not any(name.startswith("feeds") for name in member.available_commands(channel))
    refused = await moderator.slash(
        channel, "feeds add", url=server.url("/rss.xml"), **{"review-channel": review}
    )
    assert refused.response.content == NOT_A_SERVER_MANAGER
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["feeds"], {member: True})
    listed = await member.slash(channel, "feeds list")
    assert listed.response.content == NOT_A_MODERATOR
    assert server.hits["/rss.xml"] == 0
    assert handled_errors(simcord_env) == ["CheckFailure", "CheckFailure"]


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("ftp://example.org/feed", "must start with https://"),
        ("example.org/feed.xml", "Start the address with https://"),
        ("https://user:pw@example.org/feed", "user name or password"),
    ],
)
async def test_bad_addresses_are_named(simcord_env, channel, review, admin, url, named):
    refused = await admin.slash(channel, "feeds add", url=url, **{"review-channel": review})

    assert refused.ephemeral and named in refused.response.content
    assert handled_errors(simcord_env) == ["UserError"]


async def test_only_the_guilds_this_process_serves_are_polled(
    simcord_env, channel, review, admin, server
):
    store = simcord_env.bot.store
    await store.add_feed(
        999999999999999999, None, url=server.url("/atom.xml"), keywords=(), review_channel_id=1
    )

    await simcord_env.advance_time(AFTER_INTERVAL)

    assert server.hits["/atom.xml"] == 0
    assert (await store.feeds(999999999999999999))[0].state.last_checked is None
    await follow(admin, channel, review, server)  # while a served guild's feed is checked
    assert server.hits["/rss.xml"] == 1


async def test_following_a_feed_twice_is_refused(simcord_env, channel, review, admin, server):
    await follow(admin, channel, review, server)

    again = await follow(admin, channel, review, server)

    assert again.response.content == (
        "This server already follows that feed (#1); `/feeds list` shows it."
    )
    assert len(cards(review)) == 6
    assert handled_errors(simcord_env) == ["UserError"]


async def test_cards_that_cannot_be_posted_are_not_lost_and_the_list_says_why(
    simcord_env, guild, channel, admin, server
):
    bot_role = guild.roles[simcord_env.bot.user.name]
    locked = guild.create_text_channel(
        "locked", overwrites={bot_role: discord.PermissionOverwrite(embed_links=False)}
    )
    refused = await follow(admin, channel, locked, server)
    assert refused.response.content == (
        f"I can't post cards in {locked.mention}: I lack Embed Links there."
    )
    # A feed whose channel lost the permission after it was added.
    await simcord_env.bot.store.add_feed(
        guild.id, admin.id, url=server.url("/rss.xml"), keywords=("Leike",),
        review_channel_id=locked.id,
    )  # fmt: skip

    await simcord_env.advance_time(61)

    assert server.hits["/rss.xml"] == 1 and cards(locked) == []
    listed = await admin.slash(channel, "feeds list")
    [value] = [f.value for f in listed.response.embeds[0].fields]
    assert "6 new items, 0 sent for review" in value
    assert "Cards can't be posted: I lack Embed Links there." in value
    assert handled_errors(simcord_env) == ["UserError"]
