"""A server's own people: /addperson, /editperson, /removeperson. Each server sees only its own
(autocomplete, /people, /quote, /timeline), names never collide, and removing someone who is
named or quoted asks first and leaves nothing pointing at them."""

from __future__ import annotations

import discord
import pytest
from helpers import guild_entries, handled_errors

from bot.checks import NOT_A_MODERATOR

TONER = {"name": "Helen Toner", "role": "Former OpenAI board member", "aliases": "toner, htoner"}


@pytest.fixture
def other_guild(simcord_env):
    return simcord_env.create_guild("Other desk")


@pytest.fixture
def other_channel(other_guild):
    return other_guild.create_text_channel("general")


@pytest.fixture
def other_moderator(simcord_env, other_guild):
    mods = other_guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    return other_guild.add_member(simcord_env.create_user("other-editor"), roles=[mods])


@pytest.fixture
async def toner(simcord_env, channel, moderator):
    added = await moderator.slash(channel, "addperson", **TONER)
    assert added.ephemeral, added.response.content
    return next(p for p in simcord_env.bot.store.people_in(channel.guild.id) if not p.shipped)


def choice_values(choices) -> list[str]:
    return [choice["value"] for choice in choices]


async def test_adding_a_person_makes_them_known_in_that_server(
    simcord_env, guild, channel, member, moderator, toner
):
    assert toner.slug == "helen-toner"
    assert "helen-toner" in choice_values(
        await member.autocomplete(channel, "quote", "person", "hel")
    )
    assert choice_values(
        await moderator.autocomplete(channel, "addupdate", "people", "leike, ton")
    ) == ["leike, helen-toner"]

    posted = await moderator.slash(
        channel, "addupdate", text="Toner explains the board's decision", people="leike, toner"
    )
    assert posted.ephemeral
    [entry] = await guild_entries(simcord_env, guild)
    assert [p.name for p in entry.people] == ["Jan Leike", "Helen Toner"]
    await moderator.slash(channel, "addquote", person="htoner", text="Words of hers, verbatim.")

    quote = await member.slash(channel, "quote", person="Helen Toner")
    assert quote.response.embeds[0].description.startswith("> Words of hers, verbatim.")
    timeline = await member.slash(channel, "timeline", person="toner")
    assert "Toner explains the board" in timeline.response.embeds[0].description
    people = (await member.slash(channel, "people")).response.embeds[0].description
    line = next(line for line in people.splitlines() if "Helen Toner" in line)
    assert line == (
        "**Helen Toner** (`helen-toner`, added here): Former OpenAI board member · 1 quote, 1 entry"
    )


async def test_another_server_never_sees_them(
    simcord_env, channel, other_guild, other_channel, other_moderator, toner
):
    reader = other_guild.add_member(simcord_env.create_user("other-reader"))

    for command, option in (("quote", "person"), ("timeline", "person")):
        choices = await reader.autocomplete(other_channel, command, option, "hel")
        assert "helen-toner" not in choice_values(choices)
    assert (
        choice_values(
            await other_moderator.autocomplete(other_channel, "addupdate", "people", "ton")
        )
        == []
    )
    people = (await reader.slash(other_channel, "people")).response.embeds[0].description
    assert "Toner" not in people

    quote = await reader.slash(other_channel, "quote", person="Helen Toner")
    assert quote.ephemeral and quote.response.content.startswith("No one called “Helen Toner”")
    timeline = await reader.slash(other_channel, "timeline", person="helen-toner")
    assert timeline.ephemeral and "No one called" in timeline.response.content
    refused = await other_moderator.slash(
        other_channel, "addupdate", text="Toner speaks", people="toner"
    )
    assert "No one called “toner”" in refused.response.content
    assert await guild_entries(simcord_env, other_guild) == []
    assert set(handled_errors(simcord_env)) == {"UserError"}


async def test_each_server_may_add_the_same_name_for_itself(
    simcord_env, channel, other_channel, other_moderator, toner
):
    theirs = await other_moderator.slash(other_channel, "addperson", name="Helen Toner")

    assert "Added the person **Helen Toner** (`helen-toner`)" in theirs.response.content
    store = simcord_env.bot.store
    [mine] = [p for p in store.people_in(channel.guild.id) if not p.shipped]
    [other] = [p for p in store.people_in(other_channel.guild.id) if not p.shipped]
    assert mine.id != other.id and mine.slug == other.slug


@pytest.mark.parametrize(
    ("options", "answer"),
    [
        ({"name": "Ilya"}, "The name “Ilya” already finds **Ilya Sutskever** (`sutskever`)"),
        ({"name": "SAM ALTMAN"}, "The name “SAM ALTMAN” already finds **Sam Altman** (`altman`)"),
        (
            {"name": "Jan Léike"},  # accents do not make a name new
            "The name “Jan Léike” already finds **Jan Leike** (`leike`)",
        ),
        (
            {"name": "Samuel Jones", "aliases": "sj, sam"},
            "The alias “sam” already finds **Sam Altman** (`altman`)",
        ),
        (
            {"name": "Techcrunch"},  # an outlet's name too
            "The name “Techcrunch” already finds **TechCrunch** (`techcrunch`)",
        ),
    ],
)
async def test_a_name_that_finds_a_shipped_person_is_refused_with_that_name(
    simcord_env, guild, channel, moderator, options, answer
):
    refused = await moderator.slash(channel, "addperson", **options)

    assert refused.ephemeral and refused.response.content.startswith(answer)
    assert [p for p in simcord_env.bot.store.people_in(guild.id) if not p.shipped] == []
    assert handled_errors(simcord_env) == ["UserError"]


async def test_a_name_that_finds_one_of_the_servers_people_is_refused(
    simcord_env, guild, channel, moderator, toner
):
    twice = await moderator.slash(channel, "addperson", name="helen  TONER")
    by_alias = await moderator.slash(channel, "addperson", name="Ann Smith", aliases="htoner")
    shared_first_name = await moderator.slash(channel, "addperson", name="Helen Smith")

    assert twice.response.content.startswith(
        "The name “helen TONER” already finds **Helen Toner** (`helen-toner`)"
    )
    assert by_alias.response.content.startswith(
        "The alias “htoner” already finds **Helen Toner** (`helen-toner`)"
    )
    # First and last names may be shared; full names, slugs and aliases may not.
    assert "Added the person **Helen Smith**" in shared_first_name.response.content
    assert handled_errors(simcord_env) == ["UserError", "UserError"]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"name": "Toner, Helen"}, "can't contain a comma"),
        ({"name": "★★★"}, "needs letters or digits"),
        ({"name": "Line\nbreak"}, "must be one line"),
        (
            {"name": "Ann Lee", "aliases": "a, " + ", ".join(f"x{n}" for n in range(11))},
            "at most 10",
        ),
    ],
)
async def test_bad_values_are_named(simcord_env, channel, moderator, options, named):
    refused = await moderator.slash(channel, "addperson", **options)

    assert refused.ephemeral and named in refused.response.content
    assert handled_errors(simcord_env) == ["UserError"]


async def test_members_cannot_add_people(simcord_env, guild, channel, member):
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["addperson"], {member: True})

    refused = await member.slash(channel, "addperson", name="Helen Toner")

    assert refused.response.content == NOT_A_MODERATOR
    assert [p for p in simcord_env.bot.store.people_in(guild.id) if not p.shipped] == []
    assert handled_errors(simcord_env) == ["CheckFailure"]


async def test_editperson_renames_and_refuses_the_shipped_people(
    simcord_env, guild, channel, member, moderator, toner
):
    choices = await moderator.autocomplete(channel, "editperson", "person", "")
    assert choice_values(choices) == ["helen-toner"]  # only this server's own

    changed = await moderator.slash(
        channel, "editperson", person="toner", name="Helen M. Toner", aliases="-"
    )
    assert changed.response.content == "Changed **Helen M. Toner** (`helen-m-toner`)."
    quote = await member.slash(channel, "quote", person="htoner")  # the old alias is gone
    assert "No one called" in quote.response.content
    refused = await moderator.slash(channel, "editperson", person="leike", role="Someone else")
    assert "part of the story the bot ships with" in refused.response.content
    collides = await moderator.slash(channel, "editperson", person="helen-m-toner", name="Gwern")
    assert collides.response.content.startswith("The name “Gwern” already finds **Gwern**")
    history = await moderator.slash(channel, "history")
    assert "**Edited person #" in history.response.embeds[0].description
    assert handled_errors(simcord_env) == ["UserError", "UserError", "UserError"]


async def test_removing_someone_unused_needs_no_confirmation(
    simcord_env, guild, channel, member, moderator, toner
):
    removed = await moderator.slash(channel, "removeperson", person="Helen Toner")

    assert removed.response.content == "Removed **Helen Toner** from this server's story."
    assert removed.response.components == []
    assert "helen-toner" not in choice_values(
        await member.autocomplete(channel, "quote", "person", "hel")
    )


async def quoted_and_named(env, guild, channel, moderator) -> None:
    await moderator.slash(channel, "addupdate", text="Toner speaks", people="leike, toner")
    await moderator.slash(channel, "addupdate", text="Toner again", people="toner")
    await moderator.slash(channel, "addquote", person="toner", text="Hers, verbatim.")


async def test_removing_someone_named_and_quoted_asks_first_and_leaves_nothing_behind(
    simcord_env, guild, channel, member, moderator, toner, make_bot
):
    await quoted_and_named(simcord_env, guild, channel, moderator)

    asked = await moderator.slash(channel, "removeperson", person="toner")

    assert asked.ephemeral
    assert asked.response.content.startswith(
        "**Helen Toner** is named in 2 updates and has 1 quote in this server"
    )
    assert "takes their name off 2 updates and deletes their 1 quote" in asked.response.content
    assert [p.name for p in simcord_env.bot.store.people_in(guild.id) if not p.shipped] == [
        "Helen Toner"
    ]  # nothing happens until the button is pressed, even after a restart
    await simcord_env.restart_bot(await make_bot())

    confirmed = await moderator.click(asked.response, label="Remove Helen Toner")

    assert confirmed.response.content == (
        "Removed **Helen Toner** from this server's story. Their name came off 2 updates. "
        "1 quote deleted."
    )
    store = simcord_env.bot.store
    assert [p for p in store.people_in(guild.id) if not p.shipped] == []
    entries = await guild_entries(simcord_env, guild)
    assert [[p.slug for p in e.people] for e in entries] == [["leike"], []]
    assert all(e.edited_at for e in entries)
    data = await store.export_data()
    assert toner.id not in {row["person_id"] for row in data["tables"]["entry_people"]}
    assert toner.id not in {row["person_id"] for row in data["tables"]["quotes"]}
    history = await moderator.slash(channel, "history")
    assert f"**Removed person #{toner.id}**" in history.response.embeds[0].description
    record = (await store.history(guild.id, toner.id, 0, 10)).items[0]
    assert record.before["quotes"][0]["text"] == "Hers, verbatim."
    assert record.before["entries"] == [e.id for e in entries]


async def test_if_their_use_changed_since_the_question_it_is_asked_again(
    simcord_env, guild, channel, moderator, toner
):
    await moderator.slash(channel, "addquote", person="toner", text="First words.")
    asked = await moderator.slash(channel, "removeperson", person="toner")
    await moderator.slash(channel, "addquote", person="toner", text="Second words.")

    again = await moderator.click(asked.response, label="Remove Helen Toner")

    assert again.response.content.startswith("Their updates or quotes changed since you asked.")
    assert "has 2 quotes" in again.response.content
    assert [p.name for p in simcord_env.bot.store.people_in(guild.id) if not p.shipped] == [
        "Helen Toner"
    ]
    done = await moderator.click(again.response, label="Remove Helen Toner")
    assert done.response.content.endswith("2 quotes deleted.")


async def test_a_server_cannot_remove_the_shipped_people(simcord_env, channel, moderator):
    refused = await moderator.slash(channel, "removeperson", person="leike")

    assert "part of the story the bot ships with" in refused.response.content
    assert handled_errors(simcord_env) == ["UserError"]


async def test_people_stay_after_a_restart(simcord_env, guild, channel, member, toner, make_bot):
    await simcord_env.restart_bot(await make_bot())

    assert "helen-toner" in choice_values(
        await member.autocomplete(channel, "quote", "person", "ton")
    )


async def test_edit_and_remove_complete_among_the_servers_own_people_only(
    simcord_env, guild, channel, moderator
):
    store = simcord_env.bot.store
    for n in range(1, 21):  # names that sort after every shipped person's
        await store.add_person(
            guild.id, moderator.id, name=f"Zed {n:02}", role="", aliases=(), kind="person"
        )

    for command in ("editperson", "removeperson"):
        choices = await moderator.autocomplete(channel, command, "person", "")
        assert choice_values(choices) == [f"zed-{n:02}" for n in range(1, 21)]
