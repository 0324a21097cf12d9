"""The picture cache: one render per key at a time, the most recent kept, failures not kept."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.charts.cache import RenderCache


class Drawer:
    """Counts its calls; can hold every draw until released, or fail."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[str] = []
        self.release = threading.Event()
        self.release.set()
        self.fail = fail

    def __call__(self, name: str) -> bytes:
        self.calls.append(name)
        self.release.wait(10)
        if self.fail:
            raise ValueError("cannot draw")
        return name.encode()


async def test_requests_for_a_picture_being_drawn_share_that_draw():
    cache, draw = RenderCache(), Drawer()
    draw.release.clear()

    first = asyncio.ensure_future(cache.render("k", draw, "a"))
    second = asyncio.ensure_future(cache.render("k", draw, "a"))
    await asyncio.sleep(0)
    draw.release.set()

    assert await first == await second == b"a"
    assert draw.calls == ["a"] and cache.renders == 1
    assert await cache.render("k", draw, "a") == b"a"  # kept
    assert draw.calls == ["a"]


async def test_the_most_recently_used_are_kept():
    cache, draw = RenderCache(size=2), Drawer()
    for key in "abc":
        await cache.render(key, draw, key)
    assert cache.get("a") is None and cache.get("b") == b"b"  # b is now the most recent

    await cache.render("d", draw, "d")

    assert cache.get("c") is None and cache.get("b") == b"b" and cache.get("d") == b"d"


async def test_a_failed_draw_is_not_kept_and_is_tried_again():
    cache, broken = RenderCache(), Drawer(fail=True)
    with pytest.raises(ValueError):
        await cache.render("k", broken, "a")

    assert cache.get("k") is None
    assert await cache.render("k", Drawer(), "a") == b"a"


async def test_one_waiter_giving_up_leaves_the_picture_to_the_others():
    cache, draw = RenderCache(), Drawer()
    draw.release.clear()
    impatient = asyncio.ensure_future(cache.render("k", draw, "a"))
    patient = asyncio.ensure_future(cache.render("k", draw, "a"))
    await asyncio.sleep(0)

    impatient.cancel()
    draw.release.set()

    assert await patient == b"a"
    assert impatient.cancelled()
