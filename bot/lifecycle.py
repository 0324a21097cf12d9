"""Running the bot as a process: start, stop on SIGINT/SIGTERM once commands are answered, exit codes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

import discord

from bot.config import Settings
from bot.exit_codes import EXIT_FAILURE, EXIT_LOGIN, EXIT_OK, CliError
from bot.store import open_store
from bot.store.db import verify as verify_database
from bot.story import load_story

if TYPE_CHECKING:
    from bot.app import StoryBot

log = logging.getLogger("bot")

NO_TOKEN = (
    "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot token there "
    "(Developer Portal > your application > Bot > Reset Token), or try the bot without one: "
    'pip install -e ".[try]" && python -m bot try'
)
REFUSED_TOKEN = "Discord refused DISCORD_TOKEN: reset the token and update .env"

# On SIGINT/SIGTERM, commands being answered get this long to finish (and send their reply)
# before the bot disconnects; then the login or gateway session gets this long to end.
HANDLERS_GRACE_S = 5.0
SESSION_END_S = 10.0


class InFlight:
    """The tasks answering an interaction right now, so that a stop lets them finish first.

    discord.py runs each command, button and form in a task of its own. Each adds itself from
    a public hook that runs inside that task (the interaction_check of the command tree, of a
    button or of a form), and leaves by itself when it is done.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def add_current(self) -> None:
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def __len__(self) -> int:
        return len(self._tasks)

    async def finish(self, timeout: float) -> int:
        """Wait up to `timeout` s until none is left (new ones too); returns how many are left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and (remaining := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=remaining)
        return len(self._tasks)


def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    if settings.token is None:
        raise CliError(NO_TOKEN)
    # One handler on the root logger, for the bot's and discord.py's records alike.
    discord.utils.setup_logging(level=settings.log_level_number, root=True)
    try:
        return asyncio.run(_serve(settings, sync_only))
    except KeyboardInterrupt:
        # Ctrl-C before the loop took over the signals (or where it cannot, on Windows):
        # whatever had started was closed on the way out.
        return EXIT_OK


async def _serve(settings: Settings, sync_only: bool) -> int:
    stop = asyncio.Event()
    with _stop_on_signals(stop):
        await check_local_files(settings)
        if stop.is_set():
            return EXIT_OK
        from bot import create_bot

        # The bot has no voice: spare every start discord.py's warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        bot = create_bot(settings)
        session = asyncio.create_task(_session(bot, settings.token, sync_only))
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({session, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            await _shut_down(bot, session, stopped=stop.is_set())
    return _outcome(session, stopped=stop.is_set())


async def check_local_files(settings: Settings) -> None:
    """Load the story and open the database (creating, migrating and seeding it), then close it.

    discord.py runs setup_hook only after the HTTP login, so a broken story or database found
    there would cost a login (Discord resets a token after 1,000 a day) and fail after a
    network call. Here it fails first, in one line, and setup_hook's open finds nothing to do.
    """
    story = load_story(settings.story_path)
    await asyncio.to_thread(verify_database, settings.database_path)
    store = await open_store(settings.database_path, story, readers=settings.database_readers)
    await store.close()


async def _session(bot: StoryBot, token: str, sync_only: bool) -> None:
    if sync_only:
        await bot.login(token)  # runs setup_hook, which syncs if the commands changed
        if not bot.synced_at_start:
            await bot.sync_commands(force=True)
    else:
        await bot.start(token)  # returns once the bot is closed


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C is KeyboardInterrupt
            loop.add_signal_handler(signum, _request_stop, stop, signum)
            handled.append(signum)
    try:
        yield
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)


def _request_stop(stop: asyncio.Event, signum: int) -> None:
    if not stop.is_set():
        log.info(
            "%s: stopping once the commands in flight are answered", signal.Signals(signum).name
        )
    stop.set()


async def _shut_down(bot: StoryBot, session: asyncio.Task, *, stopped: bool) -> None:
    """Let the commands in flight finish, disconnect, then close the store."""
    if stopped and not session.done():
        left = await bot.in_flight.finish(HANDLERS_GRACE_S)
        if left:
            log.warning("Stopping with %d commands unanswered after %.0f s", left, HANDLERS_GRACE_S)
    # Client.close ends the gateway and HTTP sessions, then StoryBot.close closes the store.
    # Store.close waits for the calls already made: each write commits or rolls back whole
    # (one transaction per call), and a call made after the close fails before it writes.
    await bot.close()
    _, pending = await asyncio.wait({session}, timeout=SESSION_END_S)
    if pending:
        session.cancel()
        await asyncio.wait({session})
    # A stop during login can end the session after setup_hook opened the store: close again.
    await bot.close()
    if stopped:
        log.info("Stopped; the database is closed")


def _outcome(session: asyncio.Task, *, stopped: bool) -> int:
    if session.cancelled():
        return EXIT_OK
    error = session.exception()
    if error is None:
        return EXIT_OK
    if stopped:
        # Closing the bot mid-login makes the login fail: that is the stop that was asked for.
        log.debug("Session ended while stopping: %r", error)
        return EXIT_OK
    if isinstance(error, discord.LoginFailure):
        raise CliError(REFUSED_TOKEN, EXIT_LOGIN)
    if isinstance(error, discord.PrivilegedIntentsRequired):
        raise CliError("Discord asked for a privileged intent this bot does not use")
    if isinstance(error, OSError | discord.GatewayNotFound | discord.DiscordServerError):
        raise CliError(f"cannot reach Discord: {error}", EXIT_FAILURE)
    raise error
