"""The guides the app ships, and which one a visit is walked with.

Every ``resources/guides/<id>.toml`` is a guide a worker can choose when starting a
visit (the MSP visit guide first: it is the default). Every guide is written against
the same record model (``load_guide`` checks that), so any shipped guide can show any
stored visit; what differs is the conversation around the record.

A visit keeps the id and version of the guide it was started with
(``Visit.guide_id`` / ``guide_version``), and ``guide_for`` walks it with the shipped
guide of that id. Two cases need a decision:

- **Another version** (the guide file changed since the visit was started): the
  shipped version is used. A record holds the same fields whatever the guide's
  version, so nothing recorded is lost or hidden by the newer wording; the visit
  still says which version it was *started* with, which is the record of what the
  worker was shown first. Refusing to open it would leave a draft nobody can finish.
- **No such guide** (a guide withdrawn, or no guide recorded on an old visit): the
  default guide is used, for the same reason; the stored id is left as it is.

Guides are read once per process and kept (they are frozen values). No Qt.
"""

from __future__ import annotations

from functools import cache

from msp_desktop.guide.loader import DEFAULT_GUIDE, load_guide
from msp_desktop.guide.schema import Guide
from msp_desktop.model import Visit
from msp_desktop.resources import resource_root

__all__ = ["available_guides", "guide_file", "guide_for", "guide_named", "shipped_guide_ids"]

_SUFFIX = ".toml"


def shipped_guide_ids() -> list[str]:
    """The ids of the guide files shipped, the default first, then by id."""
    folder = resource_root() / "guides"
    ids = sorted(
        item.name.removesuffix(_SUFFIX)
        for item in folder.iterdir()
        if item.is_file() and item.name.endswith(_SUFFIX)
    )
    return sorted(ids, key=lambda guide_id: guide_id != DEFAULT_GUIDE)


def guide_file(file_name: str) -> str:
    """Where the shipped guide file ``file_name`` is, for the person who must fix it."""
    return str(resource_root() / "guides" / file_name)


@cache
def _loaded(guide_id: str) -> Guide:
    return load_guide(guide_id)


def available_guides() -> list[Guide]:
    """Every shipped guide, loaded and checked, the default (MSP visit) guide first.

    Raises ``GuideError`` naming the file and line if any of them is wrong, so a
    broken guide is found when the app starts, not when a worker picks it.
    """
    return [_loaded(guide_id) for guide_id in shipped_guide_ids()]


def guide_named(guide_id: str | None) -> Guide | None:
    """The shipped guide with ``guide_id``; ``None`` when there is none of that id."""
    if guide_id is None or guide_id not in shipped_guide_ids():
        return None
    return _loaded(guide_id)


def guide_for(visit: Visit) -> Guide:
    """The guide to walk ``visit`` with: the shipped guide of its ``guide_id`` whatever
    version it was started with, or the default guide when that id is not shipped
    (see the module's documentation for why)."""
    return guide_named(visit.guide_id) or _loaded(DEFAULT_GUIDE)
