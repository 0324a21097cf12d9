"""Realistic RSS 2.0 and Atom files as plain items, and what is refused as not a feed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from feed_server import DATA as FEEDS
from hypothesis import example, given
from hypothesis import strategies as st

from bot.feeds.limits import MAX_SUMMARY
from bot.feeds.parse import ELLIPSIS, NotAFeed, parse_feed, plain_text, shorten

RSS_URL = "https://news.example.org/feed.xml"
ATOM_URL = "https://ledger.example.net/atom.xml"


@pytest.fixture
def rss():
    return parse_feed(
        (FEEDS / "story.rss").read_bytes(), content_type="application/rss+xml", url=RSS_URL
    )


@pytest.fixture
def atom():
    return parse_feed(
        (FEEDS / "story.atom").read_bytes(), content_type="application/atom+xml", url=ATOM_URL
    )


def test_rss_gives_the_outlet_and_every_item_in_feed_order(rss):
    assert rss.title == "The Test Desk"
    assert rss.link == "https://news.example.org/"
    assert [item.title for item in rss.items] == [
        "Sam Altman responds on exit paperwork and vested equity",
        "OpenAI’s Superalignment team dissolves",
        "Jan Leike explains why he resigned",
        "Ilya Sutskever leaves OpenAI; Jakub Pachocki is the new Chief Scientist",
        "Site notice: comments are moving",
        "Corrections",
        "Sam Altman responds on exit paperwork and vested equity",  # the feed repeats it
    ]


def test_item_ids_are_the_guid_else_the_link_else_a_stable_hash(rss):
    ids = [item.id for item in rss.items]

    assert ids[0] == ids[6] == "test-desk-1004"
    assert ids[1] == "https://news.example.org/2024/05/17/superalignment"  # permalink guid
    assert ids[3] == "https://news.example.org/2024/05/14/sutskever"  # no guid: the link
    assert ids[5].startswith("hash:") and len(ids[5]) == len("hash:") + 32
    again = parse_feed((FEEDS / "story.rss").read_bytes(), url=RSS_URL)
    assert again.items[5].id == ids[5]


def test_only_web_links_are_kept(rss):
    notice = rss.items[4]
    assert notice.title == "Site notice: comments are moving"
    assert notice.link is None  # the feed said javascript:alert(1)
    assert rss.items[5].link is None  # no link at all


def test_dates_are_read_with_their_zone_and_given_in_utc(rss, atom):
    superalignment = rss.items[1]  # Fri, 17 May 2024 16:00:00 -0700
    assert superalignment.published == datetime(2024, 5, 17, 23, 0, tzinfo=UTC)
    altman = atom.items[0]  # published 2024-05-18T01:30:00+02:00
    assert altman.published == datetime(2024, 5, 17, 23, 30, tzinfo=UTC)
    assert altman.published_date == date(2024, 5, 17)


def test_summaries_are_plain_text_without_markup_entities_or_scripts(rss):
    altman, superalignment = rss.items[0], rss.items[1]

    assert altman.summary == "Altman wrote: “vested equity is vested equity, full stop.”"
    assert superalignment.summary == (
        "The team that worked on aligning future systems no longer exists as a separate group."
    )
    assert all("<" not in item.summary and "&" not in item.summary for item in rss.items[:6])


def test_long_summaries_are_shortened_at_a_word(rss):
    leike = rss.items[2].summary

    assert len(leike) <= MAX_SUMMARY and leike.endswith(ELLIPSIS)
    assert leike.startswith(
        "In a thread on Friday, Jan Leike described long-running disagreements with OpenAI "
        "leadership about the company’s core priorities. But over the past years, safety "
        "culture and processes have taken a backseat to shiny products."
    )
    last_word = leike.removesuffix(ELLIPSIS).rsplit(" ", 1)[-1]
    assert last_word in [
        "He",
        "said",
        "his",
        "team",
        "had",
        "been",
        "“sailing",
        "against",
        "the",
        "wind”",
        "for",
        "months",
        "and",
        "that",
    ]


def test_atom_gives_the_outlet_and_plain_titles_summaries_and_content(atom):
    assert atom.title == "Example Ledger & Review"
    assert atom.link == "https://ledger.example.net/"
    altman, leike, departures = atom.items
    assert altman.title == "Altman on equity: “this is on me”"
    assert altman.summary.startswith("Sam Altman said a provision about potential equity")
    assert leike.title == "Jan Leike démissionne d'OpenAI"
    assert leike.summary == "Démission confirmée. L'équipe Superalignment est dissoute."
    assert departures.id == "https://ledger.example.net/2024/05/15/departures"  # no <id>


def test_relative_links_are_resolved_against_the_feed_address(atom):
    assert atom.items[0].link == "https://ledger.example.net/2024/05/18/altman"


def test_a_feed_without_a_title_is_named_after_its_host():
    body = b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>One</title></item></channel></rss>"
    assert parse_feed(body, url="https://www.example.org/rss").title == "example.org"
    assert parse_feed(body).title == "Untitled feed"


def test_an_empty_feed_is_still_a_feed():
    body = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    assert parse_feed(body).items == ()


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "application/xml", "sent an empty answer instead of a feed"),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "text/html", "sent a web page"),
        (b"\xef\xbb\xbf  <html><head><title>Home</title></head></html>", None, "sent a web page"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel><<>>", None, "sent malformed XML ("),
        (b'{"items": []}', "application/json", "sent something that is not an RSS or Atom feed"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", None, "sent something that is not"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(body, content_type, reason):
    with pytest.raises(NotAFeed) as error:
        parse_feed(body, content_type=content_type)
    assert str(error.value).startswith(reason)


def test_a_feed_that_breaks_off_keeps_the_items_read_before():
    body = (FEEDS / "story.rss").read_bytes()
    cut = body[: body.index(b"<title>Ilya Sutskever")]

    items = parse_feed(cut, url=RSS_URL).items

    assert [item.id for item in items][:3] == [
        "test-desk-1004",
        "https://news.example.org/2024/05/17/superalignment",
        "test-desk-1002",
    ]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One Two"),
        ("AT&amp;T &lt;b&gt; &#8217;s&nbsp;x", "AT&T <b> ’s x"),
        ("<b>bold</b>face and <a href='x'>link</a>ed", "boldface and linked"),
        ("before<script>alert('x')</script><style>p{}</style>after", "beforeafter"),
        ("line\n\n  break\tand\u200b zero\u202ewidth", "line break and zerowidth"),
        ("<img src=x onerror=alert(1)>caption<br/>next", "caption next"),
    ],
)
def test_plain_text_drops_markup_and_tidies_space(html, text):
    assert plain_text(html) == text


@given(st.text(max_size=400), st.integers(min_value=10, max_value=300))
@example("word " * 100, 300)
@example("x" * 400, 20)
def test_shorten_never_exceeds_the_limit(text, limit):
    short = shorten(text, limit)
    assert len(short) <= limit
    assert short == text or short.endswith(ELLIPSIS)
