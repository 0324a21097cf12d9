"""What moderators see and what they announce: update embeds, the audit trail, the undo button."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.dates import format_date
from bot.models import AuditRecord, Entry, GuildSettings, Page
from bot.ui import limits
from bot.ui.embeds import (
    STORY_COLOUR,
    UPDATE_COLOUR,
    add_from_message_field,
    how_many,
    pages,
)
from bot.ui.text import fit_markdown, fit_plain, link, one_line


def update_embed(entry: Entry, author_name: str) -> discord.Embed:
    embed = discord.Embed(
        title=fit_markdown(f"Update: {one_line(entry.headline)}", limits.EMBED_TITLE),
        description=fit_markdown(entry.body, limits.EMBED_DESCRIPTION),
        colour=UPDATE_COLOUR,
    )
    embed.add_field(name="Date", value=format_date(entry.date, entry.precision), inline=True)
    if entry.people:
        names = ", ".join(p.name for p in entry.people)
        embed.add_field(
            name="People", value=fit_markdown(names, limits.EMBED_FIELD_VALUE), inline=True
        )
    if entry.sources:
        source = entry.sources[0]
        embed.add_field(name="Source", value=link(source.name, source.url, 100), inline=False)
    add_from_message_field(embed, entry)
    embed.set_footer(
        text=fit_plain(f"Update #{entry.id} · posted by {author_name} · /timeline", 200)
    )
    return embed


def settings_embed(settings: GuildSettings, follow: str | None = None) -> discord.Embed:
    """The guild's settings; `follow` says whether the Follow updates button can work."""

    def show(kind: str, value: int | None) -> str:
        if value is None:
            return "not set"
        return f"<#{value}>" if kind == "channel" else f"<@&{value}>"

    embed = discord.Embed(title="Story bot settings", colour=STORY_COLOUR)
    embed.add_field(
        name="Updates channel", value=show("channel", settings.updates_channel_id), inline=False
    )
    embed.add_field(
        name="Updates role (pinged)", value=show("role", settings.updates_role_id), inline=False
    )
    embed.add_field(
        name="Moderator role", value=show("role", settings.moderator_role_id), inline=False
    )
    if follow is not None:
        embed.add_field(name="Follow button", value=follow, inline=False)
    return embed


ACTIONS = {
    "add": "added",
    "edit": "edited",
    "remove": "removed",
    "restore": "restored",
    "config": "changed",
}


def history_embed(page: Page[AuditRecord], target_id: int | None) -> discord.Embed:
    budget = limits.EMBED_DESCRIPTION // max(1, len(page.items)) - 4
    blocks = [history_block(record, budget) for record in page.items]
    title = f"History of #{target_id}" if target_id is not None else "Moderation history"
    embed = discord.Embed(title=title, description="\n\n".join(blocks), colour=STORY_COLOUR)
    embed.set_footer(
        text=f"{how_many(page)} changes · page {page.page + 1} of {pages(page)} · newest first"
    )
    return embed


def history_block(record: AuditRecord, budget: int) -> str:
    when = int(datetime.fromisoformat(record.at).timestamp())
    who = f"<@{record.actor_id}>" if record.actor_id else "the operator"
    what = (
        f"{record.target_kind} #{record.target_id}"
        if record.target_kind != "settings"
        else "settings"
    )
    head = f"**{ACTIONS.get(record.action, record.action).capitalize()} {what}** by {who} · <t:{when}:f>"
    changes = []
    before, after = record.before or {}, record.after or {}
    if record.action in ("add", "edit", "config"):
        for key in [k for k in FIELD_LABELS if k in before or k in after]:
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            label = FIELD_LABELS[key]
            if record.action == "add":
                changes.append(f"{label}: {show_value(key, new)}")
            else:
                changes.append(f"{label}: {show_value(key, old)} → {show_value(key, new)}")
    lines = [head]
    for line in changes:
        if sum(map(len, lines)) + len(line) + 2 > budget:
            lines.append("…")
            break
        lines.append(line)
    return "\n".join(lines)


# What the audit trail shows, in this order; other recorded keys are left out.
FIELD_LABELS = {
    "headline": "headline",
    "body": "text",
    "text": "text",
    "date": "date",
    "person": "person",
    "people": "people",
    "name": "name",
    "role": "role",
    "aliases": "aliases",
    "context": "context",
    "source": "source",
    "sources": "sources",
    "updates_channel_id": "updates channel",
    "updates_role_id": "updates role",
    "moderator_role_id": "moderator role",
}


def show_value(key: str, value: object) -> str:
    if value is None or value == []:
        return "none"
    if key == "updates_channel_id":
        return f"<#{value}>"
    if key.endswith("role_id"):
        return f"<@&{value}>"
    if isinstance(value, list):
        return fit_markdown(", ".join(map(str, value)), 200)
    return f"“{fit_markdown(one_line(str(value)), 80)}”"
