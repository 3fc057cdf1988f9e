"""One admin model: msp-office runs as the office folder's owner; root only when allowed,
and then what it makes is handed to that owner; and a failure never says "unchanged"
of a database that changed.

The issue's crash, reproduced with two real accounts: root (the admin who forgot
``sudo -u``) and the office's service account (``nobody`` here). The service account's
commands run in a forked child that has dropped to that account (setgroups, setgid,
setuid), as a separate process of that user would; so these tests need root, which CI
is.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from msp_desktop.bundles import AgeRecipient
from msp_desktop.office import importer
from msp_desktop.office.cli.main import main
from msp_desktop.office.keys import OfficeLayout, load_config
from tests.office_helpers import FakeDevice, caseload
from tests.platforms import ON_WINDOWS

pytestmark = pytest.mark.posix_only("root, accounts and chown are POSIX")

SERVICE_UID = SERVICE_GID = 65534  # nobody / nogroup on Debian
needs_root = pytest.mark.skipif(
    ON_WINDOWS or os.geteuid() != 0,
    reason="acts as two accounts (root and the office's service account): needs root, as CI is",
)


@dataclass
class Done:
    """What one msp-office run did."""

    code: int
    out: str
    err: str


@dataclass
class Site:
    """An office folder the service account owns, and a bundle for each sequence."""

    base: Path
    layout: OfficeLayout
    bundles: list[Path]

    @property
    def root(self) -> str:
        return str(self.layout.root)

    def bundle_count(self) -> int:
        with sqlite3.connect(self.layout.database.as_uri() + "?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM bundles").fetchone()[0])


def as_service(*args: str, base: Path) -> Done:
    """``msp-office ARGS`` in a child process running as the service account."""
    out, err = base / "child.out", base / "child.err"
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            sys.stdout = out.open("w", encoding="utf-8")
            sys.stderr = err.open("w", encoding="utf-8")
            os.setgroups([])
            os.setgid(SERVICE_GID)
            os.setuid(SERVICE_UID)
            code = main(list(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return Done(os.waitstatus_to_exitcode(status), out.read_text("utf-8"), err.read_text("utf-8"))


def as_root(capsys: pytest.CaptureFixture[str], *args: str) -> Done:
    """``msp-office ARGS`` in this process (root, allowed by tests/conftest.py)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return Done(code, captured.out, captured.err)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for folder, subfolders, names in os.walk(path):
        for name in subfolders + names:
            os.chown(Path(folder) / name, uid, gid)


@pytest.fixture
def site(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """An office made by the service account (here: made, then given to it, as the
    guide's ``sudo -u msp-office msp-office init`` would leave it), one device enrolled,
    and its first two bundles written where both accounts can read them."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    monkeypatch.delenv("MSP_OFFICE_DIR", raising=False)
    base = Path(tempfile.mkdtemp(prefix="msp-admin-"))  # /tmp: pytest's tmp_path is root's 0700
    try:
        layout = OfficeLayout(base / "office")
        assert as_root(capsys, "init", "--dir", str(layout.root), "--office-id", "north",
                       "--name", "North").code == 0  # fmt: skip
        device = FakeDevice()
        enrolment = base / "enrolment.json"
        enrolment.write_bytes(device.enrolment())
        assert (
            as_root(capsys, "devices", "add", str(enrolment), "--dir", str(layout.root)).code == 0
        )
        inbox = AgeRecipient.from_text(load_config(layout).inbox_recipient)
        bundles = []
        for n in (1, 2):
            path = base / f"bundle-{n}.mspbundle"
            path.write_bytes(device.bundle(inbox, caseload(f"Person {n}").envelopes()).data)
            bundles.append(path)
        _chown_tree(base, SERVICE_UID, SERVICE_GID)
        yield Site(base, layout, bundles)
    finally:
        shutil.rmtree(base)


@needs_root
def test_root_refused_unless_allowed_naming_the_office_folders_owner(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MSP_OFFICE_ALLOW_ROOT")
    before = sorted(str(p) for p in site.layout.root.rglob("*"))
    sentence = (
        "msp-office: msp-office does not run as root: run it as the office folder's owner, "
        "nobody (sudo -u nobody msp-office ...); in a container where root owns the office, "
        "add --allow-root or set MSP_OFFICE_ALLOW_ROOT=1."
    )
    for command in (
        ["status"],
        ["import", str(site.bundles[0])],
        ["migrate"],
        ["migrate", "--dry-run"],
        ["backup", "--out", str(site.base / "b.mspbackup")],
        ["backup", "verify", str(site.base / "b.mspbackup")],
        ["devices", "list"],
    ):
        done = as_root(capsys, *command, "--dir", site.root)
        assert (done.code, done.out, done.err.strip()) == (2, "", sentence), command
    assert sorted(str(p) for p in site.layout.root.rglob("*")) == before
    assert site.bundle_count() == 0
    # init too, before it makes anything; the owner is then the folder it would go in.
    done = as_root(capsys, "init", "--dir", str(site.base / "new"), "--office-id", "x",
                   "--name", "X")  # fmt: skip
    assert done.code == 2
    assert "run it as the office folder's owner, nobody" in done.err
    assert not (site.base / "new").exists()

    # Allowed: by the option (before or after the command) or by the variable.
    assert as_root(capsys, "status", "--allow-root", "--dir", site.root).code == 0
    assert as_root(capsys, "--allow-root", "status", "--dir", site.root).code == 0
    monkeypatch.setenv("MSP_OFFICE_ALLOW_ROOT", "1")
    assert as_root(capsys, "status", "--dir", site.root).code == 0


@needs_root
def test_files_root_makes_are_the_office_owners_so_the_service_account_goes_on(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    # The issue: the admin imports as root, then the service account imports the next.
    done = as_root(capsys, "import", str(site.bundles[0]), "--dir", site.root)
    assert done.code == 0, done.err
    for made in (site.layout.receipts, *site.layout.receipts.iterdir()):
        assert (made.stat().st_uid, made.stat().st_gid) == (SERVICE_UID, SERVICE_GID), made
    backup = site.base / "office.mspbackup"
    assert as_root(capsys, "backup", "--out", str(backup), "--dir", site.root).code == 0
    assert (backup.stat().st_uid, backup.stat().st_mode & 0o777) == (SERVICE_UID, 0o600)

    done = as_service("import", str(site.bundles[1]), "--dir", site.root, base=site.base)

    assert done.code == 0, done.err
    assert "imported: device" in done.out
    assert site.bundle_count() == 2
    assert len(list(site.layout.receipts.iterdir())) == 2


@needs_root
def test_a_root_owned_receipts_folder_is_refused_before_anything_changes(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    # What an earlier msp-office run as root left behind: a receipts folder of root's.
    assert as_service("import", str(site.bundles[0]), "--dir", site.root, base=site.base).code == 0
    _chown_tree(site.layout.receipts, 0, 0)
    database = site.layout.database.read_bytes()

    done = as_service("import", str(site.bundles[1]), "--dir", site.root, base=site.base)

    assert done.code == 2
    assert done.err.strip() == (
        f"msp-office: {site.layout.receipts} belongs to root and nobody cannot write it, so "
        "nothing was done; give it back to the office folder's owner "
        f"(chown -R nobody: {site.layout.receipts})."
    )
    assert "unchanged" not in done.err
    assert site.bundle_count() == 1
    assert site.layout.database.read_bytes() == database


def test_a_receipt_that_cannot_be_written_says_the_bundle_was_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The receipts folder turns unwritable between the check and the write (another
    admin's chmod): the database has the bundle, and the sentence says so."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    office = tmp_path / "office"
    main(["init", "--dir", str(office), "--office-id", "north", "--name", "North"])
    device = FakeDevice()
    (tmp_path / "enrolment.json").write_bytes(device.enrolment())
    main(["devices", "add", str(tmp_path / "enrolment.json"), "--dir", str(office)])
    inbox = AgeRecipient.from_text(load_config(OfficeLayout(office)).inbox_recipient)
    bundle = tmp_path / "bundle.mspbundle"
    bundle.write_bytes(device.bundle(inbox, caseload().envelopes()).data)
    capsys.readouterr()

    def refused(path: Path, data: bytes, *, mode: int = 0o600) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(importer, "write_atomic", refused)
        assert main(["import", str(bundle), "--dir", str(office)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"msp-office: {bundle}: The bundle was imported, but its receipt could")
    assert err.endswith("as the office folder's owner, import the same file again to write it.")
    assert "unchanged" not in err

    assert main(["import", str(bundle), "--dir", str(office)]) == 0
    assert "already imported" in capsys.readouterr().out
    assert len(list((office / "receipts").iterdir())) == 1


def test_a_bug_after_the_commit_never_says_the_database_is_unchanged(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    expect_logged_error: Callable[..., None],
) -> None:
    expect_logged_error("msp.office", "unexpected error")
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    office = tmp_path / "office"
    main(["init", "--dir", str(office), "--office-id", "north", "--name", "North"])
    device = FakeDevice()
    (tmp_path / "enrolment.json").write_bytes(device.enrolment())
    main(["devices", "add", str(tmp_path / "enrolment.json"), "--dir", str(office)])
    inbox = AgeRecipient.from_text(load_config(OfficeLayout(office)).inbox_recipient)
    bundle = tmp_path / "bundle.mspbundle"
    bundle.write_bytes(device.bundle(inbox, caseload().envelopes()).data)
    capsys.readouterr()

    def broken(folder: Path, sha256: str) -> bool:
        raise RuntimeError("a bug after the commit")

    monkeypatch.setattr(importer, "release", broken)
    assert main(["import", str(bundle), "--dir", str(office)]) == 70
    err = capsys.readouterr().err
    assert "unchanged" not in err
    assert "whatever it finished before (an imported bundle, an enrolled device) is kept" in err
    main(["status", "--json", "--dir", str(office)])
    assert json.loads(capsys.readouterr().out)["bundles"] == 1


@needs_root
def test_a_backup_by_the_service_account_names_a_file_it_cannot_read(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = site.layout.root / "alerts.log"
    stray.write_text("{}\n")
    os.chmod(stray, 0o600)  # root's, as an msp-office run as root once left it
    out = site.base / "office.mspbackup"

    done = as_service("backup", "--out", str(out), "--dir", site.root, base=site.base)

    assert done.code == 2
    assert done.err.strip() == (
        f"msp-office: Cannot read {stray} (it belongs to another account), so no backup was "
        "written; give it back to the office folder's owner (chown) and run the backup as "
        "that account."
    )
    assert not out.exists()
    assert [p.name for p in site.base.iterdir() if p.name.startswith(".office")] == []
