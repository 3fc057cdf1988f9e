"""The office walkthrough (docs/office-walkthrough.md) as its runner reads it, and the
``systemctl`` stand-in that runs its unit where systemd is not running.

``make office-walkthrough`` runs the page itself, as root on CI's throwaway machine;
these check, on any machine, that the runner runs every ``sh`` block and nothing else,
that the page's unit is the office guide's, and that the stand-in starts a real unit
file's process as systemd would (account, environment, umask, log folder) and stops it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

# The walkthrough is a Debian server's, and the stand-in reads accounts with pwd.
pwd = pytest.importorskip("pwd", reason="the office walkthrough runs on a Linux server")

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "office-walkthrough.md"
GUIDE = ROOT / "docs" / "office-guide.md"


def _load(name: str) -> ModuleType:
    # packaging/ is not a package (its name is PyPI's packaging library's): load by path.
    path = ROOT / "packaging" / "office" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


walkthrough = _load("walkthrough")
standin = _load("systemctl_standin")


def test_every_sh_block_runs_in_order_and_nothing_else() -> None:
    page = PAGE.read_text(encoding="utf-8")
    found = walkthrough.blocks(page)
    openings = [n for n, line in enumerate(page.splitlines(), 1) if line == "```sh"]
    assert [b.line for b in found] == openings
    assert len(found) >= 15
    text = walkthrough.script(page)
    # Each block appears whole, announced with its line, in the page's order.
    at = [text.index(f"line {b.line}'") for b in found]
    assert at == sorted(at)
    assert all(b.text in text for b in found)
    # The page's shown output and file contents (text, ini, nginx blocks) are not run.
    assert "Office key id: EE98" not in text
    assert text.startswith("set -euo pipefail\n")
    checked = subprocess.run(["bash", "-n"], input=text, text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr


def test_the_start_again_block_runs_first() -> None:
    # CI's machine may be a snapshot of one that ran the page: the accounts, database
    # and files are there (useradd then refused the existing account, and CI failed).
    page = PAGE.read_text(encoding="utf-8")
    again = walkthrough.start_again(page)
    assert "userdel" in again.text
    assert again.text not in "\n".join(b.text for b in walkthrough.blocks(page))
    text = walkthrough.script(page)
    first = walkthrough.blocks(page)[0]
    assert text.index(again.text) < text.index(first.text)
    with pytest.raises(ValueError, match="has 0 'sh start-again' blocks, not one"):
        walkthrough.script("```sh\necho one\n```\n")
    twice = "```sh start-again\ntrue\n```\n" * 2
    with pytest.raises(ValueError, match="has 2 'sh start-again' blocks, not one"):
        walkthrough.start_again(twice)


def test_starting_again_removes_everything_the_page_makes() -> None:
    page = PAGE.read_text(encoding="utf-8")
    run = "\n".join(b.text for b in walkthrough.blocks(page))
    again = walkthrough.start_again(page).text
    # Every account the page adds is removed, with its group.
    added = re.findall(r"^useradd .* (\S+)$", run, re.MULTILINE)
    assert sorted(added) == ["msp-office", "worker"]
    loop = re.search(r"^for account in (.+); do$", again, re.MULTILINE)
    assert loop is not None
    assert sorted(loop.group(1).split()) == sorted(added)
    assert 'userdel "$account"' in again
    assert 'groupdel "$account"' in again
    # The database and its role.
    made_in_postgres = re.findall(r"sudo -u postgres (createdb|createuser) .*?(\S+)$", run, re.M)
    assert sorted(made_in_postgres) == [("createdb", "msp_office"), ("createuser", "msp-office")]
    for made in made_in_postgres:
        dropped = {"createdb": "dropdb", "createuser": "dropuser"}[made[0]]
        assert f"-- {dropped} --if-exists {made[1]}\n" in again + "\n"
    # Every file or folder it names outside the packages' own is under one removed.
    removed = re.search(r"^rm -rf ((?:.*\\\n)*.*)$", again, re.MULTILINE)
    assert removed is not None
    gone = removed.group(1).replace("\\\n", " ").split()
    named = set(re.findall(r"(?<![\w.$}])(/(?:srv|opt|etc|var|tmp|home)/[\w./-]*)", run))
    named -= {"/etc/hosts"}
    assert len(named) > 15
    left = [p for p in named if not any(p == g or p.startswith(g + "/") for g in gone)]
    assert left == []
    # The name the page adds to /etc/hosts is the one taken out.
    line = re.search(r'^echo "(.+)" >> /etc/hosts$', run, re.MULTILINE)
    pattern = re.search(r"grep -v '(.+)' /etc/hosts", again)
    assert line is not None
    assert pattern is not None
    assert re.search(pattern.group(1), line.group(1))
    checked = subprocess.run(["bash", "-n"], input=again, text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr


def test_a_block_never_closed_is_refused() -> None:
    with pytest.raises(ValueError, match="line 3 is never closed"):
        walkthrough.blocks("# Title\n\n```sh\necho one\n")


def test_the_blocks_get_no_msp_settings_from_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    # CI sets MSP_OFFICE_ALLOW_ROOT for the tests: the page must not lean on it.
    monkeypatch.setenv("MSP_OFFICE_ALLOW_ROOT", "1")
    monkeypatch.setenv("MSP_OFFICE_DIR", "/elsewhere")
    env = walkthrough.environment(ROOT, Path("/stand-in"))
    assert sorted(k for k in env if k.startswith("MSP_")) == ["MSP_SRC", "MSP_SRC_NEW"]
    assert env["MSP_SRC"] == str(ROOT)
    assert env["PATH"].split(os.pathsep)[0] == "/stand-in"


def test_the_runner_refuses_a_machine_not_said_to_be_throwaway(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MSP_WALKTHROUGH_THROWAWAY", raising=False)
    assert walkthrough.main([]) == 2
    err = capsys.readouterr().err
    assert "run it only on a throwaway machine, with MSP_WALKTHROUGH_THROWAWAY=1" in err


def _unit_lines(text: str) -> list[str]:
    """The unit's lines, less those that name the database (the one difference)."""
    skip = ("Environment=\"MSP_OFFICE_DB=", "Environment=PGPASSFILE=",
            "# Only for a database on another server")  # fmt: skip
    return [line for line in text.splitlines() if not line.startswith(skip)]


def test_the_pages_unit_is_the_guides_but_for_the_database() -> None:
    page = PAGE.read_text(encoding="utf-8")
    written = re.search(r"cat > /etc/systemd/system/msp-office.service <<'EOF'\n(.*?)\nEOF\n",
                        page, re.DOTALL)  # fmt: skip
    guide = GUIDE.read_text(encoding="utf-8")
    shown = re.search(r"### systemd unit\n.*?```ini\n(.*?)\n```", guide, re.DOTALL)
    assert written is not None
    assert shown is not None
    assert _unit_lines(written.group(1)) == _unit_lines(shown.group(1))
    assert "After=network-online.target postgresql.service" in written.group(1)
    local = 'Environment="MSP_OFFICE_DB=postgresql:///msp_office?host=/run/postgresql"'
    assert local in written.group(1).splitlines()
    assert "PGPASSFILE" not in written.group(1)  # peer login: no password file


def test_the_stand_in_reads_a_unit_as_systemd_does() -> None:
    unit = standin.parse_unit("x", GUIDE_UNIT)
    assert (unit.user, unit.group, unit.working_directory) == ("svc", "svc", "/srv/x")
    assert unit.environment == {
        "A": "1",
        "B": "two words",
        "C": "3",
        "URL": "postgresql:///db?host=/run/postgresql&x=%41",  # %% is one %
    }
    assert unit.umask == 0o077
    assert unit.logs_directory == "x"
    assert unit.exec_start == ["/opt/x/bin/x", "serve", "--host", "127.0.0.1", "--port", "8080"]


GUIDE_UNIT = """\
[Unit]
Description=test
After=network-online.target postgresql.service

[Service]
User=svc
Group=svc
WorkingDirectory=/srv/x
Environment=A=1 "B=two words"
Environment=C=3
# a comment
Environment="URL=postgresql:///db?host=/run/postgresql&x=%%41"
LogsDirectory=x
ExecStart=/opt/x/bin/x serve \\
    --host 127.0.0.1 --port 8080
UMask=0077
ProtectSystem=strict
"""


def test_the_stand_in_refuses_what_it_would_not_carry_out() -> None:
    with pytest.raises(standin.UnitError, match="does not know CPUQuota="):
        standin.parse_unit("x", "[Service]\nCPUQuota=20%\nExecStart=/bin/true\n")
    with pytest.raises(standin.UnitError, match="no ExecStart="):
        standin.parse_unit("x", "[Service]\nUser=svc\n")
    with pytest.raises(standin.UnitError, match="does not do 'mask'"):
        standin.run(["mask", "x"])


def test_the_stand_in_starts_and_stops_a_units_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units, state, logs = tmp_path / "units", tmp_path / "state", tmp_path / "log"
    units.mkdir()
    monkeypatch.setattr(standin, "UNITS", units)
    monkeypatch.setattr(standin, "STATE", state)
    monkeypatch.setattr(standin, "LOGS", logs)
    monkeypatch.setattr(standin, "INIT_D", tmp_path / "init.d")
    me = pwd.getpwuid(os.getuid()).pw_name
    out = tmp_path / "out.txt"
    program = (
        "import os, sys, time; "
        f"open({str(out)!r}, 'w').write(os.environ['GREETING'] + ' ' + os.getcwd()); "
        "time.sleep(120)"
    )
    (units / "demo.service").write_text(
        f"[Service]\nUser={me}\nWorkingDirectory={tmp_path}\n"
        'Environment="GREETING=hello there"\nUMask=0077\nLogsDirectory=demo\n'
        f'ExecStart={sys.executable} -c "{program}"\n',
        encoding="utf-8",
    )
    assert standin.run(["daemon-reload"]) == 0
    assert standin.run(["enable", "--now", "demo"]) == 0
    try:
        for _ in range(100):
            if out.exists() and out.read_text():
                break
            time.sleep(0.05)
        assert out.read_text() == f"hello there {tmp_path}"
        assert out.stat().st_mode & 0o777 == 0o600  # UMask=0077
        assert (logs / "demo").is_dir()
        assert standin.run(["is-active", "demo"]) == 0
    finally:
        assert standin.run(["stop", "demo.service"]) == 0
    assert standin.run(["is-active", "demo"]) == 3
    with pytest.raises(standin.UnitError, match=r"Unit other\.service not found"):
        standin.run(["start", "other"])


def test_the_stand_in_takes_a_pid_file_from_another_boot_for_a_stopped_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine restored from a snapshot keeps /run's pid files; the pid they name may
    # be some other process now. Seen as running, it would be signalled by stop and
    # would stop start from starting the service.
    monkeypatch.setattr(standin, "STATE", tmp_path)
    me = os.getpid()  # a live process, and not a zombie
    (tmp_path / "demo.pid").write_text(f"{me} {standin._started_at(me)}\n")
    assert standin._running_pid("demo") == me
    (tmp_path / "demo.pid").write_text(f"{me} 1\n")  # same pid, started at another time
    assert standin._running_pid("demo") is None
    (tmp_path / "demo.pid").write_text(f"{me}\n")  # the old form, without a start time
    assert standin._running_pid("demo") is None


def test_the_runner_reads_the_office_schema_version_as_the_code_declares_it() -> None:
    # The runner checks PREVIOUS_RELEASE is one version behind by reading this file's
    # source (at that commit and now); a change in how the constant is written would
    # otherwise only show on CI's walkthrough.
    from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION

    source = (ROOT / walkthrough.SCHEMA_FILE).read_text(encoding="utf-8")
    assert walkthrough.schema_version(source) == SCHEMA_VERSION
    with pytest.raises(ValueError, match="No SCHEMA_VERSION"):
        walkthrough.schema_version("SCHEMA_VERSION: int = 8\n")


def test_the_blocks_get_both_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    env = walkthrough.environment(ROOT, None, Path("/tmp/previous"))
    assert (env["MSP_SRC"], env["MSP_SRC_NEW"]) == ("/tmp/previous", str(ROOT))
    # Without the previous release (a shallow clone), this repository is both.
    env = walkthrough.environment(ROOT, None)
    assert env["MSP_SRC"] == env["MSP_SRC_NEW"] == str(ROOT)
