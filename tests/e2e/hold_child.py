"""Child process that holds a workspace open, as the desktop app (or a command) does.

``python -m tests.e2e.hold_child FOLDER app|command``: prints ``ready`` once the
workspace is open, then for each line ``add NAME`` on stdin adds a person and prints
``saved ID`` (only after the commit) or ``refused SENTENCE``; ``quit`` closes it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from msp_desktop.errors import KnownError
from msp_desktop.model import Person
from msp_desktop.store import Workspace


def _open(folder: Path, holder: str) -> Workspace:
    try:
        from msp_desktop.store.owner_lock import Holder
    except ImportError:  # the code before the owner lock: how the tests failed there
        return Workspace.open(folder, os.environ["MSP_PASSPHRASE"])
    kind = Holder.APP if holder == "app" else Holder.COMMAND
    return Workspace.open(folder, os.environ["MSP_PASSPHRASE"], kind)


def main() -> None:
    """Hold the workspace until told to quit (or stdin closes)."""
    with _open(Path(sys.argv[1]), sys.argv[2]) as ws:
        print("ready", flush=True)
        for line in sys.stdin:
            command, _, name = line.strip().partition(" ")
            if command != "add":
                break
            try:
                person = Person(name=name)
                ws.people.add(person)
            except KnownError as exc:
                print(f"refused {exc.message}", flush=True)
            else:
                print(f"saved {person.id}", flush=True)


if __name__ == "__main__":
    main()
