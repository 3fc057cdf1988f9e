"""``msp-desktop``, the console script: the desktop app, or one sentence when Qt is missing.

Qt comes with the ``desktop`` extra only, so an office server that installed
``msp-desktop[office]`` has this script but no PySide6. Started there it says how to
install the desktop app instead of ending in an ImportError traceback. Nothing of the
app is imported before Qt is known to be there. (The frozen app starts ``ui.app``
directly: it always carries Qt.)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from msp_desktop.exit_codes import ExitCode

EXIT_NO_QT = ExitCode.NOT_INSTALLED  # as ui.app when the window cannot start here
NO_QT = (
    "msp-desktop: the desktop app needs Qt (PySide6), which is not installed with this "
    "msp-desktop; install the desktop app with: pip install 'msp-desktop[desktop]'"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app if Qt is installed; else print how to install it."""
    try:
        import PySide6  # noqa: F401 - only whether it is there
    except ImportError:
        print(NO_QT, file=sys.stderr)
        return EXIT_NO_QT
    from ui.app import main as run_app

    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main())
