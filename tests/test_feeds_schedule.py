"""When feeds are checked, how failures back off, and how a feed's health reads in `/feeds list`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.feeds.limits import JITTER, MAX_BACKOFF, MIN_INTERVAL
from bot.feeds.schedule import (
    PollState,
    after_failure,
    after_success,
    is_due,
    status_line,
    wait_after,
)

NOW = datetime(2024, 5, 18, 12, 0, tzinfo=UTC)
NO_JITTER = lambda: 0.0  # noqa: E731
FULL_JITTER = lambda: 0.999999  # noqa: E731


def test_failures_double_the_wait_up_to_the_cap():
    waits = [wait_after(failures, NO_JITTER) for failures in range(9)]

    assert [int(w.total_seconds() // 60) for w in waits] == [
        10,
        20,
        40,
        80,
        160,
        320,
        360,
        360,
        360,
    ]
    assert wait_after(10_000, NO_JITTER) == MAX_BACKOFF


@given(st.integers(min_value=0, max_value=100), st.floats(min_value=0, max_value=0.999999))
def test_jitter_only_ever_adds_a_bounded_amount(failures, draw):
    wait = wait_after(failures, lambda: draw)
    base = wait_after(failures, NO_JITTER)

    assert MIN_INTERVAL <= base <= wait <= base * (1 + JITTER)


def test_a_success_schedules_the_next_check_and_forgets_failures():
    state = after_failure(PollState(), NOW, "answered 404 (Not Found)", NO_JITTER)

    state = after_success(
        NOW + timedelta(hours=1),
        new_items=3,
        sent_items=3,
        etag='"v2"',
        last_modified=None,
        random=FULL_JITTER,
    )

    assert state.failures == 0 and state.failing_since is None and state.last_error is None
    assert state.last_checked == NOW + timedelta(hours=1)
    assert timedelta(minutes=10) < state.next_check - state.last_checked < timedelta(minutes=12)
    assert state.etag == '"v2"'


def test_failures_keep_the_first_failure_time_the_validators_and_the_counts():
    healthy = PollState(last_checked=NOW, etag='"v1"', new_items=2, sent_items=2)

    once = after_failure(healthy, NOW + timedelta(minutes=10), "answered 503", NO_JITTER)
    twice = after_failure(once, NOW + timedelta(minutes=30), "answered 404 (Not Found)", NO_JITTER)

    assert twice.failures == 2
    assert twice.failing_since == NOW + timedelta(minutes=10)
    assert twice.last_error == "answered 404 (Not Found)"
    assert twice.next_check == NOW + timedelta(minutes=30 + 40)
    assert (twice.etag, twice.new_items) == ('"v1"', 2)


def test_a_feed_is_due_when_never_checked_or_when_its_time_has_come():
    state = PollState(next_check=NOW)

    assert is_due(PollState(), NOW)
    assert is_due(state, NOW)
    assert not is_due(state, NOW - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("state", "paused", "line"),
    [
        (PollState(), False, "not checked yet"),
        (PollState(), True, "paused; not checked yet"),
        (
            PollState(last_checked=NOW - timedelta(minutes=5), new_items=3, sent_items=3),
            False,
            "last checked 5 min ago: 3 new items",
        ),
        (
            PollState(last_checked=NOW - timedelta(seconds=20), new_items=1, sent_items=1),
            False,
            "last checked just now: 1 new item",
        ),
        (
            PollState(last_checked=NOW - timedelta(hours=3)),
            False,
            "last checked 3 h ago: nothing new",
        ),
        (
            PollState(last_checked=NOW - timedelta(days=4)),
            True,
            "paused; last checked 4 days ago: nothing new",
        ),
        (
            PollState(last_checked=NOW - timedelta(minutes=1), new_items=12, sent_items=10),
            False,
            "last checked 1 min ago: 12 new items, 10 sent for review",
        ),
        (
            PollState(last_checked=NOW - timedelta(minutes=25), new_items=5, sent_items=0),
            False,
            "last checked 25 min ago: 5 new items, 0 sent for review",
        ),
        (
            PollState(
                last_checked=NOW - timedelta(minutes=3),
                failures=4,
                failing_since=NOW - timedelta(hours=2, minutes=10),
                last_error="answered 404 (Not Found)",
            ),
            False,
            "failing since 2 h: answered 404 (Not Found)",
        ),
    ],
)
def test_status_lines_read_in_plain_words(state, paused, line):
    assert status_line(state, NOW, paused=paused) == line
