"""`python -m bot invite` prints the link with minimal permissions for the configured application."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.invite import PERMISSIONS, invite_url

APP_ID = "123456789012345678"


def test_permissions_are_exactly_view_send_embed():
    assert PERMISSIONS.value == 1024 + 2048 + 16384 == 19456


def test_url_carries_scopes_and_permissions():
    query = parse_qs(urlsplit(invite_url(int(APP_ID))).query)
    assert query["client_id"] == [APP_ID]
    assert query["permissions"] == ["19456"]
    assert query["scope"][0].split() == ["bot", "applications.commands"]


def run_cli(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "invite"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, **env},
        timeout=60,
    )


def test_cli_prints_the_link(tmp_path):
    result = run_cli(tmp_path, DISCORD_APPLICATION_ID=APP_ID)
    assert result.returncode == 0
    assert result.stdout.strip() == invite_url(int(APP_ID))


@pytest.mark.parametrize("value", [None, "not-a-number"])
def test_cli_without_an_application_id_says_how(tmp_path, value):
    result = run_cli(tmp_path, **({"DISCORD_APPLICATION_ID": value} if value else {}))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISCORD_APPLICATION_ID" in lines[0]
    assert "Traceback" not in result.stderr
