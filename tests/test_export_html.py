"""`db export --format html`: one self-contained page; moderators' text stays text; private files.

What a browser makes of the page is in tests/test_export_html_browser.py.
"""

from __future__ import annotations

import re
import stat
from datetime import date
from html import escape
from pathlib import Path

import pytest
from test_cli import GUILD, ok, one_line_failure, run

from bot.cli.db import story_seen_by
from bot.export.html import render_html, safe_url
from bot.store import Store, open_store

HOSTILE_HEADLINE = '<script>alert("headline")</script> & <b>bold</b>'
HOSTILE_BODY = "<img src=x onerror=alert(1)>\nline two </p><p>"
HOSTILE_QUOTE = '"</blockquote><script>alert(2)</script>'


async def add_hostile(store: Store, guild: int = GUILD) -> None:
    """What a moderator (or a hand-edited import) might store: markup and a script link."""
    await store.add_entry(
        guild,
        7,
        day=date(2024, 5, 19),
        precision="day",
        headline=HOSTILE_HEADLINE,
        body=HOSTILE_BODY,
        person_ids=[store.people[1].id],
        source_url="javascript:alert(3)",
    )
    await store.add_entry(
        guild,
        7,
        day=date(2024, 6, 1),
        precision="month",
        headline="A month-long follow-up",
        body="",
        person_ids=[],
        source_url='https://example.com/a?b=1&c="2"',
    )
    await store.add_quote(
        guild,
        7,
        person_id=store.people[1].id,
        text=HOSTILE_QUOTE,
        day=date(2024, 5, 20),
        context="<i>context</i>",
        source_url="data:text/html,<script>alert(4)</script>",
    )


@pytest.fixture
def db(tmp_path) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}


async def page_for(store: Store, story, guild: int | None) -> str:
    entries, quotes = await story_seen_by(store, guild)
    return render_html(story.title, story.summary, entries, quotes, guild)


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://www.vox.com/a", True),
        ("http://example.com", True),
        ("HTTPS://EXAMPLE.COM/x", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:x", False),
        ("//example.com/no-scheme", False),
        ("/relative", False),
        ("https://", False),
        ("https://exa mple.com", False),
        ("https://example.com/\x00", False),
        ("java\nscript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_and_https_links_are_kept(url, kept):
    assert safe_url(url) == (url if kept else None)


async def test_every_event_and_quote_is_on_the_page_with_dates_people_sources(store, story):
    page = await page_for(store, story, None)

    for entry in story.entries:
        assert f"<h4>{escape(entry.headline)}</h4>" in page
    for quote in story.quotes:
        assert f"<blockquote>{escape(quote.text.strip())}</blockquote>" in page
    assert page.count('<article class="entry"') == len(story.entries)
    assert page.count('<figure class="quote"') == len(story.quotes)
    assert '<time datetime="2024-05-14">14 May 2024</time>' in page
    assert "People: Ilya Sutskever" in page
    urls = {s.url for s in story.sources if s.url}
    links = set(re.findall(r'<a href="([^"]+)" rel="noopener noreferrer">', page))
    assert links == {escape(u, quote=True) for u in urls}
    ids = re.findall(r'id="((?:entry|quote)-\d+)"', page)
    assert len(ids) == len(set(ids)) == len(story.entries) + len(story.quotes)
    for anchor in ids:
        assert f'href="#{anchor}"' in page


async def test_the_page_needs_nothing_else(store, story):
    page = await page_for(store, story, None)

    assert "<script" not in page.lower()
    # Nothing to fetch: no src, no stylesheet imports, links only to anchors or the web.
    assert not re.search(r"\s(src|srcset|href)=\"(?!#|https?:)|@import|url\(", page)
    assert "<link" not in page
    assert "default-src 'none'" in page
    assert "prefers-color-scheme: dark" in page and "@media print" in page
    assert 'name="viewport"' in page


async def test_moderators_text_is_escaped_and_bad_links_are_dropped(store, story):
    await add_hostile(store)

    page = await page_for(store, story, GUILD)

    assert "<script" not in page.lower()
    assert "onerror=" not in page.replace("onerror=alert", "")  # only ever as escaped text
    assert "<img" not in page and "<i>" not in page and "<b>" not in page
    assert escape(HOSTILE_HEADLINE) in page
    assert escape(HOSTILE_BODY.strip()) in page
    assert escape(HOSTILE_QUOTE) in page
    assert 'href="javascript' not in page.lower() and 'href="data:' not in page.lower()
    assert "javascript:alert(3)" in page  # shown as the source's name, not as a link
    assert 'href="https://example.com/a?b=1&amp;c=&quot;2&quot;"' in page
    assert '<time datetime="2024-06">June 2024</time>' in page
    assert page.count("added by this server") == 3


async def test_a_guilds_additions_only_when_asked_for(store, story):
    await add_hostile(store)
    await add_hostile(store, guild=GUILD + 1)

    shipped = await page_for(store, story, None)
    mine = await page_for(store, story, GUILD)

    assert "A month-long follow-up" not in shipped
    assert mine.count("A month-long follow-up") == 1  # not the other server's copy
    assert "The story as shipped." in shipped
    assert f"server {GUILD}’s own additions" in mine


def first_page_counts(page: str) -> tuple[int, int]:
    return page.count('id="entry-'), page.count('id="quote-')


async def test_cli_writes_a_private_file_and_never_overwrites_unasked(tmp_path, db, story):
    path = Path(db["DATABASE_PATH"])
    path.parent.mkdir()
    store = await open_store(path, story)
    await add_hostile(store)
    await store.close()
    out = tmp_path / "story.html"

    said = ok(run(tmp_path, "db", "export", "--format", "html", str(out), **db))
    assert said == f"exported to {out}\n"
    assert first_page_counts(out.read_text(encoding="utf-8")) == (
        len(story.entries),
        len(story.quotes),
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_text(encoding="utf-8")
    assert "A month-long follow-up" not in first

    refused = one_line_failure(
        run(tmp_path, "db", "export", "--format", "html", "--guild", str(GUILD), str(out), **db)
    )
    assert "exists" in refused and "--force" in refused
    assert out.read_text(encoding="utf-8") == first
    out.chmod(0o644)

    ok(
        run(
            tmp_path,
            "db",
            "export",
            "--format",
            "html",
            "--guild",
            str(GUILD),
            "--force",
            str(out),
            **db,
        )
    )
    assert "A month-long follow-up" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "story.html"]  # no leftovers
    assert ok(run(tmp_path, "db", "export", "--format", "html", **db)) == first


@pytest.mark.parametrize(
    "args, said",
    [
        (["--format", "html", "--guild", "abc"], "not a server ID"),
        (["--format", "html", "--guild", "0"], "not a server ID"),
        (["--format", "html", "--guild", "-5"], "not a server ID"),
        (["--guild", "5"], "--guild works with --format markdown or html"),
        (["--format", "html", "missing-folder/story.html"], "cannot write"),
    ],
)
async def test_cli_refusals_are_one_line(tmp_path, db, story, args, said):
    path = Path(db["DATABASE_PATH"])
    path.parent.mkdir()
    await (await open_store(path, story)).close()

    assert said in one_line_failure(run(tmp_path, "db", "export", *args, **db))
