"""The ``msp`` subcommands: each opens what it needs, calls the core, prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from msp_desktop.cli import output
from msp_desktop.cli.passphrase import current_passphrase, new_passphrase
from msp_desktop.cli.unlock import default_worker, folder_of, open_workspace
from msp_desktop.exit_codes import ExitCode
from msp_desktop.model.schema import write_json_schemas
from msp_desktop.services.office_keys import read_office_keys, require_key_id, trust_office
from msp_desktop.services.rekey import (
    OLD_FILES_STILL_OPEN,
    check_rekey,
    rekey_workspace,
    rekeyed_report,
)
from msp_desktop.store import Workspace
from msp_desktop.store.backup import list_backups


def init(args: argparse.Namespace) -> int:
    """``msp init``: create a workspace."""
    folder = folder_of(args)
    keys_data: bytes | None = None
    if getattr(args, "office_keys", None) is not None:
        # Checked before anything is made, so a bad file leaves no half-set-up workspace.
        keys_data, _checked = read_office_keys(args.office_keys, args.office_key_id)
        require_key_id(args.office_key_id)
    passphrase = new_passphrase(args.passphrase_file, label="Choose a passphrase")
    with Workspace.create(folder, passphrase, args.worker or default_worker()) as ws:
        print(f"Created an encrypted workspace in {folder}")
        if keys_data is not None:
            print(output.trusted_sentence(trust_office(ws, keys_data, args.office_key_id)))
    return 0


def demo(args: argparse.Namespace) -> int:
    """``msp demo``: create a workspace with a fictional caseload."""
    from msp_desktop.demo import fill_demo_caseload

    folder = folder_of(args)
    passphrase = new_passphrase(args.passphrase_file, label="Choose a passphrase")
    with Workspace.create(folder, passphrase, args.worker) as ws:
        people = fill_demo_caseload(ws)
    print(f"Created a demo workspace with {people} fictional people in {folder}")
    return 0


def visits_list(args: argparse.Namespace) -> int:
    """``msp visits list``."""
    with open_workspace(args) as ws:
        visits = ws.visits.list(person_id=args.person)
    if args.json:
        print(output.as_json(visits))
    elif visits:
        print(output.visits_table(visits))
    else:
        print("No visits recorded.")
    return 0


def visits_show(args: argparse.Namespace) -> int:
    """``msp visits show ID``."""
    with open_workspace(args) as ws:
        record = ws.visits.get(args.id)
        revisions = ws.visits.revisions(args.id)
    document = output.visit_document(record, revisions)
    if args.json:
        print(output.as_json(document))
    else:
        v = record.visit
        when = v.visit_date.isoformat() if v.visit_date else "(no date yet)"
        print(f"Visit {v.id} on {when}: revision {record.info.revision}, {record.info.status}")
        for r in revisions:
            why = f" because {r.reason}" if r.reason else ""
            print(f"  revision {r.revision}: {r.status}, by {r.author} at {r.created_at}{why}")
    return 0


def check(args: argparse.Namespace) -> int:
    """``msp check``: exit 0 only when every check passes."""
    with open_workspace(args) as ws:
        report = ws.check()
    for name in report.checked:
        print(f"checked: {name}")
    if report.healthy:
        print("The workspace is healthy.")
        return 0
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(
        "msp: the workspace failed its checks; do not export from it and contact support.",
        file=sys.stderr,
    )
    return ExitCode.PROBLEM_FOUND


def passwd(args: argparse.Namespace) -> int:
    """``msp passwd``: rewrap the key under a new passphrase."""
    folder = folder_of(args)
    old = current_passphrase(args.passphrase_file, prompt="Current passphrase")
    new = new_passphrase(None, env_name="MSP_NEW_PASSPHRASE")
    Workspace.change_passphrase(folder, old, new)
    print("The passphrase has been changed. The records themselves were not touched.")
    print(OLD_FILES_STILL_OPEN)
    return 0


def rekey(args: argparse.Namespace) -> int:
    """``msp rekey``: a new database key under a new passphrase."""
    folder = folder_of(args)
    old = current_passphrase(args.passphrase_file, prompt="Current passphrase")
    new = new_passphrase(None, env_name="MSP_NEW_PASSPHRASE")
    check_rekey(folder, old, new)
    for line in rekeyed_report(folder, rekey_workspace(folder, old, new)):
        print(line)
    return 0


def backup(args: argparse.Namespace) -> int:
    """``msp backup --to FILE``."""
    with open_workspace(args) as ws:
        info = ws.backup(args.to)
    print(f"Verified backup written to {info.path} (key file beside it).")
    return 0


def restore(args: argparse.Namespace) -> int:
    """``msp restore --from FILE``."""
    folder = folder_of(args)
    passphrase = current_passphrase(args.passphrase_file, prompt="Passphrase of the backup")
    older = _made_before_a_key_change(folder, args.source)
    aside = Workspace.restore(folder, args.source, passphrase)
    kept = f"The previous files were kept in {aside}." if aside else "There were no previous files."
    print(f"Restored the backup into {folder}. {kept}")
    if older:
        print(
            "This backup was made before the passphrase or key was last changed: the "
            "workspace now opens with the passphrase of that day again. If it may be known "
            "to someone else, run: msp rekey"
        )
    return 0


def _made_before_a_key_change(folder: Path, source: Path) -> bool:
    """Whether the workspace's list marks ``source`` as opening with an older passphrase."""
    try:
        wanted = Path(source).resolve()
        return any(
            b.opens_with_old_passphrase and Path(b.path).resolve() == wanted
            for b in list_backups(folder)
        )
    except OSError:
        return False


def schema(args: argparse.Namespace) -> int:
    """``msp schema --out DIR``."""
    paths = write_json_schemas(args.out)
    for path in paths:
        print(path)
    return 0
