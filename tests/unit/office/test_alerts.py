"""Alerts that reach someone (issue 20, item 2): each alert has an id, goes to syslog as
well as ``alerts.log``, and can be listed and acknowledged; ``status`` counts only the
open ones. Syslog is a real Unix datagram socket in the test's folder standing in for
``/dev/log``."""

from __future__ import annotations

import hashlib
import json
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.office.alerts import (
    ACKS_NAME,
    SYSLOG_VARIABLE,
    acks_path,
    list_alerts,
    open_alert_count,
    syslog_address,
    write_alert,
)
from msp_desktop.office.errors import SequenceReplayed
from tests.office_helpers import FakeDevice, caseload
from tests.platforms import assert_mode
from tests.unit.office.conftest import Office

OLD_LINE = (
    '{"time": "2026-11-01T10:00:00Z", "kind": "replay", "device": "laptop-3", "sequence": 4, '
    '"message": "Device laptop-3 sequence 4 was already imported from another bundle."}'
)


@pytest.fixture
def syslog(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A Unix datagram socket standing in for /dev/log, named by $MSP_OFFICE_SYSLOG."""
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets here (Windows has no syslog; alerts go to the file only)")
    # A short folder of its own: a socket's path must fit in 108 bytes.
    with tempfile.TemporaryDirectory(prefix="msp-log-") as folder:
        path = Path(folder) / "log"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
        sock.settimeout(5)
        monkeypatch.setenv(SYSLOG_VARIABLE, str(path))
        try:
            yield sock
        finally:
            sock.close()


def _no_datagram(sock: socket.socket) -> bool:
    sock.settimeout(0.2)
    try:
        sock.recv(4096)
    except TimeoutError:
        return True
    return False


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.mark.posix_only("syslog is a Unix socket; Windows has none")
def test_a_replay_alert_has_an_id_and_reaches_syslog(
    office: Office, device: FakeDevice, syslog: socket.socket
) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    other = device.bundle(office.inbox, caseload("Bryn Sample").envelopes(), sequence=1,
                          advance=False)  # fmt: skip
    with pytest.raises(SequenceReplayed) as caught:
        office.import_(other)

    [line] = _lines(office.layout.alerts)
    assert isinstance(line["id"], str)
    assert len(line["id"]) == 12
    assert caught.value.alert["id"] == line["id"]
    received = syslog.recv(4096).decode()
    # <facility daemon (3) * 8 + warning (4)> = <28>, the program, the id and the sentence.
    assert received.startswith("<28>msp-office[")
    assert f"ALERT {line['id']} replay: Device laptop-7 sequence 1 was already imported" in (
        received
    )
    assert "\n" not in received.rstrip("\x00")


@pytest.mark.posix_only("syslog is a Unix socket; Windows has none")
def test_off_sends_nothing_and_the_file_still_gets_the_alert(
    tmp_path: Path, syslog: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SYSLOG_VARIABLE, "off")
    assert syslog_address() is None
    written = write_alert(tmp_path / "alerts.log", {"time": "t", "kind": "replay"})
    assert _lines(tmp_path / "alerts.log") == [written]
    assert _no_datagram(syslog)


def test_a_syslog_that_is_not_there_never_loses_the_alert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(SYSLOG_VARIABLE, str(tmp_path / "no-such-socket"))
    written = write_alert(tmp_path / "alerts.log", {"time": "t", "kind": "replay"})
    assert _lines(tmp_path / "alerts.log") == [written]
    if syslog_address() is not None:  # POSIX: the failure is one warning in the log
        assert f"alert {written['id']} not sent to syslog" in caplog.text


def test_an_old_line_without_an_id_gets_a_stable_one_from_its_hash(tmp_path: Path) -> None:
    log = tmp_path / "alerts.log"
    log.write_text(OLD_LINE + "\nnot json\n", "utf-8")
    first, unreadable = list_alerts(log)
    assert first.id == hashlib.sha256(OLD_LINE.encode()).hexdigest()[:12]
    assert (first.time, first.kind) == ("2026-11-01T10:00:00Z", "replay")
    assert first.summary.startswith("Device laptop-3 sequence 4")
    assert unreadable.kind == "unreadable"
    assert [a.id for a in list_alerts(log)] == [first.id, unreadable.id]  # stable


def _alerts_json(office: Office, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert office.run("alerts", "list", "--json") == 0
    value = json.loads(capsys.readouterr().out)
    assert isinstance(value, list)
    return value


def test_list_ack_and_status(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    office.layout.alerts.write_text(OLD_LINE + "\n", "utf-8")
    new = write_alert(office.layout.alerts, {"time": "2026-11-21T09:00:00Z",
                                             "kind": "quarantine-evicted",
                                             "evicted": {"ab" * 32: "too many"}})  # fmt: skip
    old_id = hashlib.sha256(OLD_LINE.encode()).hexdigest()[:12]
    listed = _alerts_json(office, capsys)
    assert [(a["id"], a["kind"], a["acknowledged"]) for a in listed] == [
        (old_id, "replay", False),
        (new["id"], "quarantine-evicted", False),
    ]
    assert set(listed[0]) == {"id", "time", "kind", "summary", "acknowledged",
                              "acknowledged_by", "acknowledged_at", "note",
                              "device", "sequence"}  # fmt: skip
    # A replay names its device and sequence (the N of devices resync); an eviction none.
    assert [(a["device"], a["sequence"]) for a in listed] == [("laptop-3", 4), (None, None)]
    assert office.run("status") == 0
    assert "alerts open: 2 (see: msp-office alerts list)" in capsys.readouterr().out

    assert office.run("alerts", "ack", old_id, "--note", "the worker re-sent an old copy") == 0
    assert f"Alert {old_id} (replay, 2026-11-01T10:00:00Z) acknowledged by" in (
        capsys.readouterr().out
    )
    [ack] = _lines(acks_path(office.layout.alerts))
    assert (ack["id"], ack["note"]) == (old_id, "the worker re-sent an old copy")
    assert ack["by"]
    assert ack["time"]
    assert_mode(acks_path(office.layout.alerts), 0o600)
    acked = _alerts_json(office, capsys)[0]
    assert acked["acknowledged"] is True
    assert (acked["acknowledged_by"], acked["note"]) == (ack["by"], ack["note"])
    assert office.run("status", "--json") == 0
    assert json.loads(capsys.readouterr().out)["alerts"] == 1
    assert open_alert_count(office.layout.alerts) == 1

    before = acks_path(office.layout.alerts).read_bytes()
    assert office.run("alerts", "ack", old_id) == 0
    assert f"Alert {old_id} was already acknowledged by {ack['by']} on {ack['time']}; " in (
        capsys.readouterr().out
    )
    assert acks_path(office.layout.alerts).read_bytes() == before
    assert office.run("alerts", "list") == 0
    out = capsys.readouterr().out
    assert f"by {ack['by']} {ack['time']}" in out
    assert "1 open; once one is dealt with: msp-office alerts ack ID --note TEXT" in out


def test_an_unknown_id_is_exit_8_and_changes_nothing(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    write_alert(office.layout.alerts, {"time": "t", "kind": "replay"})
    alerts_before = office.layout.alerts.read_bytes()
    capsys.readouterr()
    assert office.run("alerts", "ack", "0123456789ab") == 8
    assert capsys.readouterr().err == (
        "msp-office: No alert has the id 0123456789ab; see the ids with: msp-office alerts list\n"
    )
    assert office.layout.alerts.read_bytes() == alerts_before
    assert not (office.layout.root / ACKS_NAME).exists()


@pytest.mark.parametrize("note", ["two\nlines", "x" * 501, "bell\x07"])
def test_a_note_that_is_not_one_short_line_is_refused(
    office: Office, capsys: pytest.CaptureFixture[str], note: str
) -> None:
    alert_id = str(write_alert(office.layout.alerts, {"time": "t", "kind": "replay"})["id"])
    capsys.readouterr()
    assert office.run("alerts", "ack", alert_id, "--note", note) == 2
    assert capsys.readouterr().err == (
        "msp-office: The note must be one line of at most 500 printable characters; "
        "nothing was acknowledged.\n"
    )
    assert not (office.layout.root / ACKS_NAME).exists()


def test_no_alerts_and_not_an_office(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert office.run("alerts", "list") == 0
    assert capsys.readouterr().out == "There are no alerts.\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    from msp_desktop.office.cli.main import main

    assert main(["alerts", "ack", "0123456789ab", "--dir", str(empty)]) == 3
    assert "There is no office file (office.json)" in capsys.readouterr().err
    assert list(empty.iterdir()) == []
