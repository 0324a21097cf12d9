"""Plain dataclasses the store returns and the UI renders; no discord imports here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from bot.search_terms import SearchTerms

T = TypeVar("T")

SHIPPED = 0  # scope of the story that ships with the bot; anything else is a guild id
# How long each field of an entry or quote may be, for the shipped story and moderators alike.
HEADLINE_MAX = 120
TEXT_MAX = 1500  # an entry's body or a quote's text
CONTEXT_MAX = 200  # what /quote shows of a quote's context
SOURCE_URL_MAX = 512
PEOPLE_MAX = 10  # people named in one entry
PROVENANCE_MAX = 160  # a footnote, not a paragraph
# A server's own people (/addperson): how many, and how long each field may be.
PEOPLE_PER_GUILD = 50
PERSON_NAME_MAX = 80
PERSON_ROLE_MAX = 200
ALIASES_MAX = 10
ALIAS_MAX = 60

# Around the matched words in a search snippet; control characters never occur in stored text.
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"
PERSON, OUTLET = "person", "outlet"  # Person.kind: someone in the story, or a publication


@dataclass(frozen=True)
class Person:
    id: int
    slug: str
    name: str
    role: str
    aliases: tuple[str, ...] = ()
    kind: str = PERSON  # OUTLET: a publication, quoted as reporting and listed apart
    scope: int = SHIPPED  # else the guild that added them (/addperson); only it sees them

    @property
    def is_outlet(self) -> bool:
        return self.kind == OUTLET

    @property
    def shipped(self) -> bool:
        return self.scope == SHIPPED


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    url: str | None


@dataclass(frozen=True)
class MessageRef:
    """A Discord message an entry was added from; its guild is the entry's scope."""

    channel_id: int
    message_id: int


@dataclass(frozen=True)
class Entry:
    id: int
    date: date
    precision: str  # "day" or "month"
    headline: str
    body: str
    people: tuple[Person, ...]
    sources: tuple[Source, ...]
    scope: int
    author_id: int | None
    created_at: str
    edited_at: str | None = None
    removed_at: str | None = None
    provenance: str = ""  # where the text comes from, e.g. "from the article"; shown as a footnote
    from_message: MessageRef | None = None  # added with "Add to timeline": links back to it
    text_edited_at: str | None = None  # when its headline or body last changed (not its date)

    @property
    def shipped(self) -> bool:
        return self.scope == SHIPPED


@dataclass(frozen=True)
class Quote:
    id: int
    person: Person
    text: str
    date: date
    context: str
    source: Source | None
    scope: int
    author_id: int | None
    created_at: str
    removed_at: str | None = None
    provenance: str = ""  # where the quote was checked, e.g. "from the article"


@dataclass(frozen=True)
class PersonStats:
    person: Person
    quotes: int
    entries: int


@dataclass(frozen=True)
class TimelineFilters:
    person_id: int | None = None
    since: date | None = None
    until: date | None = None
    search: SearchTerms | None = None  # entries holding every one of these words


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int  # zero-based
    per_page: int
    exact: bool = True  # False: counting stopped, there are at least `total`
    more_before: bool | None = None  # None: the page number says (page > 0)
    more_after: bool | None = None  # None: the page number says (page < page_count - 1)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 0 if self.more_before is None else self.more_before

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count - 1 if self.more_after is None else self.more_after


@dataclass(frozen=True)
class Cursor:
    """Where a timeline page starts: right after or before an entry, or at either end."""

    after: tuple[date, int] | None = None  # (date, id) of the last entry already seen
    before: tuple[date, int] | None = None  # (date, id) of the first entry already seen
    from_end: bool = False


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "entry" or "quote"
    id: int
    date: date
    title: str  # headline, or the speaker's name
    snippet: str  # text with matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END


@dataclass(frozen=True)
class SeenMarks:
    """How far a member has caught up in a guild: the newest entry and quote ids there were,
    and the newest text edit (a number that grows with every change of a headline or body)."""

    entry_id: int = 0
    quote_id: int = 0
    text_edit: int = 0


@dataclass(frozen=True)
class NewItem:
    """Something added to a guild's story between two marks: an entry, a quote, or an entry
    seen before whose text changed (`edited`)."""

    at: str  # when it was added, or its text changed (ISO, UTC)
    entry: Entry | None = None
    quote: Quote | None = None
    edited: bool = False


@dataclass(frozen=True)
class WhatsNew:
    """A member's first page of what is new since `since` (their marks) up to `upto` (now)."""

    page: Page[NewItem]
    since: SeenMarks
    upto: SeenMarks
    last_seen_at: str | None  # when they last looked (ISO, UTC); None: never

    @property
    def first_look(self) -> bool:
        return self.last_seen_at is None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    scope: int
    actor_id: int | None
    action: str
    target_kind: str
    target_id: int
    before: dict | None
    after: dict | None
    at: str


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    updates_channel_id: int | None = None
    updates_role_id: int | None = None
    moderator_role_id: int | None = None


@dataclass(frozen=True)
class Counts:
    entries: int
    quotes: int
    people: int  # persons only: outlets (TechCrunch) are sources


# Review items (feeds): waiting for a moderator, added to the timeline, or dismissed.
PENDING, ADDED, DISMISSED = "pending", "added", "dismissed"


@dataclass(frozen=True)
class ReviewItem:
    """A feed item posted as a review card, and what a moderator decided about it."""

    id: int
    guild_id: int
    feed_id: int | None  # None once its feed was removed (the card keeps working)
    item_key: str
    link: str | None
    outlet: str
    title: str
    published: datetime | None
    summary: str  # plain text, not escaped
    channel_id: int | None = None  # the card, once posted
    message_id: int | None = None
    status: str = PENDING
    decided_by: int | None = None
    decided_at: str | None = None
    entry_id: int | None = None  # the update it became

    @property
    def pending(self) -> bool:
        return self.status == PENDING


@dataclass(frozen=True)
class CheckReport:
    integrity: str
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)


# What writes take and return.


class Keep(enum.Enum):
    """The value of a field an edit leaves as it is (None can be a value: "no source")."""

    KEEP = "keep"


KEEP = Keep.KEEP


def changed_fields(changes: Any) -> dict[str, Any]:
    """The fields of a changes dataclass that are not KEEP, by name."""
    found = {f.name: getattr(changes, f.name) for f in fields(changes)}
    return {name: value for name, value in found.items() if value is not KEEP}


@dataclass(frozen=True)
class EntryChanges:
    """A correction of an entry: the fields to change; those left at KEEP stay as they are."""

    day: date | Keep = KEEP
    precision: str | Keep = KEEP
    headline: str | Keep = KEEP
    body: str | Keep = KEEP
    person_ids: tuple[int, ...] | Keep = KEEP  # () leaves no one linked
    source_url: str | Keep | None = KEEP  # None leaves no source

    def __post_init__(self) -> None:
        if (self.day is KEEP) != (self.precision is KEEP):
            raise ValueError("an entry's date and its precision change together")


@dataclass(frozen=True)
class PersonChanges:
    """A change of one of a guild's people; fields left at KEEP stay as they are."""

    name: str | Keep = KEEP  # a new name gives a new slug too
    role: str | Keep = KEEP
    aliases: tuple[str, ...] | Keep = KEEP
    kind: str | Keep = KEEP


@dataclass(frozen=True)
class PersonUsage:
    """How many of its guild's updates name a person, and how many quotes are theirs
    (removed ones included: removing the person changes those too)."""

    entries: int
    quotes: int

    @property
    def unused(self) -> bool:
        return self.entries == 0 and self.quotes == 0


@dataclass(frozen=True)
class PersonRemoval:
    """What /removeperson did: `removed` is False when `usage` differs from what the
    moderator confirmed (someone linked or quoted them meanwhile), and nothing changed."""

    person: Person
    usage: PersonUsage
    removed: bool


@dataclass(frozen=True)
class SettingsChanges:
    """A change of a guild's settings; None unsets a setting, KEEP leaves it as it is."""

    updates_channel_id: int | Keep | None = KEEP
    updates_role_id: int | Keep | None = KEEP
    moderator_role_id: int | Keep | None = KEEP


@dataclass(frozen=True)
class EntryAdded:
    """What adding an entry did: `duplicate` when the same moderator posted the same update
    minutes ago (a retry after a lost reply), so the earlier entry is returned and nothing stored."""

    entry: Entry
    duplicate: bool


@dataclass(frozen=True)
class SeedResult:
    """How many shipped entries and quotes seeding added, and rewrote (with update)."""

    added: int = 0
    updated: int = 0
