"""Settings from the environment and `.env`: defaults, validation, and a token that never leaks."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.config import DEFAULT_STORY_PATH, ConfigError, Settings

VARIABLES = (
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DATABASE_READERS",
    "STORY_PATH",
    "DEV_GUILD_ID",
    "DISCORD_APPLICATION_ID",
    "LOG_LEVEL",
    "FEEDS_ALLOWED_HOSTS",
)
# Shaped like a bot token (three dot-separated base64 parts), but not a real one.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


@pytest.fixture(autouse=True)
def away_from_the_checkout(tmp_path, monkeypatch):
    """A working folder and HOME of the test's own: a developer's data/bot.db or XDG_DATA_HOME
    would change the defaults."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)


@pytest.fixture
def clean_env(monkeypatch):
    """No config variables in os.environ, and any that `.env` loading adds are removed afterwards."""
    for name in VARIABLES:
        # setenv first so monkeypatch records "unset" and deletes what load_dotenv adds later.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return monkeypatch


def error_for(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(environ)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_defaults_when_nothing_is_set(tmp_path):
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.database_path == tmp_path / "home" / ".local" / "share" / "storybot" / "bot.db"
    assert settings.database_path == Settings().database_path
    assert settings.database_readers == 4
    assert settings.story_path == DEFAULT_STORY_PATH
    assert settings.story_path.is_file()
    assert settings.dev_guild_id is None
    assert settings.application_id is None
    assert settings.log_level == "INFO"
    assert settings.feeds_allowed_hosts == frozenset()  # feeds reach public addresses only


def test_blank_values_count_as_unset():
    assert Settings.from_env({name: "  " for name in VARIABLES}) == Settings.from_env({})


def test_values_are_read_and_normalised(tmp_path):
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": f"  {TOKEN}\n",
            "DATABASE_PATH": str(tmp_path / "x.db"),
            "DATABASE_READERS": " 8 ",
            "STORY_PATH": str(tmp_path / "story.json"),
            "DEV_GUILD_ID": " 123456789012345678 ",
            "DISCORD_APPLICATION_ID": "98765432109876543",
            "LOG_LEVEL": "debug",
            "FEEDS_ALLOWED_HOSTS": " feeds.LAN., 127.0.0.1  [::1]",
        }
    )
    assert settings.token == TOKEN
    assert settings.database_path == tmp_path / "x.db"
    assert settings.database_readers == 8
    assert settings.story_path == tmp_path / "story.json"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.application_id == 98765432109876543
    assert settings.log_level == "DEBUG"
    assert settings.log_level_number == 10
    assert settings.feeds_allowed_hosts == {"feeds.lan", "127.0.0.1", "::1"}


def test_the_default_database_follows_xdg_data_home(tmp_path):
    data = tmp_path / "xdg data"
    settings = Settings.from_env({"XDG_DATA_HOME": f" {data} "})
    assert settings.database_path == data / "storybot" / "bot.db"


def test_a_relative_xdg_data_home_is_ignored_as_the_spec_says(tmp_path):
    settings = Settings.from_env({"XDG_DATA_HOME": "relative/data"})
    assert settings.database_path == tmp_path / "home" / ".local" / "share" / "storybot" / "bot.db"


def test_the_database_where_earlier_versions_kept_it_is_never_silently_replaced(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bot.db").write_bytes(b"")
    message = error_for({})
    assert message.startswith("found data/bot.db, where earlier versions kept the database")
    assert str(tmp_path / "home" / ".local" / "share" / "storybot" / "bot.db") in message
    assert "set DATABASE_PATH=data/bot.db" in message
    # Naming it, or any other file, is the way on.
    assert Settings.from_env({"DATABASE_PATH": "data/bot.db"}).database_path == Path("data/bot.db")
    assert Settings.from_env({"DATABASE_PATH": "x.db"}).database_path == Path("x.db")


def test_home_in_database_path_is_expanded():
    assert Settings.from_env({"DATABASE_PATH": "~/bot.db"}).database_path == Path.home() / "bot.db"


@pytest.mark.parametrize("name", ["DEV_GUILD_ID", "DISCORD_APPLICATION_ID"])
@pytest.mark.parametrize("value", ["abc", "12345", "-123456789012345678", "1234567890123456789012"])
def test_bad_ids_name_the_variable_and_what_is_expected(name, value):
    message = error_for({name: value})
    assert message.startswith(name)
    assert "17 to 20 digits" in message


@pytest.mark.parametrize("value", ["0", "33", "four", "-1", "2.5"])
def test_bad_database_readers_says_the_range(value):
    message = error_for({"DATABASE_READERS": value})
    assert message.startswith("DATABASE_READERS")
    assert "1 to 32" in message and repr(value) in message


def test_bad_log_level_lists_the_choices():
    message = error_for({"LOG_LEVEL": "loud"})
    assert message.startswith("LOG_LEVEL")
    assert "'loud'" in message
    for level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        assert level in message


@pytest.mark.parametrize("token", ["short", f"{TOKEN[:30]} {TOKEN[30:]}", "x" * 49])
def test_malformed_token_is_named_but_never_echoed(token):
    message = error_for({"DISCORD_TOKEN": token})
    assert message.startswith("DISCORD_TOKEN")
    for part in token.split():
        assert part not in message


@pytest.mark.parametrize("name", ["DEV_GUILD_ID", "DISCORD_APPLICATION_ID", "LOG_LEVEL"])
def test_token_pasted_into_another_variable_is_not_echoed(name):
    message = error_for({name: TOKEN})
    assert message.startswith(name)
    assert TOKEN not in message
    assert TOKEN[:20] not in message


def test_token_is_not_in_the_repr():
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


def test_dotenv_in_the_working_directory_is_read(tmp_path, clean_env):
    (tmp_path / ".env").write_text(
        f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=warning\nDATABASE_PATH=elsewhere/bot.db\n",
        encoding="utf-8",
    )
    clean_env.chdir(tmp_path)
    settings = Settings.from_env()
    assert settings.token == TOKEN
    assert settings.log_level == "WARNING"
    assert settings.database_path == Path("elsewhere/bot.db")


def test_environment_wins_over_dotenv(tmp_path, clean_env):
    (tmp_path / ".env").write_text("LOG_LEVEL=warning\n", encoding="utf-8")
    clean_env.chdir(tmp_path)
    clean_env.setenv("LOG_LEVEL", "error")
    assert Settings.from_env().log_level == "ERROR"


def test_dotenv_can_be_skipped(tmp_path, clean_env):
    (tmp_path / ".env").write_text("LOG_LEVEL=warning\n", encoding="utf-8")
    clean_env.chdir(tmp_path)
    assert Settings.from_env(dotenv=False).log_level == "INFO"
    assert "LOG_LEVEL" not in os.environ


def test_no_dotenv_above_the_working_directory_means_defaults(tmp_path, clean_env):
    # The repository may hold a developer's .env; running elsewhere must not pick it up.
    clean_env.chdir(tmp_path)
    settings = Settings.from_env()
    assert settings.token is None
    assert settings.log_level == "INFO"


def test_env_example_lists_every_variable_the_config_reads():
    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text(encoding="utf-8")
    source = (root / "bot" / "config.py").read_text(encoding="utf-8")
    # XDG_DATA_HOME belongs to the desktop standard, not to the bot: not one to set in .env.
    read = set(re.findall(r'environ\.get\("(\w+)"\)', source)) - {"XDG_DATA_HOME"}
    listed = re.findall(r"^(?:# )?([A-Z][A-Z_]+)=", example, re.M)
    assert read and sorted(listed) == sorted(read)
    for name in listed:  # each one has a comment line right above it
        before = example.split(f"{name}=")[0].rstrip("# ").splitlines()
        assert before[-1].startswith("# ") and len(before[-1]) > 10, name


def test_copying_env_example_unchanged_gives_the_defaults(tmp_path, clean_env):
    root = Path(__file__).resolve().parent.parent
    (tmp_path / ".env").write_text((root / ".env.example").read_text(encoding="utf-8"))
    clean_env.chdir(tmp_path)
    assert Settings.from_env() == Settings.from_env({})
