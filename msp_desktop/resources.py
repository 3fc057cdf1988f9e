"""The one loader for data the app ships (``resources/`` in the source tree).

In a wheel or the frozen app the folder travels inside this package as
``msp_desktop/_resources``; in a development checkout it is the top-level
``resources`` folder, importable as a namespace package from the project root.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def resource_root() -> Traversable:
    """The root of the shipped resources."""
    packaged = resources.files("msp_desktop") / "_resources"
    if packaged.is_dir():
        return packaged
    return resources.files("resources")


def resource(*parts: str) -> Traversable:
    """A shipped file, e.g. ``resource("icons", "app.svg")``; unknown names raise."""
    item = resource_root()
    for part in parts:  # one part at a time: 3.11's namespace paths take a single name
        item = item / part
    if not item.is_file():
        raise FileNotFoundError(f"MSP Desktop resource not found: {'/'.join(parts)}")
    return item
