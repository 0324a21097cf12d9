"""The store's interface: everything the bot asks of its database, whatever the backend.

The cogs, the CLI and the tests use only this: plain models in and out (bot.models), reads
keyed by the guild that asks (None in DMs), writes by a guild's moderators only ever to that
guild's own items, and StoreError for a database that cannot be used. bot.store.sqlite
implements it on SQLite.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.models import (
    AuditRecord,
    CheckReport,
    Counts,
    Cursor,
    Entry,
    EntryAdded,
    EntryChanges,
    GuildSettings,
    MessageRef,
    Page,
    Person,
    PersonStats,
    Quote,
    SearchHit,
    SeedResult,
    SettingsChanges,
    TimelineFilters,
)
from bot.search_terms import SearchTerms
from bot.story import Story

DEFAULT_READERS = 4  # connections that read at once: a slow read holds up only its own


class StoreError(Exception):
    """The database cannot be used; the message names the file and the problem."""


class SearchStopped(StoreError):
    """A search ran past its time budget and was stopped; the message is for the member."""

    def __init__(self) -> None:
        super().__init__(
            "That search took too long and was stopped. Try fewer or more specific words."
        )


@dataclass(frozen=True)
class SearchBudget:
    """What one search may cost, whatever the guild holds: /search ranks only the most recent
    `candidates` matches of each kind in each scope it reads (the shipped story, the guild),
    and any search statement still running after `seconds` is stopped (SearchStopped)."""

    candidates: int = 1000
    seconds: float = 0.5
    check_every: int = 1000  # SQLite steps between looks at the clock


DEFAULT_SEARCH_BUDGET = SearchBudget()


class Store(ABC):
    def __init__(self) -> None:
        self._people: tuple[Person, ...] = ()
        self._people_by_id: dict[int, Person] = {}

    # People: few and shipped-only, so kept in memory (autocomplete never waits on the database).

    @property
    def people(self) -> tuple[Person, ...]:
        return self._people

    def person(self, person_id: int) -> Person | None:
        return self._people_by_id.get(person_id)

    def _remember_people(self, people: Iterable[Person]) -> None:
        self._people = tuple(people)
        self._people_by_id = {p.id: p for p in self._people}

    # Lifetime.

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data is, for messages to the operator."""

    @property
    @abstractmethod
    def closed(self) -> bool:
        """True once close() was called: every later call raises StoreError."""

    @abstractmethod
    async def close(self) -> None:
        """Let the calls already made finish, then release every connection. Idempotent."""

    # Reads.

    @abstractmethod
    async def timeline(
        self,
        guild_id: int | None,
        filters: TimelineFilters,
        cursor: Cursor,
        per_page: int,
        page: int = 0,
    ) -> Page[Entry]:
        """A page of entries starting at `cursor`; `page` is the caller's page number for it.
        With a search, among the most recent matches (SearchBudget; not `exact` past it)."""

    @abstractmethod
    async def entry(self, guild_id: int | None, entry_id: int) -> Entry | None:
        """The entry if this guild may see it and it is not removed."""

    @abstractmethod
    async def quote_at(
        self,
        guild_id: int | None,
        person_id: int,
        index: int,
        search: SearchTerms | None = None,
    ) -> Page[Quote]:
        """A person's index-th quote in date order (past the end: the last), and how many
        (with a search, among the most recent matches, as for the timeline)."""

    @abstractmethod
    async def search(
        self, guild_id: int | None, terms: SearchTerms, page: int, per_page: int
    ) -> Page[SearchHit]:
        """Entries and quotes holding every word of `terms`, best first among the most recent
        matches (SearchBudget); `exact` is False when the budget left older matches out."""

    @abstractmethod
    async def people_stats(self, guild_id: int | None) -> list[PersonStats]: ...

    @abstractmethod
    async def counts(self, guild_id: int | None) -> Counts: ...

    @abstractmethod
    async def history(
        self, guild_id: int, target_id: int | None, page: int, per_page: int
    ) -> Page[AuditRecord]:
        """The guild's audit trail, newest first (only of one entry or quote, if given)."""

    @abstractmethod
    async def guild_settings(self, guild_id: int) -> GuildSettings: ...

    @abstractmethod
    async def meta(self, key: str) -> str | None: ...

    @abstractmethod
    async def timeline_version(self, guild_id: int | None) -> str:
        """Changes whenever this guild's timeline may have: a cache key (pictures)."""

    @abstractmethod
    async def all_quotes(self, guild_id: int | None) -> list[Quote]:
        """Every quote this guild can read, in date order (exports)."""

    # Writes: each one transaction with its audit row.

    @abstractmethod
    async def add_entry(
        self,
        guild_id: int,
        author_id: int | None,
        *,
        day: date,
        precision: str,
        headline: str,
        body: str,
        person_ids: list[int],
        source_url: str | None,
        from_message: MessageRef | None = None,
    ) -> EntryAdded:
        """Add an entry; the same update by the same author minutes ago is returned instead."""

    @abstractmethod
    async def edit_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int, changes: EntryChanges
    ) -> Entry | None:
        """The entry as changed; None when the guild has no such entry of its own."""

    @abstractmethod
    async def remove_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int
    ) -> Entry | None:
        """The entry as removed; None when the guild has no such entry, or it is removed."""

    @abstractmethod
    async def restore_entry(
        self, guild_id: int, actor_id: int | None, entry_id: int
    ) -> Entry | None:
        """The entry as restored; None when the guild has no such removed entry."""

    @abstractmethod
    async def add_quote(
        self,
        guild_id: int,
        author_id: int | None,
        *,
        person_id: int,
        text: str,
        day: date,
        context: str,
        source_url: str | None,
    ) -> Quote: ...

    @abstractmethod
    async def remove_quote(
        self, guild_id: int, actor_id: int | None, quote_id: int
    ) -> Quote | None:
        """The quote removed; None when the guild has no such quote of its own to remove."""

    @abstractmethod
    async def update_guild_settings(
        self, guild_id: int, actor_id: int | None, changes: SettingsChanges
    ) -> GuildSettings:
        """The settings as changed."""

    @abstractmethod
    async def set_meta(self, key: str, value: str) -> None: ...

    # Operator tools.

    @abstractmethod
    async def seed(self, story: Story, *, update: bool = False) -> SeedResult:
        """Add the shipped items the database lacks; with `update`, rewrite changed ones too."""

    @abstractmethod
    async def export_data(self) -> dict:
        """Every row, as JSON-ready data (read from one snapshot)."""

    @abstractmethod
    async def import_data(self, data: object, source: str) -> dict[str, int]:
        """Add the rows of an export, all or nothing; rows added per table."""

    @abstractmethod
    async def backup(self, destination: Path, *, force: bool = False) -> None:
        """Copy the live data to a new file (0600), safely while the bot writes; never over the
        database itself, and over another file only with `force`."""

    @abstractmethod
    async def check(self) -> CheckReport: ...
