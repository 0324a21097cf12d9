"""The database export rendered as a readable Markdown document (for `db export --format markdown`)."""

from __future__ import annotations

from datetime import date

from bot.dates import format_date
from bot.models import OUTLET


def render_markdown(data: dict) -> str:
    tables = data["tables"]
    people = {p["id"]: p for p in tables["people"]}
    sources = {s["id"]: s for s in tables["sources"]}
    entry_people: dict[int, list[str]] = {}
    for link in sorted(tables["entry_people"], key=lambda r: r["position"]):
        entry_people.setdefault(link["entry_id"], []).append(people[link["person_id"]]["name"])
    entry_sources: dict[int, list[str]] = {}
    for link in sorted(tables["entry_sources"], key=lambda r: r["position"]):
        entry_sources.setdefault(link["entry_id"], []).append(_source(sources[link["source_id"]]))

    lines = ["# Timeline", ""]
    for entry in sorted(tables["entries"], key=lambda e: (e["date"], e["id"])):
        if entry["removed_at"]:
            continue
        day = format_date(date.fromisoformat(entry["date"]), entry["precision"])
        scope = "" if entry["scope"] == 0 else f" (added in server {entry['scope']})"
        lines += [
            f"## {day}: {entry['headline']}{scope}",
            "",
            f"#{entry['id']}. {entry['body']}",
            "",
        ]
        if entry["id"] in entry_people:
            lines += ["People: " + ", ".join(entry_people[entry["id"]]), ""]
        if entry["id"] in entry_sources:
            lines += ["Sources: " + "; ".join(entry_sources[entry["id"]]), ""]
        if entry["provenance"]:
            lines += [f"Sourcing: {entry['provenance']}", ""]
    lines += ["# Quotes", ""]
    for quote in sorted(tables["quotes"], key=lambda q: (q["person_id"], q["date"], q["id"])):
        if quote["removed_at"]:
            continue
        speaker = people[quote["person_id"]]
        who = speaker["name"] + (" (reporting)" if speaker["kind"] == OUTLET else "")
        day = format_date(date.fromisoformat(quote["date"]))
        source = _source(sources[quote["source_id"]]) if quote["source_id"] else "no source"
        lines += [f"> {quote['text']}", "", f"— {who}, {quote['context']}, {day} ({source})", ""]
        if quote["provenance"]:
            lines += [f"Sourcing: {quote['provenance']}", ""]
    return "\n".join(lines)


def _source(source: dict) -> str:
    return f"[{source['name']}]({source['url']})" if source["url"] else source["name"]
