"""What the bot syncs is what Discord accepts: every command payload, global and guild, checked
against Discord's published API description and the limits its documentation adds.

One refused command refuses the whole bulk overwrite, so no command would sync at all.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import regex
from jsonschema import Draft202012Validator, validators
from referencing import Registry, Resource

DESCRIPTION = json.loads(
    (Path(__file__).parent / "discord_api" / "application_commands.json").read_text("utf-8")
)


def integer_or_numeric_string(checker, value: object) -> bool:
    # Discord accepts numeric strings where its description types ids as integers.
    return Draft202012Validator.TYPE_CHECKER.is_type(value, "integer") or (
        isinstance(value, str) and regex.fullmatch(r"-?[0-9]+", value) is not None
    )


Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", integer_or_numeric_string),
)
REQUEST = Validator(
    {"$ref": f"{DESCRIPTION['$id']}#/request"},
    registry=Registry().with_resource(DESCRIPTION["$id"], Resource.from_contents(DESCRIPTION)),
)

# From https://discord.com/developers/docs/interactions/application-commands: what the
# description does not encode.
CHAT_INPUT = 1
MESSAGE = 3
NAME = regex.compile(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")
OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
DESCRIPTION_MAX = 100
COMMAND_CHARACTERS_MAX = 4000  # names, descriptions and choice values of a command, all told
SUBCOMMAND_TYPES = (1, 2)


def problems(commands: list[dict]) -> list[str]:
    """Every reason Discord would refuse this bulk overwrite of commands; [] when none."""
    found = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in REQUEST.iter_errors(commands)
    ]
    names = [(c.get("type", CHAT_INPUT), c.get("name")) for c in commands]
    found += [f"{name}: two commands of this name and type" for _, name in duplicates(names)]
    for command in commands:
        where = command.get("name", "?")
        if command.get("type", CHAT_INPUT) == CHAT_INPUT:
            found += name_problems(where, command.get("name", ""))
            found += description_problems(where, command.get("description"))
            found += options_problems(where, command.get("options") or [])
        elif command.get("description"):
            found.append(f"{where}: user and message commands take an empty description")
        if characters(command) > COMMAND_CHARACTERS_MAX:
            found.append(f"{where}: {characters(command)} characters; at most 4,000")
    return found


def name_problems(where: str, name: str) -> list[str]:
    found = []
    if not NAME.match(name):
        found.append(f"{where}: name {name!r} is not 1-32 letters, digits, - or _")
    if name != name.lower():
        found.append(f"{where}: name {name!r} is not lowercase")
    return found


def description_problems(where: str, description: object) -> list[str]:
    if not isinstance(description, str) or not 1 <= len(description) <= DESCRIPTION_MAX:
        return [f"{where}: description must be 1-100 characters"]
    return []


def options_problems(where: str, options: list[dict]) -> list[str]:
    found = []
    if len(options) > OPTIONS_MAX:
        found.append(f"{where}: {len(options)} options; at most {OPTIONS_MAX}")
    found += [f"{where}: two options named {n!r}" for n in duplicates(o["name"] for o in options)]
    required = [bool(o.get("required")) for o in options]
    if required != sorted(required, reverse=True):
        found.append(f"{where}: a required option after an optional one")
    for option in options:
        here = f"{where} {option.get('name', '?')}"
        found += name_problems(here, option.get("name", ""))
        found += description_problems(here, option.get("description"))
        choices = option.get("choices") or []
        if len(choices) > CHOICES_MAX:
            found.append(f"{here}: {len(choices)} choices; at most {CHOICES_MAX}")
        if choices and option.get("autocomplete"):
            found.append(f"{here}: choices and autocomplete together")
        for choice in choices:
            if not 1 <= len(choice.get("name", "")) <= CHOICE_NAME_MAX:
                found.append(f"{here}: choice name must be 1-100 characters")
            value = choice.get("value")
            if isinstance(value, str) and len(value) > CHOICE_STRING_VALUE_MAX:
                found.append(f"{here}: choice value over 100 characters")
        if option.get("type") in SUBCOMMAND_TYPES:
            found += options_problems(here, option.get("options") or [])
    return found


def characters(node: dict) -> int:
    own = len(node.get("name") or "") + len(node.get("description") or "")
    own += sum(len(c["name"]) + len(str(c["value"])) for c in node.get("choices") or [])
    return own + sum(characters(option) for option in node.get("options") or [])


def duplicates(items) -> list:
    seen, twice = set(), []
    for item in items:
        if item in seen:
            twice.append(item)
        seen.add(item)
    return twice


def command_syncs(env) -> list[tuple[str, list[dict]]]:
    """(path, body) of every bulk overwrite of commands the bot sent."""
    return [
        (r.path, r.json)
        for r in env.http_requests
        if r.method == "PUT"
        and r.path.startswith("/applications/")
        and r.path.endswith("/commands")
    ]


async def test_every_command_sync_is_valid_for_discord(simcord_env, guild, make_bot):
    # The default bot synced globally at start; a bot with a development guild syncs there.
    await simcord_env.restart_bot(await make_bot(dev_guild_id=guild.id))

    syncs = command_syncs(simcord_env)

    assert [f"/guilds/{guild.id}/" in path for path, _ in syncs] == [False, True]
    global_names = sorted(c["name"] for c in syncs[0][1])
    assert sorted(c["name"] for c in syncs[1][1]) == global_names
    assert {"entry", "editupdate", "removeupdate", "removequote", "history"} <= set(global_names)
    # Message commands are checked too: a name with spaces and capitals, and no description.
    [menu] = [c for c in syncs[0][1] if c.get("type") == MESSAGE]
    assert menu["name"] == "Add to timeline" and not menu.get("description")
    for path, commands in syncs:
        assert problems(commands) == [], path


def test_the_vendored_description_is_a_valid_schema():
    Draft202012Validator.check_schema(DESCRIPTION)
    assert "ApplicationCommandUpdateRequest" in DESCRIPTION["components"]["schemas"]


# The checker itself: a valid command, then one mistake at a time.

VALID = {
    "name": "entry",
    "description": "One event in full",
    "type": 1,
    "options": [
        {"type": 4, "name": "id", "description": "Its number", "required": True,
         "min_value": 1, "max_value": 2**53 - 1},
        {"type": 3, "name": "kind", "description": "Which kind", "required": False,
         "choices": [{"name": "Update", "value": "update"}]},
    ],
    "default_member_permissions": "8192",
}  # fmt: skip


def with_change(path: str, value: object) -> dict:
    """VALID with the value at `path` ("options.1.choices", dots between keys) replaced."""
    command = copy.deepcopy(VALID)
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = command
    for key in parents:
        node = node[key]
    node[last] = value
    return command


def many_options(n: int) -> list[dict]:
    return [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(n)]


MISTAKES = [
    ("options.0.max_value", 2**53, "max_value"),
    ("options.0.min_value", -(2**53), "min_value"),
    ("name", "Entry", "not lowercase"),
    ("name", "an entry", "is not 1-32"),
    ("name", "e" * 33, "is not 1-32"),
    ("description", "", "description must be"),
    ("description", "d" * 101, "description"),
    ("options.1.description", "d" * 101, "description"),
    ("options.1.name", "id", "two options named 'id'"),
    ("options.1.name", "Kind", "not lowercase"),
    ("options", VALID["options"][::-1], "required option after an optional"),
    ("options", many_options(26), "26 options"),
    ("options.1.choices", [{"name": f"c{i}", "value": "v"} for i in range(26)], "26 choices"),
    ("options.1.choices.0.name", "", "choice name"),
    ("options.1.choices.0.name", "c" * 101, "choice name"),
    ("options.1.choices.0.value", "v" * 101, "choice value"),
    ("options.1.autocomplete", True, "choices and autocomplete"),
    ("options.1.type", 99, "options/1"),
    ("options.1.choices", [{"name": "c" * 100, "value": f"{i:03}" * 33} for i in range(25)],
     "characters; at most 4,000"),
]  # fmt: skip


def test_the_checker_accepts_a_valid_command_in_other_scripts():
    assert problems([VALID]) == []
    assert problems([with_change("name", "समाचार")]) == []  # Devanagari
    assert problems([with_change("name", "ข่าว")]) == []  # Thai, with its vowel marks


@pytest.mark.parametrize(("path", "value", "named"), MISTAKES)
def test_the_checker_finds_each_mistake(path, value, named):
    found = problems([with_change(path, value)])
    assert found and any(named in problem for problem in found), found


def test_the_checker_finds_two_commands_of_one_name():
    assert problems([VALID, VALID]) == ["entry: two commands of this name and type"]
