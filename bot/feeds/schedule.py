"""When a feed is checked next, and how its health reads in `/feeds list`; pure functions of time.

Nothing here reads a clock or sleeps: the caller passes `now` and a `random` function, so
tests drive schedules through any number of days instantly.
"""

from __future__ import annotations

import random as random_module
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.feeds.limits import JITTER, MAX_BACKOFF, MIN_INTERVAL

Random = Callable[[], float]  # a number in [0, 1), like random.random
_JUST_NOW = "just now"


@dataclass(frozen=True)
class PollState:
    """What the store keeps about one feed's checks, between checks and across restarts."""

    last_checked: datetime | None = None
    next_check: datetime | None = None  # None: due now
    failures: int = 0  # consecutive failed checks
    failing_since: datetime | None = None
    last_error: str | None = None  # the latest failure, as a phrase ("answered 404 (Not Found)")
    new_items: int = 0  # items not seen before, at the last successful check
    sent_items: int = 0  # of those, the ones sent for review
    etag: str | None = None  # validators for the next conditional request
    last_modified: str | None = None


def wait_after(failures: int, random: Random = random_module.random) -> timedelta:
    """The wait before the next check: MIN_INTERVAL, doubled per consecutive failure up to
    MAX_BACKOFF, plus up to JITTER of itself so feeds added together drift apart."""
    base = min(MIN_INTERVAL * 2 ** min(failures, 20), MAX_BACKOFF)
    return base * (1 + JITTER * random())


def is_due(state: PollState, now: datetime) -> bool:
    return state.next_check is None or state.next_check <= now


def after_success(
    now: datetime,
    *,
    new_items: int,
    sent_items: int,
    etag: str | None,
    last_modified: str | None,
    random: Random = random_module.random,
) -> PollState:
    """The state after a check that read the feed (or learned it had not changed): failures
    are forgotten, and the next check is MIN_INTERVAL away."""
    return PollState(
        last_checked=now,
        next_check=now + wait_after(0, random),
        new_items=new_items,
        sent_items=sent_items,
        etag=etag,
        last_modified=last_modified,
    )


def after_failure(
    state: PollState, now: datetime, reason: str, random: Random = random_module.random
) -> PollState:
    """The state after a failed check: backoff grows, validators and item counts are kept."""
    failures = state.failures + 1
    return replace(
        state,
        last_checked=now,
        next_check=now + wait_after(failures, random),
        failures=failures,
        failing_since=state.failing_since or now,
        last_error=reason,
    )


def status_line(state: PollState, now: datetime, *, paused: bool = False) -> str:
    """One line for `/feeds list`: "last checked 5 min ago: 3 new items",
    "failing since 2 h: answered 404 (Not Found)", "paused; not checked yet"."""
    prefix = "paused; " if paused else ""
    if state.last_checked is None:
        return prefix + "not checked yet"
    if state.failures:
        since = state.failing_since or state.last_checked
        return f"{prefix}failing since {_span(now - since)}: {state.last_error or 'unknown error'}"
    checked = _span(now - state.last_checked)
    when = "just now" if checked == _JUST_NOW else f"{checked} ago"
    return f"{prefix}last checked {when}: {_items(state)}"


def _items(state: PollState) -> str:
    if state.new_items == 0:
        return "nothing new"
    found = f"{state.new_items} new item{'s' if state.new_items != 1 else ''}"
    if state.sent_items == state.new_items:
        return found
    return f"{found}, {state.sent_items} sent for review"


def _span(delta: timedelta) -> str:
    """A rough length of time: "just now", "5 min", "2 h", "3 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _JUST_NOW
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"
