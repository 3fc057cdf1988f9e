"""A guide saved in another encoding (Windows-1252 from an old editor, say) names the
line and the byte where it stops being UTF-8, in the app and in ``msp guide check``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.cli.main import main as msp
from msp_desktop.exit_codes import ExitCode
from msp_desktop.guide import GuideError, available_guides, catalogue, loader
from msp_desktop.resources import resource

PLAIN = 'title = "Checking in"'
CP1252 = 'title = "Checking in – café"'.encode("cp1252")  # an en dash is 0x96 there


def not_utf8(text: str) -> tuple[bytes, int]:
    """The guide ``text`` with one title saved as Windows-1252; the line it is on."""
    data = text.encode("utf-8").replace(PLAIN.encode(), CP1252, 1)
    line = 1 + text[: text.index(PLAIN)].count("\n")
    return data, line


@pytest.fixture
def guides_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "guides"
    folder.mkdir()
    monkeypatch.setattr(catalogue, "resource_root", lambda: tmp_path)
    monkeypatch.setattr(loader, "resource", lambda *parts: tmp_path.joinpath(*parts))
    catalogue._loaded.cache_clear()
    yield folder
    catalogue._loaded.cache_clear()


def test_the_app_names_the_line_and_byte_that_is_not_utf8(guides_folder: Path) -> None:
    data, line = not_utf8(resource("guides", "msp-visit.toml").read_text(encoding="utf-8"))
    (guides_folder / "msp-visit.toml").write_bytes(data)
    with pytest.raises(GuideError) as raised:
        available_guides()
    (problem,) = raised.value.problems
    assert (problem.source, problem.line) == ("msp-visit.toml", line)
    assert problem.message == (
        "this line is not UTF-8 text (the byte 0x96 at column 22); "
        "save the file as UTF-8 and start again."
    )
    assert raised.value.exit_code == ExitCode.GUIDE_INVALID


def test_guide_check_names_the_line_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, line = not_utf8(resource("guides", "msp-visit.toml").read_text(encoding="utf-8"))
    path = tmp_path / "msp-visit.toml"
    path.write_bytes(data)
    assert msp(["guide", "check", str(path)]) == ExitCode.INVALID_INPUT
    assert capsys.readouterr().out == (
        f"{path}:{line}: this line is not UTF-8 text (the byte 0x96 at column 22); "
        "save the file as UTF-8 and start again.\n"
    )
