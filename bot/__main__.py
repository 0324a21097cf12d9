"""Command line: run the bot (default), sync its commands, and operate the database."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import discord

from bot.config import ConfigError, Settings
from bot.demo import add_arguments as add_demo_arguments
from bot.exit_codes import EXIT_CONFIG, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_LOGIN, EXIT_OK
from bot.invite import invite_url
from bot.store import Store, StoreError, open_store
from bot.store.db import verify as verify_database
from bot.story import Story, StoryError, load_story

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
# discord.py's names for the tasks that answer an interaction: slash commands, buttons, forms.
HANDLER_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
)
# `db` actions that write: they check the file for damage first, as the bot does at start.
WRITING_ACTIONS = ("init", "import", "seed")


class CliError(Exception):
    """A failure to report in one line."""

    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.code = code


class OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line and exit code 2, like every other failure of the command line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONFIG, f"error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m bot", description=__doc__)
    # Subparsers are made with the parent's class, so they report usage errors in one line too.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="connect to Discord and serve commands (the default)")
    commands.add_parser("sync", help="sync the slash commands now, then exit")
    add_demo_arguments(
        commands.add_parser("try", help="try the bot in a local page: no token, no Discord")
    )
    commands.add_parser("invite", help="print the link that adds the bot to a server")
    database = commands.add_parser("db", help="operate the database").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    database.add_parser("init", help="create, migrate and seed the database")
    database.add_parser("check", help="check integrity and print counts")
    export = database.add_parser("export", help="write everything to a file (or stdout)")
    export.add_argument("--format", choices=("json", "markdown"), default="json")
    export.add_argument("file", nargs="?", type=Path)
    importer = database.add_parser("import", help="add the rows of a JSON export")
    importer.add_argument("file", type=Path)
    backup = database.add_parser("backup", help="copy the live database to a new file")
    backup.add_argument("destination", type=Path)
    seed = database.add_parser("seed", help="apply data/story.json (new items only by default)")
    seed.add_argument(
        "--update", action="store_true", help="also rewrite shipped items that changed in the file"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "try":
            from bot.demo import run_demo

            _log_to_stderr(settings)
            return run_demo(settings, args.database, args.port, args.open_browser)
        if args.command == "invite":
            return print_invite(settings)
        if args.command == "db":
            _log_to_stderr(settings)
            return asyncio.run(run_db(settings, args))
        return run_bot(settings, sync_only=args.command == "sync")
    except (ConfigError, StoryError, StoreError, CliError) as error:
        print(f"error: {error}", file=sys.stderr)
        return getattr(error, "code", EXIT_CONFIG)
    except KeyboardInterrupt:
        # A `db` command: the store closed on the way out, after its last call finished.
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def print_invite(settings: Settings) -> int:
    if settings.application_id is None:
        raise CliError(
            "DISCORD_APPLICATION_ID is not set: copy it from the Developer Portal "
            "(your application > General Information > Application ID) into .env"
        )
    print(invite_url(settings.application_id))
    return EXIT_OK


def _log_to_stderr(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)-8s %(name)s: %(message)s"
    )


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
        await finish_handlers(HANDLERS_GRACE_S)
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


async def finish_handlers(timeout: float) -> None:
    """Wait (up to `timeout` s) until no interaction is being answered, so replies still go out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        handlers = {
            task
            for task in asyncio.all_tasks()
            if task.get_name().startswith(HANDLER_TASKS) and not task.done()
        }
        remaining = deadline - loop.time()
        if not handlers:
            return
        if remaining <= 0:
            log.warning("Stopping with %d commands unanswered after %.0f s", len(handlers), timeout)
            return
        await asyncio.wait(handlers, timeout=remaining)


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


async def run_db(settings: Settings, args: argparse.Namespace) -> int:
    path, action = settings.database_path, args.db_command
    if action not in WRITING_ACTIONS and not path.exists():
        raise CliError(f"no database at {path} (create it with: python -m bot db init)")
    # The story first: a broken file is refused before the database is touched.
    story = load_story(settings.story_path) if action in ("init", "seed") else None
    if action in WRITING_ACTIONS:
        await asyncio.to_thread(verify_database, path)
    store = await open_store(
        path, story if action == "init" else None, readers=settings.database_readers
    )
    try:
        return await _db_action(store, settings, story, args)
    finally:
        await store.close()


async def _db_action(
    store: Store, settings: Settings, story: Story | None, args: argparse.Namespace
) -> int:
    action = args.db_command
    if action in ("init", "check"):
        report = await store.check()
        print(f"database: {store.location} (schema version {report.schema_version})")
        print(f"integrity: {report.integrity}")
        for name, count in report.counts.items():
            print(f"{name}: {count}")
        return EXIT_OK if report.integrity == "ok" else EXIT_FAILURE
    if action == "export":
        data = await store.export_data()
        if args.format == "json":
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        else:
            from bot.export_markdown import render_markdown

            text = render_markdown(data)
        if args.file is None:
            sys.stdout.write(text)
        else:
            _write_new_text(args.file, text)
            print(f"exported to {args.file}")
        return EXIT_OK
    if action == "import":
        try:
            data = json.loads(args.file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CliError(f"cannot read {args.file}: {error.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CliError(f"{args.file} is not valid JSON: {error}") from None
        added = await store.import_data(data, str(args.file))
        print(f"imported from {args.file}: " + ", ".join(f"{n} {t}" for t, n in added.items()))
        return EXIT_OK
    if action == "backup":
        await store.backup(args.destination)
        print(f"backed up {store.location} to {args.destination}")
        return EXIT_OK
    if action == "seed":
        assert story is not None
        result = await store.seed(story, update=args.update)
        print(f"seeded from {settings.story_path}: {result.added} added, {result.updated} updated")
        return EXIT_OK
    raise AssertionError(action)


def _write_new_text(path: Path, text: str) -> None:
    """Write atomically: a failed export never leaves a half-written file behind."""
    temporary = path.with_name(path.name + ".partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CliError(f"cannot write {path}: {error.strerror}") from None


if __name__ == "__main__":
    sys.exit(main())
