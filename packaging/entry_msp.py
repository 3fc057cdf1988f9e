"""Entry point of the frozen ``msp`` command line (backups, export, office recovery)."""

import sys

from msp_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
