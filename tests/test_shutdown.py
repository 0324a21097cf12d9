"""SIGINT/SIGTERM while writes are in flight: each finishes or rolls back whole, the database
closes, exit code 0; commands being answered get to send their reply first.

The whole-process test runs `python -m bot` through tests/run_offline_bot.py: logging in only
runs setup_hook, the gateway waits to be closed, and four tasks write through the bot's store.
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.exit_codes import EXIT_OK
from bot.lifecycle import SESSION_END_S, InFlight
from bot.models import Cursor, TimelineFilters
from bot.store import open_store

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_BOT = ROOT / "tests" / "run_offline_bot.py"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789ABCD"
WRITER_GUILD = 333_333_333_333_333_333  # as in run_offline_bot.py
ACKS_BEFORE_SIGNAL = 40


def start_bot(tmp_path: Path, database: Path, mode: str = "serve") -> subprocess.Popen:
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "PYTHONIOENCODING": "utf-8",
        "OFFLINE_BOT": mode,
        "DISCORD_TOKEN": TOKEN,
        "DATABASE_PATH": str(database),
    }
    return subprocess.Popen(
        [sys.executable, str(OFFLINE_BOT)],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def read_lines(stream) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_acks(lines: queue.Queue, count: int, timeout: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while sum(line.startswith("ack ") for line in seen) < count:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        if line is None:
            break
        seen.append(line)
    return seen


async def whole_and_present(database: Path, acknowledged: set[int]) -> int:
    """Check the database after the stop; returns how many writer updates it holds."""
    store = await open_store(database)
    try:
        report = await store.check()
        assert report.integrity == "ok"
        page = await store.timeline(WRITER_GUILD, TimelineFilters(), Cursor(), 1_000_000)
        entries = {e.id: e for e in page.items if not e.shipped}
        assert acknowledged <= set(entries), "an acknowledged write is missing"
        # Committed but not acknowledged (the stop came between the two) is fine; half is not.
        assert all(len(e.people) == 1 and len(e.sources) == 1 for e in entries.values())
        history = await store.history(WRITER_GUILD, None, 0, 1_000_000)
        audited = [r.target_id for r in history.items]
        assert sorted(audited) == sorted(entries), "every update has exactly one audit row"
        return len(entries)
    finally:
        await store.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_during_writes_stops_cleanly(tmp_path, signum):
    database = tmp_path / "data" / "bot.db"
    bot = start_bot(tmp_path, database)
    try:
        lines = read_lines(bot.stdout)
        before = wait_for_acks(lines, ACKS_BEFORE_SIGNAL, timeout=20)
        assert sum(line.startswith("ack ") for line in before) >= ACKS_BEFORE_SIGNAL, before
        bot.send_signal(signum)
        code = bot.wait(timeout=20)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    after = []
    while (line := lines.get(timeout=5)) is not None:
        after.append(line)
    stderr = bot.stderr.read()

    assert code == EXIT_OK, stderr
    assert "Traceback" not in stderr and "ERROR" not in stderr, stderr
    assert f"{signum.name}: stopping" in stderr
    assert "store closed: True" in after
    # The writers were cut off by the closed store, not by the process ending under them.
    assert sum(line.startswith("writer ") and "stopped" in line for line in after) == 4
    acknowledged = {int(line.split()[1]) for line in before + after if line.startswith("ack ")}
    assert len(acknowledged) >= ACKS_BEFORE_SIGNAL
    # The last connection closed cleanly: SQLite folded the WAL back in and removed it.
    assert sorted(p.name for p in database.parent.iterdir()) == ["bot.db"]
    assert asyncio.run(whole_and_present(database, acknowledged)) >= len(acknowledged)


def test_a_signal_during_login_stops_cleanly(tmp_path):
    database = tmp_path / "data" / "bot.db"
    bot = start_bot(tmp_path, database, mode="slow-login")
    try:
        assert bot.stdout.readline() == "logging in\n"  # the store was checked and closed
        bot.send_signal(signal.SIGTERM)
        code = bot.wait(timeout=SESSION_END_S / 2)  # the closed session ends the login
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    stderr = bot.stderr.read()

    assert code == EXIT_OK, stderr
    assert "Traceback" not in stderr and "error" not in stderr.lower(), stderr
    assert sorted(p.name for p in database.parent.iterdir()) == ["bot.db"]


async def test_commands_in_flight_are_answered_before_the_bot_closes(
    simcord_env, guild, channel, moderator, monkeypatch
):
    """The wait the signal handler does before disconnecting, against real discord.py tasks."""
    gate = asyncio.Event()
    store = simcord_env.bot.store
    real_add_entry = store.add_entry

    async def held_add_entry(*args, **kwargs):
        await gate.wait()  # the command stays in flight until released
        return await real_add_entry(*args, **kwargs)

    monkeypatch.setattr(store, "add_entry", held_add_entry)
    in_flight = simcord_env.bot.in_flight
    command = asyncio.create_task(moderator.slash(channel, "addupdate", text="Late-breaking"))
    for _ in range(200):
        await asyncio.sleep(0.005)
        if len(in_flight):
            break
    else:
        pytest.fail("the command never counted as in flight")

    waiting = asyncio.create_task(in_flight.finish(5))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    gate.set()
    assert await asyncio.wait_for(waiting, 5) == 0

    result = await command
    assert "Late-breaking" in str(channel.last_message.embeds[0].to_dict())
    assert result.response is not None
    assert len(in_flight) == 0


async def test_a_page_turn_in_flight_is_waited_for_too(simcord_env, channel, member):
    in_flight = simcord_env.bot.in_flight
    first = await member.slash(channel, "timeline")
    seen = []
    real_timeline = simcord_env.bot.store.timeline

    async def watched_timeline(*args, **kwargs):
        seen.append(len(in_flight))  # the click's task is in flight while it reads
        return await real_timeline(*args, **kwargs)

    simcord_env.bot.store.timeline = watched_timeline
    try:
        await member.click(first.response, label="Next ›")
    finally:
        del simcord_env.bot.store.timeline
    assert seen == [1]
    assert len(in_flight) == 0


async def test_finishing_gives_up_after_its_timeout():
    async def stuck() -> None:
        in_flight.add_current()
        await asyncio.sleep(60)

    in_flight = InFlight()
    handler = asyncio.create_task(stuck())
    await asyncio.sleep(0)
    started = time.monotonic()
    assert await in_flight.finish(0.2) == 1
    assert 0.15 < time.monotonic() - started < 2
    assert not handler.done()
    handler.cancel()
