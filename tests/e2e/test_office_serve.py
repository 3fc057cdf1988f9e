"""``msp-office serve`` end to end: the real console script, over TLS on loopback.

The office is made with ``msp-office init`` and ``devices add``; the service runs as
its own process with a throwaway self-signed certificate, and a device uploads with
httpx (or a raw TLS socket, for what a client will not send). Then SIGTERM, and the
process ends with exit 0, its stderr one sentence and JSON lines only, none of them
holding a name.
"""

from __future__ import annotations

import hashlib
import json
import re
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

from msp_desktop.bundles import PublicKey, verify_receipt
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.keys import OfficeKeys, OfficeLayout, load_config, load_keys
from tests.e2e.conftest import OfficeRunner, office_command
from tests.office_helpers import FakeDevice, caseload
from tests.office_service_helpers import (
    OCTET,
    ServeProcess,
    raw_request,
    self_signed,
    serve_process,
)
from tests.platforms import assert_mode
from tests.unit.bundles.conftest import seal
from tests.unit.bundles.test_bundle import CORPUS
from tests.unit.office.prometheus_text import parse, value

HOSTILE_SAMPLE = [
    "wrong recipient",
    "truncated ciphertext",
    "zip slip",
    "duplicate JSON keys in manifest",
    "signed by unknown key",
    "manifest for another office",
    "hash mismatch",
]
NAMES = ("Ada Example", "Bo Example", "Test Worker")


@dataclass
class Served:
    """A running ``msp-office serve`` and what the device side needs to talk to it."""

    url: str
    layout: OfficeLayout
    keys: OfficeKeys
    device: FakeDevice
    context: ssl.SSLContext
    service: ServeProcess

    @property
    def stderr(self) -> list[str]:
        """The service's stderr lines so far."""
        return self.service.lines

    def post(self, data: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        """Upload ``data`` as a device would."""
        with httpx.Client(verify=self.context, timeout=30) as client:
            return client.post(
                f"{self.url}/v1/bundles",
                content=data,
                headers=OCTET if headers is None else headers,
            )

    def office_key(self) -> PublicKey:
        """The office's public key, as provisioned to devices."""
        return PublicKey.from_text(self.layout.office_pub.read_text())

    def db_hash(self) -> str:
        """The SHA-256 of office.db."""
        return hashlib.sha256(self.layout.database.read_bytes()).hexdigest()

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        return self.service.stop()

    def json_lines(self) -> list[dict[str, object]]:
        """Every stderr line but the one sentence saying where it listens, parsed."""
        return [json.loads(line) for line in self.stderr if not line.startswith("msp-office: ")]


@pytest.fixture
def served(
    msp_office: OfficeRunner, msp_env: dict[str, str], office_dir: Path, tmp_path: Path
) -> Iterator[Served]:
    created = msp_office("init", "--office-id", "north-council", "--name", "North Council")
    assert created.returncode == 0, created.stderr
    device = FakeDevice()
    enrolment = tmp_path / "enrolment.json"
    enrolment.write_bytes(device.enrolment())
    assert msp_office("devices", "add", str(enrolment)).returncode == 0
    layout = OfficeLayout(office_dir)
    keys = load_keys(layout, load_config(layout))
    tls = self_signed(tmp_path)
    command = [
        *office_command(), "serve", "--port", "0", "--tls-cert", str(tls.cert),
        "--tls-key", str(tls.key), "--rate-per-ip", "6000", "--burst-per-ip", "1000",
    ]  # fmt: skip
    env = {**msp_env, "MSP_OFFICE_DIR": str(office_dir)}
    with serve_process(command, env) as service:
        context = ssl.create_default_context(cafile=str(tls.cert))
        yield Served(service.url, layout, keys, device, context, service)


@pytest.mark.posix_only(
    "stops msp-office serve with SIGTERM, as a service manager does, and expects a clean exit; "
    "Windows has no SIGTERM (TerminateProcess exits 1), and the office serves from Linux"
)
def test_a_device_uploads_over_tls_and_retries_get_the_same_receipt(served: Served) -> None:
    sealed = served.device.bundle(served.keys.inbox.recipient, caseload("Ada Example").envelopes())
    first = served.post(sealed.data)
    assert first.status_code == 200, first.text
    receipt = verify_receipt(first.content, served.office_key(), bundle_sha256=sealed.sha256)
    assert (receipt.device_id, receipt.sequence, receipt.status) == ("laptop-7", 1, "imported")
    again = served.post(sealed.data)
    assert again.content == first.content
    assert again.headers["msp-import-status"] == "already-imported"

    with httpx.Client(verify=served.context) as client:
        health = client.get(f"{served.url}/v1/health").json()
        description = client.get(f"{served.url}/openapi.json").json()
    assert health == {
        "status": "ok",
        "office_id": "north-council",
        "version": health["version"],
        "schema_version": SCHEMA_VERSION,
    }
    validate(description)

    assert served.stop() == 0
    [sentence] = [line for line in served.stderr if line.startswith("msp-office: ")]
    assert sentence.startswith("msp-office: the inbox of office north-council takes bundles")
    requests = [line for line in served.json_lines() if line.get("event") == "request"]
    assert [line["status"] for line in requests] == [200, 200, 200, 200]
    assert [line.get("outcome") for line in requests[:2]] == ["imported", "already-imported"]
    assert not any(name in line for line in served.stderr for name in NAMES)


def test_two_identical_uploads_at_once_get_one_receipt(served: Served) -> None:
    sealed = served.device.bundle(served.keys.inbox.recipient, caseload().envelopes())
    barrier = threading.Barrier(2)
    responses: list[httpx.Response] = []

    def upload() -> None:
        barrier.wait()
        responses.append(served.post(sealed.data))

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert sorted(r.headers["msp-import-status"] for r in responses) == [
        "already-imported",
        "imported",
    ]
    with SqliteOfficeStore.open(served.layout.database, read_only=True) as store:
        assert [entry.sha256 for entry in store.ledger()] == [sealed.sha256]


@pytest.mark.posix_only(
    "stops msp-office serve with SIGTERM, as a service manager does, and expects a clean exit; "
    "Windows has no SIGTERM (TerminateProcess exits 1), and the office serves from Linux"
)
def test_refusals_over_the_wire(served: Served) -> None:
    inbox = served.keys.inbox.recipient
    stranger = FakeDevice(device_id="laptop-9").bundle(inbox, caseload().envelopes())
    refused = served.post(stranger.data)
    assert refused.status_code == 403
    assert refused.json()["reason"] == "BundleQuarantined"
    assert (served.layout.quarantine / f"{stranger.sha256}.mspbundle").read_bytes() == (
        stranger.data
    )

    assert served.post(served.device.bundle(inbox, caseload().envelopes()).data).is_success
    before = served.db_hash()
    tampered = bytearray(served.device.bundle(inbox, caseload().envelopes()).data)
    tampered[len(tampered) // 2] ^= 0x01
    assert served.post(bytes(tampered)).json()["reason"] == "DecryptionRejected"
    replay = served.device.bundle(inbox, caseload("Bo Example").envelopes(), sequence=1)
    replayed = served.post(replay.data)
    assert (replayed.status_code, replayed.json()["reason"]) == (409, "SequenceReplayed")
    assert '"kind": "replay"' in served.layout.alerts.read_text()
    assert served.post(b"{}", {"Content-Type": "application/json"}).status_code == 415

    head = "POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream"
    too_big = raw_request(served.url, f"{head}\r\nContent-Length: {65 * 1024 * 1024}",
                          context=served.context)  # fmt: skip
    assert too_big.startswith(b"HTTP/1.1 413 ")
    chunked = raw_request(
        served.url,
        f"{head}\r\nTransfer-Encoding: chunked\r\nConnection: close",
        b"5\r\nhello\r\n0\r\n\r\n",
        context=served.context,
    )
    assert chunked.startswith(b"HTTP/1.1 411 ")
    assert served.db_hash() == before

    assert served.stop() == 0
    lines = served.json_lines()
    assert [line["kind"] for line in lines if line.get("event") == "alert"] == ["replay"]
    statuses = [line["status"] for line in lines if line.get("event") == "request"]
    assert statuses == [403, 200, 400, 409, 415, 413, 411]
    assert not any(name in line for line in served.stderr for name in NAMES)


def test_a_sample_of_the_hostile_corpus_is_refused_over_http(served: Served) -> None:
    inbox = served.keys.inbox
    before = served.db_hash()
    for name, build, _, reason in CORPUS:
        if name not in HOSTILE_SAMPLE:
            continue
        response = served.post(build(served.device.key, inbox, seal(served.device.key, inbox)))
        expected = 403 if reason == "not enrolled" else 400
        assert response.status_code == expected, (name, response.text)
        assert served.db_hash() == before, name


def test_plain_http_off_loopback_is_refused_and_openapi_written(
    msp_office: OfficeRunner, tmp_path: Path
) -> None:
    assert (
        msp_office("init", "--office-id", "north-council", "--name", "North Council").returncode
        == 0
    )
    anywhere = "0.0.0.0"  # noqa: S104 - refused before anything is bound
    refused = msp_office("serve", "--host", anywhere, "--port", "0")
    assert refused.returncode == 2
    assert refused.stderr.startswith("msp-office: Without --tls-cert and --tls-key")
    assert len(refused.stderr.strip().splitlines()) == 1

    out = tmp_path / "openapi.json"
    written = msp_office("openapi", "--out", str(out))
    assert written.returncode == 0, written.stderr
    validate(json.loads(out.read_text()))
    assert_mode(Path(out), 0o644)


@pytest.mark.posix_only(
    "stops msp-office serve with SIGTERM, as a service manager does, and expects a clean exit; "
    "Windows has no SIGTERM (TerminateProcess exits 1), and the office serves from Linux"
)
def test_metrics_are_served_on_their_own_address_only(
    msp_office: OfficeRunner, msp_env: dict[str, str], office_dir: Path, tmp_path: Path
) -> None:
    assert msp_office("init", "--office-id", "north-council", "--name", "N").returncode == 0
    device = FakeDevice()
    enrolment = tmp_path / "enrolment.json"
    enrolment.write_bytes(device.enrolment())
    assert msp_office("devices", "add", str(enrolment)).returncode == 0
    layout = OfficeLayout(office_dir)
    keys = load_keys(layout, load_config(layout))
    command = [*office_command(), "serve", "--port", "0", "--metrics-bind", "127.0.0.1:0"]
    env = {**msp_env, "MSP_OFFICE_DIR": str(office_dir)}
    with serve_process(command, env) as service, httpx.Client(timeout=30) as client:
        found = [re.search(r"metrics for Prometheus at (http://\S+/v1/metrics)\.", line)
                 for line in service.lines]  # fmt: skip
        [metrics_url] = [m[1] for m in found if m]
        sealed = device.bundle(keys.inbox.recipient, caseload().envelopes())
        assert client.post(f"{service.url}/v1/bundles", content=sealed.data,
                           headers=OCTET).status_code == 200  # fmt: skip
        assert client.post(f"{service.url}/v1/bundles", content=b"junk",
                           headers=OCTET).status_code == 400  # fmt: skip
        assert client.get(f"{service.url}/v1/metrics").status_code == 404
        assert client.get(f"{service.url}/v1/health").json()["status"] == "ok"
        scraped = client.get(metrics_url)
        assert client.get(metrics_url.replace("/v1/metrics", "/v1/bundles")).status_code == 404
        assert service.stop() == 0
    assert scraped.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples, _ = parse(scraped.text)
    assert value(samples, "msp_office_uploads_total", outcome="imported") == 1
    assert value(samples, "msp_office_refusals_total", reason="DecryptionRejected") == 1
    assert value(samples, "msp_office_import_duration_seconds_count") == 2
    assert value(samples, "msp_office_alerts_open") == 0
