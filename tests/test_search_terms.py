"""The search normaliser: what a typed query becomes, with exact expectations."""

from __future__ import annotations

import pytest

from bot.search_terms import MAX_TERMS, QueryError, SearchTerms, plain_words, search_terms


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("safety", ("safety",)),
        ("Safety SAFETY safety", ("safety",)),  # duplicates count once, any case
        ("Léïke", ("leike",)),  # accents do not matter
        ("the superalignment team", ("superalignment", "team")),  # stop words left out
        ("compute 20%", ("compute", "20")),  # digits are words
        ("x safety", ("safety",)),  # one-letter words left out
        ('"safety culture"', ("safety", "culture")),  # quotes are text, not phrases
        ("safe*", ("safe",)),  # no prefix search
        ("safety OR culture OR compute", ("safety", "culture", "compute")),  # OR is a word
        ("headline:leike NEAR(a b)", ("headline", "leike", "near")),  # no column filters
        ("snake_case", ("snake", "case")),  # `_` splits words, as the index does
        ("ａｌｉｇｎｍｅｎｔ", ("alignment",)),  # full-width letters fold to plain ones
    ],
)
def test_words_searched_for(typed, words):
    assert search_terms(typed).words == words


def test_at_most_max_terms_are_searched_and_the_rest_are_named():
    terms = search_terms("one1 two2 three3 four4 five5 six6 seven7")
    assert MAX_TERMS == 5
    assert terms == SearchTerms(("one1", "two2", "three3", "four4", "five5"), ("six6", "seven7"))
    assert terms.text == "one1 two2 three3 four4 five5"


def test_a_repeated_word_is_one_term_not_a_long_query():
    assert search_terms(" ".join(["alignment"] * 20)) == SearchTerms(("alignment",))


@pytest.mark.parametrize(
    "typed",
    [
        "the",
        "the of and",
        " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(60)),  # 60 one-letter words
        "a OR b OR c OR d",
        "THE The the",
    ],
)
def test_only_common_or_one_letter_words_is_refused_with_a_sentence(typed):
    with pytest.raises(QueryError, match="only very common or one-letter words"):
        search_terms(typed)


@pytest.mark.parametrize("typed", ["", "   ", "***", '"" ()', "\u0301\u0301", "___"])
def test_no_word_at_all_is_refused_with_its_own_sentence(typed):
    with pytest.raises(QueryError, match="at least one word"):
        search_terms(typed)


def test_plain_words_keeps_order_and_duplicates():
    assert plain_words("Jan LEIKE, jan Leike!") == ["jan", "leike", "jan", "leike"]


def test_the_refusals_read_as_sentences():
    with pytest.raises(QueryError) as refused:
        search_terms("the a")
    assert str(refused.value) == (
        "That search has only very common or one-letter words, which match almost "
        "everything: add a word that names what you are looking for."
    )
    with pytest.raises(QueryError) as refused:
        search_terms("?!")
    assert str(refused.value) == "Search for at least one word (letters or digits)."
