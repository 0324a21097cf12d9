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
from datetime import date, timedelta
from pathlib import Path

from bot.models import (
    PEOPLE_PER_GUILD,
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
    PersonChanges,
    PersonRemoval,
    PersonStats,
    PersonUsage,
    Quote,
    SearchHit,
    SeedResult,
    SeenMarks,
    SettingsChanges,
    TimelineFilters,
    WhatsNew,
)
from bot.people import PersonRefused, check_names
from bot.search_terms import SearchTerms
from bot.store.feed_store import FeedStore
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


class Store(FeedStore, ABC):
    def __init__(self) -> None:
        self._people: tuple[Person, ...] = ()  # shipped
        self._guild_people: dict[int, tuple[Person, ...]] = {}
        self._people_by_id: dict[int, Person] = {}

    # People: few (the shipped ones, and at most PEOPLE_PER_GUILD per guild), so all are kept
    # in memory: autocomplete never waits on the database. Read at open, and kept up to date
    # by the writes that change them.

    @property
    def people(self) -> tuple[Person, ...]:
        """The shipped people only; a guild's commands use people_in(guild_id)."""
        return self._people

    def people_in(self, guild_id: int | None) -> tuple[Person, ...]:
        """Whom a guild's commands know: the shipped people, then its own (DMs: shipped only)."""
        own = self._guild_people.get(guild_id, ()) if guild_id is not None else ()
        return self._people + own

    def person(self, guild_id: int | None, person_id: int) -> Person | None:
        """The person if this guild may see them (shipped, or its own)."""
        person = self._people_by_id.get(person_id)
        if person is None or not (person.shipped or person.scope == guild_id):
            return None
        return person

    def _remember_people(self, people: Iterable[Person]) -> None:
        people = sorted(people, key=lambda p: p.id)
        self._people = tuple(p for p in people if p.shipped)
        by_guild: dict[int, list[Person]] = {}
        for person in people:
            if not person.shipped:
                by_guild.setdefault(person.scope, []).append(person)
        self._guild_people = {guild: tuple(own) for guild, own in by_guild.items()}
        self._people_by_id = {p.id: p for p in people}

    def _remember_person(self, person: Person) -> None:
        """A guild's person added or changed."""
        own = [p for p in self._guild_people.get(person.scope, ()) if p.id != person.id]
        self._guild_people[person.scope] = tuple(sorted([*own, person], key=lambda p: p.id))
        self._people_by_id[person.id] = person

    def _forget_person(self, person: Person) -> None:
        own = tuple(p for p in self._guild_people.get(person.scope, ()) if p.id != person.id)
        if own:
            self._guild_people[person.scope] = own
        else:
            self._guild_people.pop(person.scope, None)
        self._people_by_id.pop(person.id, None)

    def _check_new_names(
        self, guild_id: int, name: str, aliases: Iterable[str], exclude: int | None = None
    ) -> None:
        """NameTaken unless every name given finds only this person in the guild."""
        check_names(self.people_in(guild_id), name, aliases, exclude=exclude)

    def _check_room_for_person(self, guild_id: int) -> None:
        if len(self._guild_people.get(guild_id, ())) >= PEOPLE_PER_GUILD:
            raise PersonRefused(
                f"This server already has {PEOPLE_PER_GUILD} people of its own, the most "
                "allowed: remove one with `/removeperson` first."
            )

    def _check_people_visible(self, guild_id: int, person_ids: Iterable[int]) -> None:
        """Refuse to link a person the guild cannot see (e.g. removed since the name was read)."""
        for person_id in person_ids:
            if self.person(guild_id, person_id) is None:
                raise PersonRefused(
                    "One of the people named is no longer in this server's story "
                    "(removed a moment ago?); nothing was saved. `/people` lists who is."
                )

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
        *,
        newest_first: bool = False,
    ) -> Page[Entry]:
        """A page of entries starting at `cursor`; `page` is the caller's page number for it.
        Newest first: the same pages in the other order (cursor and flags as shown).
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

    # What's new: per member and guild, never shown to anyone else.

    @abstractmethod
    async def whats_new(
        self,
        guild_id: int,
        user_id: int,
        per_page: int,
        page: int = 0,
        window: tuple[SeenMarks, SeenMarks] | None = None,
    ) -> WhatsNew:
        """What was added to the guild's story (and entries whose text changed) since the
        member's marks, up to the newest now, newest first; or within `window` (page turns)."""

    @abstractmethod
    async def mark_caught_up(self, guild_id: int, user_id: int, marks: SeenMarks) -> None:
        """The member has seen what is new up to `marks` (marks never go back)."""

    @abstractmethod
    async def mark_entries_seen(self, guild_id: int, user_id: int, entry_id: int) -> None:
        """The member read the timeline's newest page, up to `entry_id`; only moves the marks
        of a member who has used /whatsnew."""

    @abstractmethod
    async def prune_seen(self, older_than: timedelta) -> int:
        """Forget the marks of members who have not looked for `older_than`; how many."""

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

    # A guild's own people. Each write checks the names and the guild's room under the write
    # lock (PersonRefused, NameTaken) and keeps the people in memory up to date.

    @abstractmethod
    async def add_person(
        self,
        guild_id: int,
        actor_id: int | None,
        *,
        name: str,
        role: str,
        aliases: tuple[str, ...],
        kind: str,
    ) -> Person: ...

    @abstractmethod
    async def edit_person(
        self, guild_id: int, actor_id: int | None, person_id: int, changes: PersonChanges
    ) -> Person | None:
        """The person as changed; None when the guild has no such person of its own."""

    @abstractmethod
    async def person_usage(self, guild_id: int, person_id: int) -> PersonUsage | None:
        """How often the guild's updates and quotes use one of its own people (None: not one)."""

    @abstractmethod
    async def remove_person(
        self, guild_id: int, actor_id: int | None, person_id: int, expected: PersonUsage
    ) -> PersonRemoval | None:
        """Remove one of the guild's people, if their usage is still `expected`: their name
        comes off the updates that named them and their quotes are deleted, so no row is
        left pointing at them. None when the guild has no such person of its own."""

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
