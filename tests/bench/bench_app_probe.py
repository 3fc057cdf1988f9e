"""Runs the real ``msp-desktop`` entry point with a stopwatch attached, for the app benchmark.

Started as a subprocess by ``bench_app``::

    python -m tests.bench.bench_app_probe cold  --workspace DIR
    python -m tests.bench.bench_app_probe drive --workspace DIR --queries FILE

It does what the ``msp-desktop`` console script does (``sys.exit(ui.app.main(argv))``)
and changes nothing in the app. The only addition is a Python audit hook: on the first
``open`` audit event of the main thread after the ``QApplication`` exists (the session
reading its settings file), it imports ``bench_app_watch`` and installs an
application-wide event filter that watches for the unlock dialog. Qt offers no
pre-routine for the application constructor in PySide6, and patching the app was not
an option; the hook itself costs about a microsecond per audit event.

Results are printed as one line, ``MSP-BENCH-PROBE {json}``, with wall-clock
(``time.time()``) marks the parent compares with the moment it started the process.
"""

from __future__ import annotations

import time

# First statement after the docstring: how long the interpreter took to reach us.
PROBE_STARTED_AT = time.time()

import argparse  # noqa: E402 - after the mark on purpose
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

MARK = "MSP-BENCH-PROBE "
EXIT_PROBE_FAILED = 3


def emit(record: dict[str, Any]) -> None:
    """Hand ``record`` to the parent on stdout (one line, flushed at once)."""
    print(MARK + json.dumps(record), flush=True)


class AppHook:
    """An audit hook that waits for the ``QApplication`` and then attaches the watcher.

    An exception escaping an audit hook would fail the app's own ``open()``, so any
    failure is kept and reported instead of raised.
    """

    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.done = False
        self.error: str | None = None
        self.watcher: object | None = None
        self.marks: dict[str, float] = {"probe_started": PROBE_STARTED_AT}

    def __call__(self, event: str, _args: tuple[object, ...]) -> None:
        if self.done or event != "open":
            return
        widgets = sys.modules.get("PySide6.QtWidgets")
        if widgets is None or threading.current_thread() is not threading.main_thread():
            return
        app = widgets.QApplication.instance()
        if app is None:
            return
        self.done = True  # first, because the import below raises audit events too
        self.marks["qapplication_seen"] = time.time()
        try:
            # Imported only now: it needs Qt, which the app has loaded by this point.
            from tests.bench import bench_app_watch

            self.watcher = bench_app_watch.attach(app, self.options, self.marks, emit)
        except Exception as exc:  # noqa: BLE001 - must not break the app's open()
            self.error = f"{type(exc).__name__}: {exc}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The probe's command line (the parent builds it)."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_app_probe")
    parser.add_argument("mode", choices=("cold", "drive"))
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--queries", type=Path, help="JSON list of search texts (drive)")
    parser.add_argument("--filter-samples", type=int, default=0)
    parser.add_argument("--debounced-samples", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app under the stopwatch; returns the app's exit code (3 if the probe failed)."""
    options = parse_args(argv)
    hook = AppHook(options)
    sys.addaudithook(hook)
    # As the console script does, but after the hook, so the app's imports are timed.
    import ui.app

    code = ui.app.main(["--workspace", str(options.workspace)])
    if hook.error is not None or hook.watcher is None:
        emit({"error": hook.error or "the QApplication was never seen", "exit_code": code})
        return EXIT_PROBE_FAILED
    return code


if __name__ == "__main__":
    sys.exit(main())
