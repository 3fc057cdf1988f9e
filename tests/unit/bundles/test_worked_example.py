"""The worked example of docs/bundle-format.md is what the reference code makes today.

``docs/samples/make_bundle_example.py`` is run (it reads its own output back with the
reference reader and fails if anything is refused), and the files the document lists
in its manifest, whose content is the same on every run, must be exactly the files
the script seals now: same names, sizes and SHA-256.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from msp_desktop.bundles import AgeIdentity, PublicKey, open_bundle

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "bundle-format.md"
SCRIPT = ROOT / "docs" / "samples" / "make_bundle_example.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bundle_example", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documented_manifest() -> dict[str, object]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    shown = lines[lines.index("$ cat manifest.json") + 1]
    manifest: dict[str, object] = json.loads(shown)
    return manifest


def test_the_worked_example_is_made_and_read_back_by_todays_code(tmp_path: Path) -> None:
    script = _script()
    bundle = script.make(tmp_path)
    script.check(tmp_path, bundle)  # raises if the reference reader refuses anything

    inbox = AgeIdentity.from_text((tmp_path / "inbox.key").read_text(encoding="ascii"))
    device = PublicKey.from_text((tmp_path / "device.pub").read_text(encoding="ascii"))
    made = open_bundle(
        bundle.read_bytes(), identity=inbox, trusted_keys={device.key_id: device}
    ).manifest
    documented = _documented_manifest()
    assert documented["format_version"] == made.format_version == 2
    assert documented["files"] == [entry.model_dump() for entry in made.files]
    assert {"bundle_id", "device_id", "worker", "sequence", "created"} <= documented.keys()
    for field in ("bundle_id", "device_id", "worker", "sequence", "created"):
        assert documented[field] == getattr(made, field), field


def test_the_document_shows_the_trusted_comment_of_version_2() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.startswith("# MSP record bundle format, version 2\n")
    shown = [line for line in text.splitlines() if line.startswith("Trusted comment: msp-")]
    assert shown
    assert all(
        line.startswith(("Trusted comment: msp-bundle:2 ", "Trusted comment: msp-receipt:1 "))
        for line in shown
    )
