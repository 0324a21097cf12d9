"""What a moderator is told about each problem in an update, word for word, and what a
well-formed one stores. (tests/test_validate.py pins every rule on its own.)"""

from __future__ import annotations

from datetime import date

import pytest
from helpers import guild_entries, handled_errors

from bot.models import PEOPLE_MAX


@pytest.mark.parametrize(
    ("options", "answer"),
    [
        (
            {"source": "https://example.com/a report.html"},
            "`source` must be a web link starting with http:// or https://.",
        ),
        (
            {"people": ", ".join(["leike"] * (PEOPLE_MAX + 1))},
            f"`people` names {PEOPLE_MAX + 1} people; at most {PEOPLE_MAX}.",
        ),
        (
            {"people": "leike, sam altmann"},
            "`people`: No one called “sam altmann”. "
            "Did you mean Sam Altman (`altman`), John Schulman (`schulman`)?",
        ),
        (
            {"date": "2999-05-17"},
            "`date` is in the future (2999-05-17); updates report what happened.",
        ),
    ],
)
async def test_each_problem_is_named_exactly_and_nothing_is_stored(
    simcord_env, guild, channel, moderator, options, answer
):
    refused = await moderator.slash(channel, "addupdate", text="Leike resigned.", **options)

    assert refused.ephemeral
    assert refused.response.content == answer
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]


async def test_a_headline_of_two_lines_in_the_form_is_refused_as_such(
    simcord_env, guild, channel, moderator
):
    shown = await moderator.slash(channel, "addupdate")

    submitted = await moderator.submit_modal(
        shown, {"text": "Precious words", "headline": "Leike resigns\nand says why"}
    )

    assert submitted.ephemeral
    assert submitted.response.content.startswith("`headline` must be one line.")
    assert "Precious words" in submitted.response.content  # handed back, not lost
    assert await guild_entries(simcord_env, guild) == []
    assert handled_errors(simcord_env) == ["UserError"]


async def test_comma_separated_people_and_a_date_with_a_comma_are_stored(
    simcord_env, guild, channel, moderator
):
    await moderator.slash(
        channel,
        "addupdate",
        text="Altman replied to Leike's thread.",
        date="May 18, 2024",
        people="Jan Leike, altman",
        source="https://en.wikipedia.org/wiki/Superalignment_(OpenAI)",
    )

    [entry] = await guild_entries(simcord_env, guild)
    assert [p.slug for p in entry.people] == ["leike", "altman"]
    assert (entry.date, entry.precision) == (date(2024, 5, 18), "day")
    assert [s.url for s in entry.sources] == [
        "https://en.wikipedia.org/wiki/Superalignment_(OpenAI)"
    ]
