"""`python -m bot try`: the real bot against SimCord's simulated Discord, shown in a local page.

No token and no network: the same `create_bot` and commands run against an in-memory Discord
holding one demo server, and SimCord's preview serves its #general on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import importlib.util
import logging
import os
import signal
import sys
import tempfile
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot.config import ConfigError, Settings
from bot.exit_codes import EXIT_CONFIG, EXIT_OK
from bot.models import SettingsChanges
from bot.store import StoreError, open_store
from bot.story import StoryError, load_story

log = logging.getLogger(__name__)

# What `simcord[preview]` brings: SimCord itself and the preview page's runtime.
PREVIEW_MODULES = ("simcord", "aiohttp", "markdown_it", "linkify_it", "regex", "PIL")
MISSING_EXTRA = (
    "python -m bot try needs SimCord's preview: "
    'pip install -e ".[try]" (or pip install "simcord[preview]")'
)

BOT_NAME = "Storybot"
READER_NAME = "Riley (reader)"
MODERATOR_NAME = "Morgan (moderator)"
TRY_THESE = (
    "Try these in the message box (type / to pick a command, then Send):",
    "  /timeline and its page buttons  ·  /quote leike  ·  /people  ·  /search superalignment",
    f'  then set "Viewing as" to {MODERATOR_NAME}: /addupdate text:... posts to #news and /timeline',
)


class DemoError(Exception):
    """The demo cannot start; the message says why in one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m bot try`."""
    parser.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help="use and keep this database (default: a throwaway copy of the seeded story)",
    )
    parser.add_argument(
        "--port", type=_port, help="serve the page on this port (default: any free port)"
    )
    parser.add_argument(
        "--no-browser",
        dest="open_browser",
        action="store_false",
        help="only print the page's address; don't open a browser",
    )


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, got {text!r}")
    return int(text)


def run_demo(
    settings: Settings, database: Path | None, port: int | None, open_browser: bool
) -> int:
    """Serve the demo until Ctrl-C (or until the page ends the session); returns the exit code."""
    if any(importlib.util.find_spec(name) is None for name in PREVIEW_MODULES):
        print(f"error: {MISSING_EXTRA}", file=sys.stderr)
        return EXIT_CONFIG
    _quiet_logs(settings)
    with tempfile.TemporaryDirectory(prefix="storybot-try-") as scratch:
        demo_settings = dataclasses.replace(
            settings,
            token=None,  # never connects, so never needs one
            database_path=database if database is not None else Path(scratch) / "demo.db",
            dev_guild_id=None,  # the demo server is the only server
        )
        try:
            return asyncio.run(_serve(demo_settings, port, open_browser))
        except KeyboardInterrupt:
            # Only where the loop cannot take signals (Windows): the store closed on the way out.
            return EXIT_OK
        except (DemoError, StoreError, StoryError) as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_CONFIG


def _quiet_logs(settings: Settings) -> None:
    # A newcomer should see the address and the hints, not discord.py's voice warnings.
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(max(settings.log_level_number, logging.WARNING))
        logging.getLogger("discord").setLevel(logging.ERROR)


@dataclass(frozen=True)
class DemoServer:
    general: Any  # simcord.ChannelHandle
    news: Any
    reader: Any  # simcord.MemberActor
    moderator: Any


async def build_demo_server(env: Any, bot: Any) -> DemoServer:
    """One server: #general and #news (the updates channel), a reader and a moderator."""
    # A fresh simulated Discord knows no commands, even when the database says they are synced.
    await bot.sync_commands(force=True)
    # SimCord calls every bot "TestBot"; in the demo it should look like itself.
    await bot.user.edit(username=BOT_NAME)
    guild = env.create_guild("Storybot demo")
    general = guild.create_text_channel(
        "general", topic="Try /timeline, /quote leike, /people, /search"
    )
    news = guild.create_text_channel("news", topic="Where /addupdate announces updates")
    reader = guild.add_member(env.create_user("reader", global_name=READER_NAME))
    moderators = guild.create_role(
        "Moderators", permissions=discord.Permissions(manage_messages=True)
    )
    moderator = guild.add_member(
        env.create_user("moderator", global_name=MODERATOR_NAME), roles=[moderators]
    )
    await bot.store.update_guild_settings(
        guild.id, None, SettingsChanges(updates_channel_id=news.id)
    )
    return DemoServer(general, news, reader, moderator)


async def _serve(settings: Settings, port: int | None, open_browser: bool) -> int:
    import simcord

    from bot import create_bot

    # The demo opens the store and hands it to the bot: SimCord detaches the bot without
    # calling bot.close(), so the demo closes the store itself.
    store = await open_store(
        settings.database_path, load_story(settings.story_path), readers=settings.database_readers
    )
    bot = create_bot(settings, store)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: KeyboardInterrupt instead
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        # check_errors=False: the bot answers its own errors; the demo should not stop over one.
        async with (
            simcord.run(bot, check_errors=False) as env,
            contextlib.AsyncExitStack() as page,
        ):
            demo = await build_demo_server(env, bot)
            preview = env.preview(
                demo.general, viewers=[demo.reader, demo.moderator], layout="channel", port=port
            )
            try:
                await page.enter_async_context(preview)
            except (OSError, simcord.SetupError) as error:
                raise DemoError(_cannot_serve(error, port)) from None
            _print_welcome(preview.url)
            if open_browser:
                # In a thread: some browser commands only return when the browser closes.
                threading.Thread(target=_open_browser, args=(preview.url,), daemon=True).start()
            await _wait_for_first(stop.wait(), preview.wait_closed())
            if not stop.is_set():
                print("The page ended the preview session.", flush=True)
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        await store.close()
    print("Stopped.", flush=True)
    return EXIT_OK


def _cannot_serve(error: Exception, port: int | None) -> str:
    cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
    if isinstance(cause, OSError):  # SimCord wraps the bind failure: --port names a busy port
        reason = os.strerror(cause.errno) if cause.errno else str(cause)
        return f"cannot serve the page on 127.0.0.1:{port}: {reason} (try another --port)"
    return f"cannot serve the page: {error}"


async def _wait_for_first(*awaitables: Any) -> None:
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def _print_welcome(url: str) -> None:
    print(
        "\n".join(
            (
                f"{BOT_NAME} is running against a simulated Discord. Open: {url}",
                "  That address is a password: whoever has it can act as the demo's members.",
                *TRY_THESE,
                "Press Ctrl-C to stop.",
            )
        ),
        flush=True,
    )


def _open_browser(url: str) -> None:
    """Open a graphical browser if there is one; a terminal browser would take over the console."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    if type(browser) is webbrowser.GenericBrowser and not os.environ.get("BROWSER"):
        return
    try:
        browser.open(url)
    except OSError as error:
        log.warning("Could not open a browser (%s); open the address above yourself", error)


def main(argv: list[str] | None = None) -> int:
    """Run the demo as `python -m bot.demo`, for when `python -m bot try` is not available."""
    parser = argparse.ArgumentParser(prog="python -m bot.demo", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)-8s %(name)s: %(message)s"
    )
    return run_demo(settings, args.database, args.port, args.open_browser)


if __name__ == "__main__":
    sys.exit(main())
