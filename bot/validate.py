"""Checking what moderators type before anything is stored: each problem names its field."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from bot.dates import DateError, month_end, parse_date
from bot.errors import UserError
from bot.models import (
    ALIAS_MAX,
    ALIASES_MAX,
    HEADLINE_MAX,
    PEOPLE_MAX,
    PERSON_NAME_MAX,
    PERSON_ROLE_MAX,
    SOURCE_URL_MAX,
    TEXT_MAX,
    Person,
)
from bot.people import describe_unknown, find_person, normalize

NONE_MARK = "-"  # typed for an optional field of a person: leave it empty


@dataclass(frozen=True)
class UpdateDraft:
    text: str
    headline: str
    day: date
    precision: str
    source_url: str | None
    person_ids: list[int]


def today() -> date:
    return datetime.now(UTC).date()


def clean_text(value: str, field: str, limit: int, *, multiline: bool = True) -> str:
    """Trimmed text with something visible in it, no control characters, within `limit`."""
    # Before the control characters, or a line break in a one-line field is called one.
    if not multiline and len(value.strip().splitlines()) > 1:
        raise UserError(f"`{field}` must be one line.")
    allowed = {"\n", "\t"} if multiline else set()
    bad = [ch for ch in value if unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed]
    if bad:
        raise UserError(f"`{field}` contains control characters; remove them and try again.")
    text = value.strip()
    visible = [
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Mn")
    ]
    if not visible:
        raise UserError(f"`{field}` is empty: write something people can read.")
    if len(text) > limit:
        raise UserError(f"`{field}` is {len(text):,} characters; the limit is {limit:,}.")
    return text


def date_option(value: str, field: str, *, end_of_month: bool = False) -> tuple[date, str]:
    """A date in one of the accepted forms; a month as an end (`until`) means its last day."""
    try:
        day, precision = parse_date(value)
    except DateError as error:
        raise UserError(f"`{field}`: {error}") from None
    if end_of_month and precision == "month":
        day = month_end(day)
    return day, precision


def clean_date(value: str | None, field: str = "date") -> tuple[date, str]:
    """The date of an update: at most one day ahead (time zones); today when left out."""
    if value is None or not value.strip():
        return today(), "day"
    day, precision = date_option(value, field)
    if day > today() + timedelta(days=1):
        raise UserError(
            f"`{field}` is in the future ({day.isoformat()}); updates report what happened."
        )
    return day, precision


def clean_source(value: str | None, field: str = "source") -> str | None:
    if value is None or not value.strip():
        return None
    url = value.strip()
    if len(url) > SOURCE_URL_MAX:
        raise UserError(
            f"`{field}` is {len(url)} characters; a link may have at most {SOURCE_URL_MAX}."
        )
    try:
        parts = urlsplit(url) if url.isprintable() and " " not in url else None
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UserError(f"`{field}` must be a web link starting with http:// or https://.")
    if "@" in parts.netloc:
        raise UserError(
            f"`{field}` has a user name or password before the site (the part up to “@”), "
            "which can make a link look like another site's: remove that part."
        )
    return url


def clean_people(value: str | None, people: Iterable[Person], field: str = "people") -> list[int]:
    """Comma-separated names, each resolved like /quote's person option."""
    if value is None or not value.strip():
        return []
    people = list(people)
    names = [name for name in value.split(",") if name.strip()]
    if len(names) > PEOPLE_MAX:
        raise UserError(f"`{field}` names {len(names)} people; at most {PEOPLE_MAX}.")
    found = []
    for name in names:
        person = find_person(people, name)
        if person is None:
            raise UserError(f"`{field}`: {describe_unknown(people, name)}")
        found.append(person.id)
    return list(dict.fromkeys(found))


def headline_from(text: str) -> str:
    """A default headline: the text's first line, shortened at a word boundary."""
    first = " ".join(text.splitlines()[0].split())
    if len(first) <= HEADLINE_MAX:
        return first
    cut = first[: HEADLINE_MAX - 1]
    return (cut[: cut.rindex(" ")] if " " in cut else cut) + "…"


def update_draft(
    *,
    text: str,
    headline: str | None,
    date_text: str | None,
    source: str | None,
    people_text: str | None,
    people: Iterable[Person],
) -> UpdateDraft:
    body = clean_text(text, "text", TEXT_MAX)
    if headline is not None and headline.strip():
        title = clean_text(headline, "headline", HEADLINE_MAX, multiline=False)
    else:
        title = headline_from(body)
    day, precision = clean_date(date_text)
    return UpdateDraft(
        text=body,
        headline=title,
        day=day,
        precision=precision,
        source_url=clean_source(source),
        person_ids=clean_people(people_text, people),
    )


def clean_person_name(value: str, field: str = "name") -> str:
    """A person's name: one line, with letters or digits, and no comma (lists of people are
    comma-separated, so a comma would split the name in two)."""
    name = " ".join(clean_text(value, field, PERSON_NAME_MAX, multiline=False).split())
    if "," in name:
        raise UserError(
            f"`{field}` can't contain a comma: `people` lists are comma-separated. "
            "Put other spellings in `aliases`."
        )
    if not normalize(name):
        raise UserError(f"`{field}` needs letters or digits that people can type.")
    return name


def clean_role(value: str | None, field: str = "role") -> str:
    """Who someone is in the story, in a line; "" for none (or `-`)."""
    if value is None or value.strip() == NONE_MARK:
        return ""
    return " ".join(clean_text(value, field, PERSON_ROLE_MAX, multiline=False).split())


def clean_aliases(value: str | None, field: str = "aliases") -> tuple[str, ...]:
    """Other names, comma-separated, each distinct (ignoring case and accents); `-` for none."""
    if value is None or value.strip() == NONE_MARK:
        return ()
    aliases: dict[str, str] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        alias = " ".join(clean_text(part, field, ALIAS_MAX, multiline=False).split())
        if not normalize(alias):
            raise UserError(f"`{field}`: one of the names has no letters or digits to type.")
        aliases.setdefault(normalize(alias), alias)
    if len(aliases) > ALIASES_MAX:
        raise UserError(f"`{field}` lists {len(aliases)} names; at most {ALIASES_MAX}.")
    return tuple(aliases.values())
