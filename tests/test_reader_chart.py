"""/timeline view:chart as a member sees it: one PNG, the same filters, a cache, the list a click away."""

from __future__ import annotations

import asyncio
import io
import re

import discord
import pytest
from helpers import handled_errors
from PIL import Image

from bot.charts import render
from bot.charts.cache import RenderCache
from bot.charts.layout import WIDTH, layout_timeline
from bot.models import Cursor, TimelineFilters
from bot.timeline_chart import TimelineCharts
from bot.ui import respond

SLOW_S = 5.0  # longer than Discord's 3 seconds


class Drawings:
    """Draws with the real renderer and keeps what it was asked to draw."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, entries, total, exact, title, subtitle, people) -> bytes:
        self.calls.append(
            {
                "ids": [e.id for e in entries],
                "headlines": [e.headline for e in entries],
                "added_here": [e.id for e in entries if not e.shipped],
                "title": title,
                "subtitle": subtitle,
            }
        )
        return render.timeline_png(entries, total, exact, title, subtitle, people)


@pytest.fixture
def drawings(simcord_env) -> Drawings:
    drawings = Drawings()
    simcord_env.bot.get_cog("Reader").charts = TimelineCharts(draw=drawings)
    return drawings


async def picture(result) -> tuple[discord.Attachment, Image.Image]:
    attachments = result.response.attachments
    assert len(attachments) == 1
    data = await attachments[0].read()
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every pixel: a truncated file fails here
    return attachments[0], image


def buttons(message) -> list[str]:
    return [b["label"] for row in message.components for b in row["components"]]


async def test_the_reply_is_one_png_of_the_expected_size(simcord_env, channel, member):
    result = await member.slash(channel, "timeline", view="chart")

    assert not result.ephemeral
    assert result.response.embeds == []
    attachment, image = await picture(result)
    assert attachment.filename == "timeline.png"
    assert attachment.content_type == "image/png"
    assert image.format == "PNG"
    store = simcord_env.bot.store
    page = await store.timeline(channel.guild.id, TimelineFilters(), Cursor(), 200)
    title, subtitle = f"Timeline · {page.total} events", "The whole story, oldest first"
    expected = layout_timeline(
        page.items, page.total, page.exact, title, subtitle, store.people, render.measure
    )
    assert image.size == (WIDTH, expected.height)
    assert attachment.description.startswith(f"{title}, 14 May 2024 to 18 May 2024.")
    assert buttons(result.response) == ["Show as list"]


async def test_the_filters_of_timeline_choose_the_events(channel, member, story, drawings):
    result = await member.slash(
        channel, "timeline", view="chart", person="leike", since="2024-05-16"
    )

    await picture(result)
    leike = [
        n
        for n, e in enumerate(story.entries, 1)
        if "leike" in e.people and e.date.isoformat() >= "2024-05-16"
    ]
    assert sorted(drawings.calls[0]["ids"]) == leike
    assert drawings.calls[0]["title"] == f"Timeline · {len(leike)} events"
    assert drawings.calls[0]["subtitle"] == "Events with Jan Leike, from 16 May 2024"
    searched = await member.slash(channel, "timeline", view="chart", search="equity")
    await picture(searched)
    assert drawings.calls[1]["subtitle"] == "Mentioning “equity”"
    assert len(drawings.calls[1]["ids"]) == sum(
        "equity" in (e.headline + e.body).lower() for e in story.entries
    )


async def test_the_servers_additions_are_drawn_and_a_change_draws_anew(
    channel, member, moderator, drawings
):
    first = await member.slash(channel, "timeline", view="chart")
    again = await member.slash(channel, "timeline", view="chart")
    assert len(drawings.calls) == 1  # the same data and filters: kept
    assert (await picture(first))[1].tobytes() == (await picture(again))[1].tobytes()

    added = await moderator.slash(
        channel, "addupdate", text="The board answers", date="2024-05-19", announce=False
    )
    new_id = int(re.match(r"Update #(\d+) is in this server's", added.response.content)[1])
    shipped = len(drawings.calls[0]["ids"])
    await member.slash(channel, "timeline", view="chart")

    assert len(drawings.calls) == 2
    assert len(drawings.calls[1]["ids"]) == shipped + 1
    assert drawings.calls[1]["added_here"] == [new_id]
    # An edit keeps the count: the data's version still changes.
    await moderator.slash(channel, "editupdate", id=new_id, headline="The board answers, at last")
    await member.slash(channel, "timeline", view="chart")
    assert len(drawings.calls) == 3
    assert "The board answers, at last" in drawings.calls[2]["headlines"]
    await member.slash(channel, "timeline", view="chart")
    assert len(drawings.calls) == 3  # unchanged since: kept
    assert drawings.calls[1]["title"] == f"Timeline · {shipped + 1} events"


async def test_show_as_list_gives_the_same_events_as_text(channel, member, other_member):
    chart = await member.slash(channel, "timeline", view="chart", person="altman")

    listed = await other_member.click(chart.response, label="Show as list")

    assert listed.ephemeral
    embed = listed.response.embeds[0]
    typed = (await member.slash(channel, "timeline", person="altman")).response.embeds[0]
    assert embed.title == typed.title and embed.title.startswith("Timeline · ")
    assert embed.description == typed.description
    assert embed.description.startswith("Showing events with Sam Altman, oldest first.")


async def test_private_sends_the_picture_only_to_the_member(channel, member):
    result = await member.slash(channel, "timeline", view="chart", private=True)
    assert result.ephemeral
    await picture(result)


async def test_no_match_says_so_without_a_picture(simcord_env, channel, member):
    result = await member.slash(channel, "timeline", view="chart", search="zebra")

    assert result.ephemeral
    assert result.response.attachments == []
    assert result.response.content.startswith("Nothing in the timeline matches")
    assert handled_errors(simcord_env) == ["UserError"]


async def test_missing_attach_files_is_said_plainly(simcord_env, guild, member):
    plain = guild.create_text_channel(
        "no-files", overwrites={guild.me: discord.PermissionOverwrite(attach_files=False)}
    )

    result = await member.slash(plain, "timeline", view="chart")

    assert result.ephemeral
    assert result.response.attachments == []
    assert "**Attach Files**" in result.response.content
    assert handled_errors(simcord_env) == ["UserError"]


class SlowCache(RenderCache):
    """Drawing takes SLOW_S of (virtual) time, as a big picture on a busy machine might."""

    async def render(self, key, draw, *args):
        await asyncio.sleep(SLOW_S)
        return await super().render(key, draw, *args)


async def test_a_slow_picture_defers_first(simcord_env, channel, member, monkeypatch):
    monkeypatch.setattr(respond, "DEFER_AFTER_S", 0.2)
    simcord_env.bot.get_cog("Reader").charts = TimelineCharts(cache=SlowCache())

    result = await member.slash(channel, "timeline", view="chart")

    assert result.deferred
    await simcord_env.advance_time(SLOW_S)
    await picture(result)
