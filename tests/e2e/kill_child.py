"""Child process of the kill -9 harness: adds people and acknowledges each commit.

Prints ``ready`` once the workspace is open, then one id per line *after* the
transaction that adds that person has committed. Anything printed is a promise the
parent checks after killing this process at a random moment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from msp_desktop.model import Person
from msp_desktop.store import Workspace


def main() -> None:
    """Run until killed."""
    ws = Workspace.open(Path(sys.argv[1]), os.environ["MSP_PASSPHRASE"])
    print("ready", flush=True)
    n = 0
    while True:
        person = Person(name=f"Kill Harness {os.getpid()} {n}", local_id=f"K-{n}")
        ws.people.add(person)
        print(person.id, flush=True)
        n += 1


if __name__ == "__main__":
    main()
