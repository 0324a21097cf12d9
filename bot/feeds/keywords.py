"""Keywords that pick which feed items go to review: typed once, matched as whole words.

A keyword is one or more words ("Sutskever", "Jan Leike"); an item matches when any keyword's
words appear together, in order, in its title or summary, compared without case or accents.
No keywords means every item matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.feeds.limits import MAX_KEYWORD_LENGTH, MAX_KEYWORDS
from bot.feeds.urls import FeedInputError
from bot.search_terms import plain_words


def parse_keywords(text: str | None) -> tuple[str, ...]:
    """The comma-separated keywords in `text`, tidied and distinct; () for none."""
    if text is None:
        return ()
    keywords: list[str] = []
    for part in text.split(","):
        keyword = " ".join(part.split())
        if not keyword:
            continue
        if len(keyword) > MAX_KEYWORD_LENGTH:
            raise FeedInputError(
                f"The keyword {keyword[:30]!r}… is too long: keep each keyword under "
                f"{MAX_KEYWORD_LENGTH} characters."
            )
        if not plain_words(keyword):
            raise FeedInputError(
                f"The keyword {keyword!r} has no letters or digits to match: separate keywords "
                "with commas, like `Sutskever, Jan Leike`."
            )
        if plain_words(keyword) not in (plain_words(k) for k in keywords):
            keywords.append(keyword)
    if len(keywords) > MAX_KEYWORDS:
        raise FeedInputError(
            f"That is {len(keywords)} keywords; a feed can have at most {MAX_KEYWORDS}."
        )
    return tuple(keywords)


def matches(keywords: Sequence[str], texts: Iterable[str]) -> bool:
    """Whether any keyword's words occur together in one of `texts`; True without keywords."""
    if not keywords:
        return True
    word_lists = [plain_words(text) for text in texts]
    return any(
        _contains(words, plain_words(keyword)) for keyword in keywords for words in word_lists
    )


def _contains(words: list[str], run: list[str]) -> bool:
    size = len(run)
    return size > 0 and any(words[i : i + size] == run for i in range(len(words) - size + 1))
