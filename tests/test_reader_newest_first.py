"""/timeline order:newest: the latest news on the first page, the same entries and filters,
the same page buttons (after a restart too), and the reply says the order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_reader_timeline import buttons, expected, read_all_pages, shown

from bot.pagers import TIMELINE_PER_PAGE


@pytest.fixture
async def later_news(simcord_env, guild, member):
    """23 entries of this guild, two a day from 1 June 2024: after the whole shipped story."""
    store = simcord_env.bot.store
    return [
        (
            await store.add_entry(
                guild.id,
                member.id,
                day=date(2024, 6, 1) + timedelta(days=n // 2),
                precision="day",
                headline=f"Later news {n}",
                body=f"What happened next, part {n}.",
                person_ids=[],
                source_url=None,
            )
        ).entry
        for n in range(23)
    ]


def disabled(message) -> set[str]:
    return {label for label, button in buttons(message).items() if button["disabled"]}


async def test_the_first_page_is_the_latest_news_and_says_so(channel, member, story, later_news):
    total = len(story.entries) + len(later_news)
    pages = -(-total // TIMELINE_PER_PAGE)
    newest = sorted(((e.date, e.id) for e in later_news), reverse=True)

    result = await member.slash(channel, "timeline", order="newest")

    embed = result.response.embeds[0]
    assert embed.description.startswith("The whole story, newest first.")
    assert embed.title == f"Timeline · {total} entries"
    assert shown(embed) == newest[:TIMELINE_PER_PAGE]
    assert embed.footer.text.startswith(f"Page 1 of {pages}")
    assert disabled(result.response) == {"« First", "‹ Previous", f"Page 1/{pages}"}

    await member.click(result.response, label="Next ›")
    assert shown(result.response.embeds[0]) == newest[TIMELINE_PER_PAGE : 2 * TIMELINE_PER_PAGE]

    # The last page is the story's first days: the remainder, oldest last.
    await member.click(result.response, label="Last »")
    on_last = total - (pages - 1) * TIMELINE_PER_PAGE
    assert shown(result.response.embeds[0]) == expected(story)[:on_last][::-1]
    assert result.response.embeds[0].footer.text.startswith(f"Page {pages} of {pages}")
    assert disabled(result.response) == {f"Page {pages}/{pages}", "Next ›", "Last »"}

    await member.click(result.response, label="‹ Previous")
    before_last = expected(story)[on_last : on_last + TIMELINE_PER_PAGE][::-1]
    assert shown(result.response.embeds[0]) == before_last

    await member.click(result.response, label="« First")
    assert shown(result.response.embeds[0]) == newest[:TIMELINE_PER_PAGE]


async def test_every_page_newest_first_is_the_default_order_reversed(
    channel, member, story, later_news
):
    oldest = await member.slash(channel, "timeline", since="2024-05-17")
    newest = await member.slash(channel, "timeline", since="2024-05-17", order="newest")

    def every(pages) -> list:
        return [item for page in pages for item in shown(page)]

    from_17_may = expected(story, lambda e: e.date >= date(2024, 5, 17))
    from_17_may += [(e.date, e.id) for e in later_news]
    assert every(await read_all_pages(member, oldest)) == from_17_may
    assert every(await read_all_pages(member, newest)) == from_17_may[::-1]
    header = newest.response.embeds[0].description
    assert header.startswith("Showing from 17 May 2024, newest first.")


async def test_its_buttons_keep_the_order_after_a_restart(
    simcord_env, channel, member, make_bot, later_news
):
    result = await member.slash(channel, "timeline", order="newest", private=True)
    assert result.ephemeral

    await simcord_env.restart_bot(await make_bot())
    await member.click(result.response, label="Next ›")

    newest = sorted(((e.date, e.id) for e in later_news), reverse=True)
    assert result.response.embeds[0].description.startswith("The whole story, newest first.")
    assert shown(result.response.embeds[0]) == newest[TIMELINE_PER_PAGE : 2 * TIMELINE_PER_PAGE]


async def test_the_order_option_offers_both_and_defaults_to_oldest(simcord_env):
    tree = simcord_env.bot.tree
    options = {o["name"]: o for o in tree.get_command("timeline").to_dict(tree)["options"]}
    assert [c["value"] for c in options["order"]["choices"]] == ["oldest", "newest"]
    assert not options["order"].get("required", False)
