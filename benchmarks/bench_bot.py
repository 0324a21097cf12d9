"""The benchmarked bot: the real one plus its floors, the cheapest way discord.py can answer.

The no-op floors answer "ok". The equal-payload floors answer with the very embeds and buttons
a read command sent, built in advance from the JSON the bot sent (SimCord logs each request),
so the difference between a command and its floor is the bot's own work: reading the store,
rendering, building buttons. A page turn's floor is a button that edits its message with the
payload the real turn sent.
"""

from __future__ import annotations

import time
from typing import Any

import discord
from discord import app_commands

from bot.app import StoryBot
from bot.config import Settings
from bot.fair_use import FairUse, Limit, RateLimiter
from bot.store import Store

# The real custom_ids start "pg:" (page buttons); a floor's start "fl:", the same length.
REAL_PREFIX, FLOOR_PREFIX = "pg:", "fl:"


def set_settle_poll(seconds: float) -> None:
    """How often SimCord re-checks for finished work while settling after an action.

    SimCord's default (50 ms) is a polling interval, not bot work: any action whose handler never
    awaits real I/O (the no-op command, every autocomplete) pays one full interval, while one
    that awaits the store is woken as soon as it finishes. Left at 50 ms, the floors would
    measure SimCord's timer. A short interval bounds that artefact for every action alike.
    """
    from simcord.env import Env

    Env._settle_internal.__kwdefaults__["idle"] = seconds


# The no-op floors: the cheapest command and autocomplete discord.py and SimCord can serve.


async def noop(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("ok")


async def noop_pick(interaction: discord.Interaction, value: str) -> None:
    await interaction.response.send_message("ok")


async def fixed_choice(interaction: discord.Interaction, current: str):
    return [app_commands.Choice(name="fixed", value="fixed")]


# The equal-payload floors: the options of the command they stand for, a prepared answer.


async def _send_floor(interaction: discord.Interaction) -> None:
    prepared: Payload = interaction.client.floors[interaction.command.name]
    await interaction.response.send_message(**prepared.fields)


async def floor_plain(interaction: discord.Interaction) -> None:
    await _send_floor(interaction)


async def floor_person(interaction: discord.Interaction, person: str) -> None:
    await _send_floor(interaction)


async def floor_dates(interaction: discord.Interaction, since: str, until: str) -> None:
    await _send_floor(interaction)


async def floor_query(interaction: discord.Interaction, query: str) -> None:
    await _send_floor(interaction)


async def floor_id(interaction: discord.Interaction, id: int) -> None:
    await _send_floor(interaction)


# Each read command's floor command takes the options the benchmark gives the read.
FLOOR_CALLBACKS = {
    "timeline": floor_plain,
    "timeline_person": floor_person,
    "timeline_since_until": floor_dates,
    "page_turn": floor_plain,  # sends the message whose buttons the page-turn floor clicks
    "search": floor_query,
    "quote": floor_person,
    "entry": floor_id,
    "people": floor_plain,
    "about": floor_plain,
}


def floor_command(read: str) -> str:
    return f"floor_{read}"


class FloorButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?s)fl:.*"):
    """A page button's floor: dispatched as page buttons are, it edits its message with the
    payload the real button of the same label sent."""

    def __init__(
        self, custom_id: str, *, label: str = "", disabled: bool = False, row: int | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=custom_id,
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> FloorButton:
        return cls(match.string, label=item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        prepared: Payload = interaction.client.floor_turns[self.item.label]
        await interaction.response.edit_message(**prepared.fields)


class Payload:
    """A message's embeds and buttons rebuilt from the JSON a real answer sent, its page buttons
    turned into floor buttons; `json` is what the floor is expected to send."""

    def __init__(self, sent: dict) -> None:
        data = sent["data"]
        self.fields: dict[str, Any] = {
            "embeds": [discord.Embed.from_dict(e) for e in data.get("embeds", [])]
        }
        rows = data.get("components") or []
        if rows:
            view = discord.ui.View(timeout=None)
            for row, components in enumerate(rows):
                for button in components["components"]:
                    view.add_item(
                        FloorButton(
                            _floor_id(button["custom_id"]),
                            label=button.get("label", ""),
                            disabled=button.get("disabled", False),
                            row=row,
                        )
                    )
            self.fields["view"] = view
        self.json = _with_floor_ids(sent)


def _floor_id(custom_id: str) -> str:
    if not custom_id.startswith(REAL_PREFIX):
        raise RuntimeError(f"the benchmark has no floor for the button {custom_id!r}")
    return FLOOR_PREFIX + custom_id[len(REAL_PREFIX) :]


def _with_floor_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _floor_id(v) if k == "custom_id" else _with_floor_ids(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_floor_ids(v) for v in value]
    return value


class BenchBot(StoryBot):
    """The real bot plus the floors, added before setup_hook syncs the tree.

    One member makes every call here, far faster than fair use allows: the limits are lifted,
    so the figures measure the commands (the limiter costs a dictionary lookup either way).
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        unlimited = Limit(uses=10**9, per_seconds=1)
        super().__init__(
            settings,
            store,
            fair_use=FairUse(
                reads=RateLimiter(unlimited),
                page_turns=RateLimiter(unlimited),
                searches=RateLimiter(unlimited),
            ),
        )
        self.floors: dict[str, Payload] = {}  # by floor command name
        self.floor_turns: dict[str, Payload] = {}  # by page button label
        self.tree.add_command(app_commands.Command(name="noop", description="n", callback=noop))
        pick = app_commands.Command(name="noopac", description="n", callback=noop_pick)
        pick.autocomplete("value")(fixed_choice)
        self.tree.add_command(pick)
        for read, callback in FLOOR_CALLBACKS.items():
            name = floor_command(read)
            self.tree.add_command(
                app_commands.Command(name=name, description="n", callback=callback)
            )
        self.add_dynamic_items(FloorButton)

    async def sync_commands(self, *, force: bool = False) -> bool:
        # A copied database may remember a sync SimCord's fresh backend never saw.
        return await super().sync_commands(force=True)


class StampedRequests(list):
    """SimCord's log of the bot's REST calls, noting when the latest one arrived."""

    last_at = 0.0

    def append(self, item) -> None:
        self.last_at = time.perf_counter()
        super().append(item)
