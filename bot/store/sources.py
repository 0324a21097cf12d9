"""Sources of moderators' links: found by URL, or created and named after the site they lead to."""

from __future__ import annotations

from urllib.parse import urlsplit

import aiosqlite

from bot.models import Source


async def source_for_url(conn: aiosqlite.Connection, url: str) -> Source:
    """The source with this URL, created (named after its host) if new."""
    found = await conn.execute_fetchall(
        "SELECT id, name, url FROM sources WHERE url = ? ORDER BY id LIMIT 1", (url,)
    )
    if not found:
        found = await conn.execute_fetchall(
            "INSERT INTO sources (name, url) VALUES (?, ?) RETURNING id, name, url",
            (host_label(url), url),
        )
    return Source(*found[0])


def host_label(url: str) -> str:
    """The site a link leads to, for its label: the parsed host, never the user-info before
    an "@" (`openai.com@evil.example` leads to evil.example), IDNA-decoded to read."""
    try:
        host = urlsplit(url).hostname or url
        host = host.encode("ascii").decode("idna")
    except UnicodeError:
        pass  # already Unicode, or not valid IDNA: shown as written
    except ValueError:
        host = url  # not a URL the validator would let in; shown whole rather than lost
    return host.removeprefix("www.")
