"""A real local HTTP server standing in for the providers, reached through the shared session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.local_api import LocalApi


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[LocalApi]:
    """Return a scripted HTTP server listening on 127.0.0.1."""
    server = LocalApi()
    await server.start()
    yield server
    await server.close()
