"""What a member typed into a search, as the few plain words every backend matches.

One set of rules for SQLite and PostgreSQL, so a query costs the same bounded work on both:
words are compared without case or accents, duplicates count once, very common and one-letter
words are left out (they match nearly everything and rank nothing), and at most MAX_TERMS
words are searched for. Search syntax (quotes, `*`, `OR`, `NEAR`, column filters) is only text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


def search_terms(text: str) -> SearchTerms:
    """The words to search for, or QueryError when none is specific enough."""
    distinct = list(dict.fromkeys(plain_words(text)))
    useful = [w for w in distinct if len(w) >= MIN_WORD_LENGTH and w not in STOP_WORDS]
    if not useful:
        if distinct:
            raise QueryError(
                "That search has only very common or one-letter words, which match almost "
                "everything: add a word that names what you are looking for."
            )
        raise QueryError("Search for at least one word (letters or digits).")
    return SearchTerms(tuple(useful[:MAX_TERMS]), tuple(useful[MAX_TERMS:]))
