"""The settings model and file: defaults, ranges, atomic owner-only saving, damage."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from msp_desktop.settings import (
    SCHEMA_VERSION,
    Settings,
    config_folder,
    load_settings,
    save_settings,
    settings_path,
)

DAMAGED = [
    b"{not json at all",
    b"",
    b"[]",
    b'{"idle_lock_minutes": 0}',
    b'{"idle_lock_minutes": "5"}',
    b'{"text_scale_percent": 250}',
    b'{"schema_version": 2}',
    b'{"passphrase": "lantern otter copper"}',
    '{"high_contrast": "Siân Prawf"}'.encode(),
]


def test_defaults() -> None:
    settings = Settings()
    assert settings.schema_version == SCHEMA_VERSION == 1
    assert settings.idle_lock_minutes == 5
    assert settings.clipboard_clear_seconds == 30
    assert settings.text_scale_percent == 100
    assert settings.high_contrast is False


def test_every_field_is_described_and_none_is_a_secret() -> None:
    fields = Settings.model_fields
    assert set(fields) == {
        "schema_version",
        "idle_lock_minutes",
        "clipboard_clear_seconds",
        "text_scale_percent",
        "high_contrast",
    }
    assert all(field.description for field in fields.values())


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("idle_lock_minutes", 1, 60),
        ("clipboard_clear_seconds", 5, 300),
        ("text_scale_percent", 100, 200),
    ],
)
def test_ranges(field: str, low: int, high: int) -> None:
    assert getattr(Settings(**{field: low}), field) == low
    assert getattr(Settings(**{field: high}), field) == high
    for wrong in (low - 1, high + 1):
        with pytest.raises(ValidationError):
            Settings(**{field: wrong})


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        Settings().idle_lock_minutes = 9  # type: ignore[misc]


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_save_then_load(tmp_path: Path) -> None:
    path = tmp_path / "new" / "settings.json"
    chosen = Settings(
        idle_lock_minutes=12, clipboard_clear_seconds=45, text_scale_percent=150, high_contrast=True
    )
    save_settings(chosen, path)
    assert load_settings(path) == chosen
    assert json.loads(path.read_text("utf-8"))["schema_version"] == 1
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp files


def test_saving_again_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(idle_lock_minutes=2), path)
    save_settings(Settings(idle_lock_minutes=3), path)
    assert load_settings(path).idle_lock_minutes == 3


@pytest.mark.parametrize("content", DAMAGED)
def test_damaged_file_means_defaults_and_is_left_alone(
    tmp_path: Path,
    content: bytes,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # configure_logging (run by other tests) stops "msp" records reaching the root.
    monkeypatch.setattr(logging.getLogger("msp"), "propagate", True)
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="msp.settings"):
        assert load_settings(path) == Settings()
    assert path.read_bytes() == content
    assert len(caplog.records) == 1
    assert "settings.json" in caplog.text
    # The log never quotes the file: no values, no names, no passphrase.
    for secret in ("lantern", "Siân", "250", "not json"):
        assert secret not in caplog.text


def test_unreadable_path_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()  # a folder where the file should be
    assert load_settings(path) == Settings()


def test_default_path_is_the_isolated_config_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    # The autouse fixture points XDG_CONFIG_HOME at a temporary folder.
    monkeypatch.delenv("MSP_CONFIG_DIR", raising=False)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if os.name == "posix" and xdg and os.uname().sysname == "Linux":
        assert settings_path() == Path(xdg) / "MSP Desktop" / "settings.json"
    save_settings(Settings(idle_lock_minutes=7))
    assert load_settings().idle_lock_minutes == 7


def test_msp_config_dir_overrides_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSP_CONFIG_DIR", str(tmp_path / "cfg"))
    assert config_folder() == tmp_path / "cfg"
    save_settings(Settings(text_scale_percent=130))
    assert (tmp_path / "cfg" / "settings.json").is_file()
    assert load_settings().text_scale_percent == 130
