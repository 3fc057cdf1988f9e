"""Slow and many connections: what the inbox does before a request's headers are in.

uvicorn on its own waits for a request's headers for ever and counts nothing until
they end, so a few hundred sockets that send a header line a byte at a time would hold
the service's file descriptors and make ``/v1/health`` time out. This module adds, in
the HTTP protocol uvicorn runs for each connection (``guarded_protocol``):

- a **header deadline**: the whole request line and headers within
  ``HEADER_TIMEOUT_SECONDS`` of the connection (or of the previous response, on a
  kept-alive connection), else a 408 and the connection is closed;
- a **body timeout**: while a body is being sent, no more than ``BODY_IDLE_SECONDS``
  without a byte (time the service itself stops reading, because it is busy, does
  not count);
- **caps on connections waiting for their headers**: at most ``per_address`` from one
  client address (more are closed at once) and ``total`` in all; when the total is
  reached the connection that has waited longest is closed to make room, so a new
  request with quick headers (a device, a monitor's ``/v1/health``) always gets in;
- **one log line, not thousands**: what was closed is counted and logged at most once
  every ``NOTE_EVERY_SECONDS`` (``"event": "connections-closed"``), and running out of
  file descriptors (``Too many open files``, which asyncio logs with a traceback at
  every failed accept) is one line the same way (``guarded_loop_factory``).

With TLS the caps apply once the handshake is done; the handshake itself must end
within ``HANDSHAKE_TIMEOUT_SECONDS`` (asyncio's default is a minute).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.loops.asyncio import asyncio_loop_factory
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "BODY_IDLE_SECONDS",
    "HANDSHAKE_TIMEOUT_SECONDS",
    "HEADER_TIMEOUT_SECONDS",
    "WAITING_PER_ADDRESS",
    "WAITING_TOTAL",
    "ConnectionGuard",
    "GuardedConfig",
    "Notes",
    "file_descriptor_room",
    "guarded_loop_factory",
    "guarded_protocol",
    "waiting_total",
]

HEADER_TIMEOUT_SECONDS = 10.0
BODY_IDLE_SECONDS = 30.0
HANDSHAKE_TIMEOUT_SECONDS = 10.0
WAITING_PER_ADDRESS = 32
WAITING_TOTAL = 512
NOTE_EVERY_SECONDS = 10.0

_OUT_OF_DESCRIPTORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Notes:
    """Counts of what was closed or refused, logged as one line at most every so often."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        every: float = NOTE_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._every = every
        self._clock = clock
        self._counts: Counter[str] = Counter()
        self._last: float | None = None

    def note(self, what: str) -> None:
        """Count one ``what``; log the counts so far if the last line is old enough."""
        self._counts[what] += 1
        now = self._clock()
        if self._last is None or now - self._last >= self._every:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        """Log what has been counted since the last line (nothing if nothing was)."""
        if not self._counts:
            return
        self._last = self._clock() if now is None else now
        fields: dict[str, Any] = {
            "event": "connections-closed",
            **dict(sorted(self._counts.items())),
        }
        self._counts.clear()
        self._logger.warning("connections-closed", extra={"fields": fields})


class ConnectionGuard:
    """The connections still waiting for their headers, by address and by age."""

    def __init__(
        self,
        notes: Notes,
        *,
        per_address: int = WAITING_PER_ADDRESS,
        total: int = WAITING_TOTAL,
        header_timeout: float = HEADER_TIMEOUT_SECONDS,
        body_idle: float = BODY_IDLE_SECONDS,
    ) -> None:
        self.notes = notes
        self.per_address = per_address
        self.total = total
        self.header_timeout = header_timeout
        self.body_idle = body_idle
        self._waiting: dict[GuardedH11Protocol, str] = {}  # oldest first (insertion order)
        self._by_address: Counter[str] = Counter()

    def admit(self, conn: GuardedH11Protocol, address: str) -> bool:
        """Count ``conn`` as waiting for headers, unless its address has too many already;
        closes the longest-waiting connection if all places are taken."""
        if self._by_address[address] >= self.per_address:
            self.notes.note("too_many_waiting_from_one_address")
            return False
        while len(self._waiting) >= self.total:
            oldest = next(iter(self._waiting))
            self.release(oldest)
            oldest.close_slow("oldest_waiting_closed_for_room")
        self._waiting[conn] = address
        self._by_address[address] += 1
        return True

    def release(self, conn: GuardedH11Protocol) -> None:
        """``conn`` is no longer waiting for headers (they ended, or it closed)."""
        address = self._waiting.pop(conn, None)
        if address is not None:
            self._by_address[address] -= 1
            if not self._by_address[address]:
                del self._by_address[address]

    @property
    def waiting(self) -> int:
        """How many connections are waiting for their headers now."""
        return len(self._waiting)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the header deadline, body timeout and caps above."""

    guard: ClassVar[ConnectionGuard]
    _header_timer: asyncio.TimerHandle | None = None
    _body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Counted as waiting for headers, or closed at once if its address has too many."""
        super().connection_made(transport)
        self._wait_for_headers()

    def _wait_for_headers(self) -> None:
        address = self.client[0] if self.client else "unknown"
        if not self.guard.admit(self, address):
            self.transport.close()
            return
        self._header_timer = self.loop.call_later(self.guard.header_timeout, self._headers_late)

    def data_received(self, data: bytes) -> None:
        """Reads as uvicorn does, then moves the connection on as its state says."""
        super().data_received(data)
        self._follow_state(got_data=True)

    def on_response_complete(self) -> None:
        """After a response a kept-alive connection waits for headers again."""
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._wait_for_headers()
        self._follow_state(got_data=False)

    def _follow_state(self, *, got_data: bool) -> None:
        state = self.conn.their_state
        if state is h11.IDLE:
            return  # still waiting for (the rest of) the headers
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
            self.guard.release(self)
        if state is h11.SEND_BODY:
            if got_data or self._body_timer is None:
                self._arm_body_timer()
        elif self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _arm_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
        self._body_timer = self.loop.call_later(self.guard.body_idle, self._body_late)

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.guard.release(self)
            self.close_slow("headers_too_slow")

    def _body_late(self) -> None:
        self._body_timer = None
        if self.conn.their_state is not h11.SEND_BODY or self.transport.is_closing():
            return
        if self.flow.read_paused:  # we stopped reading, not the client: not its delay
            self._arm_body_timer()
            return
        self.guard.notes.note("body_too_slow")
        self.transport.close()  # the app sees a disconnect; nothing is imported

    def close_slow(self, why: str) -> None:
        """Answer 408 and close (a connection waiting too long for its headers)."""
        self.guard.notes.note(why)
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        if not self.transport.is_closing():
            self.transport.write(_TIMED_OUT)
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forgotten by the guard, timers stopped, then uvicorn's own clean-up."""
        self.guard.release(self)
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None
        super().connection_lost(exc)


def guarded_protocol(guard: ConnectionGuard) -> type[GuardedH11Protocol]:
    """The protocol class for uvicorn's ``http=`` setting, sharing ``guard``."""
    return type("GuardedH11", (GuardedH11Protocol,), {"guard": guard})


def guarded_loop_factory(notes: Notes) -> Callable[[], asyncio.AbstractEventLoop]:
    """A new asyncio loop for uvicorn, with a TLS handshake deadline on the server and
    running out of file descriptors logged as a count (``notes``), not a traceback."""
    make_loop = asyncio_loop_factory(use_subprocess=False)

    def new_loop() -> asyncio.AbstractEventLoop:
        loop = make_loop()
        create_server = loop.create_server

        async def create_guarded_server(*args: Any, **kwargs: Any) -> asyncio.Server:
            if kwargs.get("ssl") is not None:
                kwargs.setdefault("ssl_handshake_timeout", HANDSHAKE_TIMEOUT_SECONDS)
            return await create_server(*args, **kwargs)

        loop.create_server = create_guarded_server  # type: ignore[method-assign]
        loop.set_exception_handler(_exception_handler(notes))
        return loop

    return new_loop


class GuardedConfig(uvicorn.Config):
    """uvicorn's settings, with the guarded loop (uvicorn takes a custom loop only as an
    import string, which cannot carry the shared counts)."""

    def __init__(self, app: Any, *, notes: Notes, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._new_loop = guarded_loop_factory(notes)

    def get_loop_factory(self) -> Callable[[], asyncio.AbstractEventLoop]:
        """The guarded loop's factory."""
        return self._new_loop


def file_descriptor_room() -> int | None:
    """Raise this process's open-file limit to its hard limit (POSIX; capped), and say
    how many it may have; None where there is no such limit to read (Windows)."""
    if sys.platform == "win32":
        return None
    import resource  # POSIX only

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return None if soft == resource.RLIM_INFINITY else int(soft)


def waiting_total(room: int | None) -> int:
    """The cap on connections waiting for headers: ``WAITING_TOTAL``, or less when the
    process may hold few files, so the cap is reached well before the limit is."""
    if room is None:
        return WAITING_TOTAL
    return max(16, min(WAITING_TOTAL, (room - 64) // 2))


def _exception_handler(
    notes: Notes,
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in _OUT_OF_DESCRIPTORS:
            # asyncio stops accepting for a second and tries again; one count, not a
            # traceback each time.
            notes.note("accept_failed_out_of_file_descriptors")
            return
        loop.default_exception_handler(context)

    return handle
