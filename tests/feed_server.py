"""A local feed server on 127.0.0.1 for the feed tests: real HTTP, misbehaving on request.

Paths:
  /rss.xml, /atom.xml   the fixtures in tests/data/feeds, with ETag and Last-Modified; 304 when
                        the client's validators match (replace `feeds[...]` to publish news)
  /moved                301 to /rss.xml           /loop      302 to itself, forever
  /missing              404                       /page      an HTML page
  /malformed.xml        XML that breaks off       /huge.xml  5 MB, streamed without a length
  /huge-declared.xml    5 MB, Content-Length sent first
  /slow.xml             headers never come        /trickle.xml  the body never ends
  /redirect?to=URL      302 to any URL            /no-location  302 without a Location
Any path in `down` answers 503 until removed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

DATA = Path(__file__).parent / "data" / "feeds"
LAST_MODIFIED = "Sat, 18 May 2024 20:05:00 GMT"
HTML_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The Test Desk</title></head>
<body><h1>The Test Desk</h1><p>Our feed moved. <a href="/rss.xml">RSS</a></p></body></html>
"""
MALFORMED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken</title><<item>>"""
FIVE_MB = 5 * 1024 * 1024


@dataclass
class FeedServer:
    base: str = ""
    feeds: dict[str, bytes] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    never: asyncio.Event = field(default_factory=asyncio.Event)
    down: set[str] = field(default_factory=set)  # paths that answer 503 for now

    def url(self, path: str) -> str:
        return self.base + path

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/rss.xml", self._feed("rss.xml", "application/rss+xml"))
        app.router.add_get("/atom.xml", self._feed("atom.xml", "application/atom+xml"))
        app.router.add_get("/moved", _redirect("/rss.xml", web.HTTPMovedPermanently))
        app.router.add_get("/loop", _redirect("/loop", web.HTTPFound))
        app.router.add_get("/redirect", self._redirect_to)
        app.router.add_get("/no-location", _answer(lambda: web.Response(status=302)))
        app.router.add_get("/missing", _answer(lambda: web.Response(status=404, text="Not here")))
        app.router.add_get(
            "/page", _answer(lambda: web.Response(body=HTML_PAGE, content_type="text/html"))
        )
        app.router.add_get("/malformed.xml", _answer(lambda: _xml(MALFORMED)))
        app.router.add_get("/huge.xml", self._huge)
        app.router.add_get("/huge-declared.xml", _answer(lambda: _xml(b"<rss>" + b" " * FIVE_MB)))
        app.router.add_get("/slow.xml", self._slow)
        app.router.add_get("/trickle.xml", self._trickle)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler):
        self.hits[request.path] += 1
        self.headers.setdefault(request.path, []).append(dict(request.headers))
        if request.path in self.down:
            return web.Response(status=503)
        return await handler(request)

    def _feed(self, name: str, content_type: str):
        self.feeds[name] = (DATA / ("story." + name.split(".")[0])).read_bytes()

        async def handler(request: web.Request) -> web.Response:
            body = self.feeds[name]
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            not_modified = request.headers.get("If-None-Match") == etag or (
                "If-None-Match" not in request.headers
                and request.headers.get("If-Modified-Since") == LAST_MODIFIED
            )
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            if not_modified:
                return web.Response(status=304, headers=headers)
            return web.Response(body=body, content_type=content_type, headers=headers)

        return handler

    async def _redirect_to(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
        chunk = b"<!-- padding -->" * 4096
        for _ in range(FIVE_MB // len(chunk)):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def _slow(self, request: web.Request) -> web.Response:
        await self.never.wait()
        return _xml(b"<rss/>")

    async def _trickle(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b"<?xml version='1.0'?><rss version='2.0'>")
        await self.never.wait()
        return response


def _xml(body: bytes) -> web.Response:
    return web.Response(body=body, content_type="application/xml")


def _answer(make: Callable[[], web.Response]):
    """A handler answering every request with a new `make()` (aiohttp sends a response once:
    one shared between requests leaves the second waiting forever)."""

    async def handler(request: web.Request) -> web.Response:
        return make()

    return handler


def _redirect(to: str, kind: type[web.HTTPRedirection]):
    async def handler(request: web.Request) -> web.Response:
        raise kind(to)

    return handler


@asynccontextmanager
async def running_feed_server() -> AsyncIterator[FeedServer]:
    """The server listening on 127.0.0.1 on a free port, for the length of the block."""
    server = FeedServer()
    runner = web.AppRunner(server.app(), handler_cancellation=True)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        server.base = f"http://{host}:{port}"
        yield server
    finally:
        server.never.set()
        await runner.cleanup()
