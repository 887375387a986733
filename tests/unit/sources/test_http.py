"""The shared HTTP layer against a real local server: retries, backoff, 429, breaker, auth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from custom_components.price_optimizer.core.sources.base import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceRequestError,
)
from custom_components.price_optimizer.core.sources.http import (
    HttpPolicy,
    SourceHttp,
    SourceUnavailableError,
)
from tests.local_api import LocalApi, Reply, VirtualClock

OK = Reply(body='{"ok": true}')


def client(session: aiohttp.ClientSession, clock: VirtualClock, **policy: float) -> SourceHttp:
    settings = {"min_interval": 0.0, "backoff_base": 2.0, "attempts": 4, **policy}
    return SourceHttp(
        session,
        "Test API",
        HttpPolicy(**settings),  # type: ignore[arg-type]
        sleep=clock.sleep,
        clock=clock,
        jitter=lambda: 0.5,
    )


async def test_retries_server_errors_with_growing_jittered_backoff(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(500), Reply(502), Reply(503), OK)
    http = client(session, clock)

    assert await http.get_json(api.url("/prices")) == {"ok": True}
    assert len(api.requests_to("/prices")) == 4
    # Equal jitter: half the exponential ceiling plus a random part of the other half.
    assert clock.sleeps == [1.5, 3.0, 6.0]


async def test_jitter_spreads_each_wait_within_its_ceiling(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(500), Reply(500), OK)
    for jitter, expected in ((0.0, [1.0, 2.0]), (0.999, [1.999, 3.998])):
        clock.sleeps.clear()
        http = SourceHttp(
            session,
            "x",
            HttpPolicy(min_interval=0),
            sleep=clock.sleep,
            clock=clock,
            jitter=lambda value=jitter: value,
        )
        api.reply("/prices", Reply(500), Reply(500), OK)
        await http.get_json(api.url("/prices"))
        assert clock.sleeps == pytest.approx(expected)


async def test_gives_up_after_the_last_attempt(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(503))
    with pytest.raises(SourceError, match=r"HTTP 503 \(gave up after 3 attempts\)"):
        await client(session, clock, attempts=3).get_json(api.url("/prices"))
    assert len(api.requests_to("/prices")) == 3


async def test_honours_retry_after_seconds_on_429(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(429, headers={"Retry-After": "17"}), OK)
    assert await client(session, clock).get_json(api.url("/prices")) == {"ok": True}
    assert clock.sleeps == [17.0]


async def test_honours_retry_after_as_an_http_date(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=40)
    api.reply(
        "/prices", Reply(429, headers={"Retry-After": format_datetime(when, usegmt=True)}), OK
    )
    await client(session, clock).get_json(api.url("/prices"))
    assert len(clock.sleeps) == 1
    assert 35 <= clock.sleeps[0] <= 40


async def test_a_long_retry_after_is_not_waited_for_but_delays_the_next_request(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(429, headers={"Retry-After": "900"}), OK)
    http = client(session, clock)
    with pytest.raises(SourceError, match="rate limited for 900 s"):
        await http.get_json(api.url("/prices"))
    assert clock.sleeps == []
    assert await http.get_json(api.url("/prices")) == {"ok": True}
    assert clock.sleeps == [900.0]


async def test_429_without_retry_after_waits_the_maximum_backoff(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(429, headers={"Retry-After": "soon"}), OK)
    await client(session, clock, backoff_max=45.0).get_json(api.url("/prices"))
    assert clock.sleeps == [45.0]


async def test_auth_failures_are_not_retried(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    for status in (401, 403):
        api.reply("/prices", Reply(status, body="Unauthorized"))
        with pytest.raises(SourceAuthError, match=f"HTTP {status}"):
            await client(session, clock).get_json(api.url("/prices"))
    assert len(api.requests_to("/prices")) == 2
    assert clock.sleeps == []


async def test_refused_requests_are_not_retried_and_do_not_trip_the_breaker(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(404, body="unknown area"))
    http = client(session, clock, breaker_threshold=1)
    for _ in range(3):
        with pytest.raises(SourceRequestError, match=r"HTTP 404.*unknown area"):
            await http.get_json(api.url("/prices"))
    assert len(api.requests_to("/prices")) == 3
    assert not http.breaker_open


async def test_accepted_error_statuses_are_returned(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(400, body="<Acknowledgement/>"))
    reply = await client(session, clock).request("GET", api.url("/prices"), accept=(400,))
    assert (reply.status, reply.text) == (400, "<Acknowledgement/>")


async def test_timeouts_are_retried_then_reported(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/slow", Reply(delay=2.0, body="{}"))
    with pytest.raises(SourceError, match=r"no answer within 0.2 s \(gave up after 2 attempts\)"):
        await client(session, clock, timeout=0.2, attempts=2).get_json(api.url("/slow"))
    assert len(api.requests_to("/slow")) == 2


async def test_a_timeout_then_an_answer_succeeds(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/slow", Reply(delay=2.0), OK)
    assert await client(session, clock, timeout=0.2).get_json(api.url("/slow")) == {"ok": True}


async def test_truncated_bodies_are_retried(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(body='{"prices": [1, 2', truncate=True), OK)
    assert await client(session, clock).get_json(api.url("/prices")) == {"ok": True}
    assert len(api.requests_to("/prices")) == 2


async def test_malformed_json_is_a_data_error_not_an_outage(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(body="<html>maintenance</html>"))
    http = client(session, clock, breaker_threshold=1)
    with pytest.raises(SourceDataError, match="not valid JSON"):
        await http.get_json(api.url("/prices"))
    assert len(api.requests_to("/prices")) == 1
    assert not http.breaker_open


async def test_undecodable_bodies_are_data_errors(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply(
        "/prices", Reply(raw="café".encode("latin-1"), content_type="text/plain; charset=utf-8")
    )
    with pytest.raises(SourceDataError, match="not text"):
        await client(session, clock).get_json(api.url("/prices"))


async def test_connection_failures_are_retried(
    socket_enabled: None, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    closed = LocalApi()
    await closed.start()
    url = closed.url("/prices")
    await closed.close()
    with pytest.raises(SourceError, match="connection failed"):
        await client(session, clock, attempts=2).get_json(url)
    assert len(clock.sleeps) == 1


async def test_breaker_opens_after_repeated_failures_and_half_opens_after_cooldown(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(503))
    http = client(session, clock, attempts=1, breaker_threshold=3, breaker_cooldown=300.0)
    for _ in range(3):
        with pytest.raises(SourceError, match="HTTP 503"):
            await http.get_json(api.url("/prices"))
    assert http.breaker_open
    # Open: answered at once, without touching the network.
    with pytest.raises(SourceUnavailableError, match="paused after 3 failed requests"):
        await http.get_json(api.url("/prices"))
    assert len(api.requests_to("/prices")) == 3

    # After the cool-down one trial goes out; it fails, so the breaker reopens for twice as long.
    clock.advance(301)
    with pytest.raises(SourceError, match="HTTP 503"):
        await http.get_json(api.url("/prices"))
    assert len(api.requests_to("/prices")) == 4
    clock.advance(301)
    assert http.breaker_open
    clock.advance(300)
    assert not http.breaker_open

    # A successful trial closes it.
    api.reply("/prices", OK)
    assert await http.get_json(api.url("/prices")) == {"ok": True}
    assert not http.breaker_open
    api.reply("/prices", Reply(503))
    with pytest.raises(SourceError):
        await http.get_json(api.url("/prices"))
    assert not http.breaker_open


async def test_requests_are_spaced_by_the_sources_rate_limit(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", OK)
    http = client(session, clock, min_interval=5.0)
    await http.get_json(api.url("/prices"))
    clock.advance(2.0)
    await http.get_json(api.url("/prices"))
    assert clock.sleeps == [3.0]


async def test_posts_json_and_sends_headers(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/gql", OK)
    result = await client(session, clock).post_json(
        api.url("/gql"), {"query": "{ viewer { name } }"}, headers={"Authorization": "Bearer t"}
    )
    assert result == {"ok": True}
    seen = api.requests_to("/gql")[0]
    assert seen.method == "POST"
    assert seen.headers["Authorization"] == "Bearer t"
    assert '"query"' in seen.body


async def test_errors_never_include_the_query_string(
    api: LocalApi, session: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    api.reply("/prices", Reply(500))
    with pytest.raises(SourceError) as caught:
        await client(session, clock, attempts=1).request(
            "GET", api.url("/prices"), params={"securityToken": "secret-token-123"}
        )
    assert "secret-token-123" not in str(caught.value)
    assert api.requests_to("/prices")[0].query["securityToken"] == "secret-token-123"
