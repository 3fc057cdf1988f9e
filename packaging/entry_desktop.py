"""Entry point of the frozen ``msp-desktop`` (the PyInstaller spec starts here)."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
