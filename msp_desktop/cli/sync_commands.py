"""The ``msp`` commands that move records to the office and take its receipts.

``office-keys import``, ``enrol``, ``export``, ``receipts import``, ``sync`` (over the
network), ``sync status`` and ``purge``; ``init --office-keys`` uses
``import_office_keys`` too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from msp_desktop.arg_types import whole_number
from msp_desktop.cli import output
from msp_desktop.cli.unlock import open_workspace
from msp_desktop.errors import InvalidInput
from msp_desktop.services import export as exports
from msp_desktop.services import packs
from msp_desktop.services.files import read_small
from msp_desktop.services.key_refusal import resealed_sentence
from msp_desktop.services.network_sync import sync_now
from msp_desktop.services.office_keys import trust_office, write_enrolment
from msp_desktop.store.outbox import NothingToExport, OutgoingBundle

__all__ = ["add_sync_commands"]

Command = Callable[[str, str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser]


def office_keys_import(args: argparse.Namespace) -> int:
    """``msp office-keys import FILE``."""
    data = read_small(args.file, "an office keys file")
    with open_workspace(args) as ws:
        print(output.trusted_sentence(trust_office(ws, data, args.office_key_id)))
    return 0


def office_keys_show(args: argparse.Namespace) -> int:
    """``msp office-keys show``."""
    with open_workspace(args) as ws:
        provisioning = ws.sync.office_keys()
        if provisioning is None:
            print("This workspace has no office keys yet (msp office-keys import FILE).")
            return 0
        print(f"Office: {provisioning.office_name} ({provisioning.office_id})")
        print(f"Office key: {provisioning.office_key_id}")
        print(f"Inbox key: {provisioning.inbox.key_id}")
        print(f"Recovery key: {provisioning.recovery.key_id}")
        if provisioning.inbox_url is not None:
            print(f"Inbox address: {provisioning.inbox_url}")
        if provisioning.tls_sha256 is not None:
            print(f"Office certificate (SHA-256, pinned): {provisioning.tls_sha256}")
        print(f"Device: {ws.sync.device_id() or 'not enrolled yet (msp enrol --out FILE)'}")
        if (key_id := ws.sync.device_key_id()) is not None:
            print(f"Device key: {key_id}")
    return 0


def enrol(args: argparse.Namespace) -> int:
    """``msp enrol --out FILE``."""
    out: Path = args.out
    if out.exists() and not args.force:
        raise InvalidInput(f"{out} already exists; choose another name or add --force.")
    with open_workspace(args) as ws:
        enrolled = write_enrolment(ws, out, args.device_id, new_key=args.new_key)
    print(
        f"Wrote {out} for device {enrolled.device_id}, key id {enrolled.key_id}. Give it to "
        "the office to enrol this device, and read them the key id so they can check it."
    )
    if args.new_key:
        print(
            "The file carries the change of key, signed by the old key and the new one: the "
            "office adds it with msp-office devices add --replace (or, if the office revoked "
            "the old key, with msp-office devices replace-lost FILE --confirm-key-id "
            f"{enrolled.key_id}). Until then, bundles from this device wait for the office "
            "to enrol the new key."
        )
    return 0


def export(args: argparse.Namespace) -> int:
    """``msp export --to DIR``: prints each bundle path written."""
    with open_workspace(args) as ws:
        try:
            result = exports.export_bundles(ws, args.to, again=args.again)
        except NothingToExport as exc:
            print(exc.message)
            return 0
    for bundle in result.written:
        print(bundle.path)
    for receipt in result.pack_receipts:
        print(receipt)
    if result.resealed:
        print(
            resealed_sentence(result.resealed, result.key_id)
            + " Take the new files to the office, not the old ones: it imports them once it "
            "has enrolled the new key (msp-office devices add --replace FILE, with the file "
            "msp enrol --out FILE writes).",
            file=sys.stderr,
        )
    if result.sealed is not None:
        print(f"Bundle {result.sealed} sealed for the office.", file=sys.stderr)
    return 0


def receipts_import(args: argparse.Namespace) -> int:
    """``msp receipts import FILE...``: each file separately; one failure spoils no other."""
    with open_workspace(args) as ws:
        outcomes = exports.import_receipts(ws, args.files)
    for outcome in outcomes:
        if outcome.error is not None:
            print(f"msp: {outcome.path}: {outcome.error.message}", file=sys.stderr)
        elif outcome.result is not None and outcome.result.already:
            print(f"{outcome.path}: bundle {outcome.result.sequence} was already acknowledged.")
        elif outcome.result is not None:
            print(
                f"{outcome.path}: bundle {outcome.result.sequence} acknowledged by the office "
                f"({outcome.result.records} records)."
            )
        if outcome.result is not None and outcome.result.kept_aside_total:
            print(output.kept_aside_sentence(outcome.result))
        if outcome.result is not None and outcome.result.released:
            print(output.released_sentence(len(outcome.result.released)))
    failed = [o.error for o in outcomes if o.error is not None]
    return failed[0].exit_code if failed else 0


def packs_import(args: argparse.Namespace) -> int:
    """``msp packs import FILE...``: each office pack checked and applied whole, in order."""
    with open_workspace(args) as ws:
        outcomes = packs.import_packs(ws, args.files)
    for outcome in outcomes:
        result = outcome.result
        if outcome.error is not None:
            print(f"msp: {outcome.path}: {outcome.error.message}", file=sys.stderr)
        elif result is not None and result.already:
            print(f"{outcome.path}: office pack {result.sequence} was already taken.")
        elif result is not None:
            print(f"{outcome.path}: {output.pack_sentence(result)}")
    failed = [o.error for o in outcomes if o.error is not None]
    return failed[0].exit_code if failed else 0


def _seconds(delay: float) -> str:
    whole = max(1, round(delay))
    return "1 second" if whole == 1 else f"{whole} seconds"


def sync_network(args: argparse.Namespace) -> int:
    """``msp sync [--url URL]``: seal what is waiting, send every bundle the office has not
    acknowledged, and take its receipts; exit 0 only when the office confirmed them all."""

    def progress(index: int, total: int, bundle: OutgoingBundle) -> None:
        records = "1 record" if bundle.records == 1 else f"{bundle.records} records"
        print(f"Sending bundle {bundle.sequence} ({index} of {total}, {records})…", file=sys.stderr)

    def retry(why: str, delay: float) -> None:
        print(f"{why}; trying again in {_seconds(delay)}…", file=sys.stderr)

    with open_workspace(args) as ws:
        report = sync_now(ws, args.url, progress=progress, on_retry=retry)
    for line in report.done_lines():
        print(line)
    for done in report.confirmed:
        if done.result is not None and done.result.kept_aside_total:
            print(output.kept_aside_sentence(done.result))
        if done.result is not None and done.result.released:
            print(output.released_sentence(len(done.result.released)))
    if report.packs is not None:
        for line in output.pack_sync_lines(report.packs):
            print(line)
    for line in report.failure_lines():
        print(f"msp: {line}", file=sys.stderr)
    return report.exit_code


def sync_status(args: argparse.Namespace) -> int:
    """``msp sync status``."""
    with open_workspace(args) as ws:
        status = ws.sync.status()
    if args.json:
        print(output.as_json(status.to_json()))
        return 0
    print(f"Office: {status.office or 'none yet'}; device: {status.device_id or 'not enrolled'}")
    for state, count in status.counts.items():
        print(f"{state:>13}: {count}")
    print(f"Bundles waiting for a receipt: {status.waiting_bundles}")
    if status.packs:
        last = status.packs[-1]
        print(
            f"From the office: {len(status.packs)} office pack(s) taken, the last "
            f"(pack {last.sequence}) on {last.received_at[:10]}"
        )
    if status.office_versions_kept:
        print(f"Office versions kept beside records you changed: {status.office_versions_kept}")
    if status.leaving:
        drafts = sum(person.drafts for person in status.leaving)
        print(
            f"Moved to another worker, still here until everything about them is at the "
            f"office: {len(status.leaving)}"
            + (f" (finalise {drafts} draft visit(s), then sync)" if drafts else " (sync)")
        )
    if args.records:
        rows = [
            [
                r.kind,
                r.record_id,
                "" if r.revision is None else str(r.revision),
                r.state
                + (" (kept aside by the office)" if r.kept_aside else "")
                + (" (from the office)" if r.from_office else ""),
                "" if r.bundle is None else str(r.bundle),
            ]
            for r in status.records
        ]
        print(output.table(["kind", "id", "revision", "state", "bundle"], rows))
    return 0


def purge(args: argparse.Namespace) -> int:
    """``msp purge --acknowledged --older-than DAYS``."""
    with open_workspace(args) as ws:
        result = ws.sync.purge(args.older_than)
    print(
        f"Removed {result.concerns} closed concerns, {result.visits} visits and "
        f"{result.people} people the office acknowledged over {args.older_than} days ago."
    )
    return 0


def add_sync_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    command: Command,
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register the sync commands on the ``msp`` parser."""
    keys = sub.add_parser("office-keys", help="The office this workspace sends records to.")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    p = keys_sub.add_parser(
        "import",
        help="Trust an office: check its signed keys file, keep it, add its recovery key.",
    )
    add_common(p)
    p.add_argument("file", type=Path, metavar="FILE", help="office-keys.json from the office")
    p.add_argument(
        "--office-key-id", default=None, metavar="ID", help="the key id the office read out"
    )
    p.set_defaults(run=office_keys_import)
    p = keys_sub.add_parser("show", help="Show the office keys and this device's id and key.")
    add_common(p)
    p.set_defaults(run=office_keys_show)

    p = command(
        "enrol",
        "Write this device's signed enrolment file for the office (makes the device key "
        "the first time).",
        enrol,
    )
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.add_argument("--device-id", default=None, metavar="ID", help="default: computer name")
    p.add_argument(
        "--new-key",
        action="store_true",
        help="make a new device key; the file carries the change signed by the old key and the "
        "new, which the office needs to add it (msp-office devices add --replace)",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = command(
        "export",
        "Seal every finalised record not yet sent into a signed, encrypted bundle and "
        "write it (and any bundle not yet written) to DIR; prints each path.",
        export,
    )
    p.add_argument("--to", required=True, type=Path, metavar="DIR", help="e.g. a USB stick")
    p.add_argument(
        "--again", action="store_true", help="also write every bundle not yet acknowledged"
    )

    receipts = sub.add_parser("receipts", help="The office's signed receipts for bundles.")
    receipts_sub = receipts.add_subparsers(dest="receipts_command", required=True)
    p = receipts_sub.add_parser(
        "import", help="Check receipts and mark their bundles' records acknowledged."
    )
    add_common(p)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(run=receipts_import)

    office_packs = sub.add_parser("packs", help="Office packs: people and changes from the office.")
    packs_sub = office_packs.add_subparsers(dest="packs_command", required=True)
    p = packs_sub.add_parser(
        "import",
        help="Check office packs (msp-office packs issue) and take what they bring: the "
        "people and concerns the office gave this device. Each pack whole or not at all.",
    )
    add_common(p)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(run=packs_import)

    sync_help = (
        "Send records to the office over the network: seal what is waiting, send every "
        "bundle the office has not confirmed, and take its receipts. Exit 0 only when the "
        "office confirmed everything; 14 when it could not be reached (everything stays "
        "queued). 'msp sync status' shows how far every record has got."
    )
    sync = sub.add_parser("sync", help=sync_help, description=sync_help)
    add_common(sync)
    sync.add_argument(
        "--url",
        default=None,
        metavar="URL",
        help="the office's inbox address (default: the one in the office keys)",
    )
    sync.set_defaults(run=sync_network)
    sync_sub = sync.add_subparsers(dest="sync_command", required=False, metavar="ACTION")
    p = sync_sub.add_parser(
        "status", help="Counts by state: draft, finalised, in bundle, acknowledged."
    )
    add_common(p)
    p.add_argument("--json", action="store_true", help="print JSON with every record")
    p.add_argument("--records", action="store_true", help="list every record")
    p.set_defaults(run=sync_status)
    # Given before the action (msp sync --workspace DIR status) they belong to 'sync':
    # left unset here, so that the subcommand's defaults do not overwrite them.
    for action in p._actions:
        if action.dest in ("workspace", "passphrase_file"):
            action.default = argparse.SUPPRESS

    p = command(
        "purge",
        "Remove closed concerns whose records the office acknowledged at least DAYS ago.",
        purge,
    )
    p.add_argument(
        "--acknowledged",
        action="store_true",
        required=True,
        help="required: only acknowledged records are ever removed",
    )
    p.add_argument("--older-than", required=True, type=whole_number(0, 36_500), metavar="DAYS")
