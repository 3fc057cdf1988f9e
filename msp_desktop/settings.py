"""The person's preferences: one typed, versioned model, saved as a small JSON file.

Only preferences live here, never a secret, a passphrase or personal data: the file is
readable by anyone who can read the person's profile. A missing file means the defaults;
a damaged or unreadable one also means the defaults, and is left exactly as it was (a
support person may want to look at it), with a warning in the log that never quotes it.

The file lives in the per-user config folder; ``MSP_CONFIG_DIR`` overrides the folder.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from msp_desktop.atomic import write_atomic
from msp_desktop.i18n import N_, Message
from msp_desktop.owner_only import make_private_folder
from msp_desktop.paths import APP_AUTHOR, APP_NAME, expand_home

SETTINGS_FILE = "settings.json"
SCHEMA_VERSION: Literal[1] = 1

log = logging.getLogger("msp.settings")

# The settings dialog shows these too (as tooltips), so they are marked for translation.
DESCRIPTIONS: dict[str, Message] = {
    "idle_lock_minutes": N_(
        "Lock the workspace after this many minutes without keyboard or mouse use."
    ),
    "clipboard_clear_seconds": N_(
        "Clear text copied from the app off the clipboard after this many seconds."
    ),
    "text_scale_percent": N_("Size of all text, as a percentage of the normal size."),
    "high_contrast": N_("Use strong black-on-white colours and a thick focus outline."),
}


class Settings(BaseModel):
    """Every preference of the desktop app, with its default and allowed range."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    schema_version: Literal[1] = Field(
        default=SCHEMA_VERSION,
        description="Version of this file's layout; each change adds a migration step.",
    )
    idle_lock_minutes: int = Field(
        default=5,
        ge=1,
        le=60,
        description=DESCRIPTIONS["idle_lock_minutes"],
    )
    clipboard_clear_seconds: int = Field(
        default=30,
        ge=5,
        le=300,
        description=DESCRIPTIONS["clipboard_clear_seconds"],
    )
    text_scale_percent: int = Field(
        default=100,
        ge=100,
        le=200,
        description=DESCRIPTIONS["text_scale_percent"],
    )
    high_contrast: bool = Field(
        default=False,
        description=DESCRIPTIONS["high_contrast"],
    )


def config_folder() -> Path:
    """The folder of the settings file: ``MSP_CONFIG_DIR``, else the per-user config folder."""
    env = os.environ.get("MSP_CONFIG_DIR")
    if env:
        return expand_home(env)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def settings_path() -> Path:
    """Where the settings are read from and saved to."""
    return config_folder() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings; the defaults when the file is missing, damaged or invalid."""
    path = path or settings_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.warning(
            "Could not read %s (%s); using the default settings", path.name, type(exc).__name__
        )
        return Settings()
    try:
        # JSON mode, so strict validation still accepts what JSON itself can hold.
        return Settings.model_validate_json(data)
    except ValidationError as exc:
        # The errors quote the rejected values; only which fields failed is logged.
        fields = sorted({".".join(str(p) for p in err["loc"]) or "file" for err in exc.errors()})
        log.warning(
            "%s is damaged or invalid (%s); using the defaults and leaving the file as it is",
            path.name,
            ", ".join(fields),
        )
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` atomically and owner-only (raises ``StorageFull`` on a full disk)."""
    path = path or settings_path()
    make_private_folder(path.parent)
    text = json.dumps(settings.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    write_atomic(path, text.encode("utf-8"))
