"""A real HTTP server on 127.0.0.1 that plays back scripted replies, and a clock to drive it.

The price sources are exercised through aiohttp end to end: sockets, status
lines, headers, timeouts and truncated bodies are real. Only time is virtual
where waiting for real would make a test slow (backoff, Retry-After, breaker
cool-down), through :class:`VirtualClock`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False
    content_type: str = "application/json"
    raw: bytes | None = None


@dataclass(frozen=True)
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str


class LocalApi:
    """Routes by path and query; each route answers its replies in order, repeating the last."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, frozenset[tuple[str, str]]], list[Reply]] = {}
        self.seen: list[Seen] = []
        self._server: TestServer | None = None

    def reply(self, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        """Script the replies of ``path`` (replacing earlier ones).

        With ``query``, the route answers only requests carrying those
        parameters; the route naming the most parameters wins.
        """
        self.routes[path, frozenset((query or {}).items())] = list(replies)

    def url(self, path: str = "") -> str:
        """Return the absolute URL of ``path`` on this server."""
        assert self._server is not None
        return str(self._server.make_url(path))

    def requests_to(self, path: str) -> list[Seen]:
        """Return the requests the server saw for ``path``."""
        return [seen for seen in self.seen if seen.path == path]

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        """Stop listening."""
        if self._server is not None:
            await self._server.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.text()
        self.seen.append(
            Seen(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        query = set(request.query.items())
        matching = [
            (len(wanted), replies)
            for (path, wanted), replies in self.routes.items()
            if path == request.path and wanted <= query
        ]
        if not matching:
            return web.Response(status=404, text="no route")
        replies = max(matching, key=lambda item: item[0])[1]
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.truncate:
            response = web.StreamResponse(status=reply.status, headers=reply.headers)
            data = reply.body.encode()
            response.content_length = len(data) + 1000
            await response.prepare(request)
            await response.write(data)
            assert request.transport is not None
            request.transport.close()
            return response
        return web.Response(
            status=reply.status,
            body=reply.body.encode() if reply.raw is None else reply.raw,
            headers={"Content-Type": reply.content_type, **reply.headers},
        )


class VirtualClock:
    """A monotonic clock that only moves when something sleeps on it (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += seconds
