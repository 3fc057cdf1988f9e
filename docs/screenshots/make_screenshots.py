"""Screenshots of the real app, on a fictional caseload, for the README.

Run from the repository root on a machine with an X display, or under a virtual one::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/make_screenshots.py

It makes a demo workspace in a temporary folder (``msp_desktop.demo``: every name is
made up), starts the app's own ``Session`` exactly as ``msp-desktop`` does, and walks
it with timers: unlock, caseload, search, a person, the sync page, a step of a beginning, a middle and an end visit,
the privacy screen, the journey's dialogs (add a person, raise a concern, close one, the
closed concern on the person's page, reopen, a visit that did not happen, the stage),
the settings dialog and the team's details, then high contrast at 150 %. Each screen is grabbed from
its top-level window into ``docs/screenshots/NN-name.png``. Settings, logs and the
workspace all live in the temporary folder, so nothing of the user's is read or changed.
Use the xcb platform (not ``offscreen``), so the fonts and theme are the real ones.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

HERE = Path(__file__).resolve().parent
PASSPHRASE = "correct horse battery staple demo"  # noqa: S105 - a throwaway demo workspace
WINDOW_SIZE = (1200, 780)
MAX_BYTES = 200_000
POLL_MS = 40
TIMEOUT_MS = 15_000

# One demo person per screen (see msp_desktop.demo: the caseload is deterministic).
PERSON_PAGE = "Ffion Madeup"  # end stage, several visits, a draft to resume
HOW_IS_IT_GOING = "Bryn Sample"  # middle stage, draft visit with the person's words
SUPPORT = "Dilys Testcase"  # beginning stage, draft visit, nothing yet on deciding
CLOSING = "Ffion Madeup"  # end stage: the closing step
CLOSED = "Vera Pretend"  # end stage, every visit final: closed in the walk (off the 150 % list)
NOT_HELD = "Tomos Placeholder"  # middle stage: a visit that did not happen, the stage
SEARCH = "sam"
# The sync page: records already confirmed by a made-up office, some on their way, and
# some waiting. Only the addresses of people no other screenshot shows are changed.
OFFICE = "Demo Borough Adult Social Care"
MOVED_HOME = 5  # the first 3 are sent (no receipt yet), the last 2 wait for the next export

# A step of the walk yields one of these: wait for a condition, or pause (ms).
Wait = Callable[[], bool] | int
Walk = Iterator[Wait]


def demo_workspace(root: Path) -> tuple[Path, dict[str, tuple[str, str]]]:
    """A closed demo workspace; and, by name, each person's id and newest draft visit id."""
    from msp_desktop.demo import fill_demo_caseload
    from msp_desktop.store import Workspace

    folder = root / "workspace"
    workspace = Workspace.create(folder, PASSPHRASE, "Demo Worker")
    try:
        fill_demo_caseload(workspace)
        send_to_office(workspace, root / "stick")
        found: dict[str, tuple[str, str]] = {}
        for name in {PERSON_PAGE, HOW_IS_IT_GOING, SUPPORT, CLOSING, CLOSED, NOT_HELD}:
            (person,) = [p for p in workspace.people.search(name) if p.name == name]
            drafts = [v for v in workspace.visits.list(person.id) if v.status != "finalised"]
            found[name] = (person.id, drafts[0].id if drafts else "")
    finally:
        workspace.close()
    return folder, found


def send_to_office(workspace: Any, stick: Path) -> None:
    """Set the workspace up for a made-up office, send everything, take its receipt,
    then change a few addresses: some sent again, some still waiting."""
    import hashlib

    from msp_desktop.bundles import AgeIdentity, KeyPair, make_receipt, open_bundle
    from msp_desktop.bundles.provisioning import make_provisioning, read_enrolment
    from msp_desktop.model import Note
    from msp_desktop.services.export import export_bundles

    inbox, office = AgeIdentity.generate(), KeyPair.generate()
    keys = make_provisioning(
        office_id="demo-office",
        office_name=OFFICE,
        inbox=inbox.recipient,
        recovery=AgeIdentity.generate().recipient,
        office_key=office,
    )
    workspace.import_office_keys(keys)
    device = read_enrolment(workspace.sync.enrol(device_id="demo-laptop"))
    stick.mkdir()
    (bundle,) = export_bundles(workspace, stick).written
    data = bundle.path.read_bytes()
    opened = open_bundle(data, identity=inbox, trusted_keys={device.key_id: device.public_key})
    receipt = make_receipt(
        bundle_sha256=hashlib.sha256(data).hexdigest(), manifest=opened.manifest, office_key=office
    )
    workspace.sync.import_receipt(receipt)
    shown = {PERSON_PAGE, HOW_IS_IT_GOING, SUPPORT, CLOSING}
    movers = [p for p in workspace.people.search("", limit=100) if p.name not in shown]
    for number, summary in enumerate(movers[:MOVED_HOME], start=1):
        person = workspace.people.get(summary.id)
        address = Note(text=f"Flat {number}, Example Court, Sampletown")
        workspace.people.update(person.model_copy(update={"address": address}))
        if number == 3:
            export_bundles(workspace, stick)


def save(widget: Any, name: str) -> Path:
    """Grab ``widget`` (a top-level window) into ``NN-name.png``, kept under 200 KB."""
    from PySide6.QtCore import Qt

    pixmap = widget.grab()
    path = HERE / f"{name}.png"
    image = pixmap.toImage()
    image.save(str(path), "PNG", 0)  # 0: smallest file
    while path.stat().st_size > MAX_BYTES:
        image = image.scaledToWidth(
            int(image.width() * 0.9), Qt.TransformationMode.SmoothTransformation
        )
        image.save(str(path), "PNG", 0)
    print(f"{path.name}: {image.width()}x{image.height()}, {path.stat().st_size // 1024} KB")
    return path


def walk(session: Any, ids: dict[str, tuple[str, str]]) -> Walk:
    """The screens, in order; yields to let the app (and its database thread) run."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPushButton

    from ui import actions

    # 1. Unlock, with the passphrase typed (shown masked).
    yield lambda: session.dialog is not None and session.dialog.isVisible()
    dialog = session.dialog
    QTest.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    yield 300
    save(dialog, "01-unlock")
    dialog.unlock_button.click()
    yield lambda: session.window is not None and session.window.isVisible()
    window = session.window
    window.resize(*WINDOW_SIZE)
    caseload = window.caseload
    yield lambda: caseload.model.rowCount() > 0
    yield 300

    # 2. The whole caseload; 3. filtered by typing a few letters.
    save(window, "02-caseload")
    QTest.keyClicks(caseload.search_edit, SEARCH)
    yield lambda: 0 < caseload.model.rowCount() < 25
    QTest.keyClick(caseload.search_edit, Qt.Key.Key_Down)  # to the list, first row chosen
    yield 300
    save(window, "03-caseload-search")

    # 4. A person's page.
    person_id, _ = ids[PERSON_PAGE]
    window.open_person(person_id)
    yield lambda: window.person.record is not None
    yield 300
    save(window, "04-person")
    assert any(
        b.accessibleName().startswith(("Start a visit", "Resume visit"))
        for b in window.person.findChildren(QPushButton)
    ), "the person page has no visit buttons"

    # 11. The sync page (Ctrl+Shift+O): where every record is on its way to the office.
    sync = window.sync_page
    window.action(actions.SYNC.id).trigger()
    yield lambda: sync.view is not None and sync.model.rowCount() > 0
    yield 300
    save(window, "11-sync")

    page = window.visit_page

    def open_step(name: str, step_id: str) -> Walk:
        _person, visit_id = ids[name]
        assert visit_id, f"{name} has no draft visit in the demo caseload"
        page.visit = None
        window.show_visit(visit_id, step_id)
        yield lambda: page.visit is not None and page.current_step() is not None
        current = page.current_step()
        assert current is not None, step_id
        assert current.step.id == step_id, step_id
        yield 300

    # 5. A middle visit's "How is it going?": each thing the person wanted, in their
    # words, asked about again.
    yield from open_step(HOW_IS_IT_GOING, "how-is-it-going")
    save(window, "05-visit-how-is-it-going")

    # 6. "Support to decide": tick a substantial difficulty and answer "No" to the
    # appropriate person, so the Care Act advocacy finding shows.
    yield from open_step(SUPPORT, "support-to-decide")
    step = page.current_step()
    assert step is not None
    editors = {block.question.id: block.editor for block in step.blocks}
    editors["substantial_difficulty"].boxes[0][1].click()
    no_button = editors["appropriate_person_available"].group.button(1)
    no_button.click()
    yield lambda: step.findings.isVisible()
    yield lambda: page.status.text().startswith("Saved")
    # Onto "No" with the keyboard, so the focus shows as a keyboard user would see it.
    QTest.keyClick(no_button, Qt.Key.Key_Tab)
    yield 100
    after_no = QApplication.focusWidget()
    assert after_no is not None
    QTest.keyClick(after_no, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    yield 100
    # From the finding down: what is needed, then the questions it is about.
    step.verticalScrollBar().setValue(max(0, step.findings.geometry().top() - 12))
    yield 300
    save(window, "06-visit-support-to-decide")

    # 7. The closing step of a concern at its end.
    yield from open_step(CLOSING, "closing")
    save(window, "07-visit-closing")

    # 8. The privacy screen (F12) over the person's page.
    page.leave()
    yield lambda: window.person.record is not None
    yield 300
    window.activateWindow()
    window.action(actions.PRIVACY.id).trigger()
    yield 300
    save(window, "08-privacy-screen")
    window.action(actions.PRIVACY.id).trigger()
    yield 200

    # 12-18. The journey's dialogs. Only Vera's concern is changed (closed); every other
    # dialog is filled in, grabbed and cancelled, so later screens are as they were.
    yield from journey(window, ids)

    # 9. Settings (Ctrl+,), then 10. high contrast at 150 % on the caseload.
    window.show_caseload()
    window.action(actions.SETTINGS.id).trigger()
    yield lambda: session.settings_dialog is not None and session.settings_dialog.isVisible()
    settings = session.settings_dialog
    yield 300
    save(settings, "09-settings")
    # 19. The team's details, opened from Settings as a worker would find them there.
    settings.team_button.click()
    documents = window.documents
    yield (
        lambda: documents.team_dialog is not None and documents.team_dialog.save_button.isEnabled()
    )
    team = documents.team_dialog
    yield 300
    save(team, "19-team-details")
    team.reject()
    yield lambda: documents.team_dialog is None
    settings.scale_spin.setValue(150)
    settings.contrast_check.setChecked(True)
    settings.save_button.click()
    yield lambda: session.settings_dialog is None
    caseload.search_edit.clear()
    caseload.refresh()
    yield lambda: caseload.model.rowCount() == 25
    window.activateWindow()  # with no window manager, closing the dialog leaves none active
    yield lambda: QApplication.activeWindow() is window
    caseload.search_edit.setFocus()
    QTest.keyClick(caseload.search_edit, Qt.Key.Key_Down)  # to the list, as in 03
    yield 400
    save(window, "10-high-contrast-150")


def journey(window: Any, ids: dict[str, tuple[str, str]]) -> Walk:
    """Add a person, raise, close (and see closed), reopen, a visit that did not happen
    and the stage: the dialogs of a concern's journey, as a worker fills them in."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPushButton, QWidget

    from msp_desktop.model import (
        CommunicationNeed,
        CopyFormat,
        Language,
        NotHeldReason,
        RiskOutcome,
        RiskType,
        SG2cActionResult,
    )
    from ui import actions

    page = window.person
    journey = page.journey

    def dialog_shown() -> bool:
        return journey.dialog is not None and journey.dialog.isVisible()

    def card_button(person: str, kind: str) -> Any:
        person_id, _ = ids[person]
        assert page.record is not None
        assert page.record.person.id == person_id
        story = page.record.concerns[0]
        card = page.findChild(QWidget, f"concern.{story.concern.id}")
        button = card.findChild(QPushButton, f"concern.{kind}")
        assert button is not None, f"{person}'s concern has no {kind} button"
        return button

    def open_page(person: str) -> Walk:
        window.open_person(ids[person][0])
        yield lambda: page.record is not None and page.record.person.id == ids[person][0]
        yield 200

    # 12. Add a person (Ctrl+Shift+N), filled in as far as the household.
    window.show_caseload()
    window.activateWindow()
    window.action(actions.ADD_PERSON.id).trigger()
    yield lambda: window.person_dialog is not None and window.person_dialog.isVisible()
    adding = window.person_dialog
    QTest.keyClicks(adding.name, "Gwen Fictional")
    QTest.keyClicks(adding.preferred_name, "Gwen")
    QTest.keyClicks(adding.birth.line, "17/05/1944")
    QTest.keyClicks(adding.nhs, "943 476 5919")
    adding.address.setPlainText("12 Example Lane, Sampletown")
    QTest.keyClicks(adding.phone, "01234 567890")
    adding.language.button_for(Language.CY).click()
    adding.need_boxes[CommunicationNeed.HEARING].click()
    adding.need_notes.setPlainText("Hearing loop in the front room")
    adding.format.button_for(CopyFormat.LARGE_PRINT).click()
    adding.name.setFocus()
    yield 300
    save(adding, "12-add-person")
    adding.abandon()
    yield 200

    # 13. Raise a concern, on Vera's page (cancelled: her concern is the one closed next).
    yield from open_page(CLOSED)
    page.raise_button.click()
    yield dialog_shown
    raising = journey.dialog
    raising.type_boxes[RiskType.FINANCIAL_OR_MATERIAL].click()
    raising.summary.setPlainText("The bank rang about large withdrawals (fictional).")
    yield 300
    save(raising, "13-raise-concern")
    journey.close_dialog()
    yield 200

    # 14. Close the concern: the ratings of the closing conversation, the result chosen,
    # and nothing missing; then closed for real, 15. as the person's page shows it.
    card_button(CLOSED, "close").click()
    yield dialog_shown
    closing = journey.dialog
    closing.sg2c.button_for(SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN).click()
    closing.risk_outcome.button_for(RiskOutcome.REDUCED).click()
    yield lambda: closing.needs.text().startswith("Nothing is missing")
    yield 300
    save(closing, "14-close-concern")
    closing.ok_button.click()
    yield lambda: journey.dialog is None and page.record is not None
    yield lambda: page.findChild(QPushButton, "concern.reopen") is not None
    window.activateWindow()
    yield 300
    save(window, "15-person-closed-concern")

    # 16. Reopen, with the reason typed (cancelled: it stays closed).
    card_button(CLOSED, "reopen").click()
    yield dialog_shown
    reopening = journey.dialog
    reopening.reason.setPlainText("Her son has moved back in; she asked for help again.")
    yield 300
    save(reopening, "16-reopen")
    journey.close_dialog()
    yield 200

    # 17. A visit that did not happen, and 18. the stage, on Tomos's page (cancelled).
    yield from open_page(NOT_HELD)
    card_button(NOT_HELD, "not_held").click()
    yield dialog_shown
    not_held = journey.dialog
    not_held.planned.set_today()
    not_held.reason.button_for(NotHeldReason.NO_ACCESS).click()
    not_held.note.setPlainText("Curtains drawn; left a card with our number.")
    yield 300
    save(not_held, "17-visit-not-held")
    journey.close_dialog()
    yield 200
    card_button(NOT_HELD, "stage").click()
    yield dialog_shown
    yield 300
    save(journey.dialog, "18-move-stage")
    journey.close_dialog()
    yield 200
    QApplication.processEvents()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="msp-screenshots-") as temp:
        return run(Path(temp))


def run(root: Path) -> int:
    """Make every screenshot, with the workspace, settings and log under ``root``."""
    os.environ["MSP_CONFIG_DIR"] = str(root / "config")
    os.environ["MSP_LOG_DIR"] = str(root / "log")
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    folder, ids = demo_workspace(root)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from msp_desktop.logs import configure_logging
    from ui.app import BASE_FONT_POINTS
    from ui.session import Session

    configure_logging()
    # As ui.app.main sets the application up.
    app = QApplication(sys.argv[:1])
    app.setApplicationName("MSP Desktop")
    app.setApplicationDisplayName("MSP Desktop")
    app.setOrganizationName("MSP Desktop")
    app.setStyle("Fusion")
    font = app.font()
    font.setPointSizeF(max(font.pointSizeF(), BASE_FONT_POINTS))
    app.setFont(font)
    app.setQuitOnLastWindowClosed(False)
    session = Session(folder, settings_path=root / "config" / "settings.json")
    session.finished.connect(app.quit)
    app.aboutToQuit.connect(session.end)

    steps = walk(session, ids)
    state: dict[str, Any] = {"wait": None, "waited": 0, "error": None}
    timer = QTimer()
    timer.setInterval(POLL_MS)

    def tick() -> None:
        try:
            wait = state["wait"]
            if isinstance(wait, int):
                state["waited"] += POLL_MS
                if state["waited"] < wait:
                    return
            elif callable(wait):
                state["waited"] += POLL_MS
                if not wait():
                    if state["waited"] > TIMEOUT_MS:
                        raise TimeoutError("the app never reached the next screen")
                    return
            state["wait"], state["waited"] = next(steps), 0
        except StopIteration:
            timer.stop()
            session.end()
        except Exception as exc:  # noqa: BLE001 - report it after closing the app cleanly
            state["error"] = exc
            timer.stop()
            session.end()

    timer.timeout.connect(tick)
    session.start()
    timer.start()
    code = app.exec()
    if state["error"] is not None:
        raise state["error"]
    return code


if __name__ == "__main__":
    sys.exit(main())
