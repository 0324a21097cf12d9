"""Downloading one feed: safe addresses only, bounded in time and size, never raising for a bad feed.

Every way a feed can fail (no such server, a 404, too large, too slow, endless redirects, a
private address) comes back as a FAILED result with a short phrase for the feed's status
line ("answered 404 (Not Found)"), so the poller can carry on with the other feeds.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType

import aiohttp
from yarl import URL

from bot.feeds.guard import AddressPolicy, GuardedResolver, RefusedAddress, Resolve, system_resolve
from bot.feeds.limits import MAX_BYTES, MAX_REDIRECTS, TIMEOUT_SECONDS
from bot.feeds.urls import FeedInputError, check_redirect_url

log = logging.getLogger(__name__)

USER_AGENT = "storybot/0.1 (Discord bot that reads RSS and Atom feeds for moderators)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024


class FetchStatus(enum.Enum):
    NEW = "new"  # the server sent the feed
    NOT_MODIFIED = "not modified"  # 304: nothing changed since the validators we sent
    FAILED = "failed"


@dataclass(frozen=True)
class FetchResult:
    status: FetchStatus
    url: str  # where the answer came from, after redirects
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None  # validators to send next time (kept from the request on a 304)
    last_modified: str | None = None
    reason: str = ""  # FAILED only: a phrase for the status line, e.g. "answered 404 (Not Found)"


class Fetcher:
    """Fetches feeds over one aiohttp session whose resolver applies `policy` to every address.

    Use `async with Fetcher(...) as fetcher:` or call `close()`. `resolve` turns a host name
    into addresses (tests inject one, so no test ever asks real DNS).
    """

    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        resolve: Resolve = system_resolve,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._policy = policy or AddressPolicy()
        self._resolve = resolve
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._headers = {"User-Agent": user_agent, "Accept": ACCEPT}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """The feed at `url`, asking only for changes since `etag` / `last_modified`."""
        hops = [url]  # the address being read when something went wrong
        try:
            async with asyncio.timeout(self._timeout):
                return await self._follow(hops, etag, last_modified)
        except TimeoutError:
            return _failed(hops[-1], f"did not answer within {self._timeout:g} seconds")

    async def _follow(
        self, hops: list[str], etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers = {}  # the session adds User-Agent and Accept
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(self._max_redirects + 1):
            current = hops[-1]
            try:
                self._policy.check_literal(URL(current).raw_host or "")
                # Redirects are followed by hand so each hop's address is checked too.
                async with self._open().get(
                    current, headers=headers, allow_redirects=False
                ) as answer:
                    if answer.status in REDIRECT_STATUSES:
                        location = answer.headers.get("Location")
                        if not location:
                            return _failed(
                                current, f"answered {answer.status} without a new address"
                            )
                        hops.append(check_redirect_url(current, location))
                        continue
                    return await self._result(current, answer, etag, last_modified)
            except RefusedAddress as refused:
                return _failed(current, refused.reason)
            except FeedInputError as bad_redirect:
                return _failed(current, str(bad_redirect))
            except aiohttp.ClientError as error:
                return _failed(current, _connection_problem(error))
        return _failed(hops[-1], f"redirected more than {self._max_redirects} times")

    async def _result(
        self,
        url: str,
        answer: aiohttp.ClientResponse,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        if answer.status == 304:
            return FetchResult(
                FetchStatus.NOT_MODIFIED,
                url,
                etag=answer.headers.get("ETag", etag),
                last_modified=answer.headers.get("Last-Modified", last_modified),
            )
        if not 200 <= answer.status < 300:
            return _failed(url, f"answered {_status_words(answer.status)}")
        too_large = f"is larger than {self._max_bytes / 1024 / 1024:g} MB"
        if answer.content_length is not None and answer.content_length > self._max_bytes:
            return _failed(url, too_large)
        body = bytearray()
        # Stop reading as soon as the limit is passed: a server may lie about, or omit, its length.
        async for chunk in answer.content.iter_chunked(CHUNK_BYTES):
            body += chunk
            if len(body) > self._max_bytes:
                return _failed(url, too_large)
        return FetchResult(
            FetchStatus.NEW,
            url,
            body=bytes(body),
            content_type=answer.headers.get("Content-Type"),
            etag=answer.headers.get("ETag"),
            last_modified=answer.headers.get("Last-Modified"),
        )

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self._policy, self._resolve), limit=8
            )
            # No cookies carried from one feed to another; no proxy taken from the environment.
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                headers=self._headers,
                trust_env=False,
            )
        return self._session


def _failed(url: str, reason: str) -> FetchResult:
    return FetchResult(FetchStatus.FAILED, url, reason=reason)


def _status_words(status: int) -> str:
    """ "404 (Not Found)": the standard phrase, never the server's own text."""
    try:
        return f"{status} ({HTTPStatus(status).phrase})"
    except ValueError:
        return str(status)


def _connection_problem(error: aiohttp.ClientError) -> str:
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return "could not be found (no such server name)"
    if isinstance(error, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return "could not be reached securely (its certificate was refused)"
    if isinstance(error, aiohttp.ClientConnectorError):
        code = error.os_error.errno
        return (
            f"could not be reached ({os.strerror(code).lower() if code else 'connection failed'})"
        )
    if isinstance(error, aiohttp.ClientPayloadError):
        return "sent an answer that broke off or could not be decoded"
    if isinstance(error, aiohttp.ClientResponseError):
        return "sent an answer that is not valid HTTP"
    log.info("Feed fetch failed: %r", error)
    return f"could not be read ({type(error).__name__})"
