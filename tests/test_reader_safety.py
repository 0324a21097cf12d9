"""What must never reach a member: pings, live Markdown, SQL or paths; and a plain word about Embed Links."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from datetime import date

import discord
import pytest
from helpers import handled_errors

from bot.errors import APOLOGY
from bot.ui.text import fit_markdown

PINGS = "@everyone @here <@&123>"
# Markdown characters the bot's own formatting never leaves bare inside stored text.
BARE_MARKDOWN = re.compile(r"(?<!\\)[*_`~|]")


@pytest.fixture
def followers(guild):
    """A role anyone may ping: a message that let mentions through would ping it."""
    return guild.create_role("Followers", mentionable=True)


@pytest.fixture
async def loud(simcord_env, guild, member, other_member, followers):
    """An entry and a quote of this guild, full of would-be pings and Markdown."""
    store = simcord_env.bot.store
    leike = next(p for p in store.people if p.slug == "leike")
    text = f"Loud {PINGS} {followers.mention} {other_member.mention} **bold** _it_ `code` ||spoil||"
    entry = (
        await store.add_entry(
            guild.id,
            member.id,
            day=date(2024, 5, 20),
            precision="day",
            headline=f"Loud headline {PINGS} **bold**",
            body=text,
            person_ids=[leike.id],
            source_url="https://example.com/loud",
        )
    ).entry
    await store.add_quote(
        guild.id,
        member.id,
        person_id=leike.id,
        text=text,
        day=date(2024, 5, 1),  # his first quote here
        context=f"said {PINGS}",
        source_url=None,
    )
    return entry


def callbacks(env) -> list[dict]:
    """The data of every message the bot sent or edited as an interaction response."""
    return [
        r.json["data"]
        for r in env.http_requests
        if r.path.startswith("/interactions/") and r.json and r.json["type"] in (4, 7)
    ]


def assert_pings_nobody(env, result) -> None:
    stored = env.backend.get_message(result.response.channel_id, result.response.id)
    assert stored.ping_user_ids == [] and stored.ping_role_ids == []
    assert not stored.mention_everyone


async def test_stored_mentions_never_ping_and_show_as_text(
    simcord_env, channel, member, followers, loud
):
    results = [
        await member.slash(channel, "timeline", since="2024-05-20"),
        await member.slash(channel, "entry", id=loud.id),
        await member.slash(channel, "search", query="loud"),
        await member.slash(channel, "quote", person="leike"),
    ]
    await member.click(results[-1].response, label="Next ›")
    await member.click(results[-1].response, label="‹ Previous")

    for result in results:
        assert_pings_nobody(simcord_env, result)
        shown = json.dumps(result.response.embeds[0].to_dict(), ensure_ascii=False)
        assert "@everyone" not in shown and "@here" not in shown
        assert "<@&123>" not in shown and followers.mention not in shown
        assert "@\u200beveryone" in shown
    sent = callbacks(simcord_env)
    assert len(sent) == len(results) + 2
    assert all(data["allowed_mentions"] == {"parse": []} for data in sent)


async def test_typed_mentions_echoed_in_errors_do_not_ping(
    simcord_env, channel, member, other_member, followers
):
    role_and_everyone = await member.slash(
        channel, "timeline", person=f"{followers.mention} @everyone"
    )
    user_and_here = await member.slash(channel, "quote", person=f"{other_member.mention} @here")

    for result in (role_and_everyone, user_and_here):
        assert result.ephemeral and result.response.content.startswith("No one called")
        assert_pings_nobody(simcord_env, result)
    assert followers.mention in role_and_everyone.response.content  # echoed, yet silent
    assert all(data["allowed_mentions"] == {"parse": []} for data in callbacks(simcord_env))
    assert handled_errors(simcord_env) == ["UserError", "UserError"]


async def test_stored_markdown_is_escaped(simcord_env, channel, member, loud):
    entry = await member.slash(channel, "entry", id=loud.id)
    timeline = await member.slash(channel, "timeline", since="2024-05-20")
    quote = await member.slash(channel, "quote", person="leike")

    embed = entry.response.embeds[0]
    assert "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\|\\|spoil\\|\\|" in embed.description
    assert not BARE_MARKDOWN.search(embed.description)
    assert not BARE_MARKDOWN.search(embed.title)
    block = timeline.response.embeds[0].description.split("\n\n")[1]
    body = block.splitlines()[1]
    assert body.startswith("Loud ") and not BARE_MARKDOWN.search(body)
    quoted = quote.response.embeds[0].description.partition("\n\n— ")[0]
    assert quoted.startswith("> Loud ") and not BARE_MARKDOWN.search(quoted)


COMMANDS = [
    ("timeline", {}),
    ("quote", {"person": "leike"}),
    ("people", {}),
    ("search", {"query": "equity"}),
    ("entry", {"id": 1}),
    ("about", {}),
]


@pytest.mark.parametrize("command, options", COMMANDS, ids=[c for c, _ in COMMANDS])
async def test_missing_embed_links_is_said_plainly(
    simcord_env, guild, channel, member, command, options
):
    plain = guild.create_text_channel(
        "no-embeds", overwrites={guild.me: discord.PermissionOverwrite(embed_links=False)}
    )

    refused = await member.slash(plain, command, **options)
    allowed = await member.slash(channel, command, **options)

    assert refused.ephemeral
    assert refused.response.embeds == []
    assert "**Embed Links**" in refused.response.content
    assert allowed.response.embeds
    assert handled_errors(simcord_env) == ["UserError"]


# Our own failures: logged with the traceback, answered with a short apology.

LEAKY = "no such table: entries; database /srv/storybot/data/bot.db; SELECT * FROM entries"


def leaks(text: str) -> bool:
    return any(word in text for word in ("SELECT", "no such table", "/srv/", "bot.db", "Traceback"))


async def test_a_store_failure_is_logged_and_answered_with_an_apology(
    simcord_env, channel, member, monkeypatch, caplog
):
    async def broken(*args, **kwargs):
        raise sqlite3.OperationalError(LEAKY)

    monkeypatch.setattr(simcord_env.bot.store, "timeline", broken)
    with caplog.at_level(logging.ERROR):
        result = await member.slash(channel, "timeline")

    assert result.ephemeral
    assert result.response.content == APOLOGY and not leaks(result.response.content)
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage() == "Command /timeline failed"
    assert isinstance(record.exc_info[1], sqlite3.OperationalError)
    assert handled_errors(simcord_env) == ["OperationalError"]


async def test_a_failure_behind_a_page_button_is_answered_too(
    simcord_env, channel, member, monkeypatch, caplog
):
    result = await member.slash(channel, "search", query="equity")
    before = result.response.embeds[0].description

    async def broken(*args, **kwargs):
        raise sqlite3.OperationalError(LEAKY)

    monkeypatch.setattr(simcord_env.bot.store, "search", broken)
    with caplog.at_level(logging.ERROR):
        clicked = await member.click(result.response, label="Next ›")

    assert clicked.ephemeral
    assert clicked.response.content == APOLOGY
    assert result.response.embeds[0].description == before
    assert any(r.exc_info and "Page button" in r.getMessage() for r in caplog.records)
    assert not any(leaks(str(data)) for data in callbacks(simcord_env))


def test_fit_always_ends_within_its_limit():
    """fit_markdown() once looped forever when the limit could not hold the ellipsis and the hint."""
    results: dict[tuple[int, str], str] = {}

    def run() -> None:
        for hint in ("", " (`/entry 12`)"):
            for limit in range(0, 40):
                results[limit, hint] = fit_markdown(
                    "**several** words of @everyone text " * 3, limit, hint
                )

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "fit_markdown() did not finish"
    assert all(len(out) <= limit for (limit, _), out in results.items())
    assert results[39, " (`/entry 12`)"].endswith("… (`/entry 12`)")
