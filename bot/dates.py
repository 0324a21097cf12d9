"""Dates as people type them and as the bot shows them: plain calendar dates, never timestamps."""

from __future__ import annotations

import calendar
import re
from datetime import date

ACCEPTED_FORMS = "2024-05-17, 2024-05, May 17 2024 or 17 May 2024"

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9


class DateError(ValueError):
    pass


def parse_date(text: str) -> tuple[date, str]:
    """Parse one of the accepted forms; returns the date and its precision ("day" or "month")."""
    value = " ".join(text.replace(",", " ").split()).lower()
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
            return date(int(match[1]), int(match[2]), int(match[3])), "day"
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return date(int(match[1]), int(match[2]), 1), "month"
        if match := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})", value):
            return date(int(match[3]), _month(match[1]), int(match[2])), "day"
        if match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.? (\d{4})", value):
            return date(int(match[3]), _month(match[2]), int(match[1])), "day"
    except (ValueError, KeyError):
        pass
    raise DateError(f"I can't read the date {text.strip()[:40]!r}. Use {ACCEPTED_FORMS}.")


def _month(name: str) -> int:
    return _MONTHS[name]


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def format_date(day: date, precision: str = "day") -> str:
    """ "17 May 2024" (or "May 2024"): the same calendar day for every reader's time zone."""
    if precision == "month":
        return f"{calendar.month_name[day.month]} {day.year}"
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
