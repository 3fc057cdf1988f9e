"""The growing wait after wrong passphrases."""

from __future__ import annotations

import pytest

from ui.security.unlock_throttle import MAX_DELAY_SECONDS, retry_delay_seconds


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
    assert retry_delay_seconds(failures) == seconds


def test_never_shrinks_and_is_capped() -> None:
    delays = [retry_delay_seconds(n) for n in range(200)]
    assert delays == sorted(delays)
    assert max(delays) == MAX_DELAY_SECONDS
