"""Trusting an office and enrolling this device: the set-up before records can be sent.

The office gives the worker a signed ``office-keys.json`` and reads out its key id; the
worker imports it (after comparing the id) and hands back this device's signed
enrolment file. The command line (``msp init --office-keys``, ``msp office-keys
import``, ``msp enrol``) and the app's sync page call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from msp_desktop.bundles.provisioning import Provisioning, read_enrolment, read_provisioning
from msp_desktop.errors import InvalidInput
from msp_desktop.services.files import read_small, write_public_file
from msp_desktop.store.sync_keys import FIRST_KEYS_NEED_KEY_ID
from msp_desktop.store.workspace import Workspace

__all__ = ["Enrolled", "read_office_keys", "require_key_id", "trust_office", "write_enrolment"]


def read_office_keys(path: Path, expected_key_id: str | None = None) -> tuple[bytes, Provisioning]:
    """Read an office keys file and check its signature (and key id, if given).

    Changes nothing, so it can run before a workspace even exists: a bad file leaves no
    half-set-up workspace behind.
    """
    data = read_small(path, "an office keys file")
    return data, read_provisioning(data, expected_key_id=expected_key_id)


def require_key_id(expected_key_id: str | None) -> None:
    """Refuse to trust a first office on its file's own word: the office key id it read
    out must be given (``InvalidInput``, in one sentence, otherwise)."""
    if not expected_key_id:
        raise InvalidInput(FIRST_KEYS_NEED_KEY_ID)


def trust_office(ws: Workspace, data: bytes, expected_key_id: str | None) -> Provisioning:
    """Keep the office's keys (checked again against ``expected_key_id``) and seal the
    database key to its recovery key as well (S14). A refused file changes nothing."""
    return ws.import_office_keys(data, expected_key_id)


@dataclass(frozen=True)
class Enrolled:
    """The enrolment file written: for which device, with which key."""

    path: Path
    device_id: str
    key_id: str


def write_enrolment(
    ws: Workspace, path: Path, device_id: str | None = None, *, new_key: bool = False
) -> Enrolled:
    """Write this device's signed enrolment file (making the device key the first time,
    or a new one with ``new_key``) to ``path``: public data only, readable by the office."""
    data = ws.sync.enrol(device_id, new_key=new_key)
    write_public_file(path, data)
    return Enrolled(path, ws.sync.device_id() or "", read_enrolment(data).key_id)
