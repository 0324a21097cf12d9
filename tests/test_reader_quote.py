"""/quote and person autocomplete: name matching, the reply, its buttons, suggestions for typos."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from helpers import handled_errors

from bot.config import Settings
from bot.search_terms import plain_words
from bot.ui import limits
from bot.ui.pager import NOT_YOURS


def quotes_of(story, slug: str) -> list:
    """A person's shipped quotes in the order /quote steps through them (date, then file order)."""
    return sorted((q for q in story.quotes if q.person == slug), key=lambda q: q.date)


def report_id(story, quote) -> int:
    """A shipped quote's id: the story is seeded in file order into a fresh database."""
    return story.quotes.index(quote) + 1


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def quoted_text(embed) -> str:
    """The block-quoted text of a /quote reply, as the reader sees it."""
    block, _, _ = embed.description.partition("\n\n— ")
    assert all(line.startswith(">") for line in block.splitlines())
    return unescaped(
        "\n".join(line.removeprefix(">").removeprefix(" ") for line in block.splitlines())
    )


def buttons(message) -> dict[str, dict]:
    return {b["label"]: b for row in message.components for b in row["components"]}


@pytest.mark.parametrize("typed", ["leike", "Jan Leike", "jan", "LEIKE", "Léïke", "  jan   leike "])
async def test_quote_finds_a_person_by_any_form_of_their_name(channel, member, story, typed):
    result = await member.slash(channel, "quote", person=typed)

    assert not result.deferred and not result.ephemeral
    embed = result.response.embeds[0]
    mine = quotes_of(story, "leike")
    assert quoted_text(embed) == mine[0].text
    assert embed.footer.text.startswith(f"Quote 1 of {len(mine)}")


async def test_quote_reply_shows_speaker_date_context_and_source(channel, member, story):
    result = await member.slash(channel, "quote", person="altman")

    embed = result.response.embeds[0]
    first = quotes_of(story, "altman")[0]
    source = next(s for s in story.sources if s.key == first.source)
    assert quoted_text(embed) == first.text
    assert embed.description.endswith("\n\n— **Sam Altman**")
    assert embed.author.name.startswith("Sam Altman · ")
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Date"] == f"{first.date.day} {first.date:%B %Y}"
    assert fields["Context"] == first.context
    assert fields["Source"] == f"[{source.name}]({source.url})"
    assert "<t:" not in str(embed.to_dict())


async def test_an_outlet_is_quoted_as_reporting_with_a_sourcing_footnote(channel, member, story):
    result = await member.slash(channel, "quote", person="techcrunch")

    embed = result.response.embeds[0]
    report = quotes_of(story, "techcrunch")[0]
    assert quoted_text(embed) == report.text
    # TechCrunch is a publication, not a person speaking.
    assert embed.description.endswith("\n\n— **TechCrunch** (reporting)")
    assert {f.name: f.value for f in embed.fields}["Context"] == report.context
    assert embed.footer.text.endswith(
        f" · verbatim · #{report_id(story, report)}\nSourcing: {report.provenance}"
    )


async def test_next_and_previous_walk_every_quote_in_order(channel, member, story):
    mine = quotes_of(story, "leike")
    result = await member.slash(channel, "quote", person="leike")
    assert set(buttons(result.response)) == {
        "‹ Previous",
        f"Quote 1/{len(mine)}",
        "Next ›",
        "Random",
    }
    assert buttons(result.response)["‹ Previous"]["disabled"]

    seen = [quoted_text(result.response.embeds[0])]
    for n in range(2, len(mine) + 1):
        await member.click(result.response, label="Next ›")
        assert result.response.embeds[0].footer.text.startswith(f"Quote {n} of {len(mine)}")
        seen.append(quoted_text(result.response.embeds[0]))
    assert seen == [q.text for q in mine]
    assert buttons(result.response)["Next ›"]["disabled"]

    await member.click(result.response, label="‹ Previous")
    assert quoted_text(result.response.embeds[0]) == mine[-2].text


async def test_random_shows_another_quote(channel, member, story):
    mine = [q.text for q in quotes_of(story, "leike")]
    result = await member.slash(channel, "quote", person="leike")

    for _ in range(5):
        before = quoted_text(result.response.embeds[0])
        await member.click(result.response, label="Random")
        after = quoted_text(result.response.embeds[0])
        assert after != before and after in mine


async def test_only_the_invoker_steps_through_quotes_even_after_a_restart(
    simcord_env, channel, member, other_member, make_bot, story
):
    mine = quotes_of(story, "kokotajlo")
    result = await member.slash(channel, "quote", person="kokotajlo")

    refused = await other_member.click(result.response, label="Next ›")
    assert refused.ephemeral and refused.response.content == NOT_YOURS
    assert quoted_text(result.response.embeds[0]) == mine[0].text

    await simcord_env.restart_bot(await make_bot())
    refused = await other_member.click(result.response, label="Random")
    assert refused.response.content == NOT_YOURS
    await member.click(result.response, label="Next ›")
    assert quoted_text(result.response.embeds[0]) == mine[1].text
    assert buttons(result.response)["Next ›"]["disabled"]


async def test_search_narrows_the_quotes(channel, member, story):
    word = "bandwidth"
    matching = [q for q in quotes_of(story, "leike") if word in q.text.lower()]
    assert len(matching) == 1

    result = await member.slash(channel, "quote", person="leike", search=word)

    embed = result.response.embeds[0]
    assert quoted_text(embed) == matching[0].text
    assert embed.footer.text.startswith(f"Quote 1 of 1 matching “{word}”")
    assert result.response.components == []  # one quote: nothing to step through


async def test_the_footer_names_the_words_searched_for(channel, member, story):
    # Footers do not render Markdown: the words alone, no escapes, no stray `*`.
    matching = [q for q in quotes_of(story, "piper") if "won" in plain_words(q.text)]
    assert matching

    result = await member.slash(channel, "quote", person="piper", search="*won’t*")

    embed = result.response.embeds[0]
    assert quoted_text(embed) == matching[0].text
    assert embed.footer.text.startswith(f"Quote 1 of {len(matching)} matching “won” · verbatim")


async def test_search_without_a_match_is_a_private_note(simcord_env, channel, member):
    result = await member.slash(channel, "quote", person="leike", search="zebra")

    assert result.ephemeral
    assert result.response.content == (
        "No quotes from Jan Leike matching “zebra” yet. `/people` shows who has some."
    )
    assert handled_errors(simcord_env) == ["UserError"]


async def test_person_without_quotes_gets_a_private_note(simcord_env, channel, member, story):
    assert not quotes_of(story, "sutskever")
    result = await member.slash(channel, "quote", person="Ilya")

    assert result.ephemeral
    assert (
        result.response.content
        == "No quotes from Ilya Sutskever yet. `/people` shows who has some."
    )
    assert handled_errors(simcord_env) == ["UserError"]


@pytest.mark.parametrize(
    "typed, reply",
    [
        ("   ", "Type a name: full, first or last. See `/people` for everyone in the story."),
        ("Lieke", "No one called “Lieke”. Did you mean Jan Leike (`leike`)?"),
        # The closest name first.
        ("altmann", "No one called “altmann”. Did you mean Sam Altman (`altman`)"),
        ("Zebediah", "No one called “Zebediah”. See `/people` for everyone in the story."),
    ],
)
async def test_unknown_name_gets_suggestions(simcord_env, channel, member, typed, reply):
    result = await member.slash(channel, "quote", person=typed)

    assert result.ephemeral and not result.deferred
    assert result.response.content.startswith(reply)
    assert handled_errors(simcord_env) == ["UserError"]


async def test_a_long_quote_of_many_lines_stays_within_the_description(
    simcord_env, guild, channel, member
):
    store = simcord_env.bot.store
    leike = next(p for p in store.people if p.slug == "leike")
    await store.add_quote(
        guild.id,
        member.id,
        person_id=leike.id,
        text="*\n" * 2000,
        day=date(2024, 5, 1),  # before the shipped ones, so it comes first
        context="a test",
        source_url=None,
    )
    result = await member.slash(channel, "quote", person="leike")

    [embed] = result.response.embeds
    assert len(embed.description) <= limits.EMBED_DESCRIPTION
    assert embed.description.startswith("> \\*\n> \\*\n")
    assert "…" in embed.description


# Autocomplete: the same matching for /quote and /timeline.


@pytest.mark.parametrize(
    "typed, first",
    [
        ("lei", "leike"),
        ("Jan", "leike"),
        ("altm", "altman"),
        ("Léïke", "leike"),
        ("SAMA", "altman"),
    ],
)
@pytest.mark.parametrize("command", ["quote", "timeline"])
async def test_autocomplete_offers_the_person(channel, member, command, typed, first):
    choices = await member.autocomplete(channel, command, "person", typed)

    assert choices[0]["value"] == first
    assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
    assert all(len(c["name"]) <= limits.CHOICE_NAME for c in choices)


async def test_autocomplete_with_nothing_typed_lists_everyone(channel, member, story):
    choices = await member.autocomplete(channel, "quote", "person", "")

    by_name = sorted(story.people, key=lambda p: p.name)
    assert [c["value"] for c in choices] == [p.slug for p in by_name]
    assert choices[0]["name"] == f"{by_name[0].name} · {by_name[0].role}"


async def test_autocomplete_for_nobody_offers_nothing(channel, member):
    assert await member.autocomplete(channel, "quote", "person", "zzzz") == []


async def test_an_autocompleted_value_is_accepted(channel, member):
    [choice] = await member.autocomplete(channel, "quote", "person", "altm")
    result = await member.slash(channel, "quote", person=choice["value"])
    assert result.response.embeds[0].description.endswith("— **Sam Altman**")


class TestManyPeople:
    """A story with more people than Discord allows choices."""

    @pytest.fixture
    def settings(self, tmp_path):
        raw = json.loads(Settings().story_path.read_text(encoding="utf-8"))
        raw["people"] += [
            {"slug": f"extra-{n}", "name": f"Jane Extra{n}", "role": "Test person", "aliases": []}
            for n in range(30)
        ]
        path = tmp_path / "story.json"
        path.write_text(json.dumps(raw), encoding="utf-8")
        return Settings(database_path=tmp_path / "bot.db", story_path=path)

    async def test_autocomplete_offers_at_most_25(self, channel, member):
        for typed in ("", "jane", "extra"):
            choices = await member.autocomplete(channel, "quote", "person", typed)
            assert len(choices) == limits.AUTOCOMPLETE_CHOICES

        narrowed = await member.autocomplete(channel, "timeline", "person", "extra2")
        assert [c["value"] for c in narrowed] == [f"extra-{n}" for n in (2, *range(20, 30))]
