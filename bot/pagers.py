"""Every paged list the bot shows: what its buttons carry (a state with its caps) and how a
page of it is rendered. The commands that open them are in reader.py and moderation.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import astuple, dataclass, field
from datetime import date
from functools import partial
from typing import ClassVar

import discord

from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.dates import format_date
from bot.models import Cursor, Entry, Page, SeenMarks, TimelineFilters
from bot.options import check_can_embed
from bot.search_terms import SearchTerms, search_terms
from bot.store import Store
from bot.ui import embeds
from bot.ui.catch_up import WHATS_NEW_KIND, nothing_new, whats_new_embed
from bot.ui.moderation import history_embed
from bot.ui.navigation import by_key, by_number, one_by_one
from bot.ui.pager import (
    ID_MAX,
    Pager,
    Rendered,
    b36,
    decode_day,
    encode_day,
    parse_b36,
    parse_decimal,
)
from bot.ui.respond import in_time, reply
from bot.ui.text import escape, fit_plain

log = logging.getLogger(__name__)

TIMELINE_PER_PAGE = 5
SEARCH_PER_PAGE = 5
WHATS_NEW_PER_PAGE = 5
HISTORY_PER_PAGE = 8

# People come from the story file and are kept in memory (a few dozen): three base-36 digits.
PERSON_ID_MAX = 36**3 - 1


def check_person(person_id: int | None) -> None:
    if person_id is not None and not 0 < person_id <= PERSON_ID_MAX:
        raise ValueError(f"person id out of range: {person_id}")


def check_text(text: str | None, cap: int, *, optional: bool = True) -> None:
    """Text options are stored in the buttons' custom_ids, so each state caps its own."""
    if text is None and optional:
        return
    if text is None or not 0 < len(text) <= cap:
        raise ValueError(f"text outside 1..{cap} characters")


def searched_words(state: object, search: str | None) -> None:
    """Set a state's `terms`, the words its search looks for (bot.search_terms), once, as it
    is made. A search with nothing to look for raises QueryError: a command answers it with
    its sentence, and a button whose state says so is out of date (it is a ValueError)."""
    object.__setattr__(state, "terms", search_terms(search) if search is not None else None)


# /timeline


@dataclass(frozen=True)
class TimelineState:
    """/timeline's filters, as ``{person}|{since}|{until}|{search}`` (numbers in base 36)."""

    SEARCH_MAX: ClassVar[int] = 38  # the longest custom_id is then exactly 100 characters

    person_id: int | None = None
    since: date | None = None
    until: date | None = None
    search: str | None = None  # as typed: the buttons carry it
    terms: SearchTerms | None = field(init=False, compare=False)  # the words searched for

    def __post_init__(self) -> None:
        check_person(self.person_id)
        check_text(self.search, self.SEARCH_MAX)
        searched_words(self, self.search)

    @property
    def filters(self) -> TimelineFilters:
        return TimelineFilters(self.person_id, self.since, self.until, self.terms)

    def encode(self) -> str:
        person = b36(self.person_id) if self.person_id is not None else ""
        return f"{person}|{encode_day(self.since)}|{encode_day(self.until)}|{self.search or ''}"

    @classmethod
    def decode(cls, text: str) -> TimelineState:
        if text.count("|") < 3:
            raise ValueError("not a timeline state")
        person, since, until, search = text.split("|", 3)
        return cls(
            parse_b36(person, PERSON_ID_MAX) if person else None,
            decode_day(since),
            decode_day(until),
            search or None,
        )


def describe_filters(store: Store, guild_id: int | None, filters: TimelineFilters) -> str:
    """The filters in plain words ("events with Jan Leike, from 17 May 2024"), "" for none.

    Plain text: replies and embeds escape it, the picture shows it as it is.
    """
    parts = []
    if filters.person_id is not None:
        who = store.person(guild_id, filters.person_id)
        parts.append(f"events with {who.name if who else 'that person'}")
    if filters.since:
        parts.append(f"from {format_date(filters.since)}")
    if filters.until:
        parts.append(f"up to {format_date(filters.until)}")
    if filters.search:
        parts.append(f"mentioning “{fit_plain(filters.search.text, 40)}”")
    return ", ".join(parts)


class TimelinePager(Pager[TimelineState]):
    """/timeline in date order; reading its newest page counts as catching up (/whatsnew)."""

    kind = "t"
    State = TimelineState
    navigation = by_key
    newest_first: ClassVar[bool] = False

    async def render(
        self, interaction: discord.Interaction, state: TimelineState, page: int, cursor: Cursor
    ) -> Rendered:
        store = interaction.client.store
        found = await store.timeline(
            interaction.guild_id,
            state.filters,
            cursor,
            TIMELINE_PER_PAGE,
            page,
            newest_first=self.newest_first,
        )
        described = describe_filters(store, interaction.guild_id, state.filters)
        if state.terms is not None and not found.exact:  # the search budget left some out
            described += ", among the most recently added matches"
        embed = embeds.timeline_embed(found, escape(described), newest_first=self.newest_first)
        return Rendered(embed, found, self.caught_up(interaction, state, found))

    def caught_up(
        self, interaction: discord.Interaction, state: TimelineState, found: Page[Entry]
    ) -> Callable[[], Awaitable[None]] | None:
        """Moving the member's /whatsnew marks on, when this page is the whole timeline's
        newest (with filters, the events they didn't see are not new to them yet)."""
        newest_page = not found.has_previous if self.newest_first else not found.has_next
        whole = state == TimelineState()
        if interaction.guild_id is None or not whole or not newest_page or not found.items:
            return None
        newest = max(entry.id for entry in found.items)
        store = interaction.client.store
        return partial(store.mark_entries_seen, interaction.guild_id, interaction.user.id, newest)


class NewestTimelinePager(TimelinePager):
    """/timeline order:newest: the same entries and filters, the latest first."""

    kind = "n"
    newest_first = True


# /quote


@dataclass(frozen=True)
class QuoteState:
    """/quote's person and search, as ``{person id}|{search}``."""

    SEARCH_MAX: ClassVar[int] = 40

    person_id: int
    search: str | None = None  # as typed: the buttons carry it
    terms: SearchTerms | None = field(init=False, compare=False)  # the words searched for

    def __post_init__(self) -> None:
        check_person(self.person_id)
        check_text(self.search, self.SEARCH_MAX)
        searched_words(self, self.search)

    def encode(self) -> str:
        return f"{self.person_id}|{self.search or ''}"

    @classmethod
    def decode(cls, text: str) -> QuoteState:
        person, bar, search = text.partition("|")
        if not bar:
            raise ValueError("not a quote state")
        return cls(parse_decimal(person, PERSON_ID_MAX), search or None)


class QuotePager(Pager[QuoteState]):
    """One quote per page: the page number is the quote's place in the person's list."""

    kind = "q"
    State = QuoteState
    navigation = one_by_one

    async def render(
        self, interaction: discord.Interaction, state: QuoteState, page: int, cursor: Cursor
    ) -> Rendered:
        store = interaction.client.store
        found = await store.quote_at(interaction.guild_id, state.person_id, page, state.terms)
        if not found.items:
            who = store.person(interaction.guild_id, state.person_id)
            gone = f"No quotes from {who.name if who else 'them'} any more."
            return Rendered(discord.Embed(description=gone), Page((), 0, 0, 1))
        return Rendered(embeds.quote_embed(found, state.terms and state.terms.text), found)


# /search


@dataclass(frozen=True)
class SearchState:
    """/search's query, as typed."""

    QUERY_MAX: ClassVar[int] = 60

    query: str
    terms: SearchTerms = field(init=False, compare=False)  # the words searched for

    def __post_init__(self) -> None:
        check_text(self.query, self.QUERY_MAX, optional=False)
        searched_words(self, self.query)

    def encode(self) -> str:
        return self.query

    @classmethod
    def decode(cls, text: str) -> SearchState:
        return cls(text)


class SearchPager(Pager[SearchState]):
    kind = "s"
    State = SearchState
    navigation = by_number

    async def render(
        self, interaction: discord.Interaction, state: SearchState, page: int, cursor: Cursor
    ) -> Rendered:
        found = await interaction.client.store.search(
            interaction.guild_id, state.terms, page, SEARCH_PER_PAGE
        )
        return Rendered(embeds.search_embed(found, state.terms), found)


# /history


@dataclass(frozen=True)
class HistoryState:
    """/history's entry or quote number, or "" for everything."""

    target_id: int | None = None

    def __post_init__(self) -> None:
        if self.target_id is not None and not 0 < self.target_id <= ID_MAX:
            raise ValueError(f"id out of range: {self.target_id}")

    def encode(self) -> str:
        return str(self.target_id) if self.target_id is not None else ""

    @classmethod
    def decode(cls, text: str) -> HistoryState:
        return cls(parse_decimal(text, ID_MAX) if text else None)


class HistoryPager(Pager[HistoryState]):
    """Each click asks again: a member who lost the role can't keep reading an open /history."""

    kind = "h"
    State = HistoryState
    navigation = by_number
    refusal = NOT_A_MODERATOR

    async def may_turn(self, interaction: discord.Interaction) -> bool:
        return await is_moderator(interaction)

    async def render(
        self, interaction: discord.Interaction, state: HistoryState, page: int, cursor: Cursor
    ) -> Rendered:
        found = await interaction.client.store.history(
            interaction.guild_id, state.target_id, page, HISTORY_PER_PAGE
        )
        return Rendered(history_embed(found, state.target_id), found)


# /whatsnew


@dataclass(frozen=True)
class WhatsNewState:
    """/whatsnew's window, fixed when the member asked, so later pages show the same items:
    their marks then and the newest then, as six base-36 numbers joined by "."."""

    since: SeenMarks
    upto: SeenMarks

    def __post_init__(self) -> None:
        if not all(0 <= n <= ID_MAX for n in self.numbers()):
            raise ValueError("a mark out of range")

    def numbers(self) -> tuple[int, ...]:
        return (*astuple(self.since), *astuple(self.upto))

    def encode(self) -> str:
        return ".".join(b36(n) for n in self.numbers())

    @classmethod
    def decode(cls, text: str) -> WhatsNewState:
        parts = text.split(".")
        if len(parts) != 6:
            raise ValueError("not a what's-new state")
        numbers = [parse_b36(part, ID_MAX) for part in parts]
        return cls(SeenMarks(*numbers[:3]), SeenMarks(*numbers[3:]))


class WhatsNewPager(Pager[WhatsNewState]):
    """What was added since the member last looked; answers /whatsnew and the announcements'
    What's new for me button (bot.ui.catch_up), then moves the member's marks on."""

    kind = WHATS_NEW_KIND
    State = WhatsNewState
    navigation = by_number

    async def answer(self, interaction: discord.Interaction, *, ephemeral: bool) -> None:
        check_can_embed(interaction)
        store = interaction.client.store
        guild_id, user_id = interaction.guild_id, interaction.user.id
        work = store.whats_new(guild_id, user_id, WHATS_NEW_PER_PAGE)
        found = await in_time(interaction, work, ephemeral=ephemeral)
        if found.page.items:
            embed = whats_new_embed(
                found.page, first_look=found.first_look, seen_at=found.last_seen_at
            )
            state = WhatsNewState(found.since, found.upto)
            await self.send_first(
                interaction, state, Rendered(embed, found.page), ephemeral=ephemeral
            )
        else:
            await reply(interaction, content=nothing_new(found.last_seen_at), ephemeral=ephemeral)
        # Only once the answer is shown: if it never arrives, the items stay new.
        try:
            await store.mark_caught_up(guild_id, user_id, found.upto)
        except Exception:
            log.exception("Recording what member %s has seen failed", user_id)

    async def render(
        self, interaction: discord.Interaction, state: WhatsNewState, page: int, cursor: Cursor
    ) -> Rendered:
        found = await interaction.client.store.whats_new(
            interaction.guild_id,
            interaction.user.id,
            WHATS_NEW_PER_PAGE,
            page,
            (state.since, state.upto),
        )
        embed = whats_new_embed(found.page, first_look=False, seen_at=None)
        return Rendered(embed, found.page)
