"""A real office inbox on this computer, for the network sync tests.

An office made by the same code as ``msp-office init`` (keys on disk, a SQLite
database), behind a small ``http.server`` in a thread that keeps the inbox contract
(``POST /v1/bundles`` -> 200 and the signed receipt; JSON errors with 400, 403, 409,
503 ...), importing with the real ``Importer``. Office packs and pack receipts are
answered only from queues a test fills (``pack_answers``), else 404 as an office
from before packs would. Over plain http, or over https with a
certificate made here: signed by a test CA (``TlsFiles.ca``), so a test can trust the
CA (``SSL_CERT_FILE``) or pin the certificate (``TlsFiles.sha256``) or neither.

Tests can queue canned answers (``InboxServer.script``) that are given before the real
importer is asked, and make receipts signed by another key (``receipt_signer``).
Every request is recorded (``requests``), so a test can show nothing was sent.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from msp_desktop.bundles import AgeRecipient, BundleRejected, KeyPair, make_receipt
from msp_desktop.bundles.provisioning import make_provisioning
from msp_desktop.office import devices
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.errors import BundleQuarantined, OfficeBusy, SequenceReplayed
from msp_desktop.office.importer import Importer
from msp_desktop.office.keys import (
    OfficeConfig,
    OfficeKeys,
    OfficeLayout,
    create_office_keys,
    load_keys,
    recovery_recipient,
)

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


# -- certificates -------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsFiles:
    """A test CA and a server certificate it signed, for 127.0.0.1 and localhost."""

    ca: Path
    cert: Path
    key: Path
    sha256: str
    """SHA-256 of the server certificate's DER: what a device pins."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _san(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def make_tls(
    folder: Path,
    common_name: str = "MSP test office",
    names: tuple[str, ...] = ("localhost", "127.0.0.1"),
) -> TlsFiles:
    """A fresh CA and a server certificate (EC P-256) for ``names``, signed by it."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime.now(UTC) - timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{common_name} CA"))
        .issuer_name(_name(f"{common_name} CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([_san(name) for name in names]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(
        ca=folder / "ca.pem",
        cert=folder / "server.pem",
        key=folder / "server.key",
        sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
    )
    files.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


# -- the office ---------------------------------------------------------------------------


@dataclass
class NetOffice:
    """An office folder made by the same code as ``msp-office init``."""

    layout: OfficeLayout
    config: OfficeConfig
    keys: OfficeKeys

    @classmethod
    def create(cls, folder: Path) -> NetOffice:
        layout = OfficeLayout(folder)
        config = create_office_keys(layout, office_id="north-net", name="North Office", now=NOW)
        SqliteOfficeStore.create(layout.database)
        return cls(layout, config, load_keys(layout, config))

    @property
    def key_id(self) -> str:
        return self.config.office_key_id

    def provisioning(self, inbox_url: str | None = None, tls_sha256: str | None = None) -> bytes:
        """The signed ``office-keys.json``, with the inbox address and pin if given."""
        return make_provisioning(
            office_id=self.config.office_id,
            office_name=self.config.name,
            inbox=AgeRecipient.from_text(self.config.inbox_recipient),
            recovery=recovery_recipient(self.config),
            office_key=self.keys.signing,
            inbox_url=inbox_url,
            tls_sha256=tls_sha256,
        )

    def enrol(self, enrolment: bytes) -> None:
        """``msp-office devices add``."""
        store = SqliteOfficeStore.open(self.layout.database)
        try:
            devices.enrol(store, enrolment, replace=False, now="2026-11-20T09:00:00Z")
        finally:
            store.close()

    def imported(self) -> list[int]:
        """The sequence numbers in the office's ledger (what it really imported)."""
        store = SqliteOfficeStore.open(self.layout.database, read_only=True)
        try:
            return sorted(entry.sequence for entry in store.ledger())
        finally:
            store.close()


# -- the server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Canned:
    """An answer given instead of asking the importer."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(
        cls,
        status: int,
        sentence: str,
        reason: str,
        *,
        key_state: str | None = None,
        key_id: str = "",
        **headers: str,
    ) -> Canned:
        fields = {"key_state": key_state, "key_id": key_id} if key_state else {}
        body = json.dumps({"error": sentence, "reason": reason, **fields}).encode()
        return cls(status, body, {"Content-Type": "application/json", **headers})


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    size: int
    content_type: str | None
    header_names: tuple[str, ...] = ()
    """Every header's name, in lower case (to show what never reached the office)."""


class InboxServer:
    """The inbox contract in a thread; a context manager that starts and stops it."""

    def __init__(self, office: NetOffice, tls: TlsFiles | None = None) -> None:
        self.office = office
        self.tls = tls
        self.requests: list[Request] = []
        self.script: deque[Canned] = deque()
        # Office packs: answers to GET /v1/packs/next and POST /v1/pack-receipts, in
        # order; when none is queued, 404 (an office from before packs).
        self.pack_answers: deque[Canned] = deque()
        self.pack_receipt_answers: deque[Canned] = deque()
        self.pack_receipts: list[bytes] = []
        self.receipt_signer: KeyPair | None = None
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls.cert, tls.key)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def posts(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST"]

    def __enter__(self) -> InboxServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)

    def answer(self, body: bytes) -> Canned:
        """What the office answers to a bundle (on the server's thread)."""
        with self._lock:
            if self.script:
                return self.script.popleft()
            store = SqliteOfficeStore.open(self.office.layout.database)
            try:
                importer = Importer(store, self.office.keys, self.office.layout)
                outcome = importer.import_bundle(
                    body, source="network", receipts=self.office.layout.receipts
                )
            except BundleQuarantined as exc:
                state = "revoked" if exc.revoked else "not-enrolled"
                return Canned.error(
                    403, exc.message, "BundleQuarantined", key_state=state, key_id=exc.key_id or ""
                )
            except SequenceReplayed as exc:
                return Canned.error(409, exc.message, "SequenceReplayed")
            except OfficeBusy as exc:
                return Canned.error(503, exc.message, "OfficeBusy", **{"Retry-After": "1"})
            except BundleRejected as exc:
                return Canned.error(400, exc.message, type(exc).__name__)
            finally:
                store.close()
            receipt = outcome.receipt.read_bytes()
            if self.receipt_signer is not None:
                receipt = make_receipt(
                    bundle_sha256=outcome.checked.verified.sha256,
                    manifest=outcome.checked.verified.manifest,
                    office_key=self.receipt_signer,
                    status=outcome.checked.status,
                )
            return Canned(200, receipt, {"Content-Type": "application/json"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: the tests read ``requests``

            def _reply(self, canned: Canned) -> None:
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(canned.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(canned.body)

            def do_GET(self) -> None:
                server.requests.append(
                    Request("GET", self.path, 0, None, tuple(k.lower() for k in self.headers))
                )
                if self.path == "/v1/packs/next" and server.pack_answers:
                    self._reply(server.pack_answers.popleft())
                    return
                if self.path != "/v1/health":
                    self._reply(Canned.error(404, "No such page.", "NotFound"))
                    return
                body = json.dumps({"status": "ok", "office_id": server.office.config.office_id})
                self._reply(Canned(200, body.encode(), {"Content-Type": "application/json"}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                content_type = self.headers.get("Content-Type")
                server.requests.append(
                    Request(
                        "POST",
                        self.path,
                        len(body),
                        content_type,
                        tuple(k.lower() for k in self.headers),
                    )
                )
                if self.path == "/v1/pack-receipts" and server.pack_receipt_answers:
                    server.pack_receipts.append(body)
                    self._reply(server.pack_receipt_answers.popleft())
                    return
                if self.path != "/v1/bundles":
                    self._reply(Canned.error(404, "No such page.", "NotFound"))
                    return
                self._reply(server.answer(body))

        return Handler


def closed_port() -> int:
    """A local port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
