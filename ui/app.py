"""``msp-desktop``: check the platform, find the workspace folder, start the window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from msp_desktop.crash_dumps import no_crash_dumps
from msp_desktop.exit_codes import ExitCode
from msp_desktop.logs import configure_logging
from msp_desktop.paths import workspace_folder
from ui.platform_check import platform_problem

EXIT_NO_PLATFORM = ExitCode.NOT_INSTALLED
BASE_FONT_POINTS = 11


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options of ``msp-desktop``."""
    parser = argparse.ArgumentParser(
        prog="msp-desktop",
        description="Making Safeguarding Personal conversations, kept encrypted on this laptop.",
    )
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        type=Path,
        help="the workspace folder (default: $MSP_WORKSPACE, else your local data folder)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check that this build works, in a temporary workspace, then exit"
        " (0 when every step passed)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the process exit code."""
    no_crash_dumps()  # first: nothing of a key or a record may reach a dump file
    args = parse_args(argv)
    problem = platform_problem(os.environ, sys.platform)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_PLATFORM
    if args.smoke:
        # Before the log and the workspace folder: the smoke test makes its own, temporary.
        from ui.smoke import run_smoke

        return run_smoke()
    configure_logging()
    folder = workspace_folder(args.workspace)

    # Qt is imported only now, so the checks above run even where Qt cannot start.
    from PySide6.QtWidgets import QApplication

    from ui.session import Session
    from ui.stop_signals import StopSignals

    app = QApplication(sys.argv[:1])
    app.setApplicationName("MSP Desktop")
    app.setApplicationDisplayName("MSP Desktop")
    app.setOrganizationName("MSP Desktop")
    app.setStyle("Fusion")
    font = app.font()
    font.setPointSizeF(max(font.pointSizeF(), BASE_FONT_POINTS))
    app.setFont(font)
    app.setQuitOnLastWindowClosed(False)  # the session decides when the app ends
    session = Session(folder)
    session.finished.connect(lambda: app.exit(session.exit_code))
    app.aboutToQuit.connect(session.end)
    # SIGTERM (a logout, a shutdown) and Ctrl+C end the run as Quit does, in any state.
    stops = StopSignals(app)
    stops.stop_requested.connect(session.stop)
    session.start()
    status = app.exec()
    stops.uninstall()
    if session.worker_left_running:
        # An operation was still running on the database thread after the stop's wait.
        # Python would abort tearing down a running QThread; ending the process here is
        # what a kill would do, and SQLite rolls the unfinished change back on next open.
        logging.shutdown()
        os._exit(status)
    return status


if __name__ == "__main__":
    sys.exit(main())
