"""Security alerts: written to ``OFFICE/alerts.log`` and sent to syslog, listed, acknowledged.

Every alert the office raises (a replay, a key signing for another device, bundles
evicted from quarantine) goes through ``write_alert``: one JSON line in ``alerts.log``
with a short random ``id``, then one line to syslog (the journal on systemd), so an
alert reaches whoever watches the server's log and not only a file in the office folder.

- Syslog is ``/dev/log`` when it exists; ``$MSP_OFFICE_SYSLOG`` names another Unix
  socket, or is ``off``. Windows has no syslog: there the file is the only place.
  Syslog failing never loses an alert: the file line is written first, and a failure
  to send is one warning in the command's log.
- ``alerts.log`` lines written before alerts had an id get one derived from the line
  (the first 12 hex digits of its SHA-256), so the same line always has the same id.
- Acknowledging appends one JSON line (id, time, who, note) to the owner-only
  ``OFFICE/alerts-acks.log``; nothing is ever removed from ``alerts.log``. An alert is
  open until acknowledged.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import logging.handlers
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.office.files import append_line

__all__ = [
    "ACKS_NAME",
    "MAX_NOTE_CHARS",
    "SYSLOG_VARIABLE",
    "Alert",
    "AlertNotFound",
    "acknowledge",
    "acknowledge_replays",
    "acks_path",
    "list_alerts",
    "open_alert_count",
    "syslog_address",
    "write_alert",
]

SYSLOG_VARIABLE = "MSP_OFFICE_SYSLOG"
DEFAULT_SYSLOG = "/dev/log"
ACKS_NAME = "alerts-acks.log"
MAX_NOTE_CHARS = 500
MAX_SYSLOG_CHARS = 900  # one datagram, well under any syslog daemon's limit
_ID_DIGITS = 12
_UNREADABLE = "(this line is not an alert this msp-office can read)"
log = logging.getLogger("msp.office.alerts")


class AlertNotFound(KnownError):
    """No alert has the id given."""

    exit_code = ExitCode.NOT_FOUND


@dataclass(frozen=True)
class Alert:
    """One line of ``alerts.log`` and whether it was acknowledged."""

    id: str
    time: str
    kind: str
    summary: str
    acknowledged: bool = False
    acknowledged_by: str | None = None
    acknowledged_at: str | None = None
    note: str | None = None
    # The device and bundle sequence the alert is about, when it names them (a replay:
    # the N of ``devices resync DEVICE --from-sequence N``).
    device: str | None = None
    sequence: int | None = None


def acks_path(alerts_log: Path) -> Path:
    """The acknowledgements file beside ``alerts_log``."""
    return Path(alerts_log).with_name(ACKS_NAME)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_of(line: dict[str, Any]) -> str:
    """One short sentence for an alert line (its message, or what its kind says)."""
    message = line.get("message")
    if isinstance(message, str) and message:
        return message
    evicted = line.get("evicted")
    if line.get("kind") == "quarantine-evicted" and isinstance(evicted, dict):
        return f"{len(evicted)} bundle(s) removed from quarantine to keep it within its limits."
    device, sequence = line.get("device"), line.get("sequence")
    if device is not None:
        return f"Device {device} sequence {sequence}."
    return "(no summary)"


def write_alert(alerts_log: Path, line: dict[str, Any]) -> dict[str, Any]:
    """Record an alert: ``line`` with a new ``id`` appended to ``alerts_log``, then sent
    to syslog. Returns the line as written (with its id)."""
    written = {"id": secrets.token_hex(_ID_DIGITS // 2), **line}
    append_line(alerts_log, json.dumps(written, ensure_ascii=False))
    _to_syslog(written)
    return written


def syslog_address() -> str | None:
    """Where alerts go besides the file: a Unix socket path, or None (off, Windows, or
    no ``/dev/log`` here)."""
    if sys.platform == "win32":
        return None
    chosen = os.environ.get(SYSLOG_VARIABLE, "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return chosen
    return DEFAULT_SYSLOG if Path(DEFAULT_SYSLOG).exists() else None


class _QuietSysLog(logging.handlers.SysLogHandler):
    """A handler that lets the caller see a failure instead of printing it to stderr."""

    failed: BaseException | None = None

    def handleError(self, record: logging.LogRecord) -> None:
        """Keep the failure for ``_to_syslog`` to report."""
        self.failed = sys.exc_info()[1]


def _to_syslog(line: dict[str, Any]) -> None:
    """One line to syslog (facility daemon, level warning); a failure is a warning in
    the log, never an exception: the alert is already in the file."""
    address = syslog_address()
    if address is None:
        return
    text = " ".join(f"ALERT {line['id']} {line.get('kind', '?')}: {summary_of(line)}".split())
    record = logging.LogRecord(
        "msp-office", logging.WARNING, __file__, 0, text[:MAX_SYSLOG_CHARS], None, None
    )
    try:
        handler = _QuietSysLog(address=address, facility=logging.handlers.SysLogHandler.LOG_DAEMON)
    except OSError as exc:
        log.warning("alert %s not sent to syslog at %s: %s", line["id"], address, exc.strerror)
        return
    try:
        handler.ident = f"msp-office[{os.getpid()}]: "
        handler.emit(record)
    finally:
        handler.close()
    if handler.failed is not None:
        log.warning("alert %s not sent to syslog at %s", line["id"], address)


def _id_of(raw: bytes, parsed: dict[str, Any] | None) -> str:
    given = parsed.get("id") if parsed else None
    if isinstance(given, str) and given:
        return given
    return hashlib.sha256(raw).hexdigest()[:_ID_DIGITS]


def _read_lines(path: Path) -> list[bytes]:
    try:
        with path.open("rb") as handle:
            return [line.rstrip(b"\r\n") for line in handle if line.strip()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InvalidInput(
            f"{path} cannot be read ({exc.strerror or 'refused'}); nothing was changed."
        ) from None


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _acks(alerts_log: Path) -> dict[str, dict[str, Any]]:
    """The first acknowledgement of each id (later ones are never written)."""
    found: dict[str, dict[str, Any]] = {}
    for raw in _read_lines(acks_path(alerts_log)):
        ack = _json_object(raw)
        if ack is not None and isinstance(ack.get("id"), str):
            found.setdefault(ack["id"], ack)
    return found


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def list_alerts(alerts_log: Path) -> list[Alert]:
    """Every alert in ``alerts_log``, oldest first, with its acknowledgement if any.

    A line that is not a JSON object is listed as kind ``unreadable``; the same line
    twice is one alert (same id)."""
    acks = _acks(alerts_log)
    alerts: list[Alert] = []
    seen: set[str] = set()
    for raw in _read_lines(alerts_log):
        line = _json_object(raw)
        alert_id = _id_of(raw, line)
        if alert_id in seen:
            continue
        seen.add(alert_id)
        ack = acks.get(alert_id)
        if line is None:
            line = {"kind": "unreadable", "message": _UNREADABLE}
        alerts.append(
            Alert(
                id=alert_id,
                time=_text(line.get("time")) or "",
                kind=_text(line.get("kind")) or "?",
                summary=summary_of(line),
                acknowledged=ack is not None,
                acknowledged_by=_text(ack.get("by")) if ack else None,
                acknowledged_at=_text(ack.get("time")) if ack else None,
                note=_text(ack.get("note")) if ack else None,
                device=_text(line.get("device")),
                sequence=_whole(line.get("sequence")),
            )
        )
    return alerts


def open_alert_count(alerts_log: Path) -> int:
    """How many alerts are not acknowledged."""
    return sum(1 for alert in list_alerts(alerts_log) if not alert.acknowledged)


def _who() -> str:
    """The account running the command (by its user id on POSIX, not the environment)."""
    if sys.platform != "win32":
        import pwd  # POSIX only

        with contextlib.suppress(KeyError):
            return pwd.getpwuid(os.getuid()).pw_name
        return f"uid {os.getuid()}"
    try:
        return getpass.getuser()
    except OSError:
        return "unknown"


def check_note(note: str | None) -> str | None:
    """A note is one line of at most ``MAX_NOTE_CHARS`` printable characters."""
    if note is None:
        return None
    if len(note) > MAX_NOTE_CHARS or not all(ch.isprintable() for ch in note):
        raise InvalidInput(
            f"The note must be one line of at most {MAX_NOTE_CHARS} printable characters; "
            "nothing was acknowledged."
        )
    return note.strip() or None


def acknowledge(alerts_log: Path, alert_id: str, *, note: str | None) -> tuple[Alert, bool]:
    """Acknowledge the alert ``alert_id``: one line in the acknowledgements file.

    Returns the alert (as it now stands) and True, or, if it was acknowledged before,
    the alert with that earlier acknowledgement and False (nothing written).
    ``AlertNotFound`` if no alert has that id; nothing is written then either.
    """
    note = check_note(note)
    wanted = alert_id.strip().lower()
    match = next((a for a in list_alerts(alerts_log) if a.id == wanted), None)
    if match is None:
        shown = alert_id if alert_id.isprintable() and len(alert_id) <= 40 else "given"
        raise AlertNotFound(
            f"No alert has the id {shown}; see the ids with: msp-office alerts list"
        )
    if match.acknowledged:
        return match, False
    ack = {"id": match.id, "time": _now(), "by": _who(), "note": note}
    append_line(acks_path(alerts_log), json.dumps(ack, ensure_ascii=False))
    log.info("alert %s acknowledged by %s", match.id, ack["by"])
    done = Alert(
        **{
            **match.__dict__,
            "acknowledged": True,
            "acknowledged_by": ack["by"],
            "acknowledged_at": ack["time"],
            "note": note,
        }
    )
    return done, True


def acknowledge_replays(
    alerts_log: Path, device_id: str, from_sequence: int, *, note: str
) -> list[str]:
    """Acknowledge every open ``replay`` alert of ``device_id`` at ``from_sequence`` or
    above, which a resync from that sequence answers (``office.resync``); the ids, oldest
    first. Replay alerts below it stay open: the resync says nothing of those bundles."""
    acks = _acks(alerts_log)
    done: list[str] = []
    for raw in _read_lines(alerts_log):
        line = _json_object(raw)
        if line is None or line.get("kind") != "replay" or line.get("device") != device_id:
            continue
        sequence = line.get("sequence")
        alert_id = _id_of(raw, line)
        if not isinstance(sequence, int) or sequence < from_sequence:
            continue
        if alert_id in acks or alert_id in done:
            continue
        ack = {"id": alert_id, "time": _now(), "by": _who(), "note": note[:MAX_NOTE_CHARS]}
        append_line(acks_path(alerts_log), json.dumps(ack, ensure_ascii=False))
        done.append(alert_id)
    if done:
        log.info("replay alerts %s acknowledged by a resync", ", ".join(done))
    return done
