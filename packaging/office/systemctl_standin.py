#!/usr/bin/env python3
"""A small ``systemctl`` for machines where systemd is not running (containers, CI).

The office walkthrough (docs/office-walkthrough.md) is run literally by
``packaging/office/walkthrough.py``. Its blocks call ``systemctl`` as an administrator
would on a real server. Where PID 1 is not systemd, the runner puts this script first
on PATH under the name ``systemctl``, so the same lines still do what they say:

- a unit in ``/etc/systemd/system/NAME.service`` (the office's own) is started from that
  file as systemd would start it: ``User=``, ``Group=``, ``WorkingDirectory=``,
  ``Environment=`` (quoting and ``%%`` as systemd reads them), ``UMask=``,
  ``LogsDirectory=`` and ``ExecStart=`` (with ``\\`` continuations); the hardening lines
  are systemd's alone and are not enforced here, so the walkthrough does not test them;
- any other unit with a Debian init script (``postgresql``, ``nginx``) is handed to
  ``/etc/init.d/NAME``.

Commands: ``daemon-reload``, ``enable [--now]``, ``start``, ``stop``, ``restart``,
``reload``, ``is-active``, ``status``. Anything else is refused (exit 2), so a
walkthrough line this script does not understand fails instead of passing unseen.
"""

from __future__ import annotations

import os
import pwd
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

UNITS = Path(os.environ.get("SYSTEMCTL_STANDIN_UNITS", "/etc/systemd/system"))
STATE = Path(os.environ.get("SYSTEMCTL_STANDIN_STATE", "/run/systemctl-standin"))
INIT_D = Path(os.environ.get("SYSTEMCTL_STANDIN_INIT_D", "/etc/init.d"))
LOGS = Path(os.environ.get("SYSTEMCTL_STANDIN_LOGS", "/var/log"))

# Lines systemd acts on that have no meaning for one process started here: they are
# read and set aside, not enforced (the walkthrough does not test hardening).
NOT_ENFORCED = {
    "Description", "After", "Wants", "Requires", "WantedBy", "Type", "Restart", "RestartSec",
    "NoNewPrivileges", "ProtectSystem", "ReadWritePaths", "ProtectHome", "PrivateTmp",
    "PrivateDevices", "ProtectKernelTunables", "ProtectKernelModules",
    "ProtectControlGroups", "RestrictSUIDSGID", "LockPersonality", "RestrictAddressFamilies",
    "AmbientCapabilities",
}  # fmt: skip


# Services this process started: kept so they are reaped when stopped here (a stand-in
# run as a command exits at once and leaves them to PID 1, as systemd's would be).
_STARTED: dict[int, subprocess.Popen[bytes]] = {}


class UnitError(Exception):
    """A unit file, or a command, this stand-in cannot carry out."""


@dataclass
class Unit:
    """What starting a service needs from its unit file."""

    name: str
    user: str | None = None
    group: str | None = None
    working_directory: str | None = None
    environment: dict[str, str] = field(default_factory=dict)
    umask: int | None = None
    logs_directory: str | None = None
    exec_start: list[str] = field(default_factory=list)


def _logical_lines(text: str) -> list[str]:
    """The unit's lines with ``\\`` continuations joined and comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith(("#", ";"))):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def parse_unit(name: str, text: str) -> Unit:
    """Read a ``.service`` file as systemd would for the settings this script uses."""
    unit = Unit(name)
    for line in _logical_lines(text):
        if line.startswith("["):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise UnitError(f"{name}: not a setting: {line}")
        key, value = key.strip(), value.strip().replace("%%", "%")
        if key == "User":
            unit.user = value
        elif key == "Group":
            unit.group = value
        elif key == "WorkingDirectory":
            unit.working_directory = value
        elif key == "Environment":
            for word in shlex.split(value):
                var, eq, setting = word.partition("=")
                if not eq:
                    raise UnitError(f"{name}: Environment without '=': {word}")
                unit.environment[var] = setting
        elif key == "UMask":
            unit.umask = int(value, 8)
        elif key == "LogsDirectory":
            unit.logs_directory = value
        elif key == "ExecStart":
            unit.exec_start = shlex.split(value)
        elif key not in NOT_ENFORCED:
            raise UnitError(f"{name}: this stand-in does not know {key}=")
    if not unit.exec_start:
        raise UnitError(f"{name}: no ExecStart=")
    return unit


def _pid_file(name: str) -> Path:
    return STATE / f"{name}.pid"


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command name (state first)."""
    text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    return text.rpartition(")")[2].split()


def _started_at(pid: int) -> str:
    """When ``pid`` started, in clock ticks since boot: with the pid, names one process."""
    return _stat(pid)[19]  # field 22 of proc(5), counted from the state (field 3)


def _running_pid(name: str) -> int | None:
    """The service's process id while it runs (a zombie no one reaped has ended).

    The pid file holds the pid and its start time: a file left from another boot (a
    machine restored from a snapshot) may name a pid some other process now has.
    """
    try:
        pid_text, started = _pid_file(name).read_text().split()
        pid = int(pid_text)
        fields = _stat(pid)
    except (OSError, ValueError, IndexError):
        return None
    if len(fields) < 20 or fields[19] != started:
        return None
    # The started process outlives this short-lived script; PID 1 in a container may
    # never reap it, and a zombie keeps its /proc entry until it is reaped.
    return None if fields[0] == "Z" else pid


def _start(unit: Unit) -> None:
    if _running_pid(unit.name) is not None:
        return
    account = pwd.getpwnam(unit.user) if unit.user else pwd.getpwuid(os.getuid())
    if unit.logs_directory:  # systemd makes it, owned by the service's account
        folder = LOGS / unit.logs_directory
        folder.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            os.chown(folder, account.pw_uid, account.pw_gid)
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": account.pw_dir,
        "USER": account.pw_name,
        "LOGNAME": account.pw_name,
        "SHELL": account.pw_shell,
        **unit.environment,
    }
    STATE.mkdir(parents=True, exist_ok=True)
    switch = os.getuid() == 0 and unit.user is not None
    with open(STATE / f"{unit.name}.log", "ab") as log:  # systemd's journal, here
        process = subprocess.Popen(
            unit.exec_start,
            cwd=unit.working_directory,
            env=env,
            user=account.pw_uid if switch else None,
            group=(unit.group or account.pw_gid) if switch else None,
            extra_groups=[] if switch else None,
            umask=unit.umask if unit.umask is not None else -1,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    _STARTED[process.pid] = process
    _pid_file(unit.name).write_text(f"{process.pid} {_started_at(process.pid)}\n")
    time.sleep(0.5)
    if process.poll() is not None:  # Type=simple: started, unless it died at once
        raise UnitError(f"{unit.name} exited at once (code {process.returncode}); "
                        f"see {STATE / (unit.name + '.log')}")  # fmt: skip


def _stop(name: str) -> None:
    pid = _running_pid(name)
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    started = _STARTED.pop(pid, None)
    if started is not None:
        try:
            started.wait(timeout=30)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait()
    for _ in range(300):  # systemd's default TimeoutStopSec is 90 s; 30 s is plenty here
        time.sleep(0.1)
        if _running_pid(name) is None:
            break
    else:
        os.kill(pid, signal.SIGKILL)
    _pid_file(name).unlink(missing_ok=True)


def _init_script(name: str, action: str) -> int:
    script = INIT_D / name
    if not script.exists():
        raise UnitError(f"Unit {name}.service not found.")
    active = subprocess.run([script, "status"], capture_output=True).returncode == 0
    if action == "is-active":
        print("active" if active else "inactive")
        return 0 if active else 3
    if action == "start" and active:  # systemctl start does nothing to a running unit
        return 0
    return subprocess.run([script, action]).returncode


def _own(name: str, action: str) -> int:
    unit = parse_unit(name, (UNITS / f"{name}.service").read_text(encoding="utf-8"))
    if action == "start":
        _start(unit)
    elif action == "stop":
        _stop(name)
    elif action in ("restart", "reload"):
        _stop(name)
        _start(unit)
    elif action in ("is-active", "status"):
        active = _running_pid(name) is not None
        print("active" if active else "inactive")
        return 0 if active else 3
    return 0


def run(argv: list[str]) -> int:
    """Carry out one ``systemctl`` command line; returns its exit code."""
    words = [w for w in argv if w not in ("--now", "--no-pager", "--quiet", "-q")]
    now = "--now" in argv
    if not words:
        raise UnitError("systemctl (stand-in): no command")
    command, names = words[0], [n.removesuffix(".service") for n in words[1:]]
    if command == "daemon-reload":
        return 0
    if command == "enable":
        if not now:
            return 0
        command = "start"
    if command not in ("start", "stop", "restart", "reload", "is-active", "status"):
        raise UnitError(f"systemctl (stand-in) does not do {command!r}")
    code = 0
    for name in names:
        if (UNITS / f"{name}.service").exists():
            code = code or _own(name, command)
        else:
            code = code or _init_script(name, command)
    return code


def main() -> int:
    try:
        return run(sys.argv[1:])
    except UnitError as error:
        print(f"systemctl (stand-in): {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
