"""Command line: run the bot (default), sync its commands, and operate the database."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path

import discord

from bot.config import ConfigError, Settings
from bot.demo import add_arguments as add_demo_arguments
from bot.store import Store, StoreError
from bot.story import StoryError, load_story

log = logging.getLogger("bot")

# Exit codes, for process supervisors (see README, deploy/storybot.service).
EXIT_OK = 0
EXIT_FAILURE = 1  # unexpected; worth a restart
EXIT_CONFIG = 2  # configuration, data file or database problem: fix it, don't restart
EXIT_LOGIN = 3  # Discord refused the token: restarting would only burn logins

NO_TOKEN = (
    "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot token there "
    "(Developer Portal > your application > Bot > Reset Token), or try the bot without one: "
    'pip install -e ".[try]" && python -m bot try'
)


class CliError(Exception):
    """A failure to report in one line."""

    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="connect to Discord and serve commands (the default)")
    commands.add_parser("sync", help="sync the slash commands now, then exit")
    add_demo_arguments(
        commands.add_parser("try", help="try the bot in a local page: no token, no Discord")
    )
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
        logging.basicConfig(
            level=settings.log_level, format="%(asctime)s %(levelname)-8s %(name)s: %(message)s"
        )
        if args.command == "try":
            from bot.demo import run_demo

            return run_demo(settings, args.database, args.port, args.open_browser)
        if args.command == "db":
            return asyncio.run(run_db(settings, args))
        return run_bot(settings, sync_only=args.command == "sync")
    except (ConfigError, StoryError, StoreError, CliError) as error:
        print(f"error: {error}", file=sys.stderr)
        return getattr(error, "code", EXIT_CONFIG)


def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    if settings.token is None:
        raise CliError(NO_TOKEN)
    discord.utils.setup_logging(level=settings.log_level_number, root=True)
    return asyncio.run(_serve(settings, sync_only))


async def _serve(settings: Settings, sync_only: bool) -> int:
    from bot import create_bot

    bot = create_bot(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Close cleanly: in-flight writes finish, the database closes, exit code 0.
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
    try:
        async with bot:
            if sync_only:
                await bot.login(settings.token)
                await bot.sync_commands(force=True)
            else:
                await bot.start(settings.token)
    except discord.LoginFailure:
        raise CliError(
            "Discord refused DISCORD_TOKEN: reset the token and update .env", EXIT_LOGIN
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise CliError("Discord asked for a privileged intent this bot does not use") from None
    return EXIT_OK


async def run_db(settings: Settings, args: argparse.Namespace) -> int:
    path = settings.database_path
    if args.db_command not in ("init", "import", "seed") and not path.exists():
        raise CliError(f"no database at {path} (create it with: python -m bot db init)")
    story = load_story(settings.story_path) if args.db_command == "init" else None
    store = await Store.open(path, story)
    try:
        return await _db_action(store, settings, args)
    finally:
        await store.close()


async def _db_action(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    action = args.db_command
    if action in ("init", "check"):
        report = await store.check()
        print(f"database: {store.path} (schema version {report.schema_version})")
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
        print(f"backed up {store.path} to {args.destination}")
        return EXIT_OK
    if action == "seed":
        result = await store.seed(load_story(settings.story_path), update=args.update)
        print(
            f"seeded from {settings.story_path}: {result['added']} added, {result['updated']} updated"
        )
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
