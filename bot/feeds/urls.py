"""Feed addresses as moderators type them and as servers redirect to them: checked, one sentence each.

Only the shape is checked here (http or https, a proper host, no user name or password, a
bounded length). Which addresses may be contacted is `guard`'s decision, made after DNS.
"""

from __future__ import annotations

import ipaddress
import re

from yarl import URL

from bot.feeds.limits import MAX_FEEDS_PER_GUILD, MAX_URL_LENGTH

# One DNS label (letters, digits, hyphens; underscores occur in real names), dot-separated.
_HOST_NAME = re.compile(
    r"(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?", re.IGNORECASE
)
# "mailto:", "javascript:", but not "example.com:8080/".
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


class FeedInputError(ValueError):
    """What a moderator typed for a feed cannot be used; the message says why, in one sentence."""


def check_feed_url(text: str) -> str:
    """The feed address `text` as a clean absolute URL, or FeedInputError naming the problem."""
    text = text.strip()
    if not text:
        raise FeedInputError("Give the address of the feed, starting with https://.")
    if len(text) > MAX_URL_LENGTH:
        raise FeedInputError(
            f"That address is {len(text)} characters long; feed addresses are at most "
            f"{MAX_URL_LENGTH}."
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise FeedInputError("A feed address cannot contain spaces or control characters.")
    if "://" not in text and not _SCHEME.match(text):
        raise FeedInputError(f"Start the address with https:// (for example https://{text[:60]}).")
    url, problem = _parse(text)
    if problem:
        raise FeedInputError(f"That address {problem}.")
    return str(url.with_fragment(None))  # never sent to the server; two spellings, one feed


def check_redirect_url(current: str, location: str) -> str:
    """Where a redirect from `current` to `location` leads, held to the rules of a typed address.

    The FeedInputError message is a phrase for a feed's status line ("redirected to ...").
    """
    try:
        target = str(URL(current).join(URL(location)))
    except ValueError:
        target, problem = location, "is not a valid web address"
    else:
        bad_text = any(ch.isspace() or ord(ch) < 32 for ch in location)
        problem = "is not a valid web address" if bad_text else _parse(target)[1]
    if problem is None and len(target) > MAX_URL_LENGTH:
        problem = f"is longer than {MAX_URL_LENGTH} characters"
    if problem:
        raise FeedInputError(f"redirected to an address that {problem}")
    return target


def check_feed_count(existing: int) -> None:
    """Refuse one more feed for a server that already follows `existing` feeds."""
    if existing >= MAX_FEEDS_PER_GUILD:
        raise FeedInputError(
            f"This server already follows {existing} feeds, the most allowed: remove one first."
        )


def _parse(text: str) -> tuple[URL | None, str | None]:
    """The URL, or None and what is wrong with it as the end of "That address ..."."""
    try:
        url = URL(text)
        port = url.port  # yarl raises here for a port out of range
    except ValueError:
        return None, "is not a valid web address"
    if url.scheme not in ("http", "https"):
        return None, f"must start with https:// or http:// (this one starts with {url.scheme}:)"
    if "@" in _authority(text) or url.user is not None:
        return None, "must not contain a user name or password (the part before @)"
    host = url.raw_host or ""
    if not host:
        return None, "has no server name after the //"
    if port == 0:
        return None, "is not a valid web address (port 0)"
    if not _proper_host(host):
        return None, f"has a server name that is not valid: {host[:80]}"
    return url, None


def _proper_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    if not _HOST_NAME.fullmatch(host) or len(host) > 253:
        return False
    # A name whose last part is a number is an address in a legacy form (127.1, 2130706433):
    # no top-level domain is numeric, and such forms are how filters get fooled.
    return not host.rstrip(".").rsplit(".", 1)[-1].isdigit()


def web_link(text: str | None) -> str | None:
    """`text` if it is an http(s) link without credentials that a card may show, else None."""
    if not text or len(text) > MAX_URL_LENGTH or any(ch.isspace() for ch in text):
        return None
    url, problem = _parse(text)
    return None if problem else str(url)


def _authority(text: str) -> str:
    """The part between `//` and the path as typed (yarl drops an empty `@`)."""
    return re.split(r"[/?#]", text.partition("://")[2], maxsplit=1)[0]
