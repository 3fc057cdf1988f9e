"""What a screen reader hears: the app's AT-SPI events and objects, read off the bus.

PySide6 does not expose ``QAccessible::installUpdateHandler``, so a test cannot catch
``QAccessibleEvent``s inside Qt. It listens where Orca does instead: Qt's own AT-SPI
bridge (xcb platform, ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``) sends every event to the
accessibility bus of a private D-Bus session, and ``Listener`` (a second connection to
that bus, as an assistive technology would open) registers for the events with the
AT-SPI registry, records the signals that arrive and asks the app's objects over D-Bus.

``run_child`` (in the test process) starts ``tests.ui.atspi_child`` under ``xvfb-run``
and ``dbus-run-session``; the child prints one JSON object of what it heard.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NEEDED = ("xvfb-run", "dbus-run-session", "busctl")
LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
ROLE_HEADING = 83  # ATSPI_ROLE_HEADING
ROLE_COMBO_BOX = 11  # ATSPI_ROLE_COMBO_BOX
ROLE_TEXT = 61  # ATSPI_ROLE_TEXT
RELATION_LABELLED_BY = 2  # ATSPI_RELATION_LABELLED_BY
POLITE = 1  # ATSPI_LIVE_POLITE


def missing_tools() -> str:
    """Why the bus cannot be listened to here ("" when it can)."""
    if not sys.platform.startswith("linux"):
        return "AT-SPI is the Linux accessibility bus"
    absent = [tool for tool in NEEDED if shutil.which(tool) is None]
    if not LAUNCHER.exists():
        absent.append(str(LAUNCHER))
    return f"needs {', '.join(absent)} (at-spi2-core, xvfb, dbus)" if absent else ""


def require_bus() -> None:
    """Skip where the bus cannot be listened to; in CI on Linux fail instead, because
    CI installs everything it needs (``.ci/run``) and a skip would hide the check."""
    why = missing_tools()
    if not why:
        return
    if sys.platform.startswith("linux") and os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide what the accessibility bus needs: {why}")
    pytest.skip(why)


def workspace_for_a_child(folder: Path) -> str:
    """Three people, Ada's concern and a begun visit in ``folder``; returns the visit's id.

    Sealed at the shipped key cost (as ``real_kdf_cost`` does for one test): the child is
    another process, which refuses a workspace sealed at the tests' token cost.
    """
    from datetime import date

    import pytest

    from msp_desktop.guide import load_guide
    from msp_desktop.model import Stage
    from msp_desktop.store import Workspace, keyslots
    from tests import builders
    from tests.conftest import SHIPPED_KDF_COST
    from tests.ui.helpers import PASSPHRASE, WORKER_NAME

    person = builders.person("Ada Example")
    concern = builders.concern(person, stage=Stage.BEGINNING)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SHIPPED_KDF_COST.items():
            patch.setattr(keyslots, name, value)
        with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
            for one in (person, builders.person("Bea Specimen"), builders.person("Cy Sample")):
                ws.people.add(one)
            ws.concerns.add(concern)
            return ws.visits.begin(concern.id, load_guide().ref, date.today()).id


def run_child(
    scenario: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> dict[str, Any]:
    """Run one scenario of ``tests.ui.atspi_child`` on a private X display and bus."""
    env = {
        **os.environ,
        **(env or {}),
        "QT_QPA_PLATFORM": "xcb",
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
    }
    command = [
        "xvfb-run",
        "-a",
        "-s",
        "-screen 0 1366x768x24",
        "dbus-run-session",
        "--",
        sys.executable,
        "-m",
        "tests.ui.atspi_child",
        scenario,
        *args,
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    why = f"child failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, why
    assert lines, why
    result: dict[str, Any] = json.loads(lines[-1])
    return result


class Listener:
    """An assistive technology's view of this process's widgets, over the AT-SPI bus.

    Made after the QApplication; ``heard`` lists the announcements received, each as
    ``{"path", "message", "politeness"}``.
    """

    def __init__(self) -> None:
        from PySide6.QtCore import QObject, Slot
        from PySide6.QtDBus import QDBusConnection, QDBusMessage

        session = QDBusConnection.sessionBus()
        ask = QDBusMessage.createMethodCall(
            "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress"
        )
        self.address = str(session.call(ask).arguments()[0])
        self.bus = QDBusConnection.connectToBus(self.address, "assistive-technology")
        assert self.bus.isConnected(), "no AT-SPI bus"
        register = QDBusMessage.createMethodCall(
            "org.a11y.atspi.Registry",
            "/org/a11y/atspi/registry",
            "org.a11y.atspi.Registry",
            "RegisterEvent",
        )
        register.setArguments(["object:announcement"])
        self.bus.call(register)
        self.heard: list[dict[str, Any]] = []
        self.app_bus = ""
        listener = self

        class Receiver(QObject):
            @Slot(QDBusMessage)
            def announcement(self, message: QDBusMessage) -> None:
                listener.app_bus = message.service()
                args = message.arguments()
                listener.heard.append(
                    {"path": message.path(), "message": args[3].variant(), "politeness": args[1]}
                )

        from PySide6.QtCore import SLOT

        self._receiver = Receiver()
        # PySide6 takes SLOT()'s str here at run time and refuses bytes; its stub says bytes.
        connected = self.bus.connect(  # type: ignore[call-overload]
            "",
            "",
            "org.a11y.atspi.Event.Object",
            "Announcement",
            self._receiver,
            SLOT("announcement(QDBusMessage)"),
        )
        assert connected, "could not listen for announcements"

    @staticmethod
    def path_of(widget: Any) -> str:
        """The D-Bus object path Qt's bridge gives ``widget`` (or ``widget`` if a path)."""
        from PySide6.QtGui import QAccessible

        if isinstance(widget, str):
            return widget  # already a path (a relation's target, say)
        interface = QAccessible.queryAccessibleInterface(widget)
        return f"/org/a11y/atspi/accessible/{QAccessible.uniqueId(interface)}"

    def learn_app_bus(self, widget: Any) -> None:
        """Find the app's name on the bus from one announcement on ``widget``."""
        from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

        # Sent again until heard: the app's bridge sends nothing until it has learnt,
        # from the registry, that someone listens.
        deadline = time.monotonic() + 15
        while not self.app_bus:
            assert time.monotonic() < deadline, "no announcement reached the bus"
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, "probe"))
            try:
                wait_until(lambda: bool(self.app_bus), 0.5)
            except AssertionError:
                continue
        self.heard.clear()

    def ask(self, widget: Any, interface: str, member: str, *args: str) -> Any:
        """Call ``member`` on ``widget``'s AT-SPI object (as ``busctl`` JSON data).

        busctl in a QProcess while this process's event loop keeps answering the bus
        (a blocking call from here would wait for ourselves).
        """
        from PySide6.QtCore import QProcess

        process = QProcess()
        process.start(
            "busctl",
            [
                f"--address={self.address}",
                "--json=short",
                "call",
                self.app_bus,
                self.path_of(widget),
                interface,
                member,
                *args,
            ],
        )
        wait_until(lambda: process.state() == QProcess.ProcessState.NotRunning, 10)
        out = bytes(process.readAllStandardOutput().data()).decode()
        assert process.exitCode() == 0, bytes(process.readAllStandardError().data()).decode()
        return json.loads(out)["data"]

    def name(self, widget: Any) -> str:
        """The Name property, as a screen reader reads it."""
        data = self.ask(
            widget,
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            "org.a11y.atspi.Accessible",
            "Name",
        )
        return str(data[0]["data"])

    def description(self, widget: Any) -> str:
        """The Description property."""
        data = self.ask(
            widget,
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            "org.a11y.atspi.Accessible",
            "Description",
        )
        return str(data[0]["data"])

    def role(self, widget: Any) -> int:
        """The AT-SPI role number."""
        return int(self.ask(widget, "org.a11y.atspi.Accessible", "GetRole")[0])

    def attributes(self, widget: Any) -> dict[str, str]:
        """The object's attributes (a heading's "level", say)."""
        return dict(self.ask(widget, "org.a11y.atspi.Accessible", "GetAttributes")[0])

    def labelled_by(self, widget: Any) -> list[str]:
        """The object paths of what labels ``widget`` (its labelled-by relations)."""
        relations = self.ask(widget, "org.a11y.atspi.Accessible", "GetRelationSet")[0]
        return [
            path
            for kind, targets in relations
            if kind == RELATION_LABELLED_BY
            for _bus, path in targets
        ]


def wait_until(condition: Callable[[], bool], seconds: float = 15) -> None:
    """Run the event loop until ``condition`` holds (or fail after ``seconds``)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
