"""The shared check that every finding speaks plain English a worker can act on."""

from __future__ import annotations

import re

from msp_desktop.practice import Finding

SNAKE_CASE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def assert_plain_sentences(findings: list[Finding]) -> None:
    """Each message is a sentence: a capital first, a full stop last, no code names."""
    for finding in findings:
        message = finding.message
        assert message[0].isupper(), message
        assert message.endswith("."), message
        assert not SNAKE_CASE.search(message), message
        assert finding.code not in message
