"""Finding a person from what a member typed (slug, full, first or last name, any case or accent),
and keeping the names a server gives its own people from colliding with anyone else's."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterable

from bot.models import Person

AUTOCOMPLETE_MAX = 25  # Discord's limit on choices


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in plain.casefold())
    return " ".join(words.split())


# Autocomplete matches every keystroke against every name: normalise each person's once.
@functools.lru_cache(maxsize=4096)
def names_of(person: Person) -> frozenset[str]:
    words = person.name.split()
    names = {person.slug, person.name, words[0], words[-1], *person.aliases}
    return frozenset(normalize(n) for n in names) - {""}


def find_person(people: Iterable[Person], text: str) -> Person | None:
    wanted = normalize(text)
    if not wanted:
        return None
    for person in people:
        if wanted in names_of(person):
            return person
    return None


def suggest(people: Iterable[Person], text: str, limit: int = 3) -> list[Person]:
    """The closest names to a typo, best first."""
    wanted = normalize(text)
    by_name = {name: p for p in people for name in names_of(p)}
    close = difflib.get_close_matches(wanted, list(by_name), n=limit * 3, cutoff=0.5)
    found = [by_name[name] for name in close]
    found += [p for name, p in by_name.items() if wanted and wanted in name]
    return list(dict.fromkeys(found))[:limit]


def autocomplete(people: Iterable[Person], text: str) -> list[Person]:
    """People whose names start with (then contain) what was typed; everyone for an empty box."""
    wanted = normalize(text)
    people = sorted(people, key=lambda p: p.name)
    if not wanted:
        return people[:AUTOCOMPLETE_MAX]
    starts = [
        p for p in people if any(n.startswith(wanted) or f" {wanted}" in n for n in names_of(p))
    ]
    contains = [p for p in people if p not in starts and any(wanted in n for n in names_of(p))]
    return (starts + contains)[:AUTOCOMPLETE_MAX]


def describe_unknown(people: Iterable[Person], text: str) -> str:
    shown = " ".join(text.split())[:50]
    if not shown:
        return "Type a name: full, first or last. See `/people` for everyone in the story."
    options = suggest(people, text)
    if options:
        names = ", ".join(f"{p.name} (`{p.slug}`)" for p in options)
        return f"No one called “{shown}”. Did you mean {names}?"
    return f"No one called “{shown}”. See `/people` for everyone in the story."


class PersonRefused(Exception):
    """A person cannot be added, changed or named as asked; the message is for the moderator."""


class NameTaken(PersonRefused):
    """`typed` (a name or alias given for a new or changed person) already finds `person`."""

    def __init__(self, typed: str, person: Person, *, alias: bool) -> None:
        self.typed, self.person, self.alias = typed, person, alias
        what = "alias" if alias else "name"
        super().__init__(f"The {what} “{typed}” already finds {person.name} (`{person.slug}`).")


def slug_for(name: str) -> str:
    """The slug of a server's person: their name without case, accents or punctuation."""
    return normalize(name).replace(" ", "-")


def check_names(
    people: Iterable[Person], name: str, aliases: Iterable[str], *, exclude: int | None = None
) -> None:
    """Raise NameTaken for the first of `name` and `aliases` that already finds one of `people`
    (except the person `exclude`, being renamed): every name a person is given must find
    them alone. First and last names may be shared: "Jan" keeps finding whoever had it first."""
    others = [p for p in people if p.id != exclude]
    for typed, alias in ((name, False), *((a, True) for a in aliases)):
        wanted = normalize(typed)
        for person in others:
            if wanted in names_of(person):
                raise NameTaken(typed, person, alias=alias)
