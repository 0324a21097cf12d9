"""The story as one self-contained web page: the timeline and the quotes, to share or print.

No scripts, fonts, images or other files: one HTML file with its own style, light or dark
as the reader's system prefers, readable on a phone and printable. Everything stored is
text, never markup: it is all escaped, and links are kept only when they are http(s).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from bot.dates import format_date
from bot.models import Entry, Quote, Source

STYLE = """
:root { color-scheme: light dark; --text: #1d1f23; --muted: #5c6370; --line: #d6d9de;
  --accent: #0b7a5c; --card: #f6f7f9; --bg: #ffffff; --server: #a14e00; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e8eaed; --muted: #a9afb9; --line: #3a3d44; --accent: #4fd1a5;
    --card: #24262b; --bg: #16171a; --server: #ffb74d; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 44rem; padding: 1.25rem 1rem 3rem; background: var(--bg);
  color: var(--text); font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; overflow-wrap: anywhere; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem;
  border-bottom: 2px solid var(--line); }
h3.month { font-size: 1rem; color: var(--muted); text-transform: uppercase;
  letter-spacing: .06em; margin: 1.6rem 0 .6rem; }
.summary, .meta, nav { color: var(--muted); }
.meta { font-size: .9rem; }
nav a { margin-right: 1rem; }
.entry { border-left: 3px solid var(--accent); padding: .1rem 0 .1rem .9rem; margin: 0 0 1.4rem; }
.entry.server { border-left-color: var(--server); }
.entry h4 { font-size: 1.08rem; line-height: 1.35; margin: .15rem 0 .35rem; }
.when { font-size: .9rem; color: var(--muted); margin: 0; }
.when time { font-weight: 600; color: var(--text); }
.badge { color: var(--server); font-weight: 600; }
.anchor { color: var(--muted); text-decoration: none; margin-left: .4rem; }
.anchor:hover, .anchor:focus { text-decoration: underline; }
.body, blockquote { white-space: pre-line; }
.body { margin: 0 0 .4rem; }
.people, .sources { font-size: .92rem; color: var(--muted); margin: .15rem 0; }
.quote { margin: 0 0 1.4rem; padding: .8rem 1rem; background: var(--card); border-radius: .5rem; }
blockquote { margin: 0 0 .5rem; font-size: 1.05rem; }
figcaption { font-size: .92rem; color: var(--muted); }
figcaption strong { color: var(--text); }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); }
.entry:target, .quote:target { outline: 2px solid var(--accent); outline-offset: 4px; }
@media print {
  :root { --text: #000; --muted: #333; --line: #999; --accent: #000; --card: #fff;
    --bg: #fff; --server: #000; }
  body { max-width: none; font-size: 11pt; padding: 0; }
  nav, .anchor { display: none; }
  .entry, .quote { break-inside: avoid; }
  .quote { border: 1px solid var(--line); }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em;
    overflow-wrap: anywhere; }
}
"""


def safe_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address a browser may follow; None for anything else."""
    if not url or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def render_html(
    title: str,
    summary: str,
    entries: Sequence[Entry],
    quotes: Sequence[Quote],
    guild_id: int | None = None,
) -> str:
    """The whole page; every stored string is escaped here, once."""
    whose = (
        f"The shipped story and server {guild_id}’s own additions."
        if guild_id is not None
        else "The story as shipped."
    )
    counts = f"{_count(len(entries), 'event')} and {_count(len(quotes), 'quote')}."
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Defence in depth: even a missed escape could not run a script or load anything.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">",
        '<meta name="color-scheme" content="light dark">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="summary">{escape(summary)}</p>',
        f'<p class="meta">{escape(whose)} {counts} Every event and quote gives its date and source; quotes are verbatim.</p>',
        '<nav><a href="#timeline">Timeline</a><a href="#quotes">Quotes</a></nav>',
        "</header>",
        "<main>",
        '<section id="timeline">',
        "<h2>Timeline</h2>",
    ]
    month = None
    for entry in entries:
        if (entry.date.year, entry.date.month) != month:
            month = (entry.date.year, entry.date.month)
            name = f"{calendar.month_name[entry.date.month]} {entry.date.year}"
            parts.append(f'<h3 class="month">{name}</h3>')
        parts.append(_entry(entry))
    parts += ["</section>", '<section id="quotes">', "<h2>Quotes</h2>"]
    parts += [_quote(quote) for quote in quotes]
    parts += [
        "</section>",
        "</main>",
        "<footer>Exported by storybot. Links open the original sources.</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _time(day, precision: str = "day") -> str:
    machine = day.isoformat()[:7] if precision == "month" else day.isoformat()
    return f'<time datetime="{machine}">{escape(format_date(day, precision))}</time>'


def _link(source: Source) -> str:
    url = safe_url(source.url)
    name = escape(source.name or source.url or "source")
    if url is None:
        return name
    return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{name}</a>'


def _entry(entry: Entry) -> str:
    anchor = f"entry-{entry.id}"
    badge = "" if entry.shipped else ' · <span class="badge">added by this server</span>'
    lines = [
        f'<article class="entry{"" if entry.shipped else " server"}" id="{anchor}">',
        f'<p class="when">{_time(entry.date, entry.precision)}{badge}'
        f'<a class="anchor" href="#{anchor}" aria-label="Link to event {entry.id}">#{entry.id}</a></p>',
        f"<h4>{escape(entry.headline)}</h4>",
    ]
    if entry.body.strip():
        lines.append(f'<p class="body">{escape(entry.body.strip())}</p>')
    if entry.people:
        names = ", ".join(escape(p.name) for p in entry.people)
        lines.append(f'<p class="people">People: {names}</p>')
    if entry.sources:
        links = ", ".join(_link(s) for s in entry.sources)
        lines.append(
            f'<p class="sources">{"Source" if len(entry.sources) == 1 else "Sources"}: {links}</p>'
        )
    lines.append("</article>")
    return "\n".join(lines)


def _quote(quote: Quote) -> str:
    anchor = f"quote-{quote.id}"
    said = [f"— <strong>{escape(quote.person.name)}</strong>"]
    if quote.context.strip():
        said.append(escape(quote.context.strip()))
    said.append(_time(quote.date))
    source = _link(quote.source) if quote.source is not None else "no source given"
    badge = "" if quote.scope == 0 else ' · <span class="badge">added by this server</span>'
    return "\n".join(
        [
            f'<figure class="quote" id="{anchor}">',
            f"<blockquote>{escape(quote.text.strip())}</blockquote>",
            f"<figcaption>{', '.join(said)} · {source}{badge}"
            f'<a class="anchor" href="#{anchor}" aria-label="Link to quote {quote.id}">#{quote.id}</a>'
            "</figcaption>",
            "</figure>",
        ]
    )
