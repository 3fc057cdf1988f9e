"""A growing wait after wrong passphrases (S5), shared by the app and the command line.

The wait is kept in memory only: recording failures on disk would change files of
the workspace on a wrong passphrase, which S5 forbids. Argon2id's cost is what makes
guessing slow for an attacker with a copy of the files; this delay is what stops a
person at the keyboard trying passphrases one after another.
"""

from __future__ import annotations

FREE_TRIES = 2
MAX_DELAY_S = 30.0


def unlock_delay(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong passphrases in a row."""
    if failures <= FREE_TRIES - 1:
        return 0.0
    return min(MAX_DELAY_S, float(2 ** (failures - FREE_TRIES)))
