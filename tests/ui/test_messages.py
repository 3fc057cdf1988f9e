"""Known errors are shown as they are; bugs are logged without their message."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from msp_desktop.errors import WrongPassphrase
from ui import messages


def test_known_error_is_its_own_sentence() -> None:
    assert messages.error_sentence(WrongPassphrase("Wrong passphrase.")) == "Wrong passphrase."


def test_bug_is_logged_scrubbed(
    caplog: pytest.LogCaptureFixture, expect_logged_error: Callable[..., None]
) -> None:
    expect_logged_error("msp.ui", "Unexpected error in the desktop app")
    # The app's "msp" logger may not propagate (it writes its own file), so listen on it.
    logger = logging.getLogger("msp.ui")
    logger.addHandler(caplog.handler)
    try:
        raise ValueError("Ada Example's address")
    except ValueError as exc:
        sentence = messages.error_sentence(exc)
    finally:
        logger.removeHandler(caplog.handler)
    assert sentence == "Something went wrong; your saved work is safe. Details are in the log."
    assert "ValueError" in caplog.text
    assert "Ada Example" not in caplog.text


def test_answers_can_be_queued() -> None:
    messages.answer_next(messages.Button.Yes, messages.Button.Cancel)
    assert messages.confirm(None, "Lock now?")
    assert not messages.confirm(None, "Lock now?")
    assert [shown.kind for shown in messages.shown] == ["question", "question"]
