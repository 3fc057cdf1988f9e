"""Office packs from a folder (a USB stick): ``msp packs import FILE...``.

Each file is checked and applied on its own (``store.packs``), in the order given; a
refused file changes nothing and stops no other. Packs must be taken in their order,
so files are sorted by the pack number in their name first (the name is only a hint:
the number that counts is the one in the signed manifest, checked on applying).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from msp_desktop.bundles.archive import DEFAULT_LIMITS
from msp_desktop.errors import KnownError
from msp_desktop.input_files import read_input
from msp_desktop.store.packs import PackResult
from msp_desktop.store.workspace import Workspace

__all__ = ["PackOutcome", "import_packs"]

_NUMBER = re.compile(r"-pack-([0-9]{1,9})-")


@dataclass(frozen=True)
class PackOutcome:
    """One file: what it did, or why it was refused."""

    path: Path
    result: PackResult | None = None
    error: KnownError | None = None


def _number(path: Path) -> int:
    found = _NUMBER.search(path.name)
    return int(found[1]) if found else 0


def import_packs(ws: Workspace, paths: Sequence[Path]) -> list[PackOutcome]:
    """Check and apply each office pack, lowest pack number first; each on its own."""
    outcomes: list[PackOutcome] = []
    for path in sorted(paths, key=lambda p: (_number(p), p.name)):
        try:
            data = read_input(path, "an office pack", DEFAULT_LIMITS.max_bundle_bytes)
            result = ws.sync.import_pack(data)
        except KnownError as exc:
            outcomes.append(PackOutcome(path, error=exc))
        else:
            outcomes.append(PackOutcome(path, result=result))
    return outcomes
