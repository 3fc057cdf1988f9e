"""``msp sync`` end to end: the real ``msp`` program sends to a real office inbox on this
computer (``tests.inbox_server``: the real importer behind http.server, over https with
a certificate made here), set up with ``msp-office provisioning --inbox-url --tls-cert``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.bundles.provisioning import read_provisioning
from msp_desktop.cli.main import build_parser
from msp_desktop.cli.main import main as msp_main
from msp_desktop.network import uploader
from msp_desktop.office.cli.main import main as office_main
from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE
from tests.e2e.conftest import MspRunner
from tests.inbox_server import Canned, InboxServer, NetOffice, TlsFiles, closed_port, make_tls
from tests.sync_helpers import DEVICE_ID, finalised_visit, person_with_concern

CONFIRMED = "4 records sent and confirmed by the office (bundle 1)."
QUEUED = (
    "msp: Everything not confirmed stays queued on this device and is sent the next time you sync."
)


@pytest.fixture
def office(tmp_path: Path) -> NetOffice:
    return NetOffice.create(tmp_path / "office")


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_tls(tmp_path / "tls")


@pytest.fixture
def server(office: NetOffice, tls: TlsFiles) -> Iterator[InboxServer]:
    with InboxServer(office, tls) as running:
        yield running


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where ``msp`` keeps the workspace (``MSP_WORKSPACE``)."""
    return tmp_path / "workspace"


def keys_file(office: NetOffice, tmp_path: Path, *args: str) -> Path:
    """``msp-office provisioning --out FILE ARGS``, run as the office would."""
    out = tmp_path / "office-keys.json"
    code = office_main(["provisioning", "--dir", str(office.layout.root), "--out", str(out),
                        "--force", *args])  # fmt: skip
    assert code == 0
    return out


def set_up(msp: MspRunner, office: NetOffice, keys: Path, folder: Path, tmp_path: Path) -> None:
    """Init with the office keys, enrol at the office, and finalise four records (a
    person, a concern, a visit and the action agreed at it)."""
    created = msp("init", "--worker", "Test Worker", "--office-keys", str(keys),
                  "--office-key-id", office.key_id)  # fmt: skip
    assert created.returncode == 0, created.stderr
    enrolment = tmp_path / "enrolment.json"
    enrolled = msp("enrol", "--out", str(enrolment), "--device-id", DEVICE_ID)
    assert enrolled.returncode == 0, enrolled.stderr
    office.enrol(enrolment.read_bytes())
    # Records made in the app (there is no command for concerns and visits).
    with Workspace.open(folder, PASSPHRASE) as ws:
        _person, concern = person_with_concern(ws)
        finalised_visit(ws, concern)


def counts(msp: MspRunner) -> dict[str, int]:
    result = msp("sync", "status", "--json")
    assert result.returncode == 0, result.stderr
    found: dict[str, int] = json.loads(result.stdout)["counts"]
    return found


# -- the office side: the two fields ------------------------------------------------------


def test_office_provisioning_writes_the_address_and_the_pinned_certificate(
    office: NetOffice, tls: TlsFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = keys_file(office, tmp_path, "--inbox-url", "https://msp.north.example/inbox/",
                     "--tls-cert", str(tls.cert))  # fmt: skip
    printed = capsys.readouterr().out.splitlines()
    body = read_provisioning(keys.read_bytes(), expected_key_id=office.key_id)
    assert body.inbox_url == "https://msp.north.example/inbox"  # the trailing / dropped
    assert body.tls_sha256 == tls.sha256  # SHA-256 of the certificate's DER
    assert "Inbox address: https://msp.north.example/inbox (devices send with: msp sync)" in (
        printed
    )
    assert any(line.startswith(f"Certificate pinned: SHA-256 {tls.sha256} (valid until ")
               for line in printed)  # fmt: skip


def test_office_provisioning_without_the_fields_writes_the_old_file(
    office: NetOffice, tmp_path: Path
) -> None:
    keys = keys_file(office, tmp_path)
    assert set(json.loads(keys.read_bytes())["office_keys"]) == {
        "format_version", "office_id", "office_name", "inbox_recipient",
        "recovery_recipient", "office_public_key", "office_key_id", "created",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tls-cert", "CERT"], "--tls-cert pins the certificate of --inbox-url: give both."),
        (["--inbox-url", "http://office.example"], "must start with https://"),
        (["--inbox-url", "http://127.0.0.1:8080", "--tls-cert", "CERT"],
         "--tls-cert pins an https:// certificate"),
        (["--inbox-url", "https://office.example", "--tls-cert", "NOT-PEM"],
         "is not a PEM certificate"),
        (["--inbox-url", "https://office.example", "--tls-cert", "MISSING"], "There is no file"),
    ],
)  # fmt: skip
def test_office_provisioning_refuses_bad_network_options(
    office: NetOffice,
    tls: TlsFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    places = {"CERT": str(tls.cert), "NOT-PEM": str(not_pem), "MISSING": str(tmp_path / "no")}
    out = tmp_path / "office-keys.json"
    code = office_main(["provisioning", "--dir", str(office.layout.root), "--out", str(out),
                        *[places.get(a, a) for a in args]])  # fmt: skip
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


# -- msp sync -----------------------------------------------------------------------------


def test_msp_sync_sends_and_confirms_over_pinned_https(
    msp: MspRunner,
    office: NetOffice,
    server: InboxServer,
    tls: TlsFiles,
    folder: Path,
    tmp_path: Path,
) -> None:
    keys = keys_file(office, tmp_path, "--inbox-url", server.url, "--tls-cert", str(tls.cert))
    set_up(msp, office, keys, folder, tmp_path)
    shown = msp("office-keys", "show").stdout.splitlines()
    assert f"Inbox address: {server.url}" in shown
    assert f"Office certificate (SHA-256, pinned): {tls.sha256}" in shown
    assert counts(msp)["finalised"] == 4

    result = msp("sync")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [CONFIRMED]
    assert result.stderr.splitlines() == ["Sending bundle 1 (1 of 1, 4 records)…"]
    assert counts(msp) == {"draft": 0, "finalised": 0, "in-bundle": 0, "acknowledged": 4}
    assert office.imported() == [1]
    assert len(server.posts) == 1

    again = msp("sync")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "Nothing to send: every finalised record is confirmed by the office."
    ]
    assert again.stderr == ""
    assert len(server.posts) == 1
    assert msp("check").returncode == 0


def test_msp_sync_refuses_a_server_that_is_not_the_pinned_office(
    msp: MspRunner, office: NetOffice, server: InboxServer, folder: Path, tmp_path: Path
) -> None:
    other = make_tls(tmp_path / "other")
    keys = keys_file(office, tmp_path, "--inbox-url", server.url, "--tls-cert", str(other.cert))
    set_up(msp, office, keys, folder, tmp_path)

    result = msp("sync")

    assert result.returncode == 14
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Sending bundle 1 (1 of 1, 4 records)…"
    assert lines[1].startswith(f"msp: The server at {server.url} is not the office:")
    assert "Nothing was sent" in lines[1]
    assert lines[2] == QUEUED
    assert "Traceback" not in result.stderr
    assert server.requests == []  # not one byte of HTTP reached it
    assert counts(msp) == {"draft": 0, "finalised": 0, "in-bundle": 4, "acknowledged": 0}


def test_msp_sync_when_the_office_stays_busy(
    msp: MspRunner, office: NetOffice, server: InboxServer, tls: TlsFiles, folder: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    keys = keys_file(office, tmp_path, "--inbox-url", server.url, "--tls-cert", str(tls.cert))
    set_up(msp, office, keys, folder, tmp_path)
    # Retry-After: 0, so the real program tries four times without waiting.
    busy = Canned.error(503, "The office is busy.", "Busy", **{"Retry-After": "0"})
    server.script.extend([busy] * 4)

    result = msp("sync")

    assert result.returncode == 14
    assert result.stderr.splitlines() == [
        "Sending bundle 1 (1 of 1, 4 records)…",
        "The office is busy (HTTP 503); trying again in 1 second…",
        "The office is busy (HTTP 503); trying again in 1 second…",
        "The office is busy (HTTP 503); trying again in 1 second…",
        f"msp: Could not send bundle 1 to the office at {server.url}: the office is busy "
        "(HTTP 503). Tried 4 times; everything stays queued on this device and is sent the "
        "next time you sync.",
        QUEUED,
    ]
    assert len(server.posts) == 4
    assert counts(msp)["in-bundle"] == 4

    # The office is back: the same bundle goes, nothing new is sealed.
    result = msp("sync")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [CONFIRMED]


def test_msp_sync_for_a_device_the_office_has_not_enrolled(
    msp: MspRunner, office: NetOffice, server: InboxServer, tls: TlsFiles, folder: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    keys = keys_file(office, tmp_path, "--inbox-url", server.url, "--tls-cert", str(tls.cert))
    created = msp("init", "--worker", "Test Worker", "--office-keys", str(keys),
                  "--office-key-id", office.key_id)  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert msp("enrol", "--out", str(tmp_path / "e.json")).returncode == 0  # never given
    with Workspace.open(folder, PASSPHRASE) as ws:
        finalised_visit(ws, person_with_concern(ws)[1])

    result = msp("sync")

    assert result.returncode == 13
    message = result.stderr.splitlines()[1]
    assert message.startswith("msp: The office has not enrolled this device's key ")
    assert "run msp enrol --out FILE and give FILE to the office" in message
    assert "the office enrols it with msp-office devices add FILE." in message
    assert counts(msp)["in-bundle"] == 4


def test_msp_sync_without_an_address_says_to_use_a_folder(
    msp: MspRunner, office: NetOffice, folder: Path, tmp_path: Path
) -> None:
    set_up(msp, office, keys_file(office, tmp_path), folder, tmp_path)

    result = msp("sync")

    assert result.returncode == 12
    assert result.stderr.splitlines() == [
        "msp: North Office takes records on a USB stick or in a folder, not over the network: "
        "use msp export --to DIR (or msp sync --url URL if the office gave you an address)."
    ]
    assert counts(msp)["finalised"] == 4  # nothing was sealed


def test_msp_sync_url_overrides_and_is_checked(
    msp: MspRunner, office: NetOffice, folder: Path, tmp_path: Path
) -> None:
    set_up(msp, office, keys_file(office, tmp_path), folder, tmp_path)
    refused = msp("sync", "--url", "http://office.example")
    assert refused.returncode == 2
    assert refused.stderr.startswith("msp: The inbox address 'http://office.example' must ")
    with InboxServer(office) as plain:  # plain http to this computer: a test office
        result = msp("sync", "--url", plain.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [CONFIRMED]


def test_msp_sync_status_is_still_a_subcommand(msp: MspRunner) -> None:
    assert msp("init", "--worker", "Test Worker").returncode == 0
    status = msp("sync", "status")
    assert status.returncode == 0, status.stderr
    assert "Bundles waiting for a receipt: 0" in status.stdout
    not_ready = msp("sync")
    assert not_ready.returncode == 12
    assert "no office keys yet" in not_ready.stderr


def test_msp_sync_when_nothing_answers(
    msp: MspRunner,
    office: NetOffice,
    folder: Path,
    tmp_path: Path,
    msp_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In this process, so the waits between tries can be skipped.
    url = f"http://127.0.0.1:{closed_port()}"
    set_up(msp, office, keys_file(office, tmp_path), folder, tmp_path)
    for name in ("MSP_WORKSPACE", "MSP_LOG_DIR", "MSP_PASSPHRASE"):
        monkeypatch.setenv(name, msp_env[name])
    waits: list[float] = []
    monkeypatch.setattr(uploader, "wait", waits.append)
    capsys.readouterr()  # what set-up printed

    code = msp_main(["sync", "--url", url])

    assert code == 14
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert (
        lines[1] == "Nothing answered at 127.0.0.1 (connection refused); trying again in 1 second…"
    )
    assert lines[-2].startswith(f"msp: Could not send bundle 1 to the office at {url}: ")
    assert lines[-1] == QUEUED
    assert len(waits) == 3
    assert counts(msp) == {"draft": 0, "finalised": 0, "in-bundle": 4, "acknowledged": 0}


@pytest.mark.parametrize(
    "argv",
    [
        ["sync", "--workspace", "W", "--passphrase-file", "F", "status"],
        ["sync", "status", "--workspace", "W", "--passphrase-file", "F"],
        ["sync", "--workspace", "W", "status", "--passphrase-file", "F"],
    ],
)
def test_workspace_options_are_kept_before_or_after_status(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.workspace, str(args.passphrase_file), args.sync_command) == ("W", "F", "status")
