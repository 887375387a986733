"""The environment Home Assistant runs in resolves host names: every live source needs it."""

from __future__ import annotations

import socket

import aiodns


async def test_home_assistants_resolver_resolves_a_host_name() -> None:
    # A pycares release that the pinned aiodns does not fit breaks aiodns at import or at its
    # first lookup, and with it every live source's config step.
    resolver = aiodns.DNSResolver()
    result = await resolver.getaddrinfo("localhost", family=socket.AF_INET, port=80)
    assert any(node.addr[0] == b"127.0.0.1" for node in result.nodes)
