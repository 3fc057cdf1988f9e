"""``msp-desktop --smoke``: prove that a build does the real work, then exit 0.

Made for the frozen app in CI (``QT_QPA_PLATFORM=offscreen``). Each step goes through
the app's own code and what freezing tends to break: the Qt platform plugin; SQLCipher,
its pragmas, Argon2id and the migrations; the guide file and the main window; reportlab
with the shipped fonts, and QtPdf; pyrage (age) and Ed25519 (an office made here).

Everything lives in one temporary folder, deleted at the end: workspace, log, settings
folder and "USB stick"; the user's own are never touched. Each step prints
``smoke: <step> ok (<detail>)``; the first failure prints ``smoke: FAILED at <step>:
<type>: <reason>`` on stderr and the exit code is 1, as it is when time runs out.
Imports beyond the standard library are made in the step that needs them, so a module
left out of the build is reported at that step.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from msp_desktop.store import Workspace
    from ui.db_worker import DbWorker, OnError
    from ui.main_window import MainWindow

T = TypeVar("T")
TIME_LIMIT_SECONDS = 60.0
WATCHDOG_GRACE_SECONDS = 10.0  # for a hang the event-loop waits cannot see
PEOPLE = 5  # enough for finalised visits in the demo caseload
EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class Smoke:
    """What the steps share: the temporary folder, the deadline and what is open."""

    root: Path
    deadline: float
    passphrase: str
    step: str = "setup"
    app: QApplication | None = None
    workspace: Workspace | None = None
    worker: DbWorker | None = None
    window: MainWindow | None = None
    visit_id: str = ""

    @property
    def folder(self) -> Path:
        """The temporary workspace folder."""
        return self.root / "workspace"

    def wait(self, done: Callable[[], bool], what: str) -> None:
        """Run Qt's event loop until ``done()``; ``TimeoutError`` past the deadline."""
        from PySide6.QtWidgets import QApplication

        while not done():
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"gave up waiting for {what}")
            QApplication.processEvents()
            time.sleep(0.005)

    def answer(self, send: Callable[[Callable[[T], None], OnError], object], what: str) -> T:
        """Send work to the database thread with ``send(on_done, on_error)``; its result."""
        results: list[T] = []
        errors: list[BaseException] = []
        send(results.append, errors.append)
        self.wait(lambda: bool(results or errors), what)
        if errors:
            raise errors[0]
        return results[0]

    def on_worker(self, operation: Callable[[Workspace], T], what: str) -> T:
        """Run ``operation`` on the database thread, as the app does; its result."""
        worker = self.worker
        assert worker is not None
        return self.answer(lambda done, error: worker.submit(operation, done, error), what)


Step = tuple[str, Callable[[Smoke], str]]


def _platform(smoke: Smoke) -> str:
    """Start Qt (the platform plugin) and the log, in the temporary folder."""
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    from msp_desktop.logs import configure_logging

    if configure_logging(smoke.root / "log") is None:
        raise OSError("the log could not be written")
    app = QApplication.instance()
    smoke.app = app if isinstance(app, QApplication) else QApplication(sys.argv[:1])
    smoke.app.setStyle("Fusion")
    return f"{smoke.app.platformName()}, Qt {qVersion()}"


def _workspace(smoke: Smoke) -> str:
    """Create, close and reopen a workspace (SQLCipher, Argon2id, migrations); check it."""
    from msp_desktop.store import Workspace
    from msp_desktop.store.migrations import schema_version

    Workspace.create(smoke.folder, smoke.passphrase, "Smoke Test").close()
    smoke.workspace = ws = Workspace.open(smoke.folder, smoke.passphrase)
    report = ws.check()
    if not report.healthy:
        raise RuntimeError(f"the workspace check failed: {report.problems[0]}")
    cipher = ws.db.scalar("PRAGMA cipher_version")
    return f"SQLCipher {cipher}, schema v{schema_version(ws.db)}, {len(report.checked)} checks"


def _records(smoke: Smoke) -> str:
    """Add the demo caseload; remember a finalised visit."""
    from msp_desktop.demo import fill_demo_caseload

    ws = smoke.workspace
    assert ws is not None
    people = fill_demo_caseload(ws, people=PEOPLE)
    visits = ws.visits.list()
    finalised = [visit.id for visit in visits if visit.status == "finalised"]
    if not finalised:
        raise RuntimeError("the demo caseload has no finalised visit")
    smoke.visit_id = finalised[0]
    smoke.workspace = None
    ws.close()  # from now on the workspace is open on the database thread only
    return f"{people} people, {len(visits)} visits, {len(finalised)} finalised"


def _window(smoke: Smoke) -> str:
    """Unlock on a database thread and show the main window, as the session does."""
    from msp_desktop.settings import Settings
    from ui.db_worker import DbWorker
    from ui.main_window import MainWindow
    from ui.theme import apply_theme

    assert smoke.app is not None
    apply_theme(smoke.app, Settings())  # the defaults: no settings file is read or saved
    smoke.worker = worker = DbWorker()
    folder, passphrase = smoke.folder, smoke.passphrase
    smoke.answer(
        lambda done, error: worker.open_workspace(folder, passphrase, done, error), "unlock"
    )
    smoke.window = window = MainWindow()
    window.attach(worker)
    window.show()
    smoke.wait(lambda: window.caseload.model.rowCount() > 0, "the caseload")
    pixmap = window.grab()
    if pixmap.isNull():
        raise RuntimeError("the main window could not be drawn")
    rows = window.caseload.model.rowCount()
    return f"{rows} people listed, drawn at {pixmap.width()}x{pixmap.height()}"


def _pdf(smoke: Smoke) -> str:
    """Make a person's summary in memory and read it with QtPdf, as the preview does."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    from msp_desktop.services.documents import summary_pdf

    visit_id = smoke.visit_id
    made = smoke.on_worker(lambda ws: summary_pdf(ws, visit_id, style="plain", lang="en"), "PDF")
    if not made.pdf.startswith(b"%PDF"):
        raise RuntimeError("the summary is not a PDF")
    data = QByteArray(made.pdf)  # kept referenced: the buffer does not own it
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    ready, failed = QPdfDocument.Status.Ready, QPdfDocument.Status.Error
    smoke.wait(lambda: document.status() in (ready, failed), "QtPdf to read the summary")
    pages = document.pageCount()
    if document.status() != ready or pages < 1:
        raise RuntimeError(f"QtPdf could not read the summary ({document.error().name})")
    image = document.render(0, QSize(400, 566))
    document.close()
    buffer.close()
    if image.isNull():
        raise RuntimeError("QtPdf could not draw the summary's first page")
    return f"{len(made.pdf)} bytes, {pages} page(s), page 1 drawn"


def _bundle(smoke: Smoke) -> str:
    """Trust an office made here, enrol, export a bundle and open it as the office."""
    from msp_desktop.bundles import AgeIdentity, KeyPair, open_bundle
    from msp_desktop.bundles.provisioning import make_provisioning, read_enrolment
    from msp_desktop.bundles.records import parse_audit_file, parse_record_file
    from msp_desktop.services.export import ExportResult, export_bundles

    inbox, recovery, office_key = AgeIdentity.generate(), AgeIdentity.generate(), KeyPair.generate()
    keys_file = make_provisioning(
        office_id="smoke-office",
        office_name="Smoke test office",
        inbox=inbox.recipient,
        recovery=recovery.recipient,
        office_key=office_key,
    )
    stick = smoke.root / "stick"
    stick.mkdir()

    def export(ws: Workspace) -> tuple[bytes, ExportResult]:
        ws.import_office_keys(keys_file, office_key.key_id)
        return ws.sync.enrol(), export_bundles(ws, stick)

    enrolment, result = smoke.on_worker(export, "the export")
    device = read_enrolment(enrolment)
    records = sealed = 0
    for written in result.written:
        data, trusted = written.path.read_bytes(), {device.key_id: device.public_key}
        for name, content in open_bundle(data, identity=inbox, trusted_keys=trusted).files.items():
            if name.startswith("audit/"):
                parse_audit_file(name, content)
            else:
                parse_record_file(name, content)
                records += 1
        sealed += written.records
    if records == 0 or records != sealed:
        raise RuntimeError(f"the bundles hold {records} records; {sealed} were sealed")
    return f"{len(result.written)} bundle(s), {records} records opened and verified"


def _close(smoke: Smoke) -> str:
    """Close the window and stop the database thread (closing the workspace)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window, worker, workspace = smoke.window, smoke.worker, smoke.workspace
    smoke.window = smoke.worker = smoke.workspace = None
    if window is not None:
        window.detach()
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if worker is not None:
        worker.stop()
        if not worker.worker_thread.isFinished():
            raise RuntimeError("the database thread did not stop")
    if workspace is not None:  # a step failed while it was open here
        workspace.close()
    return "window closed, database thread stopped"


STEPS: tuple[Step, ...] = (
    ("platform", _platform),
    ("workspace", _workspace),
    ("records", _records),
    ("window", _window),
    ("pdf", _pdf),
    ("bundle", _bundle),
    ("close", _close),
)
REDIRECTED = {"MSP_WORKSPACE": "workspace", "MSP_LOG_DIR": "log", "MSP_CONFIG_DIR": "config"}


def _failed(step: str, exc: BaseException) -> None:
    """The traceback, then the one line CI looks for, on stderr."""
    traceback.print_exception(exc, file=sys.stderr)
    reason = " ".join(str(exc).split())
    print(f"smoke: FAILED at {step}: {type(exc).__name__}: {reason}", file=sys.stderr, flush=True)


def _watchdog(smoke: Smoke, seconds: float) -> threading.Timer:
    """End the process if it is stuck where the event-loop waits cannot notice."""

    def expired() -> None:
        _failed(smoke.step, TimeoutError(f"no answer within {seconds:.0f} s"))
        os._exit(EXIT_FAILED)

    timer = threading.Timer(seconds, expired)
    timer.daemon = True
    timer.start()
    return timer


def run_smoke(steps: Sequence[Step] = STEPS, *, time_limit: float = TIME_LIMIT_SECONDS) -> int:
    """Run ``steps`` in a temporary folder; 0 when all passed, 1 at the first failure."""
    temp = tempfile.TemporaryDirectory(prefix="msp-smoke-")
    smoke = Smoke(Path(temp.name), time.monotonic() + time_limit, secrets.token_urlsafe(24))
    # Anything that looks these up finds the temporary folder, never the user's.
    saved = {name: os.environ.get(name) for name in REDIRECTED}
    os.environ.update({name: str(smoke.root / sub) for name, sub in REDIRECTED.items()})
    timer = _watchdog(smoke, time_limit + WATCHDOG_GRACE_SECONDS)
    code = EXIT_OK
    try:
        for smoke.step, step in steps:
            detail = step(smoke)
            print(f"smoke: {smoke.step} ok ({detail})", flush=True)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, then exit 1
        _failed(smoke.step, exc)
        code = EXIT_FAILED
    timer.cancel()
    try:
        smoke.step = "cleanup"
        _close(smoke)  # what a failed step left open
        for handler in logging.getLogger("msp").handlers[:]:  # an open log keeps the folder
            handler.close()
            logging.getLogger("msp").removeHandler(handler)
        temp.cleanup()
    except Exception as exc:  # noqa: BLE001 - reported unless an earlier step failed
        if code == EXIT_OK:
            _failed(smoke.step, exc)
            code = EXIT_FAILED
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    return code
