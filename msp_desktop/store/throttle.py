"""A growing wait after wrong passphrases (S5), shared by the app and the command line.

Two slips are free (Caps Lock happens); after that each further wrong passphrase
doubles the wait, up to half a minute, so guessing at the keyboard is slow while a
worker who mistypes is barely held up. The count is kept in memory only: recording
failures on disk would change files of the workspace on a wrong passphrase, which
S5 forbids. Argon2id's cost is what slows guessing against a copy of the files.
"""

from __future__ import annotations

FREE_TRIES = 2
MAX_DELAY_S = 30


def unlock_delay(failures: int) -> int:
    """Seconds to wait before the next try after ``failures`` wrong passphrases in a row."""
    if failures <= FREE_TRIES:
        return 0
    exponent = failures - FREE_TRIES - 1
    # Checked before shifting so an absurd count cannot build a huge integer.
    if exponent >= MAX_DELAY_S.bit_length():
        return MAX_DELAY_S
    return min(1 << exponent, MAX_DELAY_S)
