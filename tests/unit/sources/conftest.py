"""A real local HTTP server and client session for the source tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.local_api import LocalApi, VirtualClock


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[LocalApi]:
    """Return a scripted HTTP server listening on 127.0.0.1."""
    server = LocalApi()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return a client session like Home Assistant's shared one."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def clock() -> VirtualClock:
    """Return a clock that moves only when the code under test sleeps."""
    return VirtualClock()
