"""The pager contract: every pager's longest custom_id fits Discord's 100 characters, and a
button whose custom_id is out of date or crafted gets a short answer, not an error."""

from __future__ import annotations

import logging
from datetime import date

import discord
import pytest
from helpers import handled_errors

from bot.models import Cursor, Entry, Page, SeenMarks
from bot.pagers import (
    PERSON_ID_MAX,
    HistoryState,
    QuoteState,
    SearchState,
    TimelineState,
    WhatsNewState,
)
from bot.ui import limits
from bot.ui.pager import (
    ID_MAX,
    NOT_YOURS,
    OUT_OF_DATE,
    OWNER_MAX,
    PAGE_MAX,
    PageButton,
    PageId,
    Pager,
    Pagers,
    Rendered,
    b36,
)

LONGEST_DAY = date.max  # the most base-36 digits a day can take


def longest_states() -> dict[str, object]:
    """The state of each pager with its longest value in every field."""
    longest_timeline = TimelineState(
        PERSON_ID_MAX, LONGEST_DAY, LONGEST_DAY, "w" * TimelineState.SEARCH_MAX
    )
    marks = SeenMarks(ID_MAX, ID_MAX, ID_MAX)
    return {
        "t": longest_timeline,
        "n": longest_timeline,  # newest first: the same state, another kind
        "w": WhatsNewState(marks, marks),
        "q": QuoteState(PERSON_ID_MAX, "w" * QuoteState.SEARCH_MAX),
        "s": SearchState("w" * SearchState.QUERY_MAX),
        "h": HistoryState(ID_MAX),
    }


def deepest_page() -> Page:
    """A page past the last page number buttons count to, between entries with the longest keys,
    so that every button is there and every cursor is as long as it gets."""
    entry = Entry(ID_MAX, LONGEST_DAY, "day", "h", "b", (), (), 1, None, "")
    return Page((entry, entry), 10**9, PAGE_MAX + 10, 2, False, True, True)


async def test_every_pagers_longest_custom_id_fits(simcord_env):
    states = longest_states()
    pagers = list(simcord_env.bot.pagers)
    assert {pager.kind for pager in pagers} == set(states), "a pager without a longest state"

    ids: dict[str, list[str]] = {}
    for pager in pagers:
        state = states[pager.kind]
        view = pager.view(OWNER_MAX, state, Rendered(discord.Embed(), deepest_page()))
        ids[pager.kind] = [item.custom_id for item in view.children]
        assert all(len(custom_id) <= limits.CUSTOM_ID for custom_id in ids[pager.kind]), ids
        for custom_id in ids[pager.kind]:  # and each reads back as the same question
            where = PageId.parse(custom_id)
            assert (where.kind, where.owner) == (pager.kind, OWNER_MAX)
            assert where.page <= PAGE_MAX
            assert pager.State.decode(where.state) == state
    # The timelines' previous and next buttons carry the longest cursors there are.
    for kind in ("t", "n"):
        cursors = [PageId.parse(custom_id).cursor for custom_id in ids[kind]]
        assert Cursor(before=(LONGEST_DAY, ID_MAX)) in cursors
        assert Cursor(after=(LONGEST_DAY, ID_MAX)) in cursors


@pytest.mark.parametrize(
    "build",
    [
        lambda: TimelineState(search="w" * (TimelineState.SEARCH_MAX + 1)),
        lambda: TimelineState(person_id=PERSON_ID_MAX + 1),
        lambda: QuoteState(1, "w" * (QuoteState.SEARCH_MAX + 1)),
        lambda: QuoteState(PERSON_ID_MAX + 1),
        lambda: SearchState("w" * (SearchState.QUERY_MAX + 1)),
        lambda: SearchState(""),
        lambda: HistoryState(ID_MAX + 1),
        lambda: WhatsNewState(SeenMarks(), SeenMarks(text_edit=ID_MAX + 1)),
        lambda: WhatsNewState(SeenMarks(entry_id=-1), SeenMarks()),
    ],
)
def test_states_refuse_anything_longer(build):
    with pytest.raises(ValueError):
        build()


@pytest.mark.parametrize(
    "command, option, cap",
    [
        ("timeline", "search", TimelineState.SEARCH_MAX),
        ("quote", "search", QuoteState.SEARCH_MAX),
        ("search", "query", SearchState.QUERY_MAX),
    ],
)
async def test_text_options_are_capped_by_the_state_that_stores_them(
    simcord_env, command, option, cap
):
    tree = simcord_env.bot.tree
    options = tree.get_command(command).to_dict(tree)["options"]
    assert next(o for o in options if o["name"] == option)["max_length"] == cap


# Buttons whose custom_id the bot no longer understands: from an older version, or crafted.


async def send_button(env, channel, custom_id: str):
    """A message from the bot with one page button carrying `custom_id`."""
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(custom_id, label="Next ›"))
    return await env.bot.get_channel(channel.id).send("A page", view=view)


def hostile_ids(owner: str) -> list[str]:
    return [
        f"pg:z:n:1:{owner}::x",  # no such pager
        "pg:t",  # fields missing
        f"pg:t:q:1:{owner}::|||",  # no such button
        f"pg:t:n:{'9' * 60}:{owner}::|||",  # huge page
        f"pg:t:n:-1:{owner}::|||",
        f"pg:t:n:1_0:{owner}::|||",
        f"pg:t:n:1:{'z' * 40}::|||",  # huge owner
        f"pg:t:n:1:-{owner}::|||",
        f"pg:t:n:1:{owner}:a.:|||",  # bad cursors
        f"pg:t:n:1:{owner}:q!:|||",
        f"pg:t:n:1:{owner}:a1.{'z' * 13}:|||",
        f"pg:t:n:1:{owner}:a0.1:|||",
        f"pg:t:n:1:{owner}::nonsense",  # bad states
        f"pg:t:n:1:{owner}::zzzz|||",
        f"pg:t:n:1:{owner}::| z||",
        f"pg:t:n:1:{owner}::|zzzzzz||",
        f"pg:t:n:1:{owner}::|||{'w' * (TimelineState.SEARCH_MAX + 1)}",
        f"pg:q:n:1:{owner}::x|",
        f"pg:q:n:1:{owner}::7",
        f"pg:s:n:1:{owner}::",
        f"pg:h:n:1:{owner}::{'9' * 30}",
        f"pg:h:n:1:{owner}::+5",
    ]


async def test_out_of_date_buttons_get_a_short_private_answer(simcord_env, channel, member, caplog):
    caplog.set_level(logging.INFO)
    for custom_id in hostile_ids(b36(member.id)):
        assert len(custom_id) <= limits.CUSTOM_ID
        message = await send_button(simcord_env, channel, custom_id)

        answer = await member.click(message, label="Next ›")

        assert answer.ephemeral, custom_id
        assert answer.response.content == OUT_OF_DATE, custom_id
    assert handled_errors(simcord_env) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_crafted_button_in_the_current_format_turns_the_page(
    simcord_env, channel, member, other_member, story
):
    """The other side of the test above: a crafted button reaches the bot, and a button sent
    before the pager contract (same custom_id format) still works."""
    leike = next(p for p in simcord_env.bot.store.people if p.slug == "leike")
    quotes = sorted((q for q in story.quotes if q.person == "leike"), key=lambda q: q.date)
    message = await send_button(simcord_env, channel, f"pg:q:n:1:{b36(member.id)}::{leike.id}|")

    refused = await other_member.click(message, label="Next ›")
    assert refused.response.content == NOT_YOURS
    turned = await member.click(message, label="Next ›")

    assert not turned.ephemeral
    assert turned.response.embeds[0].footer.text.startswith(f"Quote 2 of {len(quotes)}")


# The registry itself.


class Numbers(Pager):
    kind = "k"
    State = HistoryState
    navigation = staticmethod(lambda page: [])

    async def render(self, interaction, state, page, cursor):
        raise NotImplementedError


class Picky(Numbers):
    kind = "m"

    async def may_turn(self, interaction):
        return False


def test_registry_refuses_a_taken_or_malformed_kind_and_an_unexplained_refusal():
    pagers = Pagers()
    pagers.add(Numbers())
    with pytest.raises(ValueError, match="kind"):
        pagers.add(Numbers())
    with pytest.raises(ValueError, match="kind"):
        pagers.add(type("Long", (Numbers,), {"kind": "kk"})())
    with pytest.raises(ValueError, match="without saying why"):
        pagers.add(Picky())
    pagers.add(type("Explained", (Picky,), {"refusal": "Not now."})())
    assert sorted(p.kind for p in pagers) == ["k", "m"]
    pagers.remove("k")
    assert pagers.get("k") is None
