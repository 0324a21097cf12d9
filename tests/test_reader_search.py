"""/search, and the search options of /timeline and /quote, as a member sees them: what was
typed is normalised before any read, refused with a sentence when it has nothing to look for,
stopped with a sentence when it runs past its time, and the reply says when the search budget
left older matches out."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import handled_errors

from bot import create_bot
from bot.pagers import QuoteState, SearchState, TimelineState
from bot.store import SearchBudget, SqliteStore

NOTHING_SPECIFIC = (
    "That search has only very common or one-letter words, which match almost everything: "
    "add a word that names what you are looking for."
)
NO_WORD = "Search for at least one word (letters or digits)."
STOPPED = "That search took too long and was stopped. Try fewer or more specific words."
NO_TIME = SearchBudget(seconds=0, check_every=1)  # every search statement is stopped at once

# The command, the option its words go in, and the other options it needs.
SEARCHES = {
    "search": ("query", {}),
    "timeline": ("search", {}),
    "quote": ("search", {"person": "leike"}),
}


@pytest.fixture
def search_budget() -> SearchBudget:
    return SearchBudget()


@pytest.fixture
async def simcord_bot(settings, story, search_budget):
    store = await SqliteStore.open(settings.database_path, story, search_budget=search_budget)
    yield create_bot(settings, store)
    await store.close()


async def add_update(store, guild, headline: str, body: str) -> int:
    added = await store.add_entry(
        guild.id,
        7,
        day=date(2024, 5, 20),
        precision="day",
        headline=headline,
        body=body,
        person_ids=[],
        source_url=None,
    )
    return added.entry.id


@pytest.mark.parametrize("search_budget", [NO_TIME])  # a read would be stopped: none happens
@pytest.mark.parametrize("command", SEARCHES)
@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("the", NOTHING_SPECIFIC),
        ("The of AND", NOTHING_SPECIFIC),
        ("x", NOTHING_SPECIFIC),
        (" ".join("abcdefghij"[i % 10] for i in range(19)), NOTHING_SPECIFIC),  # 19 one-letter
        ("a OR b OR c", NOTHING_SPECIFIC),
        ("***", NO_WORD),
        ('"" ()', NO_WORD),
    ],
)
async def test_a_search_with_nothing_to_look_for_is_answered_before_any_read(
    simcord_env, channel, member, command, typed, sentence
):
    option, others = SEARCHES[command]

    result = await member.slash(channel, command, **{option: typed}, **others)

    assert result.ephemeral
    assert result.response.content == sentence
    assert handled_errors(simcord_env) == ["QueryError"]


@pytest.mark.parametrize("search_budget", [NO_TIME])
@pytest.mark.parametrize("command", SEARCHES)
async def test_a_search_past_its_time_is_stopped_with_a_sentence(
    simcord_env, channel, member, command
):
    option, others = SEARCHES[command]

    result = await member.slash(channel, command, **{option: "the safety equity"}, **others)

    assert result.ephemeral
    assert result.response.content == STOPPED
    assert handled_errors(simcord_env) == ["SearchStopped"]
    # Only searches run on the clock: the same bot shows the timeline as always.
    timeline = await member.slash(channel, "timeline")
    assert not timeline.ephemeral and timeline.response.embeds


async def test_a_page_turn_past_its_time_is_stopped_and_the_page_stays(
    simcord_env, channel, member, settings
):
    result = await member.slash(channel, "search", query="equity")
    shown = result.response.embeds[0].description
    store = await SqliteStore.open(settings.database_path, search_budget=NO_TIME)
    try:
        await simcord_env.restart_bot(create_bot(settings, store))

        turned = await member.click(result.response, label="Next ›")

        assert turned.ephemeral and turned.response.content == STOPPED
        assert result.response.embeds[0].description == shown
    finally:
        await store.close()


@pytest.mark.parametrize("search_budget", [SearchBudget(candidates=3)])
async def test_the_replies_say_when_the_budget_left_older_matches_out(
    simcord_env, guild, channel, member, search_budget
):
    store = simcord_env.bot.store
    for n in range(5):
        await add_update(store, guild, f"Quokka sighting number {n}", "A quokka was seen.")

    searched = (await member.slash(channel, "search", query="quokka")).response.embeds[0]
    timeline = (await member.slash(channel, "timeline", search="quokka")).response.embeds[0]

    assert searched.footer.text == "The best of the most recent 3 matches · page 1 of 1"
    shown = searched.description
    assert all(f"number {n}" in shown for n in (2, 3, 4))
    assert not any(f"number {n}" in shown for n in (0, 1))
    assert timeline.title == "Timeline · 3+ entries"
    assert timeline.description.startswith(
        "Showing mentioning “quokka”, among the most recently added matches, oldest first."
    )


async def test_within_the_budget_the_replies_count_every_match(simcord_env, guild, channel, member):
    store = simcord_env.bot.store
    for n in range(5):
        await add_update(store, guild, f"Quokka sighting number {n}", "A quokka was seen.")

    searched = (await member.slash(channel, "search", query="quokka")).response.embeds[0]
    timeline = (await member.slash(channel, "timeline", search="quokka")).response.embeds[0]

    assert searched.footer.text == "5 matches · page 1 of 1 · best first"
    assert timeline.title == "Timeline · 5 entries"
    assert timeline.description.startswith("Showing mentioning “quokka”, oldest first.")


async def test_words_past_the_fifth_are_said_to_be_left_out(simcord_env, guild, channel, member):
    await add_update(simcord_env.bot.store, guild, "Counting", "one1 two2 three3 four4 five5")

    result = await member.slash(channel, "search", query="one1 two2 three3 four4 five5 six6")

    embed = result.response.embeds[0]
    assert embed.title == "Search: one1 two2 three3 four4 five5"
    assert embed.footer.text == (
        "1 match · page 1 of 1 · best first · only the first 5 words were searched for"
    )


async def test_each_word_found_is_bold_in_a_snippet_cut_around_it(
    simcord_env, guild, channel, member
):
    before = " ".join(f"early{n}" for n in range(40))
    after = " ".join(f"late{n}" for n in range(40))
    body = f"{before}. The Quokka met a numbat by the river. {after}"
    await add_update(simcord_env.bot.store, guild, "A meeting", body)

    result = await member.slash(channel, "search", query="numbat quokka")

    [block] = result.response.embeds[0].description.split("\n\n")
    snippet = block.splitlines()[1]
    assert snippet.startswith("…The **Quokka** met a **numbat** by the river.")  # a sentence
    assert snippet.endswith("…")
    assert snippet.count("**") == 4  # only the words searched for


@pytest.mark.parametrize(
    ("state", "encoded"),
    [(SearchState, "the"), (TimelineState, "|||the"), (QuoteState, "1|a b c")],
)
def test_a_button_whose_search_has_nothing_to_look_for_is_out_of_date(state, encoded):
    # No command makes such a button: a crafted or old one is a ValueError, which the page
    # buttons answer as out of date.
    with pytest.raises(ValueError, match="very common or one-letter"):
        state.decode(encoded)
