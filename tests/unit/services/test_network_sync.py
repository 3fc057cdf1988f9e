"""Sending bundles to the office over the network (``msp_desktop.services.network_sync``
on ``msp_desktop.network.uploader``), against a real office inbox on this computer
(``tests.inbox_server``: the real importer behind http.server, over http or https with a
certificate made here).

What must hold: nothing is acknowledged without a receipt signed by the office key for
exactly the bundle sent; a server that is not the office (pin, CA) gets no byte of the
request; failures that may pass are retried with backoff, others are not; and whatever
fails stays queued.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.bundles import KeyPair, ReceiptRejected
from msp_desktop.errors import InvalidInput
from msp_desktop.network.uploader import (
    ATTEMPTS,
    MAX_ANSWER,
    MAX_RETRY_AFTER,
    Endpoint,
    KeyRefused,
    OfficeNotTrusted,
    OfficeRefused,
    OfficeUnreachable,
    ReplayRefused,
    Uploader,
)
from msp_desktop.services.export import export_bundles
from msp_desktop.services.network_sync import NoInboxAddress, SyncReport, endpoint_for, sync_now
from msp_desktop.store import Workspace
from msp_desktop.store.sync_keys import NotReadyToSync
from tests.inbox_server import Canned, InboxServer, NetOffice, TlsFiles, closed_port, make_tls
from tests.sync_helpers import (
    DEVICE_ID,
    concern_for,
    finalised_visit,
    person_with_concern,
    stored,
)

# -- set-up -------------------------------------------------------------------------------


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_tls(tmp_path / "tls")


@pytest.fixture
def tls_server(office: NetOffice, tls: TlsFiles) -> Iterator[InboxServer]:
    with InboxServer(office, tls) as running:
        yield running


def provision(
    ws: Workspace,
    office: NetOffice,
    url: str | None,
    pin: str | None = None,
    *,
    enrol: bool = True,
) -> None:
    """Trust ``office`` (keys file with ``url`` and ``pin``), enrol this device there."""
    ws.import_office_keys(office.provisioning(url, pin), office.key_id)
    enrolment = ws.sync.enrol(DEVICE_ID)
    if enrol:
        office.enrol(enrolment)


def caseload(ws: Workspace) -> None:
    """A person, a concern, a finalised visit and the action agreed at it: four records
    to send."""
    _person, concern = person_with_concern(ws)
    finalised_visit(ws, concern)


class Sleeps:
    """An injected ``sleep``: records each wait, waits for none."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def counts(ws: Workspace) -> dict[str, int]:
    return ws.sync.status().counts


def queued(ws: Workspace) -> list[int]:
    """Bundles still waiting, with their bytes kept for the next try."""
    return [
        int(row[0])
        for row in ws.db.all(
            "SELECT sequence FROM bundles_sent WHERE acknowledged_at IS NULL"
            " AND data IS NOT NULL ORDER BY sequence"
        )
    ]


def no_receipt(report: SyncReport) -> None:
    assert not report.ok
    assert report.confirmed == []
    assert report.records_confirmed == 0


# -- the good path ------------------------------------------------------------------------


def test_sync_sends_seals_and_acknowledges_on_the_office_receipt(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    assert counts(workspace)["finalised"] == 4

    report = sync_now(workspace, sleep=sleeps)

    assert report.ok
    assert report.exit_code == 0
    assert report.sealed == 1
    assert report.records_confirmed == 4
    assert report.done_lines() == ["4 records sent and confirmed by the office (bundle 1)."]
    assert report.failure_lines() == []
    assert counts(workspace) == {"draft": 0, "finalised": 0, "in-bundle": 0, "acknowledged": 4}
    assert office.imported() == [1]  # the office really imported it
    (post,) = server.posts
    assert (post.path, post.content_type) == ("/v1/bundles", "application/octet-stream")
    assert queued(workspace) == []
    assert sleeps.waits == []
    # The receipt is kept, as when it is imported from a file.
    row = workspace.db.one("SELECT receipt IS NOT NULL, data IS NULL FROM bundles_sent")
    assert row == (1, 1)


def test_nothing_to_send_is_said_and_nothing_is_posted(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    sync_now(workspace, sleep=sleeps)
    posts = len(server.posts)

    report = sync_now(workspace, sleep=sleeps)

    assert report.ok
    assert report.sealed is None
    assert report.done_lines() == [
        "Nothing to send: every finalised record is confirmed by the office."
    ]
    assert len(server.posts) == posts


def test_every_unacknowledged_bundle_is_sent_in_order(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps, tmp_path: Path
) -> None:
    provision(workspace, office, server.url)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    stick = tmp_path / "stick"
    stick.mkdir()
    export_bundles(workspace, stick)  # bundle 1 went on a stick that never reached the office
    finalised_visit(workspace, concern_for(workspace, person))  # a concern and a visit
    seen: list[tuple[int, int, int]] = []

    report = sync_now(
        workspace, sleep=sleeps, progress=lambda i, n, b: seen.append((i, n, b.sequence))
    )

    assert report.ok
    assert report.sealed == 2
    assert seen == [(1, 2, 1), (2, 2, 2)]
    # 4 in bundle 1; a concern, a visit and its action in bundle 2.
    assert report.done_lines() == ["7 records sent and confirmed by the office (bundles 1 and 2)."]
    assert office.imported() == [1, 2]
    assert counts(workspace)["acknowledged"] == 7


def test_a_bundle_the_office_already_has_is_confirmed_by_its_receipt_again(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    # The office imported it but its answer was lost: the same bundle again is a no-op
    # at the office, and the receipt it gives now acknowledges it here.
    provision(workspace, office, server.url)
    caseload(workspace)
    server.receipt_signer = KeyPair.generate()  # the first answer cannot be trusted
    first = sync_now(workspace, sleep=sleeps)
    assert isinstance(first.errors[0], ReceiptRejected)
    assert office.imported() == [1]
    assert queued(workspace) == [1]

    server.receipt_signer = None
    report = sync_now(workspace, sleep=sleeps)

    assert report.ok
    assert report.done_lines() == ["4 records sent and confirmed by the office (bundle 1)."]
    assert office.imported() == [1]
    assert counts(workspace)["acknowledged"] == 4


# -- TLS: the pin, and the public CAs -----------------------------------------------------


def test_https_with_the_pinned_certificate(
    workspace: Workspace, office: NetOffice, tls_server: InboxServer, tls: TlsFiles, sleeps: Sleeps
) -> None:
    provision(workspace, office, tls_server.url, tls.sha256)
    caseload(workspace)

    report = sync_now(workspace, sleep=sleeps)

    assert report.ok
    assert report.records_confirmed == 4
    assert len(tls_server.posts) == 1


def test_another_certificate_than_the_pinned_one_gets_nothing(
    workspace: Workspace,
    office: NetOffice,
    tls_server: InboxServer,
    sleeps: Sleeps,
    tmp_path: Path,
) -> None:
    other = make_tls(tmp_path / "other")  # say, a machine in the middle with its own
    provision(workspace, office, tls_server.url, other.sha256)
    caseload(workspace)

    report = sync_now(workspace, sleep=sleeps)

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, OfficeNotTrusted)
    assert error.exit_code == report.exit_code == 14
    assert "is not the office: its certificate is not the one in the office keys" in error.message
    assert "Nothing was sent" in error.message
    assert tls_server.requests == []  # not one byte of HTTP
    assert sleeps.waits == []  # never tried again
    assert office.imported() == []
    assert queued(workspace) == [1]
    assert counts(workspace)["in-bundle"] == 4


def test_without_a_pin_a_certificate_no_trusted_authority_signed_is_refused(
    workspace: Workspace, office: NetOffice, tls_server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, tls_server.url)  # https, no pin: the system's CAs
    caseload(workspace)

    report = sync_now(workspace, sleep=sleeps)

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, OfficeNotTrusted)
    assert "could not show it is the office" in error.message
    assert "certificate" in error.message
    assert tls_server.requests == []
    assert sleeps.waits == []
    assert queued(workspace) == [1]


def test_without_a_pin_a_certificate_from_a_trusted_authority_is_accepted(
    workspace: Workspace,
    office: NetOffice,
    tls_server: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca))  # the system's CAs, for this test
    provision(workspace, office, tls_server.url)
    caseload(workspace)

    report = sync_now(workspace, sleep=sleeps)

    assert report.ok
    assert report.records_confirmed == 4


def test_the_host_name_is_checked_without_a_pin(
    office: NetOffice, sleeps: Sleeps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A certificate from a trusted CA, but for another name than the one asked for.
    elsewhere = make_tls(tmp_path / "elsewhere", names=("office.example",))
    monkeypatch.setenv("SSL_CERT_FILE", str(elsewhere.ca))
    with InboxServer(office, elsewhere) as server:
        uploader = Uploader(Endpoint(server.url), sleep=sleeps)
        with pytest.raises(OfficeNotTrusted, match="could not show it is the office"):
            uploader.send(1, b"bundle")
        assert server.requests == []
    assert sleeps.waits == []


# -- failures that may pass: retried with backoff ----------------------------------------


def test_a_busy_office_is_tried_again_after_its_retry_after(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    server.script.append(Canned.error(503, "The office is busy.", "Busy", **{"Retry-After": "3"}))
    said: list[tuple[str, float]] = []

    report = sync_now(workspace, sleep=sleeps, on_retry=lambda w, s: said.append((w, s)))

    assert report.ok
    assert report.records_confirmed == 4
    assert sleeps.waits == [3.0]
    assert said == [("The office is busy (HTTP 503)", 3.0)]
    assert len(server.posts) == 2


def test_retry_after_is_capped(office: NetOffice, server: InboxServer, sleeps: Sleeps) -> None:
    server.script.extend([Canned.error(429, "Slow down.", "TooMany", **{"Retry-After": "86400"})])
    server.script.append(Canned(200, b"receipt"))
    answer = Uploader(Endpoint(server.url), sleep=sleeps).send(1, b"x")
    assert answer == b"receipt"
    assert sleeps.waits == [MAX_RETRY_AFTER]


def test_server_errors_back_off_exponentially_then_everything_stays_queued(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    server.script.extend([Canned.error(500, "Oops.", "Internal")] * ATTEMPTS)
    before = stored_counts = counts(workspace)

    report = sync_now(workspace, sleep=sleeps)

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, OfficeUnreachable)
    assert report.exit_code == 14
    assert error.message == (
        f"Could not send bundle 1 to the office at {server.url}: the office had a problem "
        "(HTTP 500). Tried 4 times; everything stays queued on this device and is sent the "
        "next time you sync."
    )
    assert len(server.posts) == ATTEMPTS
    # 1, 2 and 4 seconds, each up to a quarter longer at random.
    assert len(sleeps.waits) == ATTEMPTS - 1
    for wait, base in zip(sleeps.waits, (1, 2, 4), strict=True):
        assert base <= wait <= base * 1.25
    assert office.imported() == []
    assert queued(workspace) == [1]
    assert before == stored_counts
    assert counts(workspace)["in-bundle"] == 4
    assert report.failure_lines()[-1] == (
        "Everything not confirmed stays queued on this device and is sent the next time you sync."
    )


def test_jitter_spreads_the_waits(office: NetOffice, server: InboxServer, sleeps: Sleeps) -> None:
    server.script.extend([Canned(502)] * 3)
    uploader = Uploader(Endpoint(server.url), sleep=sleeps, attempts=3, jitter=lambda: 1.0)
    with pytest.raises(OfficeUnreachable):
        uploader.send(1, b"x")
    assert sleeps.waits == [1.25, 2.5]


def test_an_office_that_cannot_be_reached_leaves_everything_queued(
    workspace: Workspace, office: NetOffice, sleeps: Sleeps
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    provision(workspace, office, url)
    caseload(workspace)
    said: list[str] = []

    report = sync_now(workspace, sleep=sleeps, on_retry=lambda why, _s: said.append(why))

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, OfficeUnreachable)
    assert error.exit_code == 14
    assert "nothing answered at 127.0.0.1 (connection refused)" in error.message
    assert "everything stays queued on this device" in error.message
    assert said == ["Nothing answered at 127.0.0.1 (connection refused)"] * (ATTEMPTS - 1)
    assert len(sleeps.waits) == ATTEMPTS - 1
    # Sealed, kept, and sent by the next sync once the office is back.
    assert queued(workspace) == [1]
    assert counts(workspace) == {"draft": 0, "finalised": 0, "in-bundle": 4, "acknowledged": 0}


def test_the_next_sync_sends_what_an_unreachable_office_left_queued(
    workspace: Workspace, office: NetOffice, sleeps: Sleeps
) -> None:
    provision(workspace, office, f"http://127.0.0.1:{closed_port()}")
    caseload(workspace)
    assert not sync_now(workspace, sleep=sleeps).ok
    with InboxServer(office) as server:
        report = sync_now(workspace, server.url, sleep=sleeps)
    assert report.ok
    assert report.sealed is None
    assert report.done_lines() == ["4 records sent and confirmed by the office (bundle 1)."]


def test_an_office_that_does_not_answer_in_time(sleeps: Sleeps) -> None:
    # Connections are taken (the backlog) but never answered.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        uploader = Uploader(Endpoint(url), sleep=sleeps, attempts=2, read_timeout=0.2)
        with pytest.raises(OfficeUnreachable, match="the office did not answer in time"):
            uploader.send(1, b"x")
    assert len(sleeps.waits) == 1


def test_a_cancelled_sync_stops_before_the_next_try(server: InboxServer) -> None:
    stop = threading.Event()
    server.script.extend([Canned(503)] * 2)

    def sleep(seconds: float) -> None:
        stop.set()  # the workspace locked while waiting

    uploader = Uploader(Endpoint(server.url), sleep=sleep, cancelled=stop.is_set)
    with pytest.raises(Exception, match="stopped; everything stays queued") as caught:
        uploader.send(1, b"x")
    assert getattr(caught.value, "exit_code", None) == 14
    assert len(server.posts) == 1


# -- refusals: never retried --------------------------------------------------------------


def test_a_device_the_office_has_not_enrolled_is_told_to_ask_the_office(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps, tmp_path: Path
) -> None:
    provision(workspace, office, server.url, enrol=False)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    stick = tmp_path / "stick"
    stick.mkdir()
    export_bundles(workspace, stick)
    finalised_visit(workspace, concern_for(workspace, person))

    report = sync_now(workspace, sleep=sleeps)

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, OfficeRefused)
    assert error.status == 403
    assert error.stops_all
    assert report.exit_code == 13
    assert isinstance(error, KeyRefused)
    assert (error.key_state, error.key_id) == ("not-enrolled", workspace.sync.device_key_id())
    assert error.message.startswith(
        f"The office has not enrolled this device's key {error.key_id} yet, so it did not "
        "take bundle 1. On this laptop, run msp enrol --out FILE and give FILE to the office"
    )
    assert "the office enrols it with msp-office devices add FILE." in error.message
    assert report.not_tried == [2]  # the office would refuse the rest for the same reason
    assert report.failure_lines()[1] == "Bundle 2 not sent this time."
    assert len(server.posts) == 1
    assert sleeps.waits == []
    assert list(office.layout.quarantine.glob("*.mspbundle"))  # kept aside at the office
    assert queued(workspace) == [1, 2]


def test_a_refused_bundle_is_said_and_the_next_one_still_goes(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps, tmp_path: Path
) -> None:
    provision(workspace, office, server.url)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    stick = tmp_path / "stick"
    stick.mkdir()
    export_bundles(workspace, stick)
    finalised_visit(workspace, concern_for(workspace, person))
    server.script.append(Canned.error(400, "The bundle is damaged", "ContentRejected"))

    report = sync_now(workspace, sleep=sleeps)

    assert not report.ok
    assert report.exit_code == 13
    (error,) = report.errors
    assert error.message == (
        "The office refused bundle 1 (HTTP 400). The office says: The bundle is damaged. "
        "It stays queued here; tell the office."
    )
    assert [o.sequence for o in report.confirmed] == [2]
    # The new concern, its visit and the action agreed at it.
    assert report.done_lines() == ["3 records sent and confirmed by the office (bundle 2)."]
    assert sleeps.waits == []
    assert queued(workspace) == [1]


def test_a_replayed_sequence_is_said_as_an_alert(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    server.script.append(
        Canned.error(409, "Device laptop-7 sequence 1 was already imported.", "SequenceReplayed")
    )

    report = sync_now(workspace, sleep=sleeps)

    (error,) = report.errors
    assert isinstance(error, ReplayRefused)
    assert (error.status, error.sequence) == (409, 1)
    device = workspace.sync.device_id()
    assert error.device_id == device
    # What the worker and the office must do, with the office's command for this device.
    assert error.message == (
        "The office refused bundle 1: it already has another bundle 1 from this laptop, and "
        "has raised an alert. The office says: Device laptop-7 sequence 1 was already "
        "imported. Sending again will not help. Tell the office at once, and say whether "
        "this laptop was restored from a backup. Once the office has looked at the alert "
        "and agrees this laptop's bundles are the ones to keep, it runs: msp-office devices "
        f"resync {device} --from-sequence 1 --reason TEXT. Then sync again: bundle 1 and "
        "the ones after it stay queued here until then."
    )
    assert queued(workspace) == [1]
    assert sleeps.waits == []


def test_the_real_office_refuses_a_replay_with_409(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    assert sync_now(workspace, sleep=sleeps).ok
    # The same device id and sequence, other content: what a restored old backup sends.
    workspace.db.execute("DELETE FROM records_sent")
    workspace.db.execute("DELETE FROM bundles_sent")
    report = sync_now(workspace, sleep=sleeps)
    (error,) = report.errors
    assert isinstance(error, OfficeRefused)
    assert error.status == 409
    assert "ALERT" in error.message


@pytest.mark.parametrize("status", [411, 413, 415, 422])
def test_other_client_errors_are_not_retried(
    server: InboxServer, sleeps: Sleeps, status: int
) -> None:
    server.script.append(Canned.error(status, "No.", "Refused"))
    with pytest.raises(OfficeRefused, match=f"HTTP {status}") as caught:
        Uploader(Endpoint(server.url), sleep=sleeps).send(7, b"x")
    assert not caught.value.stops_all
    assert sleeps.waits == []
    assert len(server.posts) == 1


def test_a_wrong_address_stops_the_sync(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url + "/not-the-inbox")
    caseload(workspace)
    report = sync_now(workspace, sleep=sleeps)
    (error,) = report.errors
    assert isinstance(error, OfficeRefused)
    assert error.stops_all
    assert error.message == (
        f"The address {server.url}/not-the-inbox does not take bundles (HTTP 404). "
        "Check the address with the office; everything stays queued."
    )
    assert server.posts[0].path == "/not-the-inbox/v1/bundles"


def test_the_offices_sentence_is_made_safe_to_print(server: InboxServer, sleeps: Sleeps) -> None:
    server.script.append(Canned.error(400, "Bad\x1b[31m\nthing " + "x" * 1000, "R"))
    with pytest.raises(OfficeRefused) as caught:
        Uploader(Endpoint(server.url), sleep=sleeps).send(1, b"x")
    message = caught.value.message
    assert "\x1b" not in message
    assert "\n" not in message
    assert "Bad [31m thing xxx" in message
    assert len(message) < 500


# -- receipts: only the office's, only for this bundle ------------------------------------


def test_a_receipt_signed_by_another_key_acknowledges_nothing(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    server.receipt_signer = KeyPair.generate()

    report = sync_now(workspace, sleep=sleeps)

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, ReceiptRejected)
    assert report.exit_code == 13
    assert error.message.startswith(
        "The office's answer for bundle 1 is not a receipt this device can trust ("
    )
    assert "it stays queued. Tell the office." in error.message
    assert queued(workspace) == [1]
    assert counts(workspace)["acknowledged"] == 0


def test_a_genuine_receipt_for_another_bundle_acknowledges_nothing(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, server.url)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    assert sync_now(workspace, sleep=sleeps).ok
    first_receipt = str(workspace.db.scalar("SELECT receipt FROM bundles_sent")).encode()
    finalised_visit(workspace, concern_for(workspace, person))
    server.script.append(Canned(200, first_receipt))  # bundle 1's receipt, for bundle 2

    report = sync_now(workspace, sleep=sleeps)

    (error,) = report.errors
    assert isinstance(error, ReceiptRejected)
    assert "The receipt is for a different bundle" in error.message
    assert queued(workspace) == [2]


@pytest.mark.parametrize(
    "answer", [b"", b"not json", b'{"receipt": {}}', b"x" * (MAX_ANSWER + 10)], ids=len
)
def test_an_answer_that_is_not_a_receipt_acknowledges_nothing(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps, answer: bytes
) -> None:
    provision(workspace, office, server.url)
    caseload(workspace)
    server.script.append(Canned(200, answer))
    report = sync_now(workspace, sleep=sleeps)
    (error,) = report.errors
    assert isinstance(error, ReceiptRejected)
    assert queued(workspace) == [1]
    assert counts(workspace)["acknowledged"] == 0


# -- the address --------------------------------------------------------------------------


def test_no_address_anywhere_says_to_use_a_folder_and_changes_nothing(
    workspace: Workspace, workspace_dir: Path, office: NetOffice
) -> None:
    provision(workspace, office, None)  # an office that takes USB sticks only
    caseload(workspace)
    workspace.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = stored(workspace_dir)
    with pytest.raises(NoInboxAddress) as caught:
        sync_now(workspace)
    assert caught.value.exit_code == 12
    assert caught.value.message == (
        "North Office takes records on a USB stick or in a folder, not over the network: "
        "use msp export --to DIR (or msp sync --url URL if the office gave you an address)."
    )
    assert stored(workspace_dir) == before  # nothing sealed
    assert counts(workspace)["finalised"] == 4


def test_no_office_keys_at_all(workspace: Workspace) -> None:
    with pytest.raises(NotReadyToSync, match="no office keys yet"):
        sync_now(workspace, "https://office.example")


def test_url_overrides_the_provisioned_address(
    workspace: Workspace, office: NetOffice, server: InboxServer, sleeps: Sleeps
) -> None:
    provision(workspace, office, "https://office.example/never-used")
    caseload(workspace)
    report = sync_now(workspace, server.url, sleep=sleeps)
    assert report.ok
    assert len(server.posts) == 1


@pytest.mark.parametrize(
    "url",
    ["http://office.example", "ftp://office.example", "https://user:pw@office.example",
     "https://office.example/?x=1", "office.example", ""],
)  # fmt: skip
def test_a_bad_url_is_refused_before_anything_is_sealed(
    workspace: Workspace, office: NetOffice, url: str
) -> None:
    provision(workspace, office, None)
    caseload(workspace)
    with pytest.raises(InvalidInput, match="The inbox address"):
        sync_now(workspace, url)
    assert counts(workspace)["finalised"] == 4


def test_the_pin_goes_with_the_office_whatever_address_reaches_it(
    workspace: Workspace, office: NetOffice
) -> None:
    provision(workspace, office, "https://office.example", "ab" * 32)
    keys = workspace.sync.office_keys()
    assert endpoint_for(keys) == Endpoint("https://office.example", "ab" * 32)
    assert endpoint_for(keys, "https://10.0.0.9:8443") == Endpoint(
        "https://10.0.0.9:8443", "ab" * 32
    )
    # Plain http to this computer has no certificate to pin.
    assert endpoint_for(keys, "http://127.0.0.1:8080") == Endpoint("http://127.0.0.1:8080")
    assert Endpoint("https://office.example/msp/").bundles_url == (
        "https://office.example/msp/v1/bundles"
    )
