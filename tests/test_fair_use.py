"""The fair-use limiter on its own, with a clock the test moves."""

from __future__ import annotations

import pytest

from bot.fair_use import READS_PER_MEMBER, Limit, RateLimiter, TooFast


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_uses_up_to_the_limit_then_says_when_to_come_back():
    clock = Clock()
    limiter = RateLimiter(Limit(3, 10), clock=clock)
    for _ in range(3):
        limiter.use("alice")
    clock.now += 4
    with pytest.raises(TooFast) as refused:
        limiter.use("alice")
    assert refused.value.retry_after == pytest.approx(6)
    assert refused.value.sentence == "Slow down a little: try again in 6 seconds."


def test_a_refused_use_is_not_counted_and_the_window_reopens():
    clock = Clock()
    limiter = RateLimiter(Limit(2, 10), clock=clock)
    limiter.use("alice")
    limiter.use("alice")
    for _ in range(5):
        with pytest.raises(TooFast):
            limiter.use("alice")
    clock.now += 10
    limiter.use("alice")
    limiter.use("alice")
    with pytest.raises(TooFast):
        limiter.use("alice")


def test_each_key_has_its_own_window():
    limiter = RateLimiter(Limit(1, 10), clock=Clock())
    limiter.use("alice")
    limiter.use("bob")
    with pytest.raises(TooFast):
        limiter.use("alice")


def test_sentence_rounds_up_and_never_says_zero():
    assert TooFast(0.2).sentence == "Slow down a little: try again in 1 second."
    assert TooFast(1.01).sentence == "Slow down a little: try again in 2 seconds."


def test_memory_is_bounded_forgetting_expired_then_least_recent_keys():
    clock = Clock()
    limiter = RateLimiter(Limit(1, 10), max_keys=3, clock=clock)
    limiter.use("old")
    clock.now += 20  # "old"'s window has ended
    for key in ("a", "b", "c"):
        limiter.use(key)
    assert len(limiter) == 3  # "old" was forgotten first
    limiter.use("d")
    assert len(limiter) == 3
    limiter.use("a")  # "a" was the least recently used, so it was forgotten: allowed again
    with pytest.raises(TooFast):
        limiter.use("d")  # "d" is remembered


def test_a_reader_never_meets_the_member_limit_at_one_command_every_two_seconds():
    clock = Clock()
    limiter = RateLimiter(READS_PER_MEMBER, clock=clock)
    served = 0
    for _ in range(300):
        limiter.use("reader")  # raises TooFast if the reader were ever refused
        served += 1
        clock.now += 2
    assert served == 300 and len(limiter) == 1


def test_the_default_clock_is_the_monotonic_one():
    limiter = RateLimiter(Limit(1, 30))
    limiter.use("alice")
    with pytest.raises(TooFast) as refused:
        limiter.use("alice")
    assert 0 < refused.value.retry_after <= 30


def test_too_fast_reads_well_in_a_log():
    assert str(TooFast(6.04)) == "retry after 6.0 s"


def test_ten_thousand_keys_are_remembered_by_default():
    clock = Clock()
    limiter = RateLimiter(Limit(1, 10), clock=clock)
    for key in range(10_000):
        limiter.use(key)
    assert len(limiter) == 10_000
    limiter.use("one more")
    assert len(limiter) == 10_000
    limiter.use(0)  # the least recently used was forgotten: allowed again


def test_nothing_is_forgotten_until_there_are_more_keys_than_max_keys():
    clock = Clock()
    limiter = RateLimiter(Limit(1, 10), max_keys=2, clock=clock)
    limiter.use("old")
    clock.now += 20  # "old"'s window has ended, but there is room for it
    limiter.use("new")
    assert len(limiter) == 2


def test_a_window_ends_exactly_per_seconds_after_it_began_and_is_forgotten_first():
    clock = Clock()
    limiter = RateLimiter(Limit(2, 10), max_keys=2, clock=clock)
    limiter.use("a")  # a's window starts at 0
    clock.now += 1
    limiter.use("c")  # c's at 1
    clock.now += 1
    limiter.use("a")  # a is now the most recently used, its window still from 0
    clock.now += 8  # at 10: a's window has just ended, c's has not
    limiter.use("new")  # one key too many: the expired one goes, not the least recent
    limiter.use("c")
    with pytest.raises(TooFast):
        limiter.use("c")  # c's two uses are remembered
