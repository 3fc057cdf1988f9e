"""S5: the growing wait after wrong passphrases, for the app and the command line."""

from __future__ import annotations

import pytest

from msp_desktop.store.throttle import MAX_DELAY_S, unlock_delay


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [
        (0, 0),
        (1, 0),
        (2, 0),
        (3, 1),
        (4, 2),
        (5, 4),
        (6, 8),
        (7, 16),
        (8, 30),
        (9, 30),
        (100, 30),
        (10**9, 30),
        (-1, 0),
    ],
)
def test_retry_delay(failures: int, seconds: int) -> None:
    assert unlock_delay(failures) == seconds


def test_never_shrinks_and_is_capped() -> None:
    delays = [unlock_delay(n) for n in range(200)]
    assert delays == sorted(delays)
    assert max(delays) == MAX_DELAY_S
