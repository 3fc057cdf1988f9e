"""Running the office inbox service for tests: real uvicorn on loopback, in a thread.

``serving(app)`` binds a free port on 127.0.0.1, starts the real server (the same
``make_server`` as ``msp-office serve``) in a background thread and yields its URL;
``LogLines`` collects the service's JSON log lines; ``raw_request`` speaks HTTP over
a plain socket, for requests an HTTP client will not send (a Content-Length with no
body, a chunked upload).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.types import ASGIApp

from msp_desktop.office.inbox.logs import JsonLines
from msp_desktop.office.inbox.server import TlsFiles, listen, make_server, url_of

OCTET = {"Content-Type": "application/octet-stream"}


class LogLines(logging.Handler):
    """A logger of its own whose records are kept as parsed JSON lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLines())
        self.lines: list[dict[str, Any]] = []
        self.text: list[str] = []
        self.logger = logging.getLogger(f"test.msp.office.service.{uuid.uuid4().hex}")
        self.logger.handlers[:] = [self]
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted line, and it parsed."""
        line = self.format(record)
        self.text.append(line)
        self.lines.append(json.loads(line))

    def requests(self, count: int) -> list[dict[str, Any]]:
        """The request lines, once there are ``count`` of them.

        A request's line is written after its response is sent, so a client can have
        the response a moment before the line exists.
        """
        deadline = time.monotonic() + 10
        while True:
            found = [line for line in self.lines if line.get("event") == "request"]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.01)

    def events(self, name: str) -> list[dict[str, Any]]:
        """The lines of one event (``alert``, ``quarantined``, ``bug``)."""
        return [line for line in self.lines if line.get("event") == name]


@contextmanager
def serving(app: ASGIApp, *, tls: TlsFiles | None = None) -> Iterator[str]:
    """Run ``app`` on uvicorn on a free loopback port; yields ``http(s)://127.0.0.1:N``."""
    sock = listen("127.0.0.1", 0)
    server = make_server(app, tls=tls, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield url_of(sock, tls=tls is not None)
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def raw_request(
    url: str,
    head: str,
    body: bytes = b"",
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = 10,
) -> bytes:
    """Send ``head`` (request line and headers, CRLF-separated) and ``body``; the reply.

    Over TLS with ``context``. Reads until the server closes or a whole response with a
    Content-Length arrived.
    """
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    plain = socket.create_connection((host, int(port)), timeout=timeout)
    with context.wrap_socket(plain, server_hostname=host) if context else plain as sock:
        sock.sendall(head.encode("ascii") + b"\r\n\r\n" + body)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
            header, _, rest = reply.partition(b"\r\n\r\n")
            lengths = [
                int(line.split(b":")[1])
                for line in header.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ]
            if b"\r\n\r\n" in reply and lengths and len(rest) >= lengths[0]:
                break
    return reply


def self_signed(folder: Path, host: str = "127.0.0.1") -> TlsFiles:
    """A throwaway self-signed certificate for ``host`` (an IP) and localhost."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "msp-office test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(host)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls.crt", folder / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return TlsFiles(cert_path, key_path)


@dataclass
class ServeProcess:
    """A running ``msp-office serve`` process, its address and its stderr lines so far."""

    process: subprocess.Popen[str]
    url: str
    lines: list[str]

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(10)


def _accepts(url: str) -> bool:
    """Whether something listens at ``url``'s host and port (a TCP connection, then closed)."""
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except ConnectionRefusedError:
        return False
    return True


@contextmanager
def serve_process(command: Sequence[str], env: dict[str, str] | None) -> Iterator[ServeProcess]:
    """Start ``command`` (an ``msp-office serve``) and wait for the address it announces;
    stopped, and its stderr closed, when the block ends."""
    process = subprocess.Popen(
        list(command),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    url = None
    deadline = time.monotonic() + 30
    while url is None and time.monotonic() < deadline and process.poll() is None:
        found = [re.search(r"takes bundles at (https?://[^/\s]+)/v1/bundles", li) for li in lines]
        url = next((m[1] for m in found if m), None)
        time.sleep(0.05)
    # The sentence is printed once the port is bound, but uvicorn listens on it only
    # after its start-up: on a busy machine a connection in between is refused.
    while url and not _accepts(url) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    served = ServeProcess(process, url or "", lines)
    try:
        if not url:
            raise AssertionError("msp-office serve did not start:\n" + "\n".join(lines))
        yield served
    finally:
        served.stop()
        reader.join(10)
        assert process.stderr is not None
        process.stderr.close()
