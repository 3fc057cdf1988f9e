"""Where the workspace and the log live by default, per platform.

The workspace goes in the per-user *local* data folder (on Windows, AppData\\Local,
not the roaming profile that may be copied to a server). ``MSP_WORKSPACE`` and
``--workspace`` override it; ``MSP_LOG_DIR`` overrides the log folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "MSP Desktop"
APP_AUTHOR = "MSP Desktop"


def default_workspace() -> Path:
    """The workspace folder used when none is given."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False)) / "workspace"


def workspace_folder(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The workspace folder: the explicit one, else ``MSP_WORKSPACE``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("MSP_WORKSPACE")
    if env:
        return Path(env).expanduser()
    return default_workspace()


def log_folder() -> Path:
    """Where the (personal-data-free) log is written."""
    env = os.environ.get("MSP_LOG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
