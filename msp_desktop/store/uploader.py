"""Sending sealed bundles to the office over the network, and taking its receipts back.

The office's inbox takes ``POST {inbox_url}/v1/bundles`` with the bundle's bytes and
answers ``200`` with its signed receipt (the same receipt for the same bundle again),
or a JSON ``{"error": sentence, "reason": class}`` with a status that says whether
trying again can help (429, 503 and other 5xx) or not (400, 403, 409, 411, 413, 415).

What this promises:

- **Nothing is acknowledged without a verified receipt** (S25). The answer must be a
  receipt signed by the provisioned office key, for the exact bundle sent; only then
  does ``SyncRepository.import_receipt`` (which checks it again against the bundle,
  device and sequence) mark its records acknowledged.
- **Failures cost nothing.** A bundle stays in the database, queued, until its receipt
  is taken; network failures are tried again with exponential backoff and jitter (and
  the office's ``Retry-After``, capped), then left queued for the next sync.
- **The certificate.** With ``tls_sha256`` in the office keys, the SHA-256 of the
  server certificate (DER) must equal it, checked after the TLS handshake and before
  any byte of the request is sent: the pin replaces the public CAs (an office may use
  its own certificate). Without a pin, the system's CAs and the host name are checked.
  Plain ``http://`` is allowed only to this computer (a test office).

Only the standard library talks to the network (``http.client``, ``ssl``), so the
frozen app gains no dependency. The network part (``Uploader``) never touches the
database, and the database part (``prepare_upload``, ``accept_receipt``) never touches
the network: the command line runs them one after the other; the desktop app sends
on a thread of its own and takes each receipt on its database thread.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import random
import re
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from msp_desktop import __version__
from msp_desktop.bundles import verify_receipt
from msp_desktop.bundles.errors import BundleRejected, ReceiptRejected
from msp_desktop.bundles.provisioning import Provisioning, check_inbox_url
from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.store import outbox
from msp_desktop.store.database import Database
from msp_desktop.store.outbox import ReceiptResult
from msp_desktop.store.sync_keys import NO_OFFICE_KEYS, NotReadyToSync, ready_to_sync

__all__ = [
    "BundleOutcome",
    "Endpoint",
    "NoInboxAddress",
    "OfficeNotTrusted",
    "OfficeRefused",
    "OfficeUnreachable",
    "Outgoing",
    "OutgoingBundle",
    "SyncCancelled",
    "SyncReport",
    "SyncTarget",
    "Uploader",
    "accept_receipt",
    "endpoint_for",
    "prepare_upload",
    "sync_now",
    "upload_all",
    "wait",
]

log = logging.getLogger("msp.sync")

CONNECT_TIMEOUT = 10.0
"""Seconds to connect and finish the TLS handshake."""
READ_TIMEOUT = 60.0
"""Seconds any one read or write may wait once connected (the office imports first)."""
ATTEMPTS = 4
"""Tries per bundle for failures that may pass: the first, then after 1, 2 and 4 s."""
BACKOFF_BASE = 1.0
JITTER = 0.25
"""Each wait is up to this fraction longer, at random, so laptops do not retry in step."""
MAX_RETRY_AFTER = 30.0
"""The longest the office's ``Retry-After`` makes us wait."""
MAX_ANSWER = 64 * 1024
"""A receipt or an error is a few hundred bytes; a longer answer is not read."""
MAX_SENTENCE = 300
BUNDLES_PATH = "/v1/bundles"

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


# -- errors -------------------------------------------------------------------------------


class NoInboxAddress(NotReadyToSync):
    """The office keys name no inbox address and none was given (exit 12)."""


class OfficeUnreachable(KnownError):
    """The office could not be reached, or stayed busy, after every try (exit 14).

    Nothing was acknowledged; everything stays queued for the next sync.
    """

    exit_code = 14


class OfficeNotTrusted(OfficeUnreachable):
    """The server's certificate is not the pinned one, or no trusted authority signed it.

    Never tried again: nothing is sent to a server that cannot show it is the office.
    """


class OfficeRefused(BundleRejected):
    """The office answered and refused the bundle (exit 13); trying again will not help.

    ``stops_all``: the refusal is about this device or the address, not this bundle
    (403 not enrolled, 404 no inbox there), so the other bundles are not tried either.
    """

    def __init__(
        self, message: str, *, status: int, reason: str | None, stops_all: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.stops_all = stops_all


class SyncCancelled(KnownError):
    """The sync was stopped on this device (the workspace locked); everything stays queued."""

    exit_code = 14


class _Temporary(Exception):
    """One try failed in a way that may pass: a reason, and the office's Retry-After."""

    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.retry_after = retry_after


# -- what is sent -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingBundle:
    """A sealed bundle waiting for the office's receipt."""

    sequence: int
    sha256: str
    records: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Outgoing:
    """What one sync sends: the bundle sealed now (if anything was waiting), and every
    bundle not yet acknowledged, in sequence order."""

    sealed: int | None
    bundles: list[OutgoingBundle]


@dataclass(frozen=True)
class Endpoint:
    """Where bundles go, and the certificate pinned for it."""

    url: str
    tls_sha256: str | None = None

    @property
    def bundles_url(self) -> str:
        """``{url}/v1/bundles``."""
        return self.url.rstrip("/") + BUNDLES_PATH


class SyncTarget(Protocol):
    """What a sync needs of a workspace (``ws.sync``)."""

    def office_keys(self) -> Provisioning | None:
        """The office keys, verified."""
        ...

    def prepare_upload(self) -> Outgoing:
        """Check, seal what is waiting, and list every bundle not yet acknowledged."""
        ...

    def import_receipt(self, data: bytes) -> ReceiptResult:
        """Take a receipt (verified again) and acknowledge its bundle."""
        ...


def endpoint_for(provisioning: Provisioning | None, url: str | None = None) -> Endpoint:
    """The office's inbox: ``url`` if given, else the provisioned address; the provisioned
    certificate pin applies to either (an office's certificate is its own, whatever
    address reaches it)."""
    if provisioning is None:
        raise NotReadyToSync(NO_OFFICE_KEYS)
    if url is None:
        if provisioning.inbox_url is None:
            raise NoInboxAddress(
                f"{provisioning.office_name} takes records on a USB stick or in a folder, "
                "not over the network: use msp export --to DIR (or msp sync --url URL if "
                "the office gave you an address)."
            )
        url = provisioning.inbox_url
    else:
        try:
            check_inbox_url(url)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    pin = provisioning.tls_sha256 if url.startswith("https://") else None
    return Endpoint(url, pin)


# -- the database side --------------------------------------------------------------------


def prepare_upload(db: Database, actor: str) -> Outgoing:
    """Check the workspace, seal what is waiting, and list every unacknowledged bundle.

    The same checks as an export (S7): a damaged workspace seals and sends nothing.
    """
    ready_to_sync(db)
    sealed = outbox.check_and_seal(db, actor, nothing_was="Nothing was sent")
    rows = db.all(
        "SELECT sequence, sha256, records, data FROM bundles_sent"
        " WHERE acknowledged_at IS NULL AND data IS NOT NULL ORDER BY sequence"
    )
    bundles = [
        OutgoingBundle(int(sequence), str(sha256), int(records), bytes(data))
        for sequence, sha256, records, data in rows
    ]
    return Outgoing(sealed, bundles)


def accept_receipt(target: SyncTarget, bundle: OutgoingBundle, data: bytes) -> ReceiptResult:
    """The office's answer for ``bundle``: only a receipt signed by the provisioned office
    key for exactly this bundle acknowledges it; ``ReceiptRejected`` otherwise."""
    provisioning = target.office_keys()
    if provisioning is None:
        raise NotReadyToSync("This workspace has no office keys any more; nothing was changed.")
    try:
        verify_receipt(data, provisioning.office_key, bundle_sha256=bundle.sha256)
        return target.import_receipt(data)
    except ReceiptRejected as exc:
        raise ReceiptRejected(
            f"The office's answer for bundle {bundle.sequence} is not a receipt this device "
            f"can trust ({exc.message.rstrip('.')}); it stays queued. Tell the office."
        ) from None


# -- the network side ---------------------------------------------------------------------


def _server_sentence(body: bytes) -> tuple[str | None, str | None]:
    """The office's ``error`` sentence and ``reason`` class, made safe to print."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, None
    if not isinstance(document, dict):
        return None, None
    error, reason = document.get("error"), document.get("reason")

    def clean(value: object, limit: int) -> str | None:
        if not isinstance(value, str):
            return None
        text = " ".join(_UNSAFE.sub(" ", value).split())[:limit]
        return text or None

    sentence = clean(error, MAX_SENTENCE)
    if sentence is not None and sentence[-1] not in ".!?":
        sentence += "."
    return sentence, clean(reason, 64)


def _network_why(exc: BaseException, host: str) -> str:
    if isinstance(exc, socket.gaierror):
        return f"the address {host} could not be found (is this laptop online?)"
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing answered at {host} (connection refused)"
    if isinstance(exc, TimeoutError):
        return "the office did not answer in time"
    if isinstance(exc, ConnectionError | http.client.HTTPException):
        return "the connection was broken off"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({exc.reason or 'TLS error'})"
    if isinstance(exc, OSError) and exc.strerror:
        return f"the connection failed ({exc.strerror.lower()})"
    return "the connection failed"


def wait(seconds: float) -> None:
    """The wait between tries when none is given: ``time.sleep``."""
    time.sleep(seconds)


class Uploader:
    """Sends bundles to one office inbox; retries what may pass, refuses what will not.

    ``sleep`` waits between tries (injectable: tests do not wait, the desktop app wakes
    it when the workspace locks); ``on_retry(sentence, seconds)`` is told before each
    wait; ``cancelled`` is asked before each try.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        sleep: Callable[[float], object] | None = None,
        attempts: int = ATTEMPTS,
        jitter: Callable[[], float] = random.random,
        on_retry: Callable[[str, float], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.endpoint = endpoint
        parts = urlsplit(endpoint.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = parts.path.rstrip("/") + BUNDLES_PATH
        self._sleep = sleep or wait
        self._attempts = max(1, attempts)
        self._jitter = jitter
        self._on_retry = on_retry
        self._cancelled = cancelled
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout

    # -- one bundle, with retries -----------------------------------------------------

    def send(self, bundle: OutgoingBundle) -> bytes:
        """POST ``bundle``; the body of the office's ``200`` answer (its receipt).

        Raises ``OfficeRefused`` (the office said no), ``OfficeNotTrusted`` (not the
        office's certificate) or, after every try, ``OfficeUnreachable``.
        """
        for attempt in range(1, self._attempts + 1):
            if self._cancelled():
                raise SyncCancelled("The sync was stopped; everything stays queued.")
            try:
                return self._post(bundle.sequence, bundle.data)
            except _Temporary as exc:
                log.info("bundle %s: try %s failed", bundle.sequence, attempt)
                if attempt == self._attempts:
                    tries = "once" if attempt == 1 else f"{attempt} times"
                    raise OfficeUnreachable(
                        f"Could not send bundle {bundle.sequence} to the office at "
                        f"{self.endpoint.url}: {exc.why}. Tried {tries}; everything stays "
                        "queued on this device and is sent the next time you sync."
                    ) from None
                delay = self._delay(attempt, exc.retry_after)
                if self._on_retry is not None:
                    self._on_retry(exc.why[:1].upper() + exc.why[1:], delay)
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_RETRY_AFTER)
        base = BACKOFF_BASE * float(2 ** (attempt - 1))
        return base * (1 + JITTER * self._jitter())

    # -- one try ----------------------------------------------------------------------

    def _context(self) -> ssl.SSLContext:
        if self.endpoint.tls_sha256 is None:
            context = ssl.create_default_context()  # the system's CAs and the host name
        else:
            # The pin replaces the CAs: checked by hand below, before anything is sent.
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def _connect(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection
        if self._https:
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self._connect_timeout, context=self._context()
            )
        else:
            connection = http.client.HTTPConnection(
                self._host, self._port, timeout=self._connect_timeout
            )
        try:
            connection.connect()
        except ssl.SSLCertVerificationError as exc:
            connection.close()
            raise OfficeNotTrusted(
                f"The server at {self.endpoint.url} could not show it is the office "
                f"({exc.verify_message or 'its certificate was not accepted'}). "
                "Nothing was sent; everything stays queued. Tell the office."
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise _Temporary(_network_why(exc, self._host)) from None
        assert connection.sock is not None
        if self.endpoint.tls_sha256 is not None:
            self._check_pin(connection)
        connection.sock.settimeout(self._read_timeout)
        return connection

    def _check_pin(self, connection: http.client.HTTPConnection) -> None:
        sock = connection.sock
        der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
        seen = hashlib.sha256(der).hexdigest() if der else ""
        assert self.endpoint.tls_sha256 is not None
        if not hmac.compare_digest(seen, self.endpoint.tls_sha256):
            connection.close()
            log.warning("the office's certificate is not the pinned one")
            raise OfficeNotTrusted(
                f"The server at {self.endpoint.url} is not the office: its certificate is "
                f"not the one in the office keys (SHA-256 {seen[:16] or 'none'}…, expected "
                f"{self.endpoint.tls_sha256[:16]}…). Nothing was sent; everything stays "
                "queued. Tell the office: if it has a new certificate, it must give you "
                "a new office keys file."
            )

    def _post(self, sequence: int, data: bytes) -> bytes:
        connection = self._connect()
        response: http.client.HTTPResponse | None = None
        try:
            connection.request(
                "POST",
                self._path,
                body=data,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Accept": "application/json",
                    "User-Agent": f"msp-desktop/{__version__}",
                },
            )
            response = connection.getresponse()
            body = response.read(MAX_ANSWER + 1)
            status = response.status
            retry_after = response.getheader("Retry-After")
        except (OSError, http.client.HTTPException) as exc:
            raise _Temporary(_network_why(exc, self._host)) from None
        finally:
            if response is not None:
                response.close()  # it holds the socket when the office closes the connection
            connection.close()
        log.info("the office answered %s", status)
        if status == 200:
            if len(body) > MAX_ANSWER:
                raise ReceiptRejected(
                    f"The office's answer for bundle {sequence} is far too large to be a "
                    "receipt; it stays queued. Tell the office."
                )
            return body
        raise self._refusal(sequence, status, body[:MAX_ANSWER], retry_after)

    def _refusal(
        self, sequence: int, status: int, body: bytes, retry_after: str | None
    ) -> _Temporary | OfficeRefused:
        sentence, reason = _server_sentence(body)
        says = f" The office says: {sentence}" if sentence else ""
        if status in (408, 429) or status >= 500:
            wait = float(retry_after) if retry_after and retry_after.strip().isdigit() else None
            why = "the office is busy" if status in (429, 503) else "the office had a problem"
            return _Temporary(f"{why} (HTTP {status})", wait)
        if status in (401, 403):
            return OfficeRefused(
                f"The office does not take this device's bundles yet.{says} Ask the office "
                "to enrol this device (msp enrol --out FILE makes the file they need); "
                f"bundle {sequence} is kept aside at the office meanwhile. Everything stays "
                "queued here.",
                status=status,
                reason=reason,
                stops_all=True,
            )
        if status in (404, 405) or status < 400:
            return OfficeRefused(
                f"The address {self.endpoint.url} does not take bundles (HTTP {status}). "
                "Check the address with the office; everything stays queued.",
                status=status,
                reason=reason,
                stops_all=True,
            )
        if status == 409:
            return OfficeRefused(
                f"The office refused bundle {sequence}: it already has another bundle with "
                f"that number.{says} Tell the office at once; bundle {sequence} stays "
                "queued here.",
                status=status,
                reason=reason,
            )
        return OfficeRefused(
            f"The office refused bundle {sequence} (HTTP {status}).{says} It stays queued "
            "here; tell the office.",
            status=status,
            reason=reason,
        )


# -- a whole sync -------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleOutcome:
    """What happened to one bundle: confirmed (``result``) or the ``error`` that stopped it."""

    sequence: int
    records: int
    result: ReceiptResult | None = None
    error: KnownError | None = None

    @property
    def confirmed(self) -> bool:
        """The office's receipt was verified and the records are acknowledged."""
        return self.result is not None


def _bundles(numbers: Sequence[int]) -> str:
    items = [str(n) for n in numbers]
    joined = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
    return f"bundle {joined}" if len(items) == 1 else f"bundles {joined}"


@dataclass(frozen=True)
class SyncReport:
    """A whole sync: what was sealed, each bundle's outcome, and the bundles not tried."""

    sealed: int | None
    outcomes: list[BundleOutcome]
    not_tried: list[int] = field(default_factory=list)

    @property
    def confirmed(self) -> list[BundleOutcome]:
        """Bundles the office confirmed in this sync."""
        return [o for o in self.outcomes if o.confirmed]

    @property
    def records_confirmed(self) -> int:
        """Records acknowledged by this sync (not those acknowledged before)."""
        return sum(o.records for o in self.confirmed if o.result and not o.result.already)

    @property
    def errors(self) -> list[KnownError]:
        """Each failure, in the order met."""
        return [o.error for o in self.outcomes if o.error is not None]

    @property
    def ok(self) -> bool:
        """Every bundle confirmed (or there was nothing to send)."""
        return not self.errors and not self.not_tried

    @property
    def exit_code(self) -> int:
        """0 when everything is confirmed, else the first failure's exit code."""
        errors = self.errors
        return 0 if not errors else errors[0].exit_code

    def done_lines(self) -> list[str]:
        """What went well, in plain sentences (the ``msp sync`` summary)."""
        if not self.outcomes:
            return ["Nothing to send: every finalised record is confirmed by the office."]
        lines: list[str] = []
        new = [o for o in self.confirmed if o.result and not o.result.already]
        if new:
            count = self.records_confirmed
            lines.append(
                f"{count} {'record' if count == 1 else 'records'} sent and confirmed by the "
                f"office ({_bundles([o.sequence for o in new])})."
            )
        again = [o.sequence for o in self.confirmed if o.result and o.result.already]
        if again:
            were = "was" if len(again) == 1 else "were"
            lines.append(f"{_bundles(again).capitalize()} {were} already confirmed.")
        return lines

    def failure_lines(self) -> list[str]:
        """What failed, one sentence each, and that everything else stays queued."""
        lines = [error.message for error in self.errors]
        if self.not_tried:
            lines.append(f"{_bundles(self.not_tried).capitalize()} not sent this time.")
        if lines:
            lines.append(
                "Everything not confirmed stays queued on this device and is sent the next "
                "time you sync."
            )
        return lines


def upload_all(
    outgoing: Outgoing,
    uploader: Uploader,
    accept: Callable[[OutgoingBundle, bytes], ReceiptResult],
    *,
    progress: Callable[[int, int, OutgoingBundle], None] | None = None,
) -> SyncReport:
    """Send each bundle in turn and ``accept`` each answer; a report of what happened.

    A refusal of one bundle moves on to the next; a failure that would fail for every
    bundle (unreachable, not the office's certificate, a receipt that does not verify,
    this device not enrolled) stops the sync, leaving the rest untried and queued.
    """
    outcomes: list[BundleOutcome] = []
    total = len(outgoing.bundles)
    for index, bundle in enumerate(outgoing.bundles, start=1):
        if progress is not None:
            progress(index, total, bundle)
        try:
            answer = uploader.send(bundle)
            result = accept(bundle, answer)
        except OfficeRefused as exc:
            outcomes.append(BundleOutcome(bundle.sequence, bundle.records, error=exc))
            if exc.stops_all:
                break
            continue
        except KnownError as exc:
            outcomes.append(BundleOutcome(bundle.sequence, bundle.records, error=exc))
            break
        outcomes.append(BundleOutcome(bundle.sequence, bundle.records, result=result))
    not_tried = [b.sequence for b in outgoing.bundles[len(outcomes) :]]
    return SyncReport(outgoing.sealed, outcomes, not_tried)


def sync_now(
    target: SyncTarget,
    url: str | None = None,
    *,
    sleep: Callable[[float], object] | None = None,
    progress: Callable[[int, int, OutgoingBundle], None] | None = None,
    on_retry: Callable[[str, float], None] | None = None,
) -> SyncReport:
    """Seal what is waiting and send every unacknowledged bundle (``msp sync``).

    The address is settled before anything is sealed: without one, nothing changes.
    """
    endpoint = endpoint_for(target.office_keys(), url)
    outgoing = target.prepare_upload()
    uploader = Uploader(endpoint, sleep=sleep, on_retry=on_retry)
    return upload_all(
        outgoing,
        uploader,
        lambda bundle, data: accept_receipt(target, bundle, data),
        progress=progress,
    )
