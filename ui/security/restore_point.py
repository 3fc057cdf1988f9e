"""Where the person was when the workspace locked, so unlocking returns them there.

Each page that has a "place" registers a hook under a stable key: ``save()`` returns a
small value describing the place (a record id, a tab index), and
``restore(value)`` goes back to it once the workspace is open again. The session saves
every hook just before it empties the views on lock and restores them, once, right after
unlocking; the values are then forgotten.

The values stay in memory only, never on disk, and are dropped when the app ends. Hooks
should save *where* the person was (ids, indexes), not record contents: the views are
emptied on lock and the restore step reads the records again from the workspace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from msp_desktop.logs import scrubbed_traceback

log = logging.getLogger("msp.ui")


@dataclass(frozen=True)
class _Hook:
    save: Callable[[], Any]
    restore: Callable[[Any], None]


class RestorePoint:
    """The registered places of the app's pages and the values saved at the last lock."""

    def __init__(self) -> None:
        self._hooks: dict[str, _Hook] = {}
        self._saved: dict[str, Any] = {}

    def register(self, key: str, save: Callable[[], Any], restore: Callable[[Any], None]) -> None:
        """Take part in lock and unlock under ``key`` (registering again replaces)."""
        self._hooks[key] = _Hook(save, restore)

    def unregister(self, key: str) -> None:
        """Stop taking part (a page that is going away)."""
        self._hooks.pop(key, None)
        self._saved.pop(key, None)

    @property
    def saved(self) -> Mapping[str, Any]:
        """The values saved at the last lock and not yet restored."""
        return dict(self._saved)

    def save(self) -> None:
        """Ask every hook where the person is (called just before the views empty)."""
        self._saved = {}
        for key, hook in self._hooks.items():
            try:
                self._saved[key] = hook.save()
            except Exception as exc:  # noqa: BLE001 - a lost place must never stop a lock
                log.error("Could not save the place of %s:\n%s", key, scrubbed_traceback(exc))

    def restore(self) -> None:
        """Send every hook back to its saved place, once (called right after unlocking)."""
        saved, self._saved = self._saved, {}
        for key, value in saved.items():
            hook = self._hooks.get(key)
            if hook is None:
                continue
            try:
                hook.restore(value)
            except Exception as exc:  # noqa: BLE001 - the workspace is open either way
                log.error("Could not restore the place of %s:\n%s", key, scrubbed_traceback(exc))

    def forget(self) -> None:
        """Drop the saved values (the app is ending)."""
        self._saved = {}
