"""Bad input is a sentence, never a bug (issue 15, item 9): the real ``msp`` program.

Each case the fault-injection run reported as "unexpected error" (exit 70) or as damage
is run here as a worker or a script would, and checked for its exit code, its one
sentence, and that the workspace did not change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from msp_desktop import fault_points
from msp_desktop.exit_codes import ExitCode
from tests.conftest import PASSPHRASE, snapshot
from tests.disk_faults import remount_read_only, small_tmpfs
from tests.e2e.conftest import MspRunner, msp_command, one_plain_line


@pytest.fixture
def folder(msp: MspRunner, tmp_path: Path) -> Path:
    """A real workspace with one person, made by ``msp``."""
    assert msp("init").returncode == 0
    assert msp("people", "add", "--name", "Ada Example").returncode == 0
    return tmp_path / "workspace"


def _private(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_a_passphrase_file_that_is_not_utf8_is_a_sentence(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    before = snapshot(folder)
    path = _private(tmp_path / "pass.txt", b"correct horse \xff\n")
    result = msp("check", "--passphrase-file", str(path), MSP_PASSPHRASE="")
    assert result.returncode == ExitCode.INVALID_INPUT
    assert one_plain_line(result.stderr) == (
        f"msp: {path} is not plain text in UTF-8 (line 1 holds other bytes), so it cannot "
        "be a passphrase file. Save it as UTF-8 and try again."
    )
    assert snapshot(folder) == before


@pytest.mark.posix_only(reason="named pipes and /dev/zero are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_pipe_or_device_as_passphrase_file_is_refused_at_once(
    msp: MspRunner, folder: Path, tmp_path: Path, kind: str
) -> None:
    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "pass.fifo"
        os.mkfifo(path, 0o600)
    result = msp("check", "--passphrase-file", str(path), MSP_PASSPHRASE="")  # 120 s cap
    assert result.returncode == ExitCode.INVALID_INPUT
    assert one_plain_line(result.stderr) == (
        f"msp: {path} is a device or a pipe, not a passphrase file."
    )


@pytest.mark.posix_only(reason="argv as raw bytes that are not UTF-8 is a POSIX notion")
def test_a_name_that_is_not_utf8_is_refused_not_stored(
    msp_env: dict[str, str], folder: Path
) -> None:
    before = snapshot(folder)
    result = subprocess.run(
        [*map(os.fsencode, msp_command()), b"people", b"add", b"--name", b"Ada \xff\xfe"],
        env=msp_env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.INVALID_INPUT
    assert one_plain_line(result.stderr) == (
        "msp: The name given is not text this program can read (it holds bytes that are "
        "not UTF-8); type it again. Nothing was changed."
    )
    assert snapshot(folder) == before


def test_a_name_stored_with_controls_is_printed_escaped(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    # Names are refused with controls now; one stored earlier (before the refusal, or by
    # an older version) is still listed, shown and never obeyed by the terminal.
    code = (
        "import sys; from pathlib import Path; from msp_desktop.store import Workspace; "
        "from msp_desktop.model import Person\n"
        "with Workspace.open(Path(sys.argv[1]), sys.argv[2]) as ws:\n"
        "    ws.people.add(Person(name='Evil\\x1b[2J\\x07 \\u202eNamE'))\n"
    )
    env = {**os.environ, "MSP_LOG_DIR": str(tmp_path / "logs")}
    subprocess.run([sys.executable, "-c", code, str(folder), PASSPHRASE], env=env, check=True,
                   timeout=120)  # fmt: skip
    result = msp("people", "list")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\u202e" not in result.stdout
    assert "Evil\\u001b[2J\\u0007 \\u202eNamE" in result.stdout
    listed = msp("people", "list", "--json")
    assert "\x1b" not in listed.stdout
    assert "\u202e" not in listed.stdout


@pytest.mark.parametrize("limit", ["1e20", "99999999999999999999", "0"])
def test_a_limit_out_of_range_is_a_sentence(msp: MspRunner, folder: Path, limit: str) -> None:
    result = msp("people", "list", "--limit", limit)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert "argument --limit:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("real_kdf_cost")
@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda text: text.replace(text.split('"nonce": "')[1].split('"')[0], ""),
         "the nonce has the wrong length"),
        (lambda _text: "[" * 100_000 + "]" * 100_000, "it is not readable JSON"),
    ],
    ids=["empty-nonce", "nested-100000-deep"],
)  # fmt: skip
def test_a_broken_key_file_is_damage_in_one_sentence(
    msp: MspRunner, folder: Path, damage: object, why: str
) -> None:
    keys = folder / "workspace.keys.json"
    keys.write_text(damage(keys.read_text()))  # type: ignore[operator]
    before = snapshot(folder)
    result = msp("check")
    assert result.returncode == ExitCode.DAMAGED
    assert f"is damaged ({why})" in one_plain_line(result.stderr)
    assert snapshot(folder) == before


def test_backup_to_an_existing_file_or_a_name_too_long_is_a_sentence(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"precious")
    result = msp("backup", "--to", str(existing))
    assert result.returncode == ExitCode.INVALID_INPUT
    assert one_plain_line(result.stderr) == (
        f"msp: {existing} already exists; choose a new name for the backup."
    )
    assert existing.read_bytes() == b"precious"
    too_long = tmp_path / ("b" * 300)
    result = msp("backup", "--to", str(too_long))
    assert result.returncode == ExitCode.INVALID_INPUT
    # POSIX says the name is too long when asked if it exists; Windows says only "no such
    # file" when it is made: either way one sentence naming where.
    said = one_plain_line(result.stderr)
    if sys.platform == "win32":
        assert said.startswith(f"msp: Could not write the backup to {tmp_path} (")
    else:
        assert said.startswith(f"msp: Cannot make a backup at {too_long}: file name too long")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.posix_only(reason="mounts a real read-only tmpfs")
def test_read_only_outputs_are_the_disk_not_a_bug(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    # The first enrolment makes the device key; enrolling again only writes the file.
    assert msp("enrol", "--out", str(tmp_path / "enrolment.json")).returncode == 0
    before = snapshot(folder)
    with small_tmpfs(tmp_path / "stick", "2m") as stick:
        remount_read_only(stick)
        cases = {
            "backup": (["backup", "--to", str(stick / "b.db")],
                       f"msp: Could not write the backup to {stick}: the disk is read-only"),
            "schema": (["schema", "--out", str(stick / "schemas")],
                       f"msp: The disk holding {stick / 'schemas'} is read-only"),
            "init": (["init", "--workspace", str(stick / "ws")],
                     f"msp: The disk holding {stick / 'ws'} is read-only"),
            "enrol": (["enrol", "--out", str(stick / "enrolment.json")],
                      f"msp: Could not write to {stick}: it cannot be written to"),
        }  # fmt: skip
        for name, (args, start) in cases.items():
            result = msp(*args)
            assert result.returncode == ExitCode.STORAGE_FULL, (name, result.stderr)
            assert one_plain_line(result.stderr).startswith(start), name
    assert snapshot(folder) == before


def test_a_backup_while_another_program_writes_copies_one_moment(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    """The app keeps saving while ``msp backup`` runs: the backup is whole, not damage."""
    writer = (
        "import sys, time; from pathlib import Path; from msp_desktop.store import Workspace;"
        " from msp_desktop.store.owner_lock import Holder; from msp_desktop.model import Person\n"
        "ws = Workspace.open(Path(sys.argv[1]), sys.argv[2], Holder.APP)\n"
        "print('open', flush=True)\n"
        "end = time.monotonic() + 20\n"
        "while time.monotonic() < end and not Path(sys.argv[3]).exists():\n"
        "    ws.people.add(Person(name='Writer'))\n"
        "ws.close()\n"
    )
    stop = tmp_path / "stop"
    env = {**os.environ, "MSP_LOG_DIR": str(tmp_path / "logs")}
    with subprocess.Popen(
        [sys.executable, "-c", writer, str(folder), PASSPHRASE, str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as app:
        try:
            assert app.stdout is not None
            assert app.stdout.readline().strip() == "open"
            results = [msp("backup", "--to", str(tmp_path / f"b{n}.db")) for n in range(3)]
        finally:
            stop.touch()
            app.wait(60)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Verified backup written to")


@pytest.mark.usefixtures("real_kdf_cost")
def test_what_a_killed_backup_left_is_cleaned_up_by_the_next(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    killed = msp("backup", "--to", str(stick / "first.db"),
                 **{fault_points.ENV: "backup:copied"})  # fmt: skip
    assert killed.returncode == fault_points.CRASH_EXIT
    left = [p.name for p in stick.iterdir()]
    assert len(left) == 1
    assert left[0].startswith(".first.db.")
    assert left[0].endswith(".tmp")
    result = msp("backup", "--to", str(stick / "second.db"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in stick.iterdir()) == ["second.db", "second.db.keys.json"]


def test_a_killed_write_does_not_block_or_litter_the_next(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "schemas"
    killed = msp("schema", "--out", str(out), **{fault_points.ENV: "write:before-rename"})
    assert killed.returncode == fault_points.CRASH_EXIT
    assert any(p.name.endswith(".tmp") for p in out.iterdir())
    result = msp("schema", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.posix_only(reason="named pipes are POSIX")
def test_office_import_of_a_pipe_is_refused_at_once(msp_office: MspRunner, tmp_path: Path) -> None:
    assert msp_office("init", "--office-id", "test-office", "--name", "Test").returncode == 0
    fifo = tmp_path / "bundle.mspbundle"
    os.mkfifo(fifo)
    result = msp_office("import", str(fifo))
    assert result.returncode == ExitCode.INVALID_INPUT
    assert f"{fifo} is a device or a pipe, not a bundle." in result.stderr
