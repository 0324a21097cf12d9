"""Discord gives an interaction 3 seconds: slow work defers first; autocomplete never waits."""

from __future__ import annotations

import asyncio

import pytest

from bot import create_bot
from bot.ui import respond

SLOW_S = 5.0  # longer than Discord's 3 seconds


class SlowStore:
    """The real store; once `slow` is set, every async call first waits SLOW_S of (virtual) time."""

    def __init__(self, store) -> None:
        self.inner = store
        self.slow = False
        self.calls = 0

    def __getattr__(self, name: str):
        attribute = getattr(self.inner, name)
        if not asyncio.iscoroutinefunction(attribute) or name == "close":
            return attribute

        async def slow(*args, **kwargs):
            if self.slow:
                self.calls += 1
                await asyncio.sleep(SLOW_S)
            return await attribute(*args, **kwargs)

        return slow


@pytest.fixture
def simcord_bot(settings, store):
    """The bot on a store that can be made slow (after it started: syncing stays fast)."""
    return create_bot(settings, SlowStore(store))


@pytest.fixture
def slow_store(simcord_env, monkeypatch):
    # SimCord runs unrecognised timers in real time: a shorter deferral keeps the suite fast.
    monkeypatch.setattr(respond, "DEFER_AFTER_S", 0.2)
    slow = simcord_env.bot.store
    slow.slow = True
    return slow


def test_deferral_leaves_a_margin():
    assert 1.0 <= respond.DEFER_AFTER_S <= 2.5


async def test_fast_commands_answer_without_deferring(channel, member):
    result = await member.slash(channel, "timeline")
    assert not result.deferred
    assert result.response.embeds[0].title.startswith("Timeline")


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("timeline", {}),
        ("timeline", {"private": True}),
        ("timeline", {"order": "newest"}),
        ("whatsnew", {"private": True}),
        ("quote", {"person": "leike"}),
        ("people", {}),
        ("search", {"query": "compute"}),
        ("entry", {"id": 1}),
        ("about", {}),
    ],
)
async def test_slow_reads_defer_then_answer(
    simcord_env, channel, member, slow_store, command, options
):
    started = simcord_env.now()

    result = await member.slash(channel, command, **options)

    # Discord saw the deferral at DEFER_AFTER_S, inside its 3 seconds...
    assert result.deferred
    assert (simcord_env.now() - started).total_seconds() == pytest.approx(respond.DEFER_AFTER_S)
    await simcord_env.advance_time(SLOW_S)
    # ...and the real answer once the store was done.
    assert result.response.embeds
    assert result.ephemeral == bool(options.get("private"))


async def test_slow_page_turn_defers_and_edits(simcord_env, channel, member, slow_store):
    first = await member.slash(channel, "timeline")
    await simcord_env.advance_time(SLOW_S)
    turned = await member.click(first.response, label="Next ›")
    assert turned.deferred
    await simcord_env.advance_time(SLOW_S)
    assert "Page 2 of" in turned.response.embeds[0].footer.text


async def test_slow_moderator_write_defers(simcord_env, guild, channel, moderator, slow_store):
    result = await moderator.slash(channel, "addquote", person="leike", text="Slow but sure.")
    assert result.deferred and result.ephemeral
    await simcord_env.advance_time(SLOW_S)
    assert "Added quote #" in result.response.content


async def test_autocomplete_answers_at_once_even_with_a_slow_store(
    simcord_env, channel, member, slow_store
):
    started = simcord_env.now()

    choices = await member.autocomplete(channel, "quote", "person", "lei")

    assert simcord_env.now() == started  # no time passed: nothing waited on the store
    assert slow_store.calls == 0
    assert [c["value"] for c in choices] == ["leike"]
