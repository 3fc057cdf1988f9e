"""Talking to the office's inbox over HTTPS: sending bundles, and any other request.

The office's inbox takes ``POST {inbox_url}/v1/bundles`` with the bundle's bytes and
answers ``200`` with its signed receipt (the same receipt for the same bundle again),
or a JSON ``{"error": sentence, "reason": class}`` with a status that says whether
trying again can help (429, 503 and other 5xx) or not (400, 403, 409, 411, 413, 415).
``Uploader.exchange`` and ``with_retries`` make any other request the same way (the
office packs, ``network.pack_fetch``): the same connection, pin, proxy and retries.

What this promises:

- **Failures cost nothing here.** Network failures are tried again with exponential
  backoff and jitter (and the office's ``Retry-After``, capped); the caller keeps the
  bundle queued until a receipt it has verified acknowledges it (S25).
- **The certificate.** With ``tls_sha256`` in the office keys, the SHA-256 of the
  server certificate (DER) must equal it, checked after the TLS handshake and before
  any byte of the request is sent: the pin replaces the public CAs (an office may use
  its own certificate). Without a pin, the system's CAs and the host name are checked.
  Plain ``http://`` is allowed only to this computer (a test office).

Only the standard library talks to the network (``http.client``, ``ssl``), so the
frozen app gains no dependency. Nothing here touches the workspace.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from msp_desktop import __version__
from msp_desktop.bundles.archive import DEFAULT_LIMITS
from msp_desktop.bundles.errors import BundleRejected, ReceiptRejected
from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.network.proxy import Proxy, proxy_for

__all__ = [
    "Answer",
    "Endpoint",
    "KeyRefused",
    "OfficeNotTrusted",
    "OfficeRefused",
    "OfficeUnreachable",
    "ReplayRefused",
    "SyncCancelled",
    "TemporaryFailure",
    "Uploader",
    "busy",
    "server_sentence",
    "wait",
    "worth_retrying",
]

log = logging.getLogger("msp.sync")
T = TypeVar("T")

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
MAX_PACK_ANSWER = DEFAULT_LIMITS.max_bundle_bytes
"""The largest office pack read: the largest a device takes from a stick too."""
MAX_SENTENCE = 300
BUNDLES_PATH = "/v1/bundles"

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


# -- errors -------------------------------------------------------------------------------


class OfficeUnreachable(KnownError):
    """The office could not be reached, or stayed busy, after every try (exit 14).

    Nothing was acknowledged; everything stays queued for the next sync.
    """

    exit_code = ExitCode.OFFICE_UNREACHABLE


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


class ReplayRefused(OfficeRefused):
    """The office already holds another bundle with this number from this device (409
    ``SequenceReplayed``, alerted there). ``services.replay_refusal`` says what the
    worker and the office must do (``msp-office devices resync``)."""

    def __init__(
        self, message: str, *, status: int, sequence: int, says: str, device_id: str | None = None
    ) -> None:
        super().__init__(message, status=status, reason="SequenceReplayed")
        self.sequence = sequence
        self.says = says
        """The office's own sentence, with its lead-in, or empty."""
        self.device_id = device_id
        """This device's id, once the sync has named it (the office's command needs it)."""


class KeyRefused(OfficeRefused):
    """The office refused the bundle for the key that signed it (403
    ``BundleQuarantined``): ``key_state`` "revoked" (the office revoked it) or
    "not-enrolled" (the office does not know it yet), or None when the office did not
    say which (an older office). The bundle stays queued; ``services.key_refusal`` says
    what the worker and the office must do."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        sequence: int,
        key_state: str | None,
        key_id: str | None,
        replacing: bool = False,
    ) -> None:
        super().__init__(message, status=status, reason="BundleQuarantined", stops_all=True)
        self.sequence = sequence
        self.key_state = key_state
        self.key_id = key_id
        self.replacing = replacing
        """This device has made a new key since its first: the office enrols it as a
        replacement (``devices add --replace``), not as a new device."""


class SyncCancelled(KnownError):
    """The sync was stopped on this device (the workspace locked); everything stays queued."""

    exit_code = ExitCode.OFFICE_UNREACHABLE


class TemporaryFailure(Exception):
    """One try failed in a way that may pass: a reason, and the office's Retry-After."""

    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.retry_after = retry_after


@dataclass(frozen=True)
class Answer:
    """The office's answer to one request: status, body, Retry-After and headers."""

    status: int
    body: bytes
    retry_after: str | None
    headers: dict[str, str]


def worth_retrying(status: int) -> bool:
    """An answer that may pass: 408, 429 or 5xx (``busy`` says why, and when to try)."""
    return status in (408, 429) or status >= 500


def busy(status: int, retry_after: str | None) -> TemporaryFailure:
    """A 408, 429 or 5xx answer: worth trying again, after Retry-After if given."""
    wait = float(retry_after) if retry_after and retry_after.strip().isdigit() else None
    why = "the office is busy" if status in (429, 503) else "the office had a problem"
    return TemporaryFailure(f"{why} (HTTP {status})", wait)


@dataclass(frozen=True)
class Endpoint:
    """Where bundles go, and the certificate pinned for it."""

    url: str
    tls_sha256: str | None = None

    @property
    def bundles_url(self) -> str:
        """``{url}/v1/bundles``."""
        return self.url.rstrip("/") + BUNDLES_PATH


# -- the network side ---------------------------------------------------------------------


def _json_object(body: bytes) -> dict[str, object]:
    """The office's answer as a JSON object; empty when it is not one."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def server_sentence(body: bytes) -> tuple[str | None, str | None]:
    """The office's ``error`` sentence and ``reason`` class, made safe to print."""
    document = _json_object(body)
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


KEY_STATES = ("revoked", "not-enrolled")


def key_facts(body: bytes) -> tuple[str | None, str | None]:
    """The ``key_state`` and ``key_id`` a 403 ``BundleQuarantined`` answer names (None
    for each one missing or not of the expected shape)."""
    document = _json_object(body)
    state, key_id = document.get("key_state"), document.get("key_id")
    return (
        state if state in KEY_STATES else None,
        key_id if isinstance(key_id, str) and re.fullmatch(r"[0-9A-F]{16}", key_id) else None,
    )


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


def _proxy_why(exc: BaseException, proxy: Proxy) -> str:
    # http.client says a refused CONNECT as OSError("Tunnel connection failed: 407 ...").
    said = str(exc)
    if said.startswith("Tunnel connection failed"):
        answer = said.partition(":")[2].strip() or "no reason given"
        return f"the proxy at {proxy} would not connect to the office ({answer})"
    if isinstance(exc, socket.gaierror | ConnectionRefusedError):
        return f"the proxy at {proxy} could not be reached ({_network_why(exc, proxy.host)})"
    return _network_why(exc, proxy.host) + f" (through the proxy at {proxy})"


def wait(seconds: float) -> None:
    """The wait between tries when none is given: ``time.sleep``."""
    time.sleep(seconds)


class Uploader:
    """Sends bundles to one office inbox; retries what may pass, refuses what will not.

    ``sleep`` waits between tries (injectable: tests do not wait, the desktop app wakes
    it when the workspace locks); ``on_retry(sentence, seconds)`` is told before each
    wait; ``cancelled`` is asked before each try. An https office is reached through
    the proxy the environment names (``network.proxy``; ``environ`` for tests), with
    TLS and the pin checked end to end.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        sleep: Callable[[float], object] | None = None,
        attempts: int = ATTEMPTS,
        jitter: Callable[[], float] = random.random,  # noqa: S311 - retry spacing, not a secret
        on_retry: Callable[[str, float], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.endpoint = endpoint
        # Read once, before any try: a proxy setting that cannot work is said at once.
        self.proxy = proxy_for(endpoint.url, environ)
        parts = urlsplit(endpoint.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self.max_pack_bytes = MAX_PACK_ANSWER
        self._sleep = sleep or wait
        self._attempts = max(1, attempts)
        self._jitter = jitter
        self._on_retry = on_retry
        self._cancelled = cancelled
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout

    # -- one bundle, with retries -----------------------------------------------------

    def send(self, sequence: int, data: bytes) -> bytes:
        """POST bundle ``sequence`` (its sealed bytes ``data``); the body of the office's
        ``200`` answer (its receipt).

        Raises ``OfficeRefused`` (the office said no), ``OfficeNotTrusted`` (not the
        office's certificate) or, after every try, ``OfficeUnreachable``.
        """
        return self.with_retries(
            f"bundle {sequence}",
            lambda: self._post(sequence, data),
            lambda why, tries: (
                f"Could not send bundle {sequence} to the office at {self.endpoint.url}: "
                f"{why}. Tried {tries}; everything stays queued on this device and is sent "
                "the next time you sync."
            ),
        )

    def with_retries(
        self, what: str, once: Callable[[], T], failed: Callable[[str, str], str]
    ) -> T:
        """``once()`` until it does not fail in a way that may pass (``TemporaryFailure``),
        waiting between tries; after the last, ``OfficeUnreachable`` with the sentence
        ``failed(why, "once" | "N times")``. ``what`` names the request in the log."""
        for attempt in range(1, self._attempts + 1):
            if self._cancelled():
                raise SyncCancelled("The sync was stopped; everything stays queued.")
            try:
                return once()
            except TemporaryFailure as exc:
                log.info("%s: try %s failed", what, attempt)
                if attempt == self._attempts:
                    tries = "once" if attempt == 1 else f"{attempt} times"
                    raise OfficeUnreachable(failed(exc.why, tries)) from None
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
        if self._https and self.proxy is not None:
            # CONNECT through the proxy; TLS (SNI, certificate, pin) is with the office.
            connection = http.client.HTTPSConnection(
                self.proxy.host,
                self.proxy.port,
                timeout=self._connect_timeout,
                context=self._context(),
            )
            headers = {}
            if self.proxy.authorization:
                headers["Proxy-Authorization"] = self.proxy.authorization
            connection.set_tunnel(self._host, self._port or 443, headers=headers)
        elif self._https:
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
            if self.proxy is not None:
                raise TemporaryFailure(_proxy_why(exc, self.proxy)) from None
            raise TemporaryFailure(_network_why(exc, self._host)) from None
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

    def exchange(
        self, method: str, path: str, *, body: bytes | None = None, headers: Mapping[str, str]
    ) -> Answer:
        """One request to the office (``path`` under the inbox address) and its answer:
        at most ``MAX_ANSWER + 1`` bytes of body read, or of a pack
        ``max_pack_bytes + 1``; ``TemporaryFailure`` when the network failed (worth
        trying again)."""
        connection = self._connect()
        response: http.client.HTTPResponse | None = None
        try:
            connection.request(
                method,
                self._base + path,
                body=body,
                headers={"User-Agent": f"msp-desktop/{__version__}", **headers},
            )
            response = connection.getresponse()
            data = response.read(self._max_body(response) + 1)
            answer = Answer(
                response.status,
                data,
                response.getheader("Retry-After"),
                {name.lower(): value for name, value in response.getheaders()},
            )
        except (OSError, http.client.HTTPException) as exc:
            raise TemporaryFailure(_network_why(exc, self._host)) from None
        finally:
            if response is not None:
                response.close()  # it holds the socket when the office closes the connection
            connection.close()
        log.info("the office answered %s", answer.status)
        return answer

    def _max_body(self, response: http.client.HTTPResponse) -> int:
        """How much of an answer is read: a pack may be large, anything else is small."""
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if response.status == 200 and kind == "application/octet-stream":
            return self.max_pack_bytes
        return MAX_ANSWER

    def _post(self, sequence: int, data: bytes) -> bytes:
        answer = self.exchange(
            "POST",
            BUNDLES_PATH,
            body=data,
            headers={"Content-Type": "application/octet-stream", "Accept": "application/json"},
        )
        if answer.status == 200:
            if len(answer.body) > MAX_ANSWER:
                raise ReceiptRejected(
                    f"The office's answer for bundle {sequence} is far too large to be a "
                    "receipt; it stays queued. Tell the office."
                )
            return answer.body
        raise self._refusal(sequence, answer.status, answer.body[:MAX_ANSWER], answer.retry_after)

    def _refusal(
        self, sequence: int, status: int, body: bytes, retry_after: str | None
    ) -> TemporaryFailure | OfficeRefused:
        sentence, reason = server_sentence(body)
        says = f" The office says: {sentence}" if sentence else ""
        if worth_retrying(status):
            return busy(status, retry_after)
        if status == 403 and reason == "BundleQuarantined":
            state, key_id = key_facts(body)
            return KeyRefused(
                f"The office did not take bundle {sequence} because of the key that signed "
                f"it.{says} Everything stays queued here.",
                status=status,
                sequence=sequence,
                key_state=state,
                key_id=key_id,
            )
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
        if status == 409 and reason != "DeviceMismatch":
            return ReplayRefused(
                f"The office refused bundle {sequence}: it already has another bundle with "
                f"that number.{says} Tell the office at once; bundle {sequence} stays "
                "queued here.",
                status=status,
                sequence=sequence,
                says=says,
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
