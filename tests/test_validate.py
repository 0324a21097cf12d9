"""What moderators type, checked before anything is stored: the exact answer for each problem.
(tests/test_moderation_problems.py checks that a moderator sees these answers.)"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from bot import validate
from bot.errors import UserError
from bot.models import HEADLINE_MAX, PEOPLE_MAX, SOURCE_URL_MAX, TEXT_MAX, Person
from bot.validate import (
    UpdateDraft,
    clean_date,
    clean_people,
    clean_source,
    clean_text,
    date_option,
    headline_from,
    today,
    update_draft,
)

LEIKE = Person(1, "leike", "Jan Leike", "r")
ALTMAN = Person(2, "altman", "Sam Altman", "r")
SUTSKEVER = Person(3, "sutskever", "Ilya Sutskever", "r")
PEOPLE = [LEIKE, ALTMAN, SUTSKEVER]


def utc_today() -> date:
    return datetime.now(UTC).date()


def refusal(check, *args, **kwargs) -> str:
    with pytest.raises(UserError) as refused:
        check(*args, **kwargs)
    return str(refused.value)


# Text


def test_text_is_trimmed_and_kept_as_written():
    assert clean_text("  Leike resigned.\n\tHe said so.  \n", "text", 100) == (
        "Leike resigned.\n\tHe said so."
    )
    assert clean_text("Ünïcode — fine", "text", 100) == "Ünïcode — fine"


def test_text_up_to_the_limit_is_accepted_one_more_is_refused_with_both_lengths():
    assert clean_text("x" * 10, "text", 10) == "x" * 10
    assert clean_text("  " + "x" * 10 + "  ", "text", 10) == "x" * 10  # counted after trimming
    assert refusal(clean_text, "x" * 11, "text", 10) == "`text` is 11 characters; the limit is 10."
    assert refusal(clean_text, "x" * 1501, "body", TEXT_MAX) == (
        "`body` is 1,501 characters; the limit is 1,500."
    )


@pytest.mark.parametrize(
    "value",
    ["a\x00b", "a\x07", "\x1bx", "a\rb", "x\x7f", "x\ud800", "x\u0085"],
)
def test_control_characters_are_refused(value):
    assert refusal(clean_text, value, "text", 100) == (
        "`text` contains control characters; remove them and try again."
    )


def test_one_line_text_with_a_line_break_says_so():
    for broken in ("Two\nlines", "Two\r\nlines", "a\u2028b", "a\u2029b", "a\x85b"):
        assert refusal(clean_text, broken, "headline", 100, multiline=False) == (
            "`headline` must be one line."
        )
    assert clean_text(" One line ", "headline", 100, multiline=False) == "One line"


def test_line_breaks_and_tabs_are_text_where_several_lines_are_allowed():
    assert clean_text("a\tb\nc\u2028d", "text", 100) == "a\tb\nc\u2028d"
    assert refusal(clean_text, "a\tb", "headline", 100, multiline=False) == (
        "`headline` contains control characters; remove them and try again."
    )


@pytest.mark.parametrize(
    "value",
    ["", "   ", "\n\t ", "\u200b", "\u200d\u200e", "\u0301\u0301", " \u0301 \u200b "],
)
def test_nothing_visible_is_refused(value):
    assert refusal(clean_text, value, "context", 100) == (
        "`context` is empty: write something people can read."
    )


def test_invisible_characters_count_toward_the_limit_but_not_as_text():
    assert clean_text("a\u0301", "text", 2) == "a\u0301"
    assert clean_text("\u200bx", "text", 2) == "\u200bx"


# Dates


def test_a_date_option_names_its_field_in_the_refusal():
    assert refusal(date_option, "soon", "since") == (
        "`since`: I can't read the date 'soon'. "
        "Use 2024-05-17, 2024-05, May 17 2024 or 17 May 2024."
    )


def test_a_month_means_its_first_day_or_as_an_end_its_last():
    assert date_option("2024-02", "since") == (date(2024, 2, 1), "month")
    assert date_option("2024-02", "until", end_of_month=True) == (date(2024, 2, 29), "month")
    assert date_option("2024-02-10", "until", end_of_month=True) == (date(2024, 2, 10), "day")
    assert date_option("May 17, 2024", "since") == (date(2024, 5, 17), "day")


def test_an_updates_date_left_out_is_today_in_utc():
    for value in (None, "", "  "):
        before = utc_today()
        day = clean_date(value)
        assert day in {(before, "day"), (utc_today(), "day")}


@pytest.fixture
def local_zone(monkeypatch):
    """Sets the machine's time zone for one test (at any instant, UTC+14 or UTC-12 is on
    another calendar day than UTC)."""

    def use(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_today_is_the_utc_day_whatever_the_machines_time_zone(local_zone):
    for zone in ("Etc/GMT-14", "Etc/GMT+12"):
        local_zone(zone)
        before = utc_today()
        assert today() in {before, utc_today()}


def test_an_updates_date_may_be_one_day_ahead_for_time_zones_not_two(monkeypatch):
    now = date(2026, 3, 1)  # a fixed "today", so a UTC midnight mid-test changes nothing
    monkeypatch.setattr(validate, "today", lambda: now)
    ahead = now + timedelta(days=1)
    assert clean_date(ahead.isoformat()) == (ahead, "day")
    assert clean_date(now.isoformat()) == (now, "day")
    too_far = now + timedelta(days=2)
    assert refusal(clean_date, too_far.isoformat()) == (
        f"`date` is in the future ({too_far.isoformat()}); updates report what happened."
    )
    assert refusal(clean_date, "2999-01", "when") == (
        "`when` is in the future (2999-01-01); updates report what happened."
    )


def test_an_updates_date_in_the_past_keeps_its_precision():
    assert clean_date("2024-05") == (date(2024, 5, 1), "month")
    assert clean_date(" 17 May 2024 ") == (date(2024, 5, 17), "day")
    assert refusal(clean_date, "2024-02-30") == (
        "`date`: I can't read the date '2024-02-30'. "
        "Use 2024-05-17, 2024-05, May 17 2024 or 17 May 2024."
    )


# Sources


@pytest.mark.parametrize(
    "url",
    [
        "https://www.vox.com/future-perfect/2024/5/17/openai",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/A",
        "https://en.wikipedia.org/wiki/Ilya_(name)",  # ")" is allowed: links encode it
        "https://[::1]:8080/x",
        "https://example.com/a?q=1#frag",
    ],
)
def test_web_links_are_accepted_as_typed(url):
    assert clean_source(f"  {url} ") == url


def test_no_source_is_none():
    assert clean_source(None) is None
    assert clean_source("") is None
    assert clean_source(" \n ") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a b",  # a space would end the link in Markdown
        "https://example.com/a\tb",
        "https://exa\u200bmple.com",  # not printable
        "ftp://example.com/file",
        "javascript:alert(1)",
        "example.com/page",
        "https:///path-only",
        "https://",
        "https://[::1/x",  # an unclosed IPv6 bracket
        "mailto:someone@example.com",
    ],
)
def test_anything_but_a_web_link_is_refused(url):
    assert refusal(clean_source, url, "link") == (
        "`link` must be a web link starting with http:// or https://."
    )


def test_a_user_name_before_the_site_is_refused_saying_why():
    assert refusal(clean_source, "https://openai.com@evil.example/") == (
        "`source` has a user name or password before the site (the part up to “@”), "
        "which can make a link look like another site's: remove that part."
    )
    assert clean_source("https://example.com/@user") == "https://example.com/@user"


def test_a_source_up_to_the_limit_is_accepted_one_more_is_refused():
    base = "https://example.com/"
    longest = base + "x" * (SOURCE_URL_MAX - len(base))
    assert clean_source(longest) == longest
    assert refusal(clean_source, longest + "x") == (
        f"`source` is {SOURCE_URL_MAX + 1} characters; a link may have at most {SOURCE_URL_MAX}."
    )
    assert SOURCE_URL_MAX == 512


# People


def test_people_are_comma_separated_names_resolved_in_order_each_once():
    assert clean_people("leike", PEOPLE) == [1]
    assert clean_people("Sam Altman, leike", PEOPLE) == [2, 1]
    assert clean_people(" jan leike ,, ilya sutskever ,", PEOPLE) == [1, 3]  # empty items skipped
    assert clean_people("leike, Jan Leike, LEIKE", PEOPLE) == [1]


def test_no_people_is_an_empty_list():
    assert clean_people(None, PEOPLE) == []
    assert clean_people("", PEOPLE) == []
    assert clean_people("  ", PEOPLE) == []


def test_an_unknown_name_is_refused_with_suggestions():
    assert refusal(clean_people, "leike, sam altmann", PEOPLE) == (
        "`people`: No one called “sam altmann”. Did you mean Sam Altman (`altman`)?"
    )
    assert refusal(clean_people, "leike altman", PEOPLE, "who") == (
        "`who`: No one called “leike altman”. Did you mean Sam Altman (`altman`), "
        "Jan Leike (`leike`)?"
    )


def test_up_to_people_max_names_then_a_refusal_with_the_count():
    crowd = [Person(i, f"p{i}", f"Person Number{i}", "r") for i in range(1, PEOPLE_MAX + 2)]
    names = [f"number{i}" for i in range(1, PEOPLE_MAX + 2)]
    assert clean_people(", ".join(names[:PEOPLE_MAX]), crowd) == list(range(1, PEOPLE_MAX + 1))
    assert refusal(clean_people, ", ".join(names), crowd) == (
        f"`people` names {PEOPLE_MAX + 1} people; at most {PEOPLE_MAX}."
    )
    assert PEOPLE_MAX == 10


# Headlines


def test_the_default_headline_is_the_first_line_with_spaces_collapsed():
    assert headline_from("OpenAI  dissolves\tthe team \nMore details.") == (
        "OpenAI dissolves the team"
    )


def test_a_first_line_up_to_the_headline_cap_is_the_headline_whole():
    line = ("word " * 30)[:HEADLINE_MAX]
    assert len(line) == HEADLINE_MAX == 120
    assert headline_from(line + "\nrest") == line.strip()
    exact = "x" * HEADLINE_MAX
    assert headline_from(exact) == exact


def test_a_longer_first_line_is_cut_at_a_word_within_the_cap():
    headline = headline_from("abcdefgh " * 15)  # 134 characters; the 120th is in a word
    assert headline == ("abcdefgh " * 13).rstrip() + "…"
    assert len(headline) == 117
    assert headline_from("abcd " * 23 + "abcdefghij") == ("abcd " * 23).rstrip() + "…"


def test_a_longer_first_line_without_spaces_is_cut_hard():
    assert headline_from("x" * 200) == "x" * (HEADLINE_MAX - 1) + "…"


# The whole draft


def test_a_draft_with_everything_given():
    draft = update_draft(
        text=" Leike posted a thread.\nHe criticised OpenAI. ",
        headline=" Leike explains why he left ",
        date_text="May 17, 2024",
        source="https://x.com/janleike/status/1791498174659715494",
        people_text="jan leike, altman",
        people=PEOPLE,
    )
    assert draft == UpdateDraft(
        text="Leike posted a thread.\nHe criticised OpenAI.",
        headline="Leike explains why he left",
        day=date(2024, 5, 17),
        precision="day",
        source_url="https://x.com/janleike/status/1791498174659715494",
        person_ids=[1, 2],
    )


def test_a_draft_without_a_headline_takes_the_texts_first_line():
    for headline in (None, "", " \n "):
        draft = update_draft(
            text="First line\nsecond",
            headline=headline,
            date_text="2024-05",
            source=None,
            people_text=None,
            people=PEOPLE,
        )
        assert (draft.headline, draft.day, draft.precision) == (
            "First line",
            date(2024, 5, 1),
            "month",
        )
        assert (draft.source_url, draft.person_ids) == (None, [])


@pytest.mark.parametrize(
    ("fields", "answer"),
    [
        ({"headline": "Two\nlines"}, "`headline` must be one line."),
        ({"headline": "h" * 121}, "`headline` is 121 characters; the limit is 120."),
        ({"text": " "}, "`text` is empty"),
        ({"text": "t" * 1501}, "`text` is 1,501 characters; the limit is 1,500."),
        ({"date_text": "3000-01-01"}, "`date` is in the future (3000-01-01)"),
        ({"source": "https://a b.com"}, "`source` must be a web link"),
        ({"people_text": "nobody"}, "`people`: No one called “nobody”."),
    ],
)
def test_a_draft_names_the_field_that_is_wrong(fields, answer):
    given = {
        "text": "Text",
        "headline": None,
        "date_text": None,
        "source": None,
        "people_text": None,
        **fields,
    }
    assert refusal(update_draft, people=PEOPLE, **given).startswith(answer)
