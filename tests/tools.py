"""System tools some tests need, and what happens when one is missing.

Outside CI a missing tool skips its tests with the package to install; under
``CI=true`` it fails them, because CI installs every tool (``.ci/run``) and a skip
there would hide a test that never ran. ``.ci/run`` installs them on Linux only: on
Windows (the Windows check under Wine) a missing tool skips, even in CI, and the Linux
run is the one that checks its tests.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest


def require_tools(*tools: str, package: str) -> None:
    """Skip (or, in CI, fail) the calling test unless every one of ``tools`` is on PATH."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    if sys.platform == "win32":
        pytest.skip(f"{', '.join(missing)} not on PATH; the Linux run checks this ({package})")
    why = f"{', '.join(missing)} not installed (apt-get install {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide {why}")
    pytest.skip(why)
