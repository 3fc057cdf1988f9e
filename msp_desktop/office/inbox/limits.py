"""Request-rate limits for the office inbox service: token buckets, in memory.

Two limits guard ``POST /v1/bundles`` (``msp-office serve`` flags in brackets):

- per client address, before the body is read (``--rate-per-ip``, ``--burst-per-ip``;
  60 a minute, bursts of 20), because nothing else is known about a request yet;
- per device, once the bundle's signature has verified and so the device is known
  (``--rate-per-device``, ``--burst-per-device``; 30 a minute, bursts of 30), and
  before anything is written.

Each key has a bucket holding up to ``burst`` tokens that refills at ``per_minute``
tokens a minute; a request takes one token or is refused with the whole seconds
until one is back (the ``Retry-After`` header). Buckets live in this process only:
a restart forgets them, and several processes each count on their own. Buckets that
have refilled are dropped once there are many, so the table cannot grow without end.
Addresses are kept in memory only, never logged.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode

__all__ = ["Rate", "RateLimited", "TokenBuckets"]

MAX_KEYS = 10_000


@dataclass(frozen=True)
class Rate:
    """``per_minute`` requests a minute on average, up to ``burst`` at once."""

    per_minute: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate needs a positive rate and a burst of at least 1")


class RateLimited(KnownError):
    """Too many requests from one address or device; try again in ``retry_after`` seconds."""

    exit_code = ExitCode.BUSY

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TokenBuckets:
    """One token bucket per key (an address or a device id); safe across threads."""

    def __init__(
        self,
        rate: Rate,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._per_second = rate.per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: str) -> int:
        """Take a token for ``key``: 0 if allowed, else the seconds to wait (at least 1)."""
        with self._lock:
            now = self._clock()
            tokens = self._tokens(key, now)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self._per_second))

    def _tokens(self, key: str, now: float) -> float:
        held, when = self._buckets.get(key, (float(self.rate.burst), now))
        return min(float(self.rate.burst), held + max(0.0, now - when) * self._per_second)

    def _prune(self, now: float) -> None:
        if len(self._buckets) <= self._max_keys:
            return
        full = [k for k in self._buckets if self._tokens(k, now) >= self.rate.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) > self._max_keys:  # all busy: forget the oldest half
            by_age = sorted(self._buckets, key=lambda k: self._buckets[k][1])
            for key in by_age[: len(by_age) // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)
