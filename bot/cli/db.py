"""`python -m bot db ACTION`: the operator's database actions, one function each."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.config import Settings
from bot.exit_codes import EXIT_FAILURE, EXIT_OK, CliError
from bot.export.html import render_html
from bot.export.markdown import render_markdown
from bot.files import check_destination, written_atomically
from bot.models import Cursor, Entry, Quote, TimelineFilters
from bot.store import Store, open_store
from bot.store.db import verify as verify_database
from bot.story import Story, load_story

# Actions that may create the database; and those that write, which check the file for
# damage first, as the bot does at start.
CREATING_ACTIONS = ("init", "import", "seed")
WRITING_ACTIONS = (*CREATING_ACTIONS, "prune-seen")
EXPORT_PAGE = 500  # entries read per store call while collecting an export


async def run_db(settings: Settings, args: argparse.Namespace) -> int:
    path, action = settings.database_path, args.db_command
    if action not in CREATING_ACTIONS and not path.exists():
        raise CliError(f"no database at {path} (create it with: python -m bot db init)")
    # The story first: a broken file is refused before the database is touched.
    story = load_story(settings.story_path) if action in ("init", "seed", "export") else None
    if action in WRITING_ACTIONS:
        await asyncio.to_thread(verify_database, path)
    store = await open_store(
        path, story if action == "init" else None, readers=settings.database_readers
    )
    try:
        return await ACTIONS[action](store, settings, story, args)
    finally:
        await store.close()


async def check(store: Store, settings: Settings, story: Story | None, args) -> int:
    report = await store.check()
    print(f"database: {store.location} (schema version {report.schema_version})")
    print(f"integrity: {report.integrity}")
    for name, count in report.counts.items():
        print(f"{name}: {count}")
    return EXIT_OK if report.integrity == "ok" else EXIT_FAILURE


async def export(store: Store, settings: Settings, story: Story | None, args) -> int:
    if args.guild is not None and args.format == "json":
        raise CliError("--guild works with --format markdown or html; json exports everything")
    if args.file is not None:  # refused before the work, not after
        check_destination(args.file, settings.database_path, force=args.force)
    if args.format == "json":
        text = json.dumps(await store.export_data(), ensure_ascii=False, indent=1) + "\n"
    else:
        assert story is not None
        entries, quotes = await story_seen_by(store, args.guild)
        if args.format == "html":
            text = render_html(story.title, story.summary, entries, quotes, args.guild)
        else:
            text = render_markdown(entries, quotes)
    if args.file is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        with written_atomically(args.file) as partial:
            partial.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {args.file}: {error.strerror}") from None
    print(f"exported to {args.file}")
    return EXIT_OK


async def story_seen_by(store: Store, guild_id: int | None) -> tuple[list[Entry], list[Quote]]:
    """The timeline and quotes a guild reads (None: the shipped story alone), as the store has them."""
    entries: list[Entry] = []
    cursor = Cursor()
    while True:
        page = await store.timeline(guild_id, TimelineFilters(), cursor, EXPORT_PAGE)
        entries += page.items
        if not page.items or not page.has_next:
            break
        last = page.items[-1]
        cursor = Cursor(after=(last.date, last.id))
    return entries, await store.all_quotes(guild_id)


async def import_(store: Store, settings: Settings, story: Story | None, args) -> int:
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CliError(f"{args.file} is not valid JSON: {error}") from None
    added = await store.import_data(data, str(args.file))
    print(f"imported from {args.file}: " + ", ".join(f"{n} {t}" for t, n in added.items()))
    return EXIT_OK


async def backup(store: Store, settings: Settings, story: Story | None, args) -> int:
    await store.backup(args.destination, force=args.force)
    print(f"backed up {store.location} to {args.destination}")
    return EXIT_OK


async def seed(store: Store, settings: Settings, story: Story | None, args) -> int:
    assert story is not None
    result = await store.seed(story, update=args.update)
    print(f"seeded from {settings.story_path}: {result.added} added, {result.updated} updated")
    return EXIT_OK


async def prune_seen(store: Store, settings: Settings, story: Story | None, args) -> int:
    # The bot has no members intent, so it cannot tell who left a server: age is the measure.
    removed = await store.prune_seen(timedelta(days=args.older_than))
    print(
        f"forgot the /whatsnew marks of {removed} member{'' if removed == 1 else 's'} "
        f"who had not looked for {args.older_than} days"
    )
    return EXIT_OK


Action = Callable[[Store, Settings, "Story | None", argparse.Namespace], Awaitable[int]]
ACTIONS: dict[str, Action] = {
    "init": check,  # open_store created, migrated and seeded it; then report as check does
    "check": check,
    "export": export,
    "import": import_,
    "backup": backup,
    "seed": seed,
    "prune-seen": prune_seen,
}


def days(text: str) -> int:
    """A number of days as typed after --older-than: 1 or more."""
    if not text.isdigit() or not 1 <= int(text) <= 36500:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 1 to 36500")
    return int(text)


def guild_id(text: str) -> int:
    """A server id as typed after --guild."""
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a server ID (a number like 1234567890)")
    return int(text)
