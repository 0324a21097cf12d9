"""What a member typed into a search, as the few plain words every backend matches.

One set of rules for SQLite and PostgreSQL, so a query costs the same bounded work on both:
words are compared without case or accents, duplicates count once, very common and one-letter
words are left out (they match nearly everything and rank nothing), and at most MAX_TERMS
words are searched for. Search syntax (quotes, `*`, `OR`, `NEAR`, column filters) is only text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.models import HIGHLIGHT_END, HIGHLIGHT_START

MAX_TERMS = 5
MIN_WORD_LENGTH = 2
# English function words: they appear in almost every entry, so searching for them costs a
# scan of the whole index and tells the ranking nothing.
_STOP_WORDS_TEXT = """a about after all also an and any are as at be been before but by can could did do
    does for from had has have he her him his how i if in into is it its just me more my no
    nor not of on or our out over she so some than that the their them then there these they
    this those to too up us was we were what when where which while who whom why will with
    would you your"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W_]+")  # letters and digits: `_` separates words, as in the index


class QueryError(ValueError):
    """The query has nothing worth searching for; the message says why, for the member."""


@dataclass(frozen=True)
class SearchTerms:
    words: tuple[str, ...]  # normalised, distinct, in the order typed; at most MAX_TERMS
    left_out: tuple[str, ...] = ()  # words not searched for because of MAX_TERMS

    @property
    def text(self) -> str:
        return " ".join(self.words)


def plain_words(text: str) -> list[str]:
    """The words of `text` without case or accents, in order, duplicates kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain.casefold())


def is_searchable(word: str) -> bool:
    """Whether a plain word is searched for (and so indexed): not one letter, not a stop word."""
    return len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS


def search_terms(text: str) -> SearchTerms:
    """The words to search for, or QueryError when none is specific enough."""
    distinct = list(dict.fromkeys(plain_words(text)))
    useful = [w for w in distinct if is_searchable(w)]
    if not useful:
        if distinct:
            raise QueryError(
                "That search has only very common or one-letter words, which match almost "
                "everything: add a word that names what you are looking for."
            )
        raise QueryError("Search for at least one word (letters or digits).")
    return SearchTerms(tuple(useful[:MAX_TERMS]), tuple(useful[MAX_TERMS:]))


# Snippets: the stretch of text shown under a search hit, with the searched-for words marked.
# The rules are those of SQLite FTS5's snippet(), which the bot used before, so members see
# the same stretches: windows of SNIPPET_WORDS words, 1,000 points for each word searched for
# and 1 for each repeat, centred on the words found, or starting a sentence (100 points more;
# 120 at the very start), first column first on a tie.
SNIPPET_WORDS = 24
ELLIPSIS = "…"
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Column:
    text: str
    tokens: list[re.Match[str]]
    hits: list[tuple[int, str]]  # (token number, the word searched for) in text order
    sentences: list[int]  # token numbers that start a sentence


def _column(text: str, wanted: frozenset[str]) -> _Column:
    text = unicodedata.normalize("NFC", text)  # accents composed, so they stay inside words
    tokens = list(_TOKEN.finditer(text))
    hits = []
    for n, token in enumerate(tokens):
        found = [w for w in plain_words(token[0]) if w in wanted]
        if found:
            hits.append((n, found[0]))
    sentences = [
        n
        for n, token in enumerate(tokens)
        if n == 0 or _ends_sentence(text[tokens[n - 1].end() : token.start()])
    ]
    return _Column(text, tokens, hits, sentences)


def _ends_sentence(gap: str) -> bool:
    """FTS5's test: the text between two words is a full stop or colon, then blank space."""
    stripped = gap.rstrip(" \t\n\r")
    return stripped != gap and stripped.endswith((".", ":"))


def _score(column: _Column, start: int) -> tuple[int, int]:
    """Points of the window starting at token `start`, and where it starts once centred."""
    seen: set[str] = set()
    points, first, last = 0, -1, 0
    for n, word in column.hits:
        if start <= n < start + SNIPPET_WORDS:
            points += 1 if word in seen else 1000
            seen.add(word)
            first = n if first < 0 else first
            last = n + 1
    centred = first - (SNIPPET_WORDS - (last - first)) // 2
    centred = min(centred, len(column.tokens) - SNIPPET_WORDS)
    return points, max(0, centred)


def snippet(columns: Sequence[str], words: Iterable[str]) -> str:
    """The best stretch of `columns` (an entry's headline and body, or a quote) for `words`,
    with each word found between HIGHLIGHT_START and HIGHLIGHT_END and "…" where it is cut."""
    wanted = frozenset(words)
    parsed = [_column(text, wanted) for text in columns]
    best, best_column, best_start = 0, 0, 0
    for c, column in enumerate(parsed):
        for n, _ in column.hits:
            points, start = _score(column, n)
            if points > best:
                best, best_column, best_start = points, c, start
            if len(column.tokens) > SNIPPET_WORDS:
                sentence = max(s for s in column.sentences if s <= n)
                if sentence < n:
                    points = _score(column, sentence)[0] + (120 if sentence == 0 else 100)
                    if points > best:
                        best, best_column, best_start = points, c, sentence
    return _marked(parsed[best_column], best_start) if parsed else ""


def _marked(column: _Column, start: int) -> str:
    tokens, text = column.tokens, column.text
    if not tokens:
        return text
    end = start + SNIPPET_WORDS - 1  # the last token shown
    hit_tokens = {n for n, _ in column.hits}
    parts = [ELLIPSIS] if start > 0 else []
    offset = tokens[start].start() if start > 0 else 0
    for n in range(start, min(end, len(tokens) - 1) + 1):
        if n in hit_tokens:
            token = tokens[n]
            parts += [text[offset : token.start()], HIGHLIGHT_START, token[0], HIGHLIGHT_END]
            offset = token.end()
    if end >= len(tokens) - 1:
        parts.append(text[offset:])
    else:
        parts += [text[offset : tokens[end].end()], ELLIPSIS]
    return "".join(parts)
