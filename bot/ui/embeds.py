"""Embeds for every reply, each built within Discord's limits (bot.ui.limits)."""

from __future__ import annotations

import functools

import discord

from bot.dates import format_date
from bot.models import Counts, Entry, MessageRef, Page, PersonStats, Quote, SearchHit
from bot.search_terms import MAX_TERMS, SearchTerms
from bot.ui import limits
from bot.ui.text import block_quote, escape, fit_markdown, fit_plain, highlighted, link, one_line

STORY_COLOUR = discord.Colour(0x10A37F)
UPDATE_COLOUR = discord.Colour(0xE67E22)
QUOTE_COLOUR = discord.Colour(0x5865F2)
SOURCES_SHOWN = 3
TIMELINE_BODY = 360


def how_many(page: Page) -> str:
    """The total, as "1,000+" when counting stopped early."""
    return f"{page.total:,}{'' if page.exact else '+'}"


def pages(page: Page) -> str:
    return f"{page.page_count:,}{'' if page.exact else '+'}"


def entry_label(entry: Entry) -> str:
    return format_date(entry.date, entry.precision)


def jump_url(guild_id: int, message: MessageRef) -> str:
    """Discord's link to a message (`message.jump_url`, rebuilt from what the store keeps)."""
    return f"https://discord.com/channels/{guild_id}/{message.channel_id}/{message.message_id}"


def add_from_message_field(embed: discord.Embed, entry: Entry) -> None:
    """Where a moderator found the update: a link back to the message it was added from."""
    if entry.from_message is not None:
        url = jump_url(entry.scope, entry.from_message)
        where = f"[The message]({url}) in <#{entry.from_message.channel_id}>"
        embed.add_field(name="Added from", value=where, inline=False)


def with_sourcing(footer: str, provenance: str) -> str:
    """`footer` with where the item comes from on a second line (footers show Markdown as typed)."""
    return f"{footer}\nSourcing: {fit_plain(one_line(provenance), 300)}" if provenance else footer


def timeline_embed(page: Page[Entry], filters: str, *, newest_first: bool = False) -> discord.Embed:
    order = "newest first" if newest_first else "oldest first"
    header = f"Showing {filters}, {order}." if filters else f"The whole story, {order}."
    budget = (limits.EMBED_DESCRIPTION - len(header) - 4) // max(1, len(page.items)) - 2
    blocks = [timeline_block(entry, budget) for entry in page.items]
    embed = discord.Embed(
        title=f"Timeline · {how_many(page)} {'entry' if page.total == 1 else 'entries'}",
        description="\n\n".join([header, *blocks]),
        colour=STORY_COLOUR,
    )
    embed.set_footer(text=f"Page {page.page + 1} of {pages(page)} · /entry <id> shows one in full")
    return embed


# Keyed by the whole entry (every field, its people and sources too), so an edit is a new key.
# A page is the same five blocks for every reader until an entry changes; 1,024 blocks of
# entries of at most some 2,000 characters each keep the cache within a few megabytes.
@functools.lru_cache(maxsize=1024)
def timeline_block(entry: Entry, budget: int) -> str:
    """One entry in at most `budget` characters: date, headline, short body, people, sources."""
    badge = " · *server update*" if not entry.shipped else ""
    title = f"**{entry_label(entry)} · {fit_markdown(one_line(entry.headline), 130)}** `#{entry.id}`{badge}"
    people = ""
    if entry.people:
        people = "People: " + fit_markdown(", ".join(p.name for p in entry.people), 160)
    links = [link(s.name, s.url, 40) for s in entry.sources[:SOURCES_SHOWN]]
    extra = len(entry.sources) - len(links)
    sources = (
        ("Sources: " + ", ".join(links) + (f" +{extra} more" if extra else "")) if links else ""
    )
    while links and len(title) + len(people) + len(sources) + 40 > budget:
        links.pop()  # very long URLs: show fewer here; /entry lists them all
        extra += 1
        sources = (
            "Sources: " + ", ".join(links) + f" +{extra} in `/entry {entry.id}`"
            if links
            else f"Sources: see `/entry {entry.id}`"  # still say it is sourced, and where
        )
    room = budget - len(title) - len(people) - len(sources) - 3
    body = fit_markdown(entry.body, max(0, min(TIMELINE_BODY, room)), f" (`/entry {entry.id}`)")
    return "\n".join(part for part in (title, body, people, sources) if part)


def entry_embed(entry: Entry) -> discord.Embed:
    embed = discord.Embed(
        title=fit_markdown(one_line(entry.headline), limits.EMBED_TITLE),
        description=fit_markdown(entry.body, limits.EMBED_DESCRIPTION),
        colour=STORY_COLOUR if entry.shipped else UPDATE_COLOUR,
    )
    embed.add_field(name="Date", value=entry_label(entry), inline=True)
    if entry.people:
        names = ", ".join(p.name for p in entry.people)
        embed.add_field(
            name="People", value=fit_markdown(names, limits.EMBED_FIELD_VALUE), inline=True
        )
    if entry.sources:
        lines, used = [], 0
        for source in entry.sources:
            # Each line fits the field alone, so the field is never empty.
            line = f"• {link(source.name, source.url, 100, limits.EMBED_FIELD_VALUE - 2)}"
            if used + len(line) + 1 > limits.EMBED_FIELD_VALUE:
                break
            lines.append(line)
            used += len(line) + 1
        embed.add_field(name="Sources", value="\n".join(lines), inline=False)
    add_from_message_field(embed, entry)
    origin = "From the story as shipped" if entry.shipped else "Added by this server's moderators"
    edited = " · edited" if entry.edited_at else ""
    embed.set_footer(text=with_sourcing(f"Entry #{entry.id} · {origin}{edited}", entry.provenance))
    return embed


def quote_embed(page: Page[Quote], search: str | None = None) -> discord.Embed:
    quote = page.items[0]
    # The "> " before each line counts too: a quote of many short lines would overflow.
    body = block_quote(quote.text, limits.EMBED_DESCRIPTION - 200)
    # An outlet is not a person speaking: its words are its reporting.
    reporting = " (reporting)" if quote.person.is_outlet else ""
    embed = discord.Embed(
        description=f"{body}\n\n— **{escape(quote.person.name)}**{reporting}", colour=QUOTE_COLOUR
    )
    embed.set_author(
        name=fit_plain(f"{quote.person.name} · {quote.person.role}", limits.EMBED_AUTHOR)
    )
    embed.add_field(name="Date", value=format_date(quote.date), inline=True)
    if quote.context:
        embed.add_field(name="Context", value=fit_markdown(quote.context, 200), inline=True)
    if quote.source is not None:
        embed.add_field(
            name="Source", value=link(quote.source.name, quote.source.url, 120), inline=False
        )
    matching = f" matching “{fit_plain(one_line(search), 40)}”" if search else ""
    embed.set_footer(
        text=with_sourcing(
            f"Quote {page.page + 1} of {how_many(page)}{matching} · verbatim · #{quote.id}",
            quote.provenance,
        )
    )
    return embed


def search_embed(page: Page[SearchHit], terms: SearchTerms) -> discord.Embed:
    budget = limits.EMBED_DESCRIPTION // max(1, len(page.items)) - 4
    blocks = []
    for hit in page.items:
        where = f"Entry `#{hit.id}`" if hit.kind == "entry" else f"Quote `#{hit.id}`"
        title = f"**{fit_markdown(one_line(hit.title), 120)}** · {format_date(hit.date)} · {where}"
        blocks.append(
            f"{title}\n{highlighted(one_line(hit.snippet), max(0, budget - len(title) - 40))}"
        )
    embed = discord.Embed(
        title=fit_markdown(f"Search: {terms.text}", limits.EMBED_TITLE),
        description="\n\n".join(blocks),
        colour=STORY_COLOUR,
    )
    where = f"page {page.page + 1} of {page.page_count:,}"
    if page.exact:
        footer = (
            f"{page.total:,} {'match' if page.total == 1 else 'matches'} · {where} · best first"
        )
    else:  # the search budget left older matches out
        footer = f"The best of the most recent {page.total:,} matches · {where}"
    if terms.left_out:
        footer += f" · only the first {MAX_TERMS} words were searched for"
    embed.set_footer(text=footer)
    return embed


def people_embed(stats: list[PersonStats]) -> discord.Embed:
    lines = []
    for s in (s for s in stats if not s.person.is_outlet):
        counts = f"{s.quotes} {'quote' if s.quotes == 1 else 'quotes'}, {s.entries} {'entry' if s.entries == 1 else 'entries'}"
        role = f"{escape(s.person.role)} · " if s.person.role else ""
        here = ", added here" if not s.person.shipped else ""
        lines.append(f"**{escape(s.person.name)}** (`{s.person.slug}`{here}): {role}{counts}")
    description = ""
    for line in lines:
        if len(description) + len(line) + 1 > limits.EMBED_DESCRIPTION - 40:
            description += "\n…and more"
            break
        description += ("\n" if description else "") + line
    embed = discord.Embed(title="Who is who", description=description, colour=STORY_COLOUR)
    # Publications are sources, not people; named here so `/quote <outlet>` can be found.
    outlets = [s.person for s in stats if s.person.is_outlet]
    if outlets:
        names = ", ".join(f"{fit_markdown(p.name, 100)} (`{p.slug}`)" for p in outlets[:8])
        embed.add_field(name="Outlets quoted", value=names, inline=False)
    embed.set_footer(
        text="/quote <name> for what they said · /timeline person:<name> for their part"
    )
    return embed


def about_embed(title: str, summary: str, counts: Counts, version: str) -> discord.Embed:
    embed = discord.Embed(
        title=fit_markdown(title, limits.EMBED_TITLE),
        description=fit_markdown(summary, 1500),
        colour=STORY_COLOUR,
    )
    embed.add_field(name="Events", value=str(counts.entries), inline=True)
    embed.add_field(name="Quotes", value=str(counts.quotes), inline=True)
    embed.add_field(name="People", value=str(counts.people), inline=True)
    embed.add_field(
        name="Where the data comes from",
        value=(
            "The shipped story is built from a LessWrong post tracking the departures and from "
            "well-known public records (OpenAI's blog, posts on X, Vox, TechCrunch); every event "
            "and quote carries its date and source. Quotes are verbatim."
        ),
        inline=False,
    )
    embed.add_field(
        name="Catching up",
        value=(
            "`/timeline order:newest` starts from the latest news (the default is oldest "
            "first). `/whatsnew` shows only what was added since you last looked, just to you."
        ),
        inline=False,
    )
    embed.add_field(
        name="Adding updates",
        value=(
            "Moderators (Manage Messages, or the role set with `/config`) post breaking news "
            "with `/addupdate`; it shows in this server's `/timeline` and is announced."
        ),
        inline=False,
    )
    embed.set_footer(
        text=f"storybot {version} · /timeline · /whatsnew · /quote · /people · /search · /entry"
    )
    return embed
