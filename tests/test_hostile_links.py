"""Links and stored Markdown that try to break out: oversized after encoding, masked links
that survive escaping, user-info posing as another site."""

from __future__ import annotations

import re
from datetime import date

import discord
import pytest
from discord_limits import assert_all_sent_embeds_valid
from helpers import guild_entries, handled_errors

from bot.errors import APOLOGY
from bot.models import HEADLINE_MAX, SOURCE_URL_MAX, TEXT_MAX

# The longest link the validator accepts, made of what grows most when shown: a host of
# Markdown characters (escaped in the label) and a path of ")" (percent-encoded, threefold).
HOST = "_*" * 60 + ".example"
HOSTILE_LINK = f"https://{HOST}/" + ")" * (SOURCE_URL_MAX - len(f"https://{HOST}/"))
# Text and headline at their limits, all Markdown characters, so escaping doubles them.
HOSTILE_TEXT = ("*_" * TEXT_MAX)[:TEXT_MAX]
HOSTILE_HEADLINE = ("~|" * HEADLINE_MAX)[:HEADLINE_MAX]
# A masked link Discord would render: "[label](target)" whose "[" is not escaped, that is,
# not after an odd run of backslashes.
LIVE_MASKED_LINK = re.compile(r"(?<!\\)(?:\\\\)*\[[^\]]*\]\(")


@pytest.fixture
def news(guild):
    return guild.create_text_channel("news")


@pytest.fixture
def admin(simcord_env, guild):
    role = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(simcord_env.create_user("admin"), roles=[role])


def field(embed: discord.Embed, name: str) -> str:
    [value] = [f.value for f in embed.fields if f.name == name]
    return value


async def test_the_longest_hostile_link_fits_every_embed(
    simcord_env, guild, channel, news, admin, moderator, member
):
    assert len(HOSTILE_LINK) == SOURCE_URL_MAX
    await admin.slash(channel, "config", **{"updates-channel": news})

    posted = await moderator.slash(
        channel,
        "addupdate",
        text=HOSTILE_TEXT,
        headline=HOSTILE_HEADLINE,
        date="2024-05-20",
        source=HOSTILE_LINK,
        people="leike, altman",
    )
    added = await moderator.slash(
        channel, "addquote", person="leike", text=HOSTILE_TEXT, date="2024-05-01",
        context="x" * 100, source=HOSTILE_LINK,
    )  # fmt: skip
    [entry] = await guild_entries(simcord_env, guild)
    quote = await member.slash(channel, "quote", person="leike")
    shown = await member.slash(channel, "entry", id=entry.id)
    timeline = await member.slash(channel, "timeline", since="2024-05-20", until="2024-05-20")

    assert "Announced in this channel." in posted.response.content
    assert f"Announced in {news.mention}." in posted.response.content
    assert added.response.content.startswith("Added quote #")
    for result in (quote, shown, timeline):
        assert not result.ephemeral and result.response.content != APOLOGY
    assert "(link too long to show)" in field(quote.response.embeds[0], "Source")
    assert "(link too long to show)" in field(shown.response.embeds[0], "Sources")
    assert "(link too long to show)" in timeline.response.embeds[0].description
    # /config's settings, both announcements, the quote, the entry and the timeline page.
    assert assert_all_sent_embeds_valid(simcord_env) == 6


async def test_a_link_that_fits_after_encoding_stays_a_link(simcord_env, guild, channel, moderator):
    url = "https://en.wikipedia.org/wiki/OpenAI_(company)"
    await moderator.slash(channel, "addupdate", text="Background", source=url, announce=False)
    [entry] = await guild_entries(simcord_env, guild)

    shown = await moderator.slash(channel, "entry", id=entry.id)

    sources = field(shown.response.embeds[0], "Sources")
    assert sources == "• [en.wikipedia.org](https://en.wikipedia.org/wiki/OpenAI_(company%29)"
    assert_all_sent_embeds_valid(simcord_env)


STORED_LINKS = [
    "Read the [statement](https://evil.example/phish) before you decide.",
    # discord.py's escaper escapes only the first "[" of a line that looks like a link.
    "A [note] first, then the [statement](https://evil.example/phish).",
    "[Two](https://evil.example/a) links, the [statement](https://evil.example/phish).",
    # Backslashes typed before the link must not cancel its escape.
    "Backslash \\\\[statement](https://evil.example/phish) here.",
]


@pytest.mark.parametrize("text", STORED_LINKS)
async def test_a_stored_masked_link_shows_as_text(
    simcord_env, guild, channel, moderator, member, text
):
    await moderator.slash(channel, "addupdate", text=text, date="2024-06-01", announce=False)
    [entry] = await guild_entries(simcord_env, guild)

    found = await member.slash(channel, "search", query="statement")
    shown = await member.slash(channel, "entry", id=entry.id)
    timeline = await member.slash(channel, "timeline", since="2024-06-01")

    highlighted = found.response.embeds[0].description
    assert "**statement**" in highlighted and "evil.example/phish" in highlighted
    for result in (found, shown, timeline):
        embed = result.response.embeds[0]
        for text_shown in (embed.title, embed.description):
            assert not LIVE_MASKED_LINK.search(text_shown), text_shown


@pytest.mark.parametrize(
    "url",
    [
        "https://openai.com@evil.example/statement",
        "https://openai.com:password@evil.example/",
        "https://@evil.example/",
    ],
)
@pytest.mark.parametrize("command", ["addupdate", "addquote"])
async def test_user_info_in_a_link_is_refused(
    simcord_env, guild, channel, moderator, member, command, url
):
    options = {"text": "Said something", "source": url}
    if command == "addquote":
        options["person"] = "leike"

    refused = await moderator.slash(channel, command, **options)

    assert refused.ephemeral
    assert refused.response.content.startswith("`source` has a user name or password before")
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]
    nothing = await member.slash(channel, "quote", person="leike", search="something")
    assert nothing.response.content.startswith("No quotes from Jan Leike")
    assert handled_errors(simcord_env, 1) == ["UserError"]


async def test_an_unclosed_ipv6_bracket_is_refused_plainly(simcord_env, channel, moderator):
    refused = await moderator.slash(channel, "addupdate", text="t", source="https://[::1/a")

    assert refused.ephemeral
    assert refused.response.content == (
        "`source` must be a web link starting with http:// or https://."
    )
    assert handled_errors(simcord_env) == ["UserError"]


@pytest.mark.parametrize(
    "url, label",
    [
        ("https://xn--bcher-kva.example/a", "bücher.example"),
        ("https://WWW.Example.COM:8443/a", "example.com"),
        ("https://[2001:db8::1]/a", "2001:db8::1"),
    ],
)
async def test_a_link_is_labelled_with_its_host(simcord_env, guild, channel, moderator, url, label):
    await moderator.slash(channel, "addupdate", text="Labelled", source=url, announce=False)
    [entry] = await guild_entries(simcord_env, guild)

    shown = await moderator.slash(channel, "entry", id=entry.id)

    assert field(shown.response.embeds[0], "Sources") == f"• [{label}]({url})"


async def test_the_store_labels_a_link_by_the_host_it_leads_to(store):
    """The store names a link's source after where it leads, whether validated or not."""
    added = await store.add_entry(
        1,
        2,
        day=date(2024, 5, 20),
        precision="day",
        headline="h",
        body="b",
        person_ids=[],
        source_url="https://openai.com@evil.example/x",
    )
    assert [s.name for s in added.entry.sources] == ["evil.example"]
