"""TEST ONLY: stop the process dead at a named step, to prove crash safety.

Set ``MSP_TEST_CRASH_AT`` to a step's name (e.g. ``restore:place-new-db``) and the
process calls ``os._exit(CRASH_EXIT)`` when it reaches that step: no clean-up, no
``finally``, no flush, as after a power cut or a kill -9. The tests of the restore
(tests/e2e/test_restore_crash.py) run ``msp restore`` once per step. Nothing else
reads the variable, and it is never set by the app or the installers.
"""

from __future__ import annotations

import os

__all__ = ["CRASH_EXIT", "ENV", "reached"]

ENV = "MSP_TEST_CRASH_AT"
CRASH_EXIT = 99


def reached(step: str) -> None:
    """Die here, at once, if the test asked for a crash at ``step``."""
    if os.environ.get(ENV) == step:
        os._exit(CRASH_EXIT)
