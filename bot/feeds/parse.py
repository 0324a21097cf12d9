"""A downloaded feed as plain items: stable ids, web links only, dates in UTC, summaries as short text.

feedparser reads RSS and Atom, forgiving the small mistakes real feeds make. What it cannot
read as a feed (a web page, malformed XML with nothing in it, an empty answer) is refused with
NotAFeed and a phrase for the feed's status line.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
from yarl import URL

from bot.feeds.limits import MAX_ITEM_ID, MAX_SUMMARY, MAX_TITLE
from bot.feeds.urls import web_link

ELLIPSIS = "…"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Tags that separate words when the markup is removed; inline ones (<b>, <a>) do not.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "  # noqa: SIM905
    "h6 header hr img li main nav ol p pre section table td th tr ul".split()
)
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class NotAFeed(ValueError):
    """The body is not an RSS or Atom feed; the message is a phrase for the status line."""


@dataclass(frozen=True)
class FeedItem:
    id: str  # guid / Atom id, else the link, else a hash of title and date; at most MAX_ITEM_ID
    title: str  # plain text, may be "" when the feed gives only a link
    link: str | None  # http or https only
    published: datetime | None  # UTC
    summary: str  # plain text, at most MAX_SUMMARY characters

    @property
    def published_date(self) -> date | None:
        """The calendar date a card shows (in UTC)."""
        return self.published.date() if self.published else None


@dataclass(frozen=True)
class ParsedFeed:
    title: str  # the outlet: the feed's own title, else its host name
    link: str | None  # the outlet's web site, when the feed names one
    items: tuple[FeedItem, ...]  # in the feed's order


def parse_feed(
    body: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedFeed:
    """The feed in `body` (as served from `url`), or NotAFeed saying what it is instead."""
    if not body.strip():
        raise NotAFeed("sent an empty answer instead of a feed")
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url  # the base for relative links
    # Always bytes: given a string that looks like a URL, feedparser would fetch it itself.
    parsed = feedparser.parse(bytes(body), response_headers=headers)
    items = tuple(item for entry in parsed.entries if (item := _item(entry)) is not None)
    if not items:  # a feed may be empty, but an empty "feed" may also be something else
        _refuse_if_not_a_feed(parsed, body, content_type)
    return ParsedFeed(
        title=_outlet(parsed.feed, url), link=web_link(parsed.feed.get("link")), items=items
    )


def plain_text(html: str) -> str:
    """The words of an HTML fragment: tags, scripts and entities resolved, whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return _tidy("".join(parser.parts))


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def _refuse_if_not_a_feed(parsed: Any, body: bytes, content_type: str | None) -> None:
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    is_html = (content_type or "").lower().startswith("text/html") or start.startswith(
        (b"<!doctype html", b"<html")
    )
    if not parsed.get("version") and is_html:
        raise NotAFeed("sent a web page, not an RSS or Atom feed")
    error = parsed.get("bozo_exception")
    if start.startswith(b"<") and hasattr(error, "getLineNumber"):  # an XML syntax error
        raise NotAFeed(f"sent malformed XML ({error.getMessage()} at line {error.getLineNumber()})")
    if not parsed.get("version"):
        raise NotAFeed("sent something that is not an RSS or Atom feed")


def _item(entry: Any) -> FeedItem | None:
    title = shorten(_text(entry, "title"), MAX_TITLE)
    link = web_link(entry.get("link"))
    summary = _text(entry, "summary")
    if not summary and entry.get("content"):
        summary = _detail_text(entry["content"][0])
    if not (title or link or summary):
        return None  # nothing a card could show
    published = _utc(entry.get("published_parsed") or entry.get("updated_parsed"))
    return FeedItem(
        id=_item_id(entry, link, title, published),
        title=title,
        link=link,
        published=published,
        summary=shorten(summary, MAX_SUMMARY),
    )


def _item_id(entry: Any, link: str | None, title: str, published: datetime | None) -> str:
    ident = _tidy(str(entry.get("id") or "")) or link
    if not ident:
        ident = "hash:" + _digest(f"{title}\n{published.isoformat() if published else ''}")
    return ident if len(ident) <= MAX_ITEM_ID else "hash:" + _digest(ident)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _outlet(feed: Any, url: str | None) -> str:
    title = shorten(_text(feed, "title"), MAX_TITLE)
    if title:
        return title
    host = (URL(url).host or "") if url else ""
    return host.removeprefix("www.") or "Untitled feed"


def _text(node: Any, key: str) -> str:
    """The plain text of `node[key]`, stripping markup only when the feed says it is HTML."""
    detail = node.get(f"{key}_detail")  # feedparser's `node[key]` alone may hide its type
    return _detail_text(detail) if detail else ""


def _detail_text(detail: Any) -> str:
    value = str(detail.get("value") or "")
    return plain_text(value) if detail.get("type") in _HTML_TYPES else _tidy(value)


def _utc(parsed: Any) -> datetime | None:
    """feedparser gives dates as UTC time tuples (or None when it could not read them)."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _tidy(text: str) -> str:
    """One line: control and format characters dropped (except the emoji joiner), spaces collapsed."""
    kept = "".join(
        ch
        for ch in text
        if ch == "\u200d" or unicodedata.category(ch) not in ("Cc", "Cf") or ch.isspace()
    )
    return " ".join(kept.split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)
