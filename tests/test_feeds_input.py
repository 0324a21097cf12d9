"""What moderators type for a feed: the address, the keywords, and the per-server cap."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.feeds.keywords import matches, parse_keywords
from bot.feeds.limits import MAX_FEEDS_PER_GUILD, MAX_KEYWORDS, MAX_URL_LENGTH
from bot.feeds.urls import (
    FeedInputError,
    check_feed_count,
    check_feed_url,
    check_redirect_url,
    web_link,
)


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("https://news.example.org/feed.xml", "https://news.example.org/feed.xml"),
        ("  http://news.example.org/rss?section=ai  ", "http://news.example.org/rss?section=ai"),
        ("HTTPS://News.Example.org/Feed", "https://news.example.org/Feed"),
        ("https://news.example.org/feed#latest", "https://news.example.org/feed"),
        ("https://bücher.example/feed", "https://xn--bcher-kva.example/feed"),
        ("https://[2001:db8::1]:8443/feed", "https://[2001:db8::1]:8443/feed"),
        (
            "https://news.example.org/feed?by=a@b.example",
            "https://news.example.org/feed?by=a@b.example",
        ),
    ],
)
def test_good_addresses_come_back_clean(typed, clean):
    assert check_feed_url(typed) == clean


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Give the address of the feed"),
        (
            "news.example.org/feed",
            "Start the address with https:// (for example https://news.example.org/feed)",
        ),
        (
            "ftp://news.example.org/feed",
            "must start with https:// or http:// (this one starts with ftp:)",
        ),
        ("javascript:alert(1)", "this one starts with javascript:"),
        ("file:///etc/passwd", "this one starts with file:"),
        ("https://user:secret@news.example.org/feed", "must not contain a user name or password"),
        ("https://user@news.example.org/feed", "must not contain a user name or password"),
        ("https://@news.example.org/feed", "must not contain a user name or password"),
        ("https:///feed", "has no server name"),
        ("https://news.example.org:99999/feed", "is not a valid web address"),
        ("https://news.example.org:0/feed", "is not a valid web address (port 0)"),
        ("https://news example.org/feed", "cannot contain spaces"),
        ("https://news.example.org/\x00", "cannot contain spaces or control characters"),
        ("https://-news.example.org/", "server name that is not valid: -news.example.org"),
        ("http://2130706433/feed", "server name that is not valid: 2130706433"),
        ("http://127.1/feed", "server name that is not valid: 127.1"),
        ("https://news.example.org/" + "a" * MAX_URL_LENGTH, f"at most {MAX_URL_LENGTH}"),
    ],
)
def test_bad_addresses_get_one_sentence_naming_the_problem(typed, says):
    with pytest.raises(FeedInputError) as error:
        check_feed_url(typed)
    message = str(error.value)
    assert says in message
    assert message.endswith(".") and message.count(". ") == 0


@given(st.text(max_size=80))
@example("http://[::1")
@example("https://" + "\u0660" * 3)
def test_any_text_is_either_a_clean_web_address_or_a_sentence(text):
    try:
        clean = check_feed_url(text)
    except FeedInputError as error:
        assert str(error).endswith(".")
    else:
        assert clean.startswith(("http://", "https://")) and "@" not in clean.split("/")[2]
        assert check_feed_url(clean) == clean


@pytest.mark.parametrize(
    ("location", "leads_to"),
    [
        ("/other.xml", "https://news.example.org/other.xml"),
        ("//mirror.example.org/feed", "https://mirror.example.org/feed"),
        ("http://news.example.org/plain", "http://news.example.org/plain"),
    ],
)
def test_redirects_are_resolved_against_the_current_address(location, leads_to):
    assert check_redirect_url("https://news.example.org/feed", location) == leads_to


@pytest.mark.parametrize(
    ("location", "says"),
    [
        ("ftp://news.example.org/feed", "redirected to an address that must start with https://"),
        ("https://u:p@news.example.org/", "redirected to an address that must not contain a user"),
        ("http://[::1/", "redirected to an address that is not a valid web address"),
        (
            "https://news.example.org/a b",
            "redirected to an address that is not a valid web address",
        ),
    ],
)
def test_redirects_to_unusable_addresses_are_refused(location, says):
    with pytest.raises(FeedInputError, match=r"^" + says):
        check_redirect_url("https://news.example.org/feed", location)


def test_only_web_links_without_credentials_are_kept_for_cards():
    assert web_link("https://news.example.org/a") == "https://news.example.org/a"
    assert web_link("javascript:alert(1)") is None
    assert web_link("mailto:desk@example.org") is None
    assert web_link("https://u:p@news.example.org/a") is None
    assert web_link("/relative/path") is None
    assert web_link(None) is None


def test_a_server_may_follow_up_to_the_cap_and_no_more():
    check_feed_count(MAX_FEEDS_PER_GUILD - 1)
    with pytest.raises(FeedInputError, match=f"already follows {MAX_FEEDS_PER_GUILD} feeds"):
        check_feed_count(MAX_FEEDS_PER_GUILD)


def test_keywords_are_split_on_commas_tidied_and_distinct():
    assert parse_keywords("  Sutskever,  Jan   Leike ,, sutskever, SUTSKÉVER ") == (
        "Sutskever",
        "Jan Leike",
    )
    assert parse_keywords(None) == ()
    assert parse_keywords(" , ") == ()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Leike, ???", "The keyword '???' has no letters or digits"),
        ("x" * 61, "is too long"),
        (",".join(f"word{i}" for i in range(MAX_KEYWORDS + 1)), f"at most {MAX_KEYWORDS}"),
    ],
)
def test_bad_keywords_are_refused_with_a_sentence(typed, says):
    with pytest.raises(FeedInputError) as error:
        parse_keywords(typed)
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("keywords", "text", "expected"),
    [
        ((), "anything at all", True),
        (("Sutskever",), "Ilya SUTSKEVER leaves OpenAI", True),
        (("demission",), "Jan Leike démissionne d'OpenAI: démission confirmée", True),
        (("Démission",), "demission confirmee", True),
        (("AI",), "Leike said he resigned", False),  # whole words, not letters inside words
        (("AI",), "AI safety researchers leave", True),
        (("Jan Leike",), "Leike, Jan: an interview", False),  # a phrase keeps its order
        (("Jan Leike",), "Jan  Leike explains", True),
        (("Altman", "Superalignment"), "The Superalignment team dissolves", True),
        (("Altman", "Superalignment"), "Corrections appear here", False),
    ],
)
def test_keywords_match_whole_words_without_case_or_accents(keywords, text, expected):
    assert matches(keywords, [text]) is expected


def test_a_keyword_may_match_the_title_or_the_summary_but_not_across_them():
    assert matches(("Leike",), ["A title", "Jan Leike resigned"])
    assert not matches(("Jan Leike",), ["About Jan", "Leike resigned"])


def test_the_feeds_package_needs_no_discord_store_or_cogs():
    """The store and cogs will use bot.feeds, never the other way round (checked in a fresh
    interpreter, since this test session has imported everything already)."""
    modules = ["urls", "keywords", "guard", "fetch", "parse", "schedule", "poller"]
    code = (
        "import sys\n"
        + "".join(f"import bot.feeds.{name}\n" for name in modules)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'discord'"
        " or m.startswith(('bot.store', 'bot.cogs', 'bot.ui', 'bot.app'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
