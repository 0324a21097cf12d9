"""The search normaliser: what a typed query becomes, with exact expectations."""

from __future__ import annotations

import random
import sqlite3

import pytest

from bot.models import HIGHLIGHT_END, HIGHLIGHT_START
from bot.search_terms import (
    MAX_TERMS,
    SNIPPET_WORDS,
    QueryError,
    SearchTerms,
    is_searchable,
    plain_words,
    search_terms,
    snippet,
)


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


# Snippets: the same stretches, with the same words marked, as FTS5's snippet() made before.


def fts5_snippets(
    story, queries: list[tuple[str, ...]]
) -> list[tuple[tuple[str, ...], tuple, str]]:
    """(words, columns, FTS5's snippet) for every shipped entry and quote holding any word."""
    conn = sqlite3.connect(":memory:")
    tokenizer = "tokenize = 'unicode61 remove_diacritics 2'"
    conn.execute(f"CREATE VIRTUAL TABLE e USING fts5 (headline, body, {tokenizer})")
    conn.execute(f"CREATE VIRTUAL TABLE q USING fts5 (text, {tokenizer})")
    conn.executemany("INSERT INTO e VALUES (?, ?)", [(e.headline, e.body) for e in story.entries])
    conn.executemany("INSERT INTO q VALUES (?)", [(q.text,) for q in story.quotes])
    marks = f"char({ord(HIGHLIGHT_START)}), char({ord(HIGHLIGHT_END)}), '…', {SNIPPET_WORDS}"
    found = []
    for words in queries:
        match = " OR ".join(f'"{w}"' for w in words)
        for sql in (
            f"SELECT headline, body, snippet(e, -1, {marks}) FROM e WHERE e MATCH ?",
            f"SELECT text, snippet(q, 0, {marks}) FROM q WHERE q MATCH ?",
        ):
            found += [(words, row[:-1], row[-1]) for row in conn.execute(sql, (match,))]
    conn.close()
    return found


def test_snippets_are_the_ones_fts5_made(story):
    texts = [f"{e.headline} {e.body}" for e in story.entries] + [q.text for q in story.quotes]
    vocabulary = sorted({w for t in texts for w in plain_words(t) if is_searchable(w)})
    pick = random.Random(12)
    queries = [(w,) for w in vocabulary]
    queries += [tuple(pick.sample(vocabulary, n)) for n in (2, 3, 5) for _ in range(60)]

    expected = fts5_snippets(story, queries)

    assert len(expected) > 1000
    for words, columns, made_by_fts5 in expected:
        assert snippet(columns, words) == made_by_fts5, (words, columns)


@pytest.mark.parametrize(
    ("columns", "words", "shown"),
    [
        (("",), ("safety",), ""),
        (("No match here.",), ("safety",), "No match here."),  # the start, nothing marked
        (("Safety first.",), ("safety",), "\x02Safety\x03 first."),
        (("Cafe\u0301 talk",), ("cafe",), "\x02Café\x03 talk"),  # a decomposed accent stays
        (("**Bold** [link](x)",), ("bold",), "**\x02Bold\x03** [link](x)"),  # escaped later
        (("Headline", "Body with safety"), ("safety",), "Body with \x02safety\x03"),
    ],
)
def test_snippet_marks_the_words_in_the_text_as_stored(columns, words, shown):
    assert snippet(columns, words) == shown
