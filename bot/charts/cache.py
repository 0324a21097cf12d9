"""Pictures rendered off the event loop, one at a time, and kept by what they show."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class RenderCache(Generic[T]):
    """Pictures by key, drawn in a worker thread; the `size` most recently used are kept.

    A key names everything the picture depends on (the data's version and the filters), so
    changed data makes new keys and stale pictures simply age out. Requests for a picture
    that is being rendered wait for that render instead of starting another.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.renders = 0  # how many pictures were drawn (the rest came from the cache)
        self._done: OrderedDict[Hashable, T] = OrderedDict()
        self._pending: dict[Hashable, asyncio.Task[T]] = {}
        self._one_at_a_time = asyncio.Lock()  # CPU-bound: parallel renders only slow each other

    def get(self, key: Hashable) -> T | None:
        found = self._done.get(key)
        if found is not None:
            self._done.move_to_end(key)
        return found

    async def render(self, key: Hashable, draw: Callable[..., T], *args: Any) -> T:
        """The picture for `key`, drawn by `draw(*args)` in a worker thread unless kept."""
        if (found := self.get(key)) is not None:
            return found
        task = self._pending.get(key)
        if task is None:
            task = asyncio.ensure_future(self._draw(key, draw, args))
            self._pending[key] = task
        # One waiter giving up (its interaction failed) must not cancel the others' picture.
        return await asyncio.shield(task)

    async def _draw(self, key: Hashable, draw: Callable[..., T], args: tuple) -> T:
        try:
            async with self._one_at_a_time:
                drawn = await asyncio.to_thread(draw, *args)
        finally:
            del self._pending[key]
        self.renders += 1
        self._done[key] = drawn
        while len(self._done) > self.size:
            self._done.popitem(last=False)
        return drawn
