"""/timeline as a member uses it: date order, sources, each filter, date forms, privacy, plain dates."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from helpers import handled_errors

from bot.pagers import TIMELINE_PER_PAGE

ACCEPTED_FORMS = ("2024-05-17", "2024-05", "May 17 2024", "17 May 2024")
BLOCK_TITLE = re.compile(r"^\*\*(?P<date>[^*]+?) · .+\*\* `#(?P<id>\d+)`", re.MULTILINE)


def expected(story, keep=lambda entry: True) -> list[tuple[date, int]]:
    """(date, id) of the shipped entries `keep` accepts, in timeline order.

    The story is seeded in file order into a fresh database, so the n-th entry has id n.
    """
    return sorted((e.date, n) for n, e in enumerate(story.entries, 1) if keep(e))


def shown(embed) -> list[tuple[date, int]]:
    """(date, id) of each entry on a timeline page; the date must be a plain "17 May 2024"."""
    return [
        (datetime.strptime(m["date"], "%d %B %Y").date(), int(m["id"]))
        for m in BLOCK_TITLE.finditer(embed.description)
    ]


def buttons(message) -> dict[str, dict]:
    return {b["label"]: b for row in message.components for b in row["components"]}


async def read_all_pages(member, result) -> list:
    """Every page's embed, turning pages with Next until it is disabled."""
    embeds = [result.response.embeds[0]]
    while (step := buttons(result.response).get("Next ›")) and not step["disabled"]:
        await member.click(result.response, label="Next ›")
        embeds.append(result.response.embeds[0])
    return embeds


def entries_word(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"


async def test_whole_story_in_date_order_with_dates_and_sources(channel, member, story):
    result = await member.slash(channel, "timeline")

    assert not result.ephemeral
    first = result.response.embeds[0]
    assert first.title == f"Timeline · {entries_word(len(story.entries))}"
    assert first.description.startswith("The whole story, oldest first.")
    pages = await read_all_pages(member, result)
    assert len(pages) == -(-len(story.entries) // TIMELINE_PER_PAGE)
    assert [item for page in pages for item in shown(page)] == expected(story)
    for page in pages:
        blocks = page.description.split("\n\n")[1:]
        assert blocks and all("\nSources: " in block for block in blocks)
        assert "<t:" not in page.description


async def test_headlines_people_and_links_come_from_the_story(channel, member, story):
    result = await member.slash(channel, "timeline", until="2024-05-14")

    description = result.response.embeds[0].description
    first = story.entries[0]
    assert first.headline in description
    assert "People: Ilya Sutskever" in description
    article = next(s for s in story.sources if s.key == first.sources[0])
    assert f"]({article.url})" in description


@pytest.mark.parametrize(
    "option, text, keep, header",
    [
        ("since", "2024-05-17", lambda e: e.date >= date(2024, 5, 17), "from 17 May 2024"),
        ("since", "2024-05", lambda e: e.date >= date(2024, 5, 1), "from 1 May 2024"),
        ("since", "May 17 2024", lambda e: e.date >= date(2024, 5, 17), "from 17 May 2024"),
        ("since", "17 May 2024", lambda e: e.date >= date(2024, 5, 17), "from 17 May 2024"),
        ("until", "2024-05-15", lambda e: e.date <= date(2024, 5, 15), "up to 15 May 2024"),
        # A month as the end means its last day.
        ("until", "2024-05", lambda e: e.date <= date(2024, 5, 31), "up to 31 May 2024"),
        ("until", "May 17 2024", lambda e: e.date <= date(2024, 5, 17), "up to 17 May 2024"),
        ("until", "17 May 2024", lambda e: e.date <= date(2024, 5, 17), "up to 17 May 2024"),
    ],
)
async def test_each_date_form(channel, member, story, option, text, keep, header):
    result = await member.slash(channel, "timeline", **{option: text})

    want = expected(story, keep)
    embed = result.response.embeds[0]
    assert embed.title == f"Timeline · {entries_word(len(want))}"
    assert embed.description.startswith(f"Showing {header}, oldest first.")
    pages = await read_all_pages(member, result)
    assert [item for page in pages for item in shown(page)] == want


@pytest.mark.parametrize(
    "option, text",
    [
        ("since", "yesterday"),
        ("since", "May 2024"),
        ("since", "17/05/2024"),
        ("since", "2024-02-30"),
        ("until", "2024-13"),
        ("until", "32 May 2024"),
    ],
)
async def test_a_bad_date_is_refused_with_the_accepted_forms(
    simcord_env, channel, member, option, text
):
    result = await member.slash(channel, "timeline", **{option: text})

    assert result.ephemeral
    message = result.response.content
    assert message.startswith(f"`{option}`: I can't read the date")
    assert all(form in message for form in ACCEPTED_FORMS)
    assert result.response.embeds == []
    assert handled_errors(simcord_env) == ["UserError"]


async def test_since_after_until_is_refused(simcord_env, channel, member):
    result = await member.slash(channel, "timeline", since="18 May 2024", until="2024-05-14")

    assert result.ephemeral
    assert "`since` is after `until`" in result.response.content
    assert handled_errors(simcord_env) == ["UserError"]


@pytest.mark.parametrize("typed", ["leike", "Jan Leike", "jan", "LEIKE", "Léïke", " jan  LEIKE "])
async def test_person_filter_matches_names_like_quote_does(channel, member, story, typed):
    result = await member.slash(channel, "timeline", person=typed)

    want = expected(story, lambda e: "leike" in e.people)
    embed = result.response.embeds[0]
    assert embed.title == f"Timeline · {entries_word(len(want))}"
    assert embed.description.startswith("Showing events with Jan Leike, oldest first.")
    assert shown(embed) == want[:TIMELINE_PER_PAGE]


async def test_unknown_person_gets_a_suggestion(simcord_env, channel, member):
    result = await member.slash(channel, "timeline", person="Lieke")

    assert result.ephemeral
    assert result.response.content == "No one called “Lieke”. Did you mean Jan Leike (`leike`)?"
    assert handled_errors(simcord_env) == ["UserError"]


async def test_search_filter(channel, member, story):
    result = await member.slash(channel, "timeline", search="Equity")

    mentions = re.compile(r"\bequity\b", re.IGNORECASE)
    want = expected(story, lambda e: mentions.search(f"{e.headline} {e.body}"))
    assert want
    embed = result.response.embeds[0]
    assert embed.title == f"Timeline · {entries_word(len(want))}"
    assert embed.description.startswith("Showing mentioning “equity”, oldest first.")  # as searched
    pages = await read_all_pages(member, result)
    assert [item for page in pages for item in shown(page)] == want


async def test_all_filters_together_are_named(channel, member, story):
    result = await member.slash(
        channel, "timeline", person="altman", since="May 18 2024", until="2024-05", search="equity"
    )

    want = expected(
        story,
        lambda e: (
            "altman" in e.people
            and e.date >= date(2024, 5, 18)
            and "equity" in f"{e.headline} {e.body}".lower()
        ),
    )
    embed = result.response.embeds[0]
    assert embed.title == f"Timeline · {entries_word(len(want))}"
    assert embed.description.startswith(
        "Showing events with Sam Altman, from 18 May 2024, up to 31 May 2024, mentioning “equity”, oldest first."
    )
    assert shown(embed) == want


async def test_no_match_is_a_friendly_private_note(simcord_env, channel, member):
    result = await member.slash(channel, "timeline", person="gwern", until="2024-05-15")

    assert result.ephemeral
    assert result.response.content == (
        "Nothing in the timeline matches events with Gwern, up to 15 May 2024. Try fewer filters."
    )
    assert handled_errors(simcord_env) == ["UserError"]


async def test_private_timeline_is_ephemeral_and_still_pages(channel, member, other_member, story):
    result = await member.slash(channel, "timeline", private=True)

    assert result.ephemeral
    assert result.response.id not in [m.id for m in channel.history(viewer=other_member)]
    await member.click(result.response, label="Next ›")
    pages = -(-len(story.entries) // TIMELINE_PER_PAGE)
    assert buttons(result.response)[f"Page 2/{pages}"]["disabled"]
    assert result.response.ephemeral


async def test_public_by_default(channel, member, other_member):
    result = await member.slash(channel, "timeline", private=False)

    assert not result.ephemeral
    assert result.response.id in [m.id for m in channel.history(viewer=other_member)]


async def test_month_precision_shows_the_month_never_a_timestamp(
    simcord_env, guild, channel, member
):
    added = (
        await simcord_env.bot.store.add_entry(
            guild.id,
            member.id,
            day=date(2024, 5, 1),
            precision="month",
            headline="Undated report from May",
            body="Some time in May, something happened.",
            person_ids=[],
            source_url="https://example.com/may",
        )
    ).entry

    result = await member.slash(channel, "timeline", search="undated")

    description = result.response.embeds[0].description
    assert f"**May 2024 · Undated report from May** `#{added.id}` · *server update*" in description
    assert "<t:" not in description
    entry = await member.slash(channel, "entry", id=added.id)
    assert entry.response.embeds[0].fields[0].value == "May 2024"
