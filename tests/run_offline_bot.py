"""`python -m bot` with Discord's network taken away, for the startup and shutdown tests.

    python tests/run_offline_bot.py [ARGS...]     # ARGS as for python -m bot

OFFLINE_BOT chooses what Discord does:
- `guard` (default): nothing is reachable. Logging in prints NETWORK_ATTEMPTED and fails,
  and so does any socket connection or name lookup: startup problems must fail before that.
- `refuse`: Discord refuses the token (discord.LoginFailure), as for a reset token.
- `slow-login`: the login request prints `logging in` and hangs until the bot's HTTP session
  is closed, then fails as aiohttp does: a stop that comes mid-login.
- `serve`: logging in only runs setup_hook and the gateway is a wait until the bot is closed;
  meanwhile WRITERS tasks add updates through the bot's store and print `ack ID` after each
  one returned (committed). After main() returns it prints whether the store was closed.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import types
from datetime import date

import aiohttp
import discord
from discord import app_commands

from bot import cli

NETWORK_ATTEMPTED = "OFFLINE-BOT: network attempted"
WRITERS = 4
GUILD = 333_333_333_333_333_333


def _no_network(*args, **kwargs):
    print(NETWORK_ATTEMPTED, file=sys.stderr, flush=True)
    raise OSError("offline test: no network")


async def _no_login(self, token):
    _no_network()


async def _refused_login(self, token):
    raise discord.LoginFailure("Improper token has been passed.")


http_closed = asyncio.Event()  # set by HTTPClient.close, which Client.close calls
_real_http_close = discord.http.HTTPClient.close


async def _close_and_tell(self):
    http_closed.set()
    await _real_http_close(self)


async def _request_until_closed(self, route, **kwargs):
    print("logging in", flush=True)
    await http_closed.wait()
    raise aiohttp.ClientConnectionError("Connection closed")


bots: list[discord.Client] = []


# A login with no network, through discord.py's public methods: Client.login asks
# HTTPClient.static_login for the bot's user and Client.application_info for its application.
async def _local_static_login(self, token):
    return {"id": "1", "username": "offline", "discriminator": "0", "avatar": None, "bot": True}


async def _local_application_info(self):
    bots.append(self)
    return types.SimpleNamespace(
        id=1, interactions_endpoint_url=None, flags=discord.ApplicationFlags()
    )


async def _no_sync(self, *, guild=None):
    return []


async def _gateway_with_writers(self, *, reconnect=True):
    writers = [asyncio.create_task(_write(self, n)) for n in range(WRITERS)]
    print("connected", flush=True)
    while not self.is_closed():
        await asyncio.sleep(0.005)
    await asyncio.wait(writers, timeout=5)


async def _write(bot, writer: int) -> None:
    n = 0
    while True:
        n += 1
        try:
            # Once the store is closed this fails (StoreError) before writing.
            entry = (
                await bot.store.add_entry(
                    GUILD,
                    42,
                    day=date(2024, 5, 17),
                    precision="day",
                    headline=f"writer {writer} update {n}",
                    body=f"body {n} " * 20,
                    person_ids=[bot.store.people[0].id],
                    source_url=f"https://example.com/{writer}/{n}",
                )
            ).entry
        except Exception as error:
            print(f"writer {writer} stopped: {type(error).__name__}", flush=True)
            return
        print(f"ack {entry.id}", flush=True)


def main() -> int:
    socket.socket.connect = _no_network
    socket.getaddrinfo = _no_network
    mode = os.environ.get("OFFLINE_BOT", "guard")
    if mode == "guard":
        discord.http.HTTPClient.static_login = _no_login
    elif mode == "refuse":
        discord.http.HTTPClient.static_login = _refused_login
    elif mode == "slow-login":
        discord.http.HTTPClient.request = _request_until_closed
        discord.http.HTTPClient.close = _close_and_tell
    elif mode == "serve":
        discord.http.HTTPClient.static_login = _local_static_login
        discord.Client.application_info = _local_application_info
        discord.Client.connect = _gateway_with_writers
        app_commands.CommandTree.sync = _no_sync
    else:
        raise SystemExit(f"unknown OFFLINE_BOT={mode!r}")
    code = cli.main(sys.argv[1:])
    if mode == "serve":
        print(f"store closed: {all(bot.store.closed for bot in bots)}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
