"""Running the inbox service on uvicorn: the listening socket, TLS and the server.

``msp-office serve`` (``cli.serve``) checks its flags, then calls ``run``. The
socket is bound here rather than by uvicorn, so a port in use is one plain sentence
(not a log line and exit 1) and port 0 (any free port) can be reported. Tests use
``listen`` and ``make_server`` to run the real server on loopback in a thread.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from msp_desktop.errors import InvalidInput
from msp_desktop.office.inbox.app import create_app
from msp_desktop.office.inbox.guard import (
    WAITING_TOTAL,
    ConnectionGuard,
    GuardedConfig,
    Notes,
    file_descriptor_room,
    guarded_protocol,
    waiting_total,
)
from msp_desktop.office.inbox.logs import (
    LOGGER_NAME,
    configure_service_logging,
    uvicorn_log_config,
)
from msp_desktop.office.inbox.metrics import METRICS, create_metrics_app
from msp_desktop.office.inbox.receive import Inbox

__all__ = ["TlsFiles", "listen", "make_server", "run", "url_of"]

# TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 suites are not affected).
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"
KEEP_ALIVE_SECONDS = 5
METRICS_WAITING_TOTAL = 64  # a scraper or two, not the world


@dataclass(frozen=True)
class TlsFiles:
    """A PEM certificate (chain) and its private key."""

    cert: Path
    key: Path


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` and listening (``InvalidInput`` with the
    reason if not)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise InvalidInput(f"Cannot listen on {host}: no such address here.") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        # Listening before the address is announced: a laptop (or a test) that connects
        # straight after the sentence waits in the queue instead of being refused
        # while uvicorn starts. uvicorn listens on it again, which is harmless.
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise InvalidInput(
            f"Cannot listen on {host} port {port}: {exc.strerror or 'refused'}."
        ) from None
    return sock


def url_of(sock: socket.socket, *, tls: bool) -> str:
    """``https://127.0.0.1:8443`` for a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def make_server(
    app: ASGIApp,
    *,
    tls: TlsFiles | None,
    log_level: str = "info",
    logger: logging.Logger | None = None,
    waiting_total: int = WAITING_TOTAL,
) -> uvicorn.Server:
    """A uvicorn server for ``app``: JSON logs, no access log, no Server header, and
    the guard against slow and many connections (``guard``; at most ``waiting_total``
    connections waiting for their headers).

    Proxy headers (``X-Forwarded-For``) are believed from 127.0.0.1 only (uvicorn's
    default; ``$FORWARDED_ALLOW_IPS`` changes it), so behind a local TLS proxy the
    per-address rate limit sees the real client.
    """
    notes = Notes(logger or logging.getLogger(LOGGER_NAME))
    guard = ConnectionGuard(notes, total=waiting_total)
    config = GuardedConfig(
        app,
        notes=notes,
        lifespan="on",
        http=guarded_protocol(guard),
        log_config=uvicorn_log_config(log_level.upper()),
        log_level=log_level,
        access_log=False,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        ssl_certfile=str(tls.cert) if tls else None,
        ssl_keyfile=str(tls.key) if tls else None,
        ssl_ciphers=TLS12_CIPHERS,
    )
    return uvicorn.Server(config)


def run(
    inbox: Inbox,
    *,
    host: str,
    port: int,
    tls: TlsFiles | None,
    prog: str,
    metrics_bind: tuple[str, int] | None = None,
) -> int:
    """Serve ``inbox`` until stopped (Ctrl+C or SIGTERM); ``KnownError`` if it cannot start.

    With ``metrics_bind``, ``/v1/metrics`` is served on that address too, over plain
    HTTP, by a second server on a thread of its own, stopped when the inbox stops.
    """
    logger = configure_service_logging()
    settings = inbox.settings
    app = create_app(inbox, logger=logger)
    # Room for many connections (the caps in ``guard`` keep well below it).
    room = file_descriptor_room()
    server = make_server(app, tls=tls, logger=logger, waiting_total=waiting_total(room))
    sock = listen(host, port)
    metrics: tuple[uvicorn.Server, threading.Thread, socket.socket] | None = None
    try:
        if metrics_bind is not None:
            metrics = _start_metrics(app, inbox, metrics_bind, logger, prog)
        url = url_of(sock, tls=tls is not None)
        print(
            f"{prog}: the inbox of office {inbox.config.office_id} takes bundles at "
            f"{url}/v1/bundles (OpenAPI description at {url}/openapi.json); "
            "stop with Ctrl+C.",
            file=sys.stderr,
        )
        logger.info(
            "serving",
            extra={
                "fields": {
                    "event": "serving",
                    "office_id": inbox.config.office_id,
                    "tls": tls is not None,
                    "max_bundle_bytes": settings.max_bundle_bytes,
                }
            },
        )
        _exit_cleanly_on_sigterm()
        server.run(sockets=[sock])
    finally:
        sock.close()
        if metrics is not None:
            metrics_server, thread, metrics_sock = metrics
            metrics_server.should_exit = True
            thread.join(10)
            metrics_sock.close()
    return 0


def _start_metrics(
    app: ASGIApp, inbox: Inbox, bind: tuple[str, int], logger: logging.Logger, prog: str
) -> tuple[uvicorn.Server, threading.Thread, socket.socket]:
    """The metrics listener, serving the inbox app's counters, started on a thread.

    On a thread, uvicorn leaves the signals alone: the inbox's server (on the main
    thread) takes SIGTERM, and ``run`` then stops this one.
    """
    service = app.state.service  # type: ignore[attr-defined]
    metrics_app = create_metrics_app(service.metrics, inbox.layout, inbox.config.office_id)
    metrics_sock = listen(*bind)
    server = make_server(metrics_app, tls=None, logger=logger, waiting_total=METRICS_WAITING_TOTAL)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [metrics_sock]}, name="msp-metrics", daemon=True
    )
    thread.start()
    print(
        f"{prog}: metrics for Prometheus at {url_of(metrics_sock, tls=False)}{METRICS}.",
        file=sys.stderr,
    )
    return server, thread, metrics_sock


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a service manager stopping us) ends with exit 0 once uvicorn has drained.

    uvicorn handles the signal while it runs, then raises it again with the handler
    that was there before: this one.
    """
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
