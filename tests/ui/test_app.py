"""``msp-desktop`` refuses to start, with one plain line, where Qt could not."""

from __future__ import annotations

import pytest

from ui import app


def test_no_display_exits_16_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    assert app.main(["--workspace", "/nonexistent"]) == 16  # something needed is not there
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("msp-desktop: no display found;")


def test_help_needs_no_qt(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--help"])
    assert exit_info.value.code == 0
    assert "--workspace DIR" in capsys.readouterr().out
