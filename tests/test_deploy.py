"""The example systemd unit must agree with the exit codes the bot uses and the files it keeps private."""

from __future__ import annotations

import configparser
from pathlib import Path

from bot import exit_codes as cli
from bot.files import PRIVATE_MODE

UNIT = Path(__file__).resolve().parent.parent / "deploy" / "storybot.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT)
    return parser


def test_unit_does_not_restart_on_configuration_or_login_errors():
    service = unit()["Service"]
    prevented = {int(code) for code in service["RestartPreventExitStatus"].split()}
    assert prevented == {cli.EXIT_CONFIG, cli.EXIT_LOGIN}
    assert cli.EXIT_FAILURE not in prevented
    assert service["Restart"] == "on-failure"  # a clean stop (exit 0) stays stopped
    assert int(service["RestartSec"]) >= 10


def test_unit_limits_restarts_overall():
    limits = unit()["Unit"]
    assert int(limits["StartLimitBurst"]) <= 10
    assert int(limits["StartLimitIntervalSec"]) >= 300


def test_unit_keeps_what_the_bot_creates_private():
    umask = int(unit()["Service"]["UMask"], 8)
    assert umask & 0o077 == 0o077  # nothing for the group or other users
    assert PRIVATE_MODE & ~umask == PRIVATE_MODE  # the bot's own files keep their mode


def test_unit_keeps_the_database_in_its_state_directory():
    service = unit()["Service"]
    state = Path("/var/lib") / service["StateDirectory"]
    assert int(service["StateDirectoryMode"], 8) & 0o077 == 0  # the bot's user alone
    name, _, value = service["Environment"].partition("=")
    assert name == "DATABASE_PATH"
    assert Path(value).parent == state
    # Under ProtectSystem=strict the state directory is the one place the bot can write.
    assert service["ProtectSystem"] == "strict"
    assert "ReadWritePaths" not in service
