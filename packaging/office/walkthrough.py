#!/usr/bin/env python3
"""Run docs/office-walkthrough.md literally: every ``sh`` block, in order, in one shell.

``make office-walkthrough`` (and CI, on its throwaway machine) runs this as root. The
blocks install packages, add accounts and write to /etc, /opt, /srv and /var, exactly
as an administrator following the page would, so this refuses to run unless it is told
the machine is throwaway (``CI=true`` or ``MSP_WALKTHROUGH_THROWAWAY=1``).

The blocks run in one ``bash -eu -o pipefail`` process, so the variables and functions
one block defines are there for the next, as in the administrator's shell; the first
command that fails stops the run, and the runner names the block and its line in the
page. Nothing from the runner's own environment that the page does not set itself
reaches the blocks: ``MSP_OFFICE_ALLOW_ROOT`` (CI sets it for the tests) and the other
``MSP_`` settings are removed, so the page must run each command as the account it
names.

The page upgrades the office from the previous release to this one (its section
"Upgrading to a new release"), so the runner gives it two sources, as the page asks the
reader to: ``MSP_SRC``, the previous release (this repository at ``PREVIOUS_RELEASE``,
the last commit whose office database is one version older, taken out with ``git
archive``), and ``MSP_SRC_NEW``, this repository. A clone without that history gets
this repository for both, said in one line: the upgrade then has nothing to migrate.

Before the first block, the runner runs the page's "Starting again" block (fenced as
``sh start-again``): it removes what an earlier run made, since CI's machine may be a
snapshot of one that ran the page (its accounts, database and files there, its
processes not).

Where systemd is not running (a container), ``systemctl`` is the stand-in in
``systemctl_standin.py``: it starts the page's unit file as systemd would and hands
``postgresql`` and ``nginx`` to their init scripts.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The previous release for the page's upgrade: the last commit whose office database is
# version 7 (the fixture office-v7.db was made by it). Move it forward when the office
# schema changes; the runner refuses one whose version is not the current one less one.
PREVIOUS_RELEASE = "13953a0ac9e636b49fdfe426fe09a8e3ff95307f"
SCHEMA_FILE = "msp_desktop/office/db/sqlite_schema.py"
_SCHEMA = re.compile(r"^SCHEMA_VERSION = (\d+)$", re.MULTILINE)
PAGE = REPO / "docs" / "office-walkthrough.md"
STANDIN = Path(__file__).resolve().with_name("systemctl_standin.py")
_FENCE = re.compile(r"^```(\S*(?:[ \t]+\S+)?)\s*$")


@dataclass(frozen=True)
class Block:
    """One ``sh`` block of the page: where it starts (1-based line) and its text."""

    line: int
    text: str


def _fenced(page: str) -> list[tuple[str, Block]]:
    """Every fenced block of ``page`` with its info string (``sh``, ``ini``, ...)."""
    found: list[tuple[str, Block]] = []
    lines = page.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and not _FENCE.match(lines[index]):
            body.append(lines[index])
            index += 1
        if index == len(lines):
            raise ValueError(f"The block at line {start + 1} is never closed.")
        found.append((opening.group(1).strip(), Block(start + 1, "\n".join(body))))
        index += 1
    return found


def blocks(page: str) -> list[Block]:
    """Every ```` ```sh ```` block of ``page``, in order (other blocks are shown, not run)."""
    return [block for info, block in _fenced(page) if info == "sh"]


def start_again(page: str) -> Block:
    """The page's one ```` ```sh start-again ```` block: it removes what an earlier run of
    the walkthrough made, so it runs first (the machine may be a snapshot of one that
    ran it: the accounts, database and files are there, the processes are not)."""
    found = [block for info, block in _fenced(page) if info == "sh start-again"]
    if len(found) != 1:
        raise ValueError(f"The page has {len(found)} 'sh start-again' blocks, not one.")
    return found[0]


def script(page: str, name: str = "docs/office-walkthrough.md") -> str:
    """The one bash script the page's blocks make, each announced with its line: the
    start-again block first, then every ``sh`` block in order."""
    parts = ["set -euo pipefail", "set -x"]
    again = start_again(page)
    parts.append(f"{{ set +x; }} 2>/dev/null; echo '== walkthrough: starting again (what "
                 f"an earlier run made is removed), {name} line {again.line}'; set -x")  # fmt: skip
    parts.append(again.text)
    for number, block in enumerate(blocks(page), start=1):
        parts.append(f"{{ set +x; }} 2>/dev/null; echo '== walkthrough: block {number}, "
                     f"{name} line {block.line}'; set -x")  # fmt: skip
        parts.append(block.text)
    parts.append("{ set +x; } 2>/dev/null; echo '== walkthrough: every block ran'")
    return "\n".join(parts) + "\n"


def schema_version(source: str) -> int:
    """The office database version a ``sqlite_schema.py`` source declares."""
    found = _SCHEMA.search(source)
    if found is None:
        raise ValueError("No SCHEMA_VERSION in the office schema module.")
    return int(found.group(1))


def previous_release(work: Path) -> Path | None:
    """``PREVIOUS_RELEASE`` taken out into ``work``; None when this clone lacks it."""
    git = ["git", "-C", str(REPO)]
    have = subprocess.run([*git, "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
                          capture_output=True, check=False)  # fmt: skip
    if have.returncode != 0:
        return None
    old = subprocess.run([*git, "show", f"{PREVIOUS_RELEASE}:{SCHEMA_FILE}"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    now = (REPO / SCHEMA_FILE).read_text(encoding="utf-8")
    if schema_version(old) != schema_version(now) - 1:
        raise SystemExit(
            f"office-walkthrough: PREVIOUS_RELEASE has office database version "
            f"{schema_version(old)}, not {schema_version(now) - 1}: move it forward to the "
            "last commit of the previous version (packaging/office/walkthrough.py)."
        )
    folder = work / "previous-release"
    folder.mkdir()
    archive = subprocess.run([*git, "archive", "--format=tar", PREVIOUS_RELEASE],
                             capture_output=True, check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    folder.chmod(0o755)  # the page's pip runs as root, but keep it readable like a release
    return folder


def environment(
    repo: Path, standin_dir: Path | None, previous: Path | None = None
) -> dict[str, str]:
    """The blocks' environment: the caller's, less every ``MSP_`` setting, plus the two
    sources (``MSP_SRC``: the release installed first; ``MSP_SRC_NEW``: the upgrade)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
    env["MSP_SRC"] = str(previous or repo)
    env["MSP_SRC_NEW"] = str(repo)
    env["DEBIAN_FRONTEND"] = "noninteractive"
    if standin_dir is not None:
        env["PATH"] = f"{standin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def throwaway() -> bool:
    """Whether this machine may be changed: CI's, or one its owner said is throwaway."""
    return os.environ.get("CI") == "true" or os.environ.get("MSP_WALKTHROUGH_THROWAWAY") == "1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the script, run nothing")
    args = parser.parse_args(argv)
    page = PAGE.read_text(encoding="utf-8")
    text = script(page)
    if args.print:
        sys.stdout.write(text)
        return 0
    if not throwaway():
        print("office-walkthrough: this installs packages, adds accounts and writes to /etc, "
              "/opt, /srv and /var as the page says; run it only on a throwaway machine, "
              "with MSP_WALKTHROUGH_THROWAWAY=1 (CI sets CI=true).", file=sys.stderr)  # fmt: skip
        return 2
    if os.geteuid() != 0:
        print("office-walkthrough: the page's blocks are run as root, as it says; "
              "run this as root.", file=sys.stderr)  # fmt: skip
        return 2
    with tempfile.TemporaryDirectory(prefix="msp-walkthrough-") as work:
        standin_dir = None
        if not Path("/run/systemd/system").is_dir():  # systemd's own test for "booted"
            standin_dir = Path(work) / "bin"
            standin_dir.mkdir()
            shim = standin_dir / "systemctl"
            shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
            shim.chmod(0o755)
            print("== walkthrough: systemd is not running here: systemctl is the stand-in "
                  f"({STANDIN.relative_to(REPO)})", flush=True)  # fmt: skip
        previous = previous_release(Path(work))
        if previous is None:
            print(f"== walkthrough: this clone lacks the previous release {PREVIOUS_RELEASE[:12]} "
                  "(a shallow clone?): installing this one twice, so the upgrade migrates "
                  "nothing", flush=True)  # fmt: skip
        else:
            print(f"== walkthrough: MSP_SRC is the previous release {PREVIOUS_RELEASE[:12]}, "
                  "MSP_SRC_NEW this repository", flush=True)  # fmt: skip
        path = Path(work) / "walkthrough.sh"
        path.write_text(text, encoding="utf-8")
        # Run from a folder every account can enter: sudo -u keeps the working folder.
        done = subprocess.run(
            ["bash", str(path)], cwd="/", env=environment(REPO, standin_dir, previous), check=False
        )
    if done.returncode != 0:
        print(f"office-walkthrough: FAILED (exit {done.returncode}) in the block named last "
              "above", file=sys.stderr)  # fmt: skip
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
