"""Command line: run the bot (default), sync its commands, try it, and operate the database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import NoReturn

from bot.cli.db import days, guild_id, run_db
from bot.config import ConfigError, Settings
from bot.demo import add_arguments as add_demo_arguments
from bot.exit_codes import EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_OK, CliError
from bot.files import WriteRefused
from bot.invite import invite_url
from bot.lifecycle import run_bot
from bot.store import StoreError
from bot.story import StoryError

REPLACE_HELP = "replace the file if it exists (never the database in use)"


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
    export = database.add_parser("export", help="write everything to a new file (or stdout)")
    export.add_argument("--format", choices=("json", "markdown", "html"), default="json")
    export.add_argument("file", nargs="?", type=Path)
    # markdown and html show what one server reads: the shipped story, or with --guild its own too.
    export.add_argument(
        "--guild",
        type=guild_id,
        metavar="ID",
        help="markdown, html: with this server's own additions",
    )
    export.add_argument("--force", action="store_true", help=REPLACE_HELP)
    importer = database.add_parser("import", help="add the rows of a JSON export")
    importer.add_argument("file", type=Path)
    backup = database.add_parser("backup", help="copy the live database to a new file")
    backup.add_argument("destination", type=Path)
    backup.add_argument("--force", action="store_true", help=REPLACE_HELP)
    seed = database.add_parser("seed", help="apply data/story.json (new items only by default)")
    seed.add_argument(
        "--update", action="store_true", help="also rewrite shipped items that changed in the file"
    )
    prune = database.add_parser(
        "prune-seen", help="forget /whatsnew marks of members who have not looked for DAYS days"
    )
    prune.add_argument("--older-than", type=days, required=True, metavar="DAYS")
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
    except (ConfigError, StoryError, StoreError, WriteRefused, CliError) as error:
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
