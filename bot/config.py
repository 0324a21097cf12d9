"""Settings: one frozen object read from the environment (and `.env`), validated once."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import find_dotenv, load_dotenv

from bot.feeds.guard import parse_allowed_hosts
from bot.store.base import DEFAULT_READERS
from bot.story import shipped_story_path

DEFAULT_STORY_PATH = shipped_story_path()
# Where earlier versions kept the database by default, relative to the working folder.
OLD_DEFAULT_DATABASE_PATH = Path("data/bot.db")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_READERS = 32
# A bot token is three base64url parts joined by dots (bot id, timestamp, signature); the
# client secret, public key or application id pasted by mistake are not.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""


@dataclass(frozen=True)
class Settings:
    # repr=False keeps the token out of logs, tracebacks and reprs.
    token: str | None = field(default=None, repr=False)
    database_path: Path = field(default_factory=lambda: default_database_path(os.environ))
    database_readers: int = DEFAULT_READERS
    story_path: Path = DEFAULT_STORY_PATH
    dev_guild_id: int | None = None
    application_id: int | None = None
    log_level: str = "INFO"
    # Hosts feeds may reach although their addresses are not public (bot.feeds.guard): for a
    # feed server on the operator's own network, and for the tests' local server.
    feeds_allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read settings from `environ` (default: the process environment after loading `.env`)."""
        if environ is None:
            if dotenv:
                # The .env of the folder the bot runs in (or above it), like DATABASE_PATH;
                # by default python-dotenv would look next to this source file instead.
                load_dotenv(find_dotenv(usecwd=True), override=False)
            environ = os.environ
        return cls(
            token=_token(environ.get("DISCORD_TOKEN")),
            database_path=_path("DATABASE_PATH", environ.get("DATABASE_PATH"))
            or _checked_default_database_path(environ),
            database_readers=_readers(environ.get("DATABASE_READERS")),
            story_path=_path("STORY_PATH", environ.get("STORY_PATH")) or DEFAULT_STORY_PATH,
            dev_guild_id=_snowflake("DEV_GUILD_ID", environ.get("DEV_GUILD_ID")),
            application_id=_snowflake(
                "DISCORD_APPLICATION_ID", environ.get("DISCORD_APPLICATION_ID")
            ),
            log_level=_log_level(environ.get("LOG_LEVEL")),
            feeds_allowed_hosts=parse_allowed_hosts(environ.get("FEEDS_ALLOWED_HOSTS")),
        )

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)


def default_database_path(environ: Mapping[str, str]) -> Path:
    """$XDG_DATA_HOME/storybot/bot.db (~/.local/share/storybot/bot.db): one database per user,
    the same from any working folder, and never among the installed or checked-out files."""
    base = (environ.get("XDG_DATA_HOME") or "").strip()
    if Path(base).is_absolute():  # the XDG spec says to ignore a relative value
        return Path(base) / "storybot" / "bot.db"
    return Path.home() / ".local" / "share" / "storybot" / "bot.db"


def _checked_default_database_path(environ: Mapping[str, str]) -> Path:
    default, old = default_database_path(environ), OLD_DEFAULT_DATABASE_PATH
    # Starting on an empty database while the old one sits here would look like lost data.
    if old.exists():
        raise ConfigError(
            f"found {old}, where earlier versions kept the database; the default is now {default}. "
            f"To keep using it, set DATABASE_PATH={old} (in .env), or move it there (with any "
            f"{old.name}-wal and {old.name}-shm beside it) while the bot is stopped"
        )
    return default


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _token(value: str | None) -> str | None:
    if _blank(value):
        return None
    value = value.strip()
    # Never echo the value: only say what is wrong with it.
    if len(value) < 50 or not TOKEN_SHAPE.fullmatch(value):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token (expected one line of about 70 characters "
            "in three parts joined by dots, from the Developer Portal's Bot page)"
        )
    return value


def _path(name: str, value: str | None) -> Path | None:
    if _blank(value):
        return None
    if "\x00" in value:
        raise ConfigError(f"{name} must be a file path")
    return Path(value.strip()).expanduser()


def _snowflake(name: str, value: str | None) -> int | None:
    if _blank(value):
        return None
    value = value.strip()
    if not value.isdigit() or not 17 <= len(value) <= 20:
        raise ConfigError(
            f"{name} must be a Discord id (a number of 17 to 20 digits), got {_shown(value)}"
        )
    return int(value)


def _readers(value: str | None) -> int:
    if _blank(value):
        return DEFAULT_READERS
    value = value.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_READERS:
        raise ConfigError(
            f"DATABASE_READERS must be a number from 1 to {MAX_READERS}, got {_shown(value)}"
        )
    return int(value)


def _log_level(value: str | None) -> str:
    if _blank(value):
        return "INFO"
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {_shown(value)}")
    return level


def _shown(value: str) -> str:
    """A bad value as an error may show it: long ones may be a token pasted on the wrong line."""
    value = value.strip()
    if len(value) > 20:
        return f"a value of {len(value)} characters"
    return repr(value)
