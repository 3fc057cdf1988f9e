"""The export's files, and the folder they go in (``--out DIR``).

The folder must be new or empty: an export never mixes with an earlier one, nor
replaces a file someone else put there. Every file is built in memory first, so a
refusal (a damaged record, a folder that is not empty) writes nothing; then the folder
is made owner-only if missing and each file written atomically and owner-only, as
every office file holding personal data is (``office.files``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from msp_desktop.errors import InvalidInput
from msp_desktop.office.export.csv_export import csv_files
from msp_desktop.office.export.fhir import person_bundle, resource_uuid
from msp_desktop.office.export.select import PersonRecords
from msp_desktop.office.files import make_private_folder, write_atomic
from msp_desktop.volumes import on_read_only_volume

__all__ = ["FORMATS", "check_out_folder", "export_files", "write_files"]

FORMATS = ("fhir", "csv")


def export_files(
    people: tuple[PersonRecords, ...], fmt: str, *, timestamp: str | None = None
) -> dict[str, bytes]:
    """File name -> bytes: for ``fhir`` one Bundle per person (``patient-<uuid>.json``,
    the Patient's id), for ``csv`` the five files of ``csv_export.COLUMNS``."""
    if fmt == "csv":
        return csv_files(people)
    files: dict[str, bytes] = {}
    for records in people:
        name = f"patient-{resource_uuid('person', records.person.id)}.json"
        bundle = person_bundle(records, timestamp=timestamp)
        files[name] = (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def _nearest_existing(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


def check_out_folder(out: Path) -> None:
    """Refuse, in one sentence, a folder that holds anything, is a file, or cannot be
    written (nor made, if missing); nothing is written here."""
    try:
        if out.is_dir():
            if any(out.iterdir()):
                raise InvalidInput(
                    f"The folder {out} already holds files; give an empty or new folder "
                    "for --out (nothing was written)."
                )
            where = out
        elif out.exists() or out.is_symlink():
            raise InvalidInput(
                f"{out} is not a folder; give an empty or new folder for --out "
                "(nothing was written)."
            )
        else:
            where = _nearest_existing(out.parent)
            if not where.is_dir():
                raise InvalidInput(
                    f"{out} cannot be made: {where} is not a folder (nothing was written)."
                )
    except OSError as exc:
        raise InvalidInput(
            f"The folder {out} cannot be read ({exc.strerror or 'refused'}); nothing was written."
        ) from None
    if on_read_only_volume(where):
        raise InvalidInput(
            f"The folder {where} is on a read-only disk (a locked stick?); give another "
            "folder for --out (nothing was written)."
        )
    if not os.access(where, os.W_OK | os.X_OK):
        raise InvalidInput(
            f"The folder {where} cannot be written by this account; give another folder "
            "for --out (nothing was written)."
        )


def write_files(out: Path, files: dict[str, bytes]) -> None:
    """Make ``out`` (owner-only) if missing and write each file atomically, owner-only."""
    try:
        make_private_folder(out)
    except OSError as exc:
        raise InvalidInput(
            f"The folder {out} could not be made ({exc.strerror or 'refused'}); nothing "
            "was written."
        ) from None
    for name, data in files.items():
        write_atomic(out / name, data)
