"""Where the workspace and the log live by default, per platform.

The workspace goes in the per-user *local* data folder (on Windows, AppData\\Local,
not the roaming profile that may be copied to a server). ``MSP_WORKSPACE`` and
``--workspace`` override it; ``MSP_LOG_DIR`` overrides the log folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from msp_desktop.errors import InvalidInput

APP_NAME = "MSP Desktop"
APP_AUTHOR = "MSP Desktop"


def expand_home(path: str | os.PathLike[str]) -> Path:
    """``path`` with a leading ``~`` or ``~user`` made the home folder it names; a
    ``~name`` for which there is no such user is refused in a sentence."""
    try:
        return Path(path).expanduser()
    except RuntimeError:  # "~nobody-here": no home folder to put there
        raise InvalidInput(
            f"{path} starts with a ~ that names no user's home folder on this computer; "
            "give the full path."
        ) from None


def default_workspace() -> Path:
    """The workspace folder used when none is given."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False)) / "workspace"


def workspace_folder(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The workspace folder: the explicit one, else ``MSP_WORKSPACE``, else the default."""
    if explicit:
        return expand_home(explicit)
    env = os.environ.get("MSP_WORKSPACE")
    if env:
        return expand_home(env)
    return default_workspace()


def log_folder() -> Path:
    """Where the (personal-data-free) log is written."""
    env = os.environ.get("MSP_LOG_DIR")
    if env:
        return expand_home(env)
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
