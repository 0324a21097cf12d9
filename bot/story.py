"""The seed story file (data/story.json): found, loaded and validated, with errors naming file, item and field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from bot.models import CONTEXT_MAX, HEADLINE_MAX, OUTLET, PERSON, PROVENANCE_MAX, TEXT_MAX

KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PRECISIONS = ("day", "month")
BASES = ("article", "public record")
KINDS = (PERSON, OUTLET)


class StoryError(Exception):
    """The story file is malformed; the message names the file, the item and the field."""


@dataclass(frozen=True)
class SeedPerson:
    slug: str
    name: str
    role: str
    aliases: tuple[str, ...]
    kind: str = PERSON


@dataclass(frozen=True)
class SeedSource:
    key: str
    name: str
    url: str | None
    basis: str


@dataclass(frozen=True)
class SeedEntry:
    key: str
    date: date
    precision: str
    headline: str
    body: str
    people: tuple[str, ...]
    sources: tuple[str, ...]
    basis: str
    provenance: str = ""  # where the text comes from, shown as a footnote (the body is for readers)


@dataclass(frozen=True)
class SeedQuote:
    key: str
    person: str
    text: str
    date: date
    context: str
    source: str
    basis: str
    provenance: str = ""


@dataclass(frozen=True)
class Story:
    title: str
    summary: str
    people: tuple[SeedPerson, ...]
    sources: tuple[SeedSource, ...]
    entries: tuple[SeedEntry, ...]
    quotes: tuple[SeedQuote, ...]


def shipped_story_path() -> Path:
    """The story that ships with the bot. Git holds one copy, data/story.json, where editors look."""
    try:
        # Installed (`pip install .`): pyproject.toml packages data/ as bot.story_data.
        return Path(str(resources.files("bot.story_data").joinpath("story.json")))
    except ModuleNotFoundError:
        # Run from a source tree (`pip install -e .`, or the checkout as the working folder):
        # that package is not importable there, and data/ is beside bot/.
        return Path(__file__).resolve().parent.parent / "data" / "story.json"


def load_story(path: Path) -> Story:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise StoryError(f"{path}: cannot read the story file: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoryError(f"{path}: not valid JSON: {error}") from None
    return parse_story(raw, path)


def parse_story(raw: object, path: Path) -> Story:
    top = _Item(path, "the file", _require_dict(raw, path, "the file"))
    if top.get("format", int) != 1:
        top.fail("format", "must be 1")
    story = _Item(path, "story", _require_dict(top.get("story", dict), path, "story"))
    people = tuple(_person(_Item.at(path, "people", i, x)) for i, x in top.items("people"))
    sources = tuple(_source(_Item.at(path, "sources", i, x)) for i, x in top.items("sources"))
    entries = tuple(_entry(_Item.at(path, "entries", i, x)) for i, x in top.items("entries"))
    quotes = tuple(_quote(_Item.at(path, "quotes", i, x)) for i, x in top.items("quotes"))

    slugs = _unique(path, "people", [p.slug for p in people], "slug")
    outlets = {p.slug for p in people if p.kind == OUTLET}
    keys = _unique(path, "sources", [s.key for s in sources], "key")
    _unique(path, "entries", [e.key for e in entries], "key")
    _unique(path, "quotes", [q.key for q in quotes], "key")
    for entry in entries:
        where = f"entries[{entry.key}]"
        for slug in entry.people:
            if slug not in slugs:
                raise StoryError(f"{path}: {where}: field 'people' names unknown person {slug!r}")
            if slug in outlets:
                raise StoryError(
                    f"{path}: {where}: field 'people' names outlet {slug!r}; "
                    "outlets belong in 'sources'"
                )
        for key in entry.sources:
            if key not in keys:
                raise StoryError(f"{path}: {where}: field 'sources' names unknown source {key!r}")
    for quote in quotes:
        where = f"quotes[{quote.key}]"
        if quote.person not in slugs:
            raise StoryError(
                f"{path}: {where}: field 'person' names unknown person {quote.person!r}"
            )
        if quote.source not in keys:
            raise StoryError(
                f"{path}: {where}: field 'source' names unknown source {quote.source!r}"
            )
    return Story(
        title=story.text("title"),
        summary=story.text("summary", TEXT_MAX),
        people=people,
        sources=sources,
        entries=entries,
        quotes=quotes,
    )


def _person(item: _Item) -> SeedPerson:
    aliases = tuple(item.strings("aliases"))
    if any(alias != alias.lower() for alias in aliases):
        item.fail("aliases", "must be lowercase")
    return SeedPerson(
        item.key("slug"),
        item.text("name"),
        item.text("role", 100),
        aliases,
        item.choice("kind", KINDS, default=PERSON),
    )


def _source(item: _Item) -> SeedSource:
    url = item.get("url", (str, type(None)))
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        item.fail("url", "must be an http(s) URL or null")
    return SeedSource(item.key("key"), item.text("name"), url, item.choice("basis", BASES))


def _entry(item: _Item) -> SeedEntry:
    sources = tuple(item.strings("sources"))
    if not sources:
        item.fail("sources", "must name at least one source")
    return SeedEntry(
        key=item.key("key"),
        date=item.date("date"),
        precision=item.choice("precision", PRECISIONS),
        headline=item.text("headline", HEADLINE_MAX),
        body=item.text("body", TEXT_MAX),
        people=tuple(item.strings("people")),
        sources=sources,
        basis=item.choice("basis", BASES),
        provenance=item.text("provenance", PROVENANCE_MAX),
    )


def _quote(item: _Item) -> SeedQuote:
    return SeedQuote(
        key=item.key("key"),
        person=item.text("person"),
        text=item.text("text", TEXT_MAX),
        date=item.date("date"),
        context=item.text("context", CONTEXT_MAX),
        source=item.text("source"),
        basis=item.choice("basis", BASES),
        provenance=item.text("provenance", PROVENANCE_MAX),
    )


def _require_dict(value: object, path: Path, where: str) -> dict:
    if not isinstance(value, dict):
        raise StoryError(f"{path}: {where} must be a JSON object")
    return value


def _unique(path: Path, section: str, values: list[str], field: str) -> set[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise StoryError(f"{path}: {section}[{value}]: field '{field}' is used twice")
        seen.add(value)
    return seen


class _Item:
    """One object of the file, with typed getters whose errors say where they are."""

    def __init__(self, path: Path, where: str, data: dict) -> None:
        self.path, self.where, self.data = path, where, data

    @classmethod
    def at(cls, path: Path, section: str, index: int, data: object) -> _Item:
        data = _require_dict(data, path, f"{section}[{index}]")
        name = data.get("key", data.get("slug"))
        return cls(path, f"{section}[{name if isinstance(name, str) else index}]", data)

    def fail(self, field: str, problem: str):
        raise StoryError(f"{self.path}: {self.where}: field '{field}' {problem}")

    def get(self, field: str, kind: type | tuple[type, ...]):
        if field not in self.data:
            self.fail(field, "is missing")
        value = self.data[field]
        if not isinstance(value, kind) or isinstance(value, bool):
            self.fail(field, "has the wrong type")
        return value

    def text(self, field: str, limit: int = 200) -> str:
        value = self.get(field, str)
        if not value.strip():
            self.fail(field, "is empty")
        if len(value) > limit:
            self.fail(field, f"is longer than {limit} characters")
        return value

    def key(self, field: str) -> str:
        value = self.get(field, str)
        if not KEY.fullmatch(value):
            self.fail(field, "must be lowercase letters, digits and dashes")
        return value

    def choice(self, field: str, choices: tuple[str, ...], default: str | None = None) -> str:
        if default is not None and field not in self.data:
            return default
        value = self.get(field, str)
        if value not in choices:
            self.fail(field, f"must be one of {', '.join(choices)}")
        return value

    def date(self, field: str) -> date:
        value = self.get(field, str)
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(field, f"must be a date like 2024-05-17, got {value!r}")

    def strings(self, field: str) -> list[str]:
        value = self.get(field, list)
        if not all(isinstance(x, str) and x.strip() for x in value):
            self.fail(field, "must be a list of non-empty strings")
        return value

    def items(self, field: str) -> list[tuple[int, object]]:
        return list(enumerate(self.get(field, list)))
