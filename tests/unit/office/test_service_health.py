"""Honest health and metrics (issue 20, item 2): ``/v1/health`` answers 503 with a
reason when the office database cannot be read (a SQLite file gone or damaged, a
PostgreSQL server stopped) or the disk is nearly full (a real small tmpfs where root
may mount one), and stays fast; ``/v1/metrics`` is served only on its own listener, in
the Prometheus text format, read back with a strict parser."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from msp_desktop.errors import InvalidInput
from msp_desktop.office.cli.serve import parse_metrics_bind
from msp_desktop.office.db.backends import create_store
from msp_desktop.office.inbox import health as health_module
from msp_desktop.office.inbox.app import create_app
from msp_desktop.office.inbox.health import Health
from msp_desktop.office.inbox.metrics import CONTENT_TYPE, create_metrics_app
from msp_desktop.office.inbox.openapi import openapi_document
from msp_desktop.office.inbox.receive import MIB, Inbox, InboxSettings
from msp_desktop.office.keys import OfficeLayout, create_office_keys
from tests.disk_faults import small_tmpfs
from tests.office_helpers import FakeDevice, caseload
from tests.office_pg import _throwaway_cluster
from tests.office_service_helpers import LogLines, serving
from tests.unit.office.conftest import NOW, Office
from tests.unit.office.prometheus_text import parse, value
from tests.unit.office.test_service import Service, serve, service  # noqa: F401 - fixtures

UNREACHABLE = "The office database cannot be reached; uploads are refused until it can."


def _health(served: Service) -> httpx.Response:
    return served.client.get(f"{served.url}/v1/health")


def _unavailable(response: httpx.Response, reason: str) -> str:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"] == reason
    assert body["office_id"] == "north-council"
    assert response.headers["cache-control"] == "no-store"
    return str(body["error"])


def _pg(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def unhealthy(expect_logged_error: Callable[..., None]) -> None:
    """The test makes the service unhealthy: a 503 is logged as an error, as it should be."""
    expect_logged_error("test.msp.office.service")


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every health request checks the database again (the cache is for production)."""
    monkeypatch.setattr(health_module, "DB_CHECK_SECONDS", 0.0)


@pytest.mark.usefixtures("no_cache", "unhealthy")
def test_health_fails_while_the_database_cannot_be_read_and_recovers(
    office: Office,
    service: Service,  # noqa: F811
) -> None:
    assert _health(service).json()["status"] == "ok"
    office.store.close()
    if office.db_url is None:
        saved = office.layout.database.read_bytes()
        office.layout.database.unlink()
        assert _unavailable(_health(service), "DatabaseUnavailable") == UNREACHABLE
        office.layout.database.write_bytes(b"not a database" * 100)
        assert _unavailable(_health(service), "DatabaseUnavailable") == UNREACHABLE
        office.layout.database.write_bytes(saved)
    else:
        _pg(office.db_url, "ALTER TABLE office_lock RENAME TO office_lock_gone")
        assert _unavailable(_health(service), "DatabaseUnavailable") == UNREACHABLE
        _pg(office.db_url, "ALTER TABLE office_lock_gone RENAME TO office_lock")
    assert _health(service).status_code == 200
    events = [line for line in service.log.lines if line.get("event") == "health"]
    assert [(e["check"], e["ok"]) for e in events] == [("database", False), ("database", True)]
    assert events[0]["error"] in ("OfficeMissing", "OfficeDamaged", "UndefinedTable")
    assert str(office.layout.root) not in "".join(service.log.text)  # no paths, no URLs


@pytest.mark.posix_only("the throwaway PostgreSQL cluster runs on POSIX only (tests.office_pg)")
@pytest.mark.usefixtures("unhealthy")
def test_health_fails_when_postgresql_stops(tmp_path: Path) -> None:
    with ExitStack() as stack:
        cluster = ExitStack()
        url = cluster.enter_context(_throwaway_cluster())
        stack.callback(cluster.close)
        layout = OfficeLayout(tmp_path / "office")
        create_office_keys(layout, office_id="north-council", name="North Council", now=NOW)
        create_store(layout.root, url)
        log = LogLines()
        app = create_app(Inbox(InboxSettings(layout.root, db_url=url)), logger=log.logger)
        base = stack.enter_context(serving(app))
        client = stack.enter_context(httpx.Client(timeout=30))
        assert client.get(f"{base}/v1/health").status_code == 200

        cluster.close()  # pg_ctl stop: the server is gone
        time.sleep(health_module.DB_CHECK_SECONDS)  # past the cached answer
        started = time.monotonic()
        response = client.get(f"{base}/v1/health")
        assert time.monotonic() - started < 1.0
        assert response.status_code == 503
        assert response.json()["reason"] == "DatabaseUnavailable"
        [event] = [line for line in log.lines if line.get("event") == "health"]
        assert event["error"] == "OfficeMissing"


@pytest.mark.usefixtures("no_cache", "unhealthy")
def test_a_hung_database_check_answers_503_within_a_second(
    service: Service,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = time.monotonic() + 3

    def hung(self: Health) -> str | None:
        time.sleep(max(0.0, release - time.monotonic()))
        return None

    monkeypatch.setattr(Health, "_check_database", hung)
    started = time.monotonic()
    response = _health(service)
    assert time.monotonic() - started < 1.0
    _unavailable(response, "DatabaseUnavailable")


def test_the_database_check_is_kept_for_a_moment(
    service: Service,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[float] = []
    real = Health._check_database

    def counted(self: Health) -> str | None:
        calls.append(time.monotonic())
        return real(self)

    monkeypatch.setattr(Health, "_check_database", counted)
    for _ in range(20):
        assert _health(service).status_code == 200
    assert len(calls) <= 1 + int(20 * 0.05 / health_module.DB_CHECK_SECONDS) + 1


@pytest.mark.usefixtures("unhealthy")
def test_health_fails_below_the_free_space_asked_for(
    serve: Callable[..., Service],  # noqa: F811
) -> None:
    served = serve(min_free_bytes=1 << 62)  # more than any disk here has
    error = _unavailable(_health(served), "DiskLow")
    assert error == (
        f"Less than {(1 << 62) / MIB:g} MiB is free where the office keeps quarantined "
        "bundles and receipts; free some space."
    )


def test_the_free_space_asked_for_is_twice_the_largest_bundle() -> None:
    settings = InboxSettings(Path("office"), max_bundle_bytes=64 * MIB)
    assert settings.min_free == 128 * MIB
    assert InboxSettings(Path("office"), min_free_bytes=5).min_free == 5


@pytest.mark.posix_only("mounts a real tmpfs (root and mount(8) only)")
@pytest.mark.usefixtures("no_cache", "unhealthy")
def test_health_fails_on_a_real_nearly_full_disk(
    office: Office,
    serve: Callable[..., Service],  # noqa: F811
) -> None:
    with small_tmpfs(office.layout.quarantine, size="4m"):
        served = serve(max_bundle_bytes=1 * MIB)  # so 2 MiB must be free
        assert _health(served).status_code == 200
        filler = office.layout.quarantine / "filler"
        filler.write_bytes(b"\0" * (3 * MIB))
        assert _unavailable(_health(served), "DiskLow").startswith("Less than 2 MiB is free")
        filler.unlink()
        assert _health(served).status_code == 200


def test_health_is_documented_with_its_503(office: Office) -> None:
    responses = openapi_document()["paths"]["/v1/health"]["get"]["responses"]
    assert set(responses) == {"200", "500", "503"}


def _scrape(served: Service) -> httpx.Response:
    inner = served.app.state.service
    metrics_app = create_metrics_app(inner.metrics, served.inbox.layout, "north-council")
    with serving(metrics_app) as base:
        response = httpx.get(f"{base}/v1/metrics", timeout=30)
        assert httpx.get(f"{base}/v1/health", timeout=30).status_code == 404
    return response


def test_metrics_count_uploads_refusals_quarantine_and_alerts(
    office: Office,
    device: FakeDevice,
    service: Service,  # noqa: F811
) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes())
    assert service.upload(sealed.data).status_code == 200
    assert service.upload(sealed.data).status_code == 200  # already imported
    assert service.upload(b"junk").status_code == 400
    stranger = FakeDevice(device_id="laptop-9").bundle(office.inbox, caseload().envelopes())
    assert service.upload(stranger.data).status_code == 403
    assert service.upload(b"x", {"Content-Type": "text/plain"}).status_code == 415
    replay = device.bundle(office.inbox, caseload("Bryn Sample").envelopes(), sequence=1)
    assert service.upload(replay.data).status_code == 409
    service.log.requests(6)

    response = _scrape(service)
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    samples, kinds = parse(response.text)
    assert kinds["msp_office_uploads_total"] == "counter"
    assert kinds["msp_office_import_duration_seconds"] == "histogram"
    uploads = {o: value(samples, "msp_office_uploads_total", outcome=o)
               for o in ("imported", "already-imported", "refused")}  # fmt: skip
    assert uploads == {"imported": 1, "already-imported": 1, "refused": 4}
    refusals = {dict(labels)["reason"]: n for (name, labels), n in samples.items()
                if name == "msp_office_refusals_total"}  # fmt: skip
    assert refusals == {
        "DecryptionRejected": 1,
        "BundleQuarantined": 1,
        "UnsupportedMediaType": 1,
        "SequenceReplayed": 1,
    }
    # Five bodies reached the import (the 415 was refused before its body was read).
    assert value(samples, "msp_office_import_duration_seconds_count") == 5
    assert value(samples, "msp_office_quarantine_bundles") == 1
    assert value(samples, "msp_office_quarantine_bytes") == len(stranger.data)
    assert value(samples, "msp_office_alerts_open") == 1
    assert "laptop-7" not in response.text  # no device ids


def test_the_main_port_does_not_serve_metrics(service: Service) -> None:  # noqa: F811
    response = service.client.get(f"{service.url}/v1/metrics")
    assert response.status_code == 404
    assert response.json()["reason"] == "NotFound"


@pytest.mark.parametrize(
    ("given", "insecure", "expected"),
    [
        (None, False, None),
        ("127.0.0.1:9464", False, ("127.0.0.1", 9464)),
        ("[::1]:0", False, ("::1", 0)),
        ("localhost:9464", False, ("localhost", 9464)),
        ("192.0.2.7:9464", True, ("192.0.2.7", 9464)),
    ],
)
def test_metrics_bind_accepts(
    given: str | None, insecure: bool, expected: tuple[str, int] | None
) -> None:
    assert parse_metrics_bind(given, insecure=insecure) == expected


@pytest.mark.parametrize(
    ("given", "insecure", "message"),
    [
        ("0.0.0.0:9464", False, "so --metrics-bind listens only on 127.0.0.1, ::1 or localhost, "
         "not 0.0.0.0; add --insecure-metrics"),
        ("9464", False, "--metrics-bind takes HOST:PORT"),
        ("127.0.0.1:99999", False, "--metrics-bind takes HOST:PORT"),
        ("127.0.0.1:x", False, "--metrics-bind takes HOST:PORT"),
        (":9464", False, "--metrics-bind takes HOST:PORT"),
        (None, True, "--insecure-metrics only goes with --metrics-bind HOST:PORT."),
    ],
)  # fmt: skip
def test_metrics_bind_refuses(given: str | None, insecure: bool, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_metrics_bind(given, insecure=insecure)
    assert message in caught.value.message
    assert caught.value.message.endswith(".")


def test_serve_refuses_a_public_metrics_address_before_listening(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert office.run("serve", "--port", "0", "--metrics-bind", "0.0.0.0:0") == 2
    err = capsys.readouterr().err
    assert err.startswith("msp-office: The metrics are plain HTTP with no login")
    assert err.count("\n") == 1
