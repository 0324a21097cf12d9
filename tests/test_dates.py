"""Dates as moderators type them and as readers see them, with exact expectations."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import ACCEPTED_FORMS, DateError, format_date, month_end, parse_date

MAY_17 = (date(2024, 5, 17), "day")


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("2024-05-17", MAY_17),
        ("2024-5-7", (date(2024, 5, 7), "day")),
        ("2024-05", (date(2024, 5, 1), "month")),
        ("2024-5", (date(2024, 5, 1), "month")),
        ("May 17 2024", MAY_17),
        ("May 17, 2024", MAY_17),
        ("may 17th 2024", MAY_17),
        ("MAY 17 2024", MAY_17),
        ("May. 17 2024", MAY_17),
        ("17 May 2024", MAY_17),
        ("17th May, 2024", MAY_17),
        ("17 may. 2024", MAY_17),
        ("  17   May\t2024  ", MAY_17),  # any run of spaces is one
        ("1st June 2024", (date(2024, 6, 1), "day")),
        ("June 2nd 2024", (date(2024, 6, 2), "day")),
        ("3rd Jun 2024", (date(2024, 6, 3), "day")),
        ("Sept 9 2024", (date(2024, 9, 9), "day")),
        ("Sep 9 2024", (date(2024, 9, 9), "day")),
        ("9 September 2024", (date(2024, 9, 9), "day")),
        ("Dec 31 2024", (date(2024, 12, 31), "day")),
        ("Jan 1 2024", (date(2024, 1, 1), "day")),
    ],
)
def test_accepted_forms(typed, parsed):
    assert parse_date(typed) == parsed


@pytest.mark.parametrize(
    "typed",
    [
        "2024-13-01",  # no 13th month
        "2024-02-30",  # no 30 February
        "2024-00",
        "Smarch 3 2024",  # no such month
        "May 32 2024",
        "May 17",  # no year
        "17/05/2024",
        "2024/05/17",
        "20240517",
        "May 17 24",
        "yesterday",
        "17 May 2024 12:00",
        "May 117 2024",
        "\u0301\u0301",  # only combining marks
    ],
)
def test_anything_else_is_refused_naming_the_forms(typed):
    with pytest.raises(DateError) as refused:
        parse_date(typed)
    assert str(refused.value) == f"I can't read the date {typed!r}. Use {ACCEPTED_FORMS}."


def test_the_refusal_quotes_what_was_typed_trimmed_to_40_characters():
    typed = "  " + "x" * 39 + "yz" + "  "
    with pytest.raises(DateError) as refused:
        parse_date(typed)
    assert str(refused.value).startswith(f"I can't read the date '{'x' * 39}y'. Use ")
    assert ACCEPTED_FORMS == "2024-05-17, 2024-05, May 17 2024 or 17 May 2024"


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (date(2024, 2, 10), date(2024, 2, 29)),  # a leap year
        (date(2023, 2, 1), date(2023, 2, 28)),
        (date(2024, 4, 30), date(2024, 4, 30)),
        (date(2024, 5, 1), date(2024, 5, 31)),
        (date(2024, 12, 25), date(2024, 12, 31)),
    ],
)
def test_month_end_is_the_months_last_day(day, last):
    assert month_end(day) == last


def test_dates_show_as_calendar_days_or_months():
    assert format_date(date(2024, 5, 17)) == "17 May 2024"
    assert format_date(date(2024, 6, 1), "day") == "1 June 2024"  # no leading zero
    assert format_date(date(2024, 5, 17), "month") == "May 2024"
    assert format_date(date(2023, 12, 1), "month") == "December 2023"
