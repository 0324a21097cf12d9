"""The example systemd unit must agree with the exit codes the bot uses."""

from __future__ import annotations

import configparser
from pathlib import Path

from bot import exit_codes as cli

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
