"""The story a guild sees, as a readable Markdown document (`db export --format markdown`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.dates import format_date
from bot.models import Entry, Quote, Source


def render_markdown(entries: Sequence[Entry], quotes: Sequence[Quote]) -> str:
    """Entries in date order, then quotes by speaker; each with its sources and provenance."""
    lines = ["# Timeline", ""]
    for entry in entries:
        day = format_date(entry.date, entry.precision)
        scope = "" if entry.shipped else f" (added in server {entry.scope})"
        lines += [f"## {day}: {entry.headline}{scope}", "", f"#{entry.id}. {entry.body}", ""]
        if entry.people:
            lines += ["People: " + ", ".join(p.name for p in entry.people), ""]
        if entry.sources:
            lines += ["Sources: " + "; ".join(_source(s) for s in entry.sources), ""]
        if entry.provenance:
            lines += [f"Sourcing: {entry.provenance}", ""]
    lines += ["# Quotes", ""]
    for quote in sorted(quotes, key=lambda q: (q.person.id, q.date, q.id)):
        who = quote.person.name + (" (reporting)" if quote.person.is_outlet else "")
        source = _source(quote.source) if quote.source else "no source"
        lines += [
            f"> {quote.text}",
            "",
            f"— {who}, {quote.context}, {format_date(quote.date)} ({source})",
            "",
        ]
        if quote.provenance:
            lines += [f"Sourcing: {quote.provenance}", ""]
    return "\n".join(lines)


def _source(source: Source) -> str:
    return f"[{source.name}]({source.url})" if source.url else source.name
