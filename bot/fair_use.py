"""Fair use: how often one member (or one server) may make the bot read, or change their
roles, checked in memory.

A limit is answered before anything touches the store, so a member who keeps clicking costs
the bot a dictionary lookup. The numbers are far above what a person reading ever needs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limit:
    uses: int
    per_seconds: float


READS_PER_MEMBER = Limit(20, 30)  # reader commands, all of them together
PAGE_TURNS_PER_MEMBER = Limit(40, 30)  # page, quote and random buttons
SEARCHES_PER_GUILD = Limit(30, 30)  # full-text searches, everyone in a server together
FOLLOWS_PER_MEMBER = Limit(6, 60)  # Follow updates clicks: each one changes a role on Discord


class TooFast(Exception):
    """A limit was reached; `retry_after` says in how many seconds the next use is allowed."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.1f} s")
        self.retry_after = retry_after

    @property
    def sentence(self) -> str:
        seconds = max(1, math.ceil(self.retry_after))
        return f"Slow down a little: try again in {seconds} second{'s' if seconds != 1 else ''}."


class RateLimiter:
    """At most `limit.uses` per `limit.per_seconds` for each key, in fixed windows.

    Remembers at most `max_keys` keys (members who stopped using the bot are forgotten first),
    so memory stays bounded however many members a server has.
    """

    def __init__(
        self,
        limit: Limit,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit = limit
        self.max_keys = max_keys
        # Looked up at each call, not bound here, so a test clock that replaces
        # time.monotonic (SimCord's advance_time) is the one used.
        self._clock = clock or (lambda: time.monotonic())
        self._windows: dict[Hashable, tuple[float, int]] = {}

    def use(self, key: Hashable) -> None:
        """Count one use by `key`, or raise TooFast without counting it."""
        now = self._clock()
        start, count = self._windows.pop(key, (now, 0))
        if now - start >= self.limit.per_seconds:
            start, count = now, 0
        if count >= self.limit.uses:
            self._windows[key] = (start, count)
            raise TooFast(start + self.limit.per_seconds - now)
        self._windows[key] = (start, count + 1)  # re-inserted: the most recent key is last
        if len(self._windows) > self.max_keys:
            self._forget(now)

    def _forget(self, now: float) -> None:
        expired = [k for k, (s, _) in self._windows.items() if now - s >= self.limit.per_seconds]
        for key in expired:
            del self._windows[key]
        while len(self._windows) > self.max_keys:
            del self._windows[next(iter(self._windows))]  # the least recently used

    def __len__(self) -> int:
        return len(self._windows)


@dataclass
class FairUse:
    """The bot's limiters (one set per bot; tests pass their own to create_bot)."""

    reads: RateLimiter = field(default_factory=lambda: RateLimiter(READS_PER_MEMBER))
    page_turns: RateLimiter = field(default_factory=lambda: RateLimiter(PAGE_TURNS_PER_MEMBER))
    searches: RateLimiter = field(default_factory=lambda: RateLimiter(SEARCHES_PER_GUILD))
    follows: RateLimiter = field(default_factory=lambda: RateLimiter(FOLLOWS_PER_MEMBER))
