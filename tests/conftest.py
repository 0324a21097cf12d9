"""Shared fixtures: a bot on a temporary SQLite file, driven through SimCord."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Awaitable, Callable

import discord
import pytest
from hypothesis import settings as hypothesis_settings

from bot import create_bot
from bot.app import StoryBot
from bot.config import Settings
from bot.store import Store, open_store
from bot.story import Story, load_story

# Hypothesis draws the same examples on every machine and keeps no .hypothesis database, so a
# fresh clone passes or fails exactly as CI does. HYPOTHESIS_PROFILE=explore draws new random
# examples locally; pin anything it finds with @example.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_path=tmp_path / "bot.db")


@pytest.fixture
def story(settings) -> Story:
    return load_story(settings.story_path)


@pytest.fixture
async def store(settings, story) -> Store:
    """The store on a real temporary SQLite file, seeded, closed after the test."""
    store = await open_store(settings.database_path, story)
    yield store
    await store.close()


@pytest.fixture
async def make_bot(settings, story) -> Callable[..., Awaitable[StoryBot]]:
    """Builds bots on the same database, each with a store of its own as after a restart, with
    `changes` to the settings (and a `fair_use` for create_bot); closes every store at teardown
    (SimCord never closes bots)."""
    stores: list[Store] = []

    async def make(*, fair_use=None, **changes) -> StoryBot:
        stores.append(await open_store(settings.database_path, story))
        return create_bot(dataclasses.replace(settings, **changes), stores[-1], fair_use=fair_use)

    yield make
    for store in stores:
        await store.close()


@pytest.fixture
async def simcord_bot(make_bot) -> StoryBot:
    return await make_bot()


@pytest.fixture
def guild(simcord_env):
    return simcord_env.create_guild("Newsroom")


@pytest.fixture
def channel(guild):
    return guild.create_text_channel("general")


@pytest.fixture
def member(simcord_env, guild):
    return guild.add_member(simcord_env.create_user("reader"))


@pytest.fixture
def other_member(simcord_env, guild):
    return guild.add_member(simcord_env.create_user("bystander"))


@pytest.fixture
def moderator(simcord_env, guild):
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    return guild.add_member(simcord_env.create_user("editor"), roles=[mods])


@pytest.fixture
def shared_umask():
    """The umask of many shared machines (new files readable by everyone), so a test sees the
    permissions the bot asks for, not whatever the test runner's umask happens to allow.
    Subprocesses inherit it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
