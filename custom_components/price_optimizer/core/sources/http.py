"""The one HTTP layer every price source uses, on Home Assistant's shared session.

It makes a flaky price API look calm to the rest of the integration:

* every request has a timeout;
* 5xx answers, timeouts, dropped connections and truncated bodies are retried
  with exponential backoff and jitter;
* a 429 waits as long as ``Retry-After`` asks (within reason) and delays the
  source's next request as well;
* requests of one source are spaced by a minimum interval (its rate limit);
* after several failed requests in a row a circuit breaker opens and answers
  at once, without network traffic, until a cool-down has passed; then one
  trial request decides whether it closes again;
* 401 and 403 are never retried: they raise :class:`SourceAuthError`, which the
  coordinator turns into a reauthentication flow.

How long one fetch may take is the caller's choice, given as a
:class:`RetryPolicy`: a config flow has a person waiting (:data:`FLOW_RETRY`),
the coordinator fetches again on its own schedule (:data:`UPDATE_RETRY`).

The session is injected; this module imports nothing from Home Assistant.
Error messages name the source and the status, never the URL, because some
providers put the credential in the query string.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import json
import logging
import random
import time
from typing import Any, Final

import aiohttp

from .base import SourceAuthError, SourceDataError, SourceError, SourceRequestError

_LOGGER = logging.getLogger(__name__)

AUTH_STATUSES = frozenset({401, 403})


class SourceUnavailableError(SourceError):
    """The circuit breaker is open: the source failed repeatedly and is left alone for a while."""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How patient to be with one source."""

    timeout: float = 30.0
    attempts: int = 4
    backoff_base: float = 2.0
    backoff_max: float = 60.0
    # A Retry-After longer than this is not waited for inside one fetch; the
    # coordinator's next scheduled fetch comes first.
    retry_after_max: float = 120.0
    min_interval: float = 1.0
    breaker_threshold: int = 3
    breaker_cooldown: float = 300.0
    breaker_cooldown_max: float = 3600.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long one caller waits for a fetch: attempts, each one's timeout, the longest pause."""

    attempts: int
    timeout: float
    # A backoff or Retry-After longer than this gives up instead of waiting.
    max_wait: float

    def applied_to(self, policy: HttpPolicy) -> HttpPolicy:
        """Return the source's policy with this caller's patience."""
        return replace(
            policy,
            attempts=self.attempts,
            timeout=self.timeout,
            backoff_max=min(policy.backoff_max, self.max_wait),
            retry_after_max=min(policy.retry_after_max, self.max_wait),
        )


# A person waits in front of the form: one attempt, and a dead provider is
# reported within ten seconds.
FLOW_RETRY: Final = RetryPolicy(attempts=1, timeout=10.0, max_wait=0.0)
# The first refresh and the scheduled updates: one short retry at most; the
# update schedule tries again later.
UPDATE_RETRY: Final = RetryPolicy(attempts=2, timeout=15.0, max_wait=5.0)


@dataclass(frozen=True, slots=True)
class HttpReply:
    """A finished HTTP exchange: status, headers and the whole body as text."""

    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """Return the body as JSON, or raise :class:`SourceDataError`."""
        try:
            return json.loads(self.text)
        except ValueError as err:
            raise SourceDataError(f"the reply is not valid JSON ({err})") from err


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    url: str
    params: Mapping[str, str] | None
    headers: Mapping[str, str] | None
    json_body: Any
    accept: Collection[int]


class _RetryableError(Exception):
    """A failure that another attempt may cure; ``wait`` overrides the backoff."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class SourceHttp:
    """Requests for one source, with retries, rate limit and circuit breaker."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        name: str,
        policy: HttpPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """Use ``session`` for the source called ``name`` (as it appears in logs)."""
        self._session = session
        self.name = name
        self.policy = policy or HttpPolicy()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._lock = asyncio.Lock()
        self._not_before = 0.0
        self._failures = 0
        self._open_until: float | None = None
        self._cooldown = self.policy.breaker_cooldown

    @property
    def breaker_open(self) -> bool:
        """Return whether requests are currently refused without network traffic."""
        return self._open_until is not None and self._clock() < self._open_until

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        accept: Collection[int] = (),
    ) -> HttpReply:
        """Return the reply to one request, retried as the policy allows.

        A 2xx reply is returned; so is any status listed in ``accept`` (some
        providers explain "no data" in a 400 body). Anything else raises a
        :class:`SourceError` subclass.
        """
        if self.breaker_open:
            raise SourceUnavailableError(
                f"{self.name}: paused after {self._failures} failed requests in a row"
            )
        try:
            reply = await self._with_retries(
                _Request(method, url, params, headers, json_body, accept)
            )
        except SourceAuthError:
            raise
        except SourceRequestError:
            self._record_success()
            raise
        except SourceError:
            self._record_failure()
            raise
        self._record_success()
        return reply

    async def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Return the JSON body of a GET."""
        reply = await self.request("GET", url, params=params, headers=headers)
        return reply.json()

    async def post_json(
        self, url: str, body: Any, *, headers: Mapping[str, str] | None = None
    ) -> Any:
        """Return the JSON body of a POST with a JSON body (GraphQL)."""
        reply = await self.request("POST", url, json_body=body, headers=headers)
        return reply.json()

    async def _with_retries(self, request: _Request) -> HttpReply:
        attempts = max(1, self.policy.attempts)
        for attempt in range(attempts):
            await self._respect_rate_limit()
            try:
                return await self._once(request)
            except _RetryableError as err:
                if attempt == attempts - 1:
                    raise SourceError(
                        f"{self.name}: {err} (gave up after {attempts} attempts)"
                    ) from err
                wait = self._backoff(attempt) if err.wait is None else err.wait
                _LOGGER.debug("%s: %s; retrying in %.1f s", self.name, err, wait)
                if wait > 0:
                    await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(self, request: _Request) -> HttpReply:
        timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
        try:
            async with self._session.request(
                request.method,
                request.url,
                params=request.params,
                headers=request.headers,
                json=request.json_body,
                timeout=timeout,
            ) as response:
                status = response.status
                if status in AUTH_STATUSES:
                    raise SourceAuthError(f"{self.name}: credentials rejected (HTTP {status})")
                if status == 429:
                    self._raise_rate_limited(response.headers.get("Retry-After"))
                if status >= 500:
                    raise _RetryableError(f"HTTP {status}")
                body = await response.text()
                reply_headers = dict(response.headers)
        except TimeoutError as err:
            raise _RetryableError(f"no answer within {self.policy.timeout:g} s") from err
        except aiohttp.ClientPayloadError as err:
            raise _RetryableError(f"the reply was cut short ({type(err).__name__})") from err
        except aiohttp.ClientError as err:
            raise _RetryableError(f"connection failed ({type(err).__name__})") from err
        except UnicodeDecodeError as err:
            raise SourceDataError(f"{self.name}: the reply is not text") from err
        if 200 <= status < 300 or status in request.accept:
            return HttpReply(status, body, reply_headers)
        raise SourceRequestError(f"{self.name}: request refused (HTTP {status}): {body[:200]}")

    def _raise_rate_limited(self, retry_after: str | None) -> None:
        wait = _retry_after_seconds(retry_after)
        if wait is None:
            wait = self.policy.backoff_max
        self._not_before = max(self._not_before, self._clock() + wait)
        if wait > self.policy.retry_after_max:
            raise SourceError(f"{self.name}: rate limited for {wait:.0f} s (HTTP 429)")
        # The rate limiter already holds the next request back by ``wait``.
        raise _RetryableError("rate limited (HTTP 429)", wait=0.0)

    async def _respect_rate_limit(self) -> None:
        async with self._lock:
            delay = self._not_before - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._not_before = max(self._not_before, self._clock()) + self.policy.min_interval

    def _backoff(self, attempt: int) -> float:
        """Return the wait before retry ``attempt + 1``: exponential, then half of it jittered."""
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2.0**attempt)
        return ceiling / 2 + self._jitter() * ceiling / 2

    def _record_success(self) -> None:
        if self._open_until is not None:
            _LOGGER.debug("%s: circuit breaker closed", self.name)
        self._failures = 0
        self._open_until = None
        self._cooldown = self.policy.breaker_cooldown

    def _record_failure(self) -> None:
        self._failures += 1
        half_open_trial_failed = self._open_until is not None
        if half_open_trial_failed:
            self._cooldown = min(self._cooldown * 2, self.policy.breaker_cooldown_max)
        if half_open_trial_failed or self._failures >= self.policy.breaker_threshold:
            self._open_until = self._clock() + self._cooldown
            _LOGGER.debug("%s: circuit breaker open for %.0f s", self.name, self._cooldown)


def basic_authorization(user: str, password: str) -> str:
    """Return the ``Authorization`` value of HTTP Basic authentication (RFC 7617).

    Built here because ``aiohttp.BasicAuth`` is deprecated from aiohttp 3.14.
    """
    credentials = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {credentials}"


def _retry_after_seconds(value: str | None) -> float | None:
    """Return the wait a ``Retry-After`` header asks for, as seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, float((when - datetime.now(UTC)).total_seconds()))
