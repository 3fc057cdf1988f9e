"""The ``msp-office`` subcommands: each opens what it needs, calls the office core, prints."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from msp_desktop.bundles import AgeRecipient, ArchiveRejected
from msp_desktop.bundles.archive import DEFAULT_LIMITS
from msp_desktop.bundles.manifest import format_time
from msp_desktop.bundles.pack_receipt import PACK_RECEIPT_SUFFIX
from msp_desktop.bundles.provisioning import check_inbox_url, make_provisioning
from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.input_files import read_input
from msp_desktop.office import devices
from msp_desktop.office.alerts import open_alert_count, write_alert
from msp_desktop.office.db.backends import check_creatable, create_store, open_store
from msp_desktop.office.db.store import OfficeStore
from msp_desktop.office.errors import BundleQuarantined
from msp_desktop.office.files import write_atomic
from msp_desktop.office.importer import Importer
from msp_desktop.office.keys import (
    OfficeLayout,
    create_office_keys,
    load_config,
    load_keys,
    recovery_recipient,
)
from msp_desktop.office.pack_receipts import take_pack_receipt
from msp_desktop.office.quarantine import list_quarantine
from msp_desktop.office.quarantine_removal import remove_from_quarantine, superseded
from msp_desktop.paths import expand_home
from msp_desktop.text_table import table

__all__ = [
    "conflicts",
    "devices_add",
    "devices_list",
    "devices_revoke",
    "import_bundles",
    "init",
    "provisioning",
    "quarantine_list",
    "status",
    "verify",
]

PROG = "msp-office"


def office_layout(args: argparse.Namespace) -> OfficeLayout:
    """The office folder from ``--dir``, else ``$MSP_OFFICE_DIR``."""
    explicit = getattr(args, "dir", None) or os.environ.get("MSP_OFFICE_DIR")
    if not explicit:
        raise InvalidInput("Say which office folder to use: --dir OFFICE or $MSP_OFFICE_DIR.")
    return OfficeLayout(expand_home(explicit))


def _now() -> str:
    return format_time(datetime.now(UTC))


def database_url(args: argparse.Namespace) -> str | None:
    """The database from ``--db``, else ``$MSP_OFFICE_DB``; None: ``OFFICE/office.db``."""
    return getattr(args, "db", None) or os.environ.get("MSP_OFFICE_DB") or None


@contextmanager
def _store(args: argparse.Namespace, *, read_only: bool) -> Iterator[OfficeStore]:
    store = open_store(office_layout(args).root, database_url(args), read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _json(value: Any) -> str:
    if isinstance(value, list):
        value = [
            dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
            for v in value
        ]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.dumps(value, indent=2, ensure_ascii=False)


def _fail(path: Path, exc: KnownError) -> int:
    print(f"{PROG}: {path}: {exc.message}", file=sys.stderr)
    return exc.exit_code


def read_bundle(path: Path) -> bytes:
    """The bytes of a bundle file, refusing one over the size cap without reading it all."""
    limit = DEFAULT_LIMITS.max_bundle_bytes
    return read_input(
        path,
        "a bundle",
        limit,
        too_large=lambda: ArchiveRejected("The bundle is larger than allowed."),
    )


def init(args: argparse.Namespace) -> int:
    """``msp-office init``: keys, office.json and an empty database."""
    layout = office_layout(args)
    url = database_url(args)
    check_creatable(layout.root, url)  # a database it cannot use refuses before any key
    config = create_office_keys(
        layout,
        office_id=args.office_id,
        name=args.name,
        now=datetime.now(UTC),
        time_zone=args.time_zone,
    )
    database = create_store(layout.root, url)
    print(f"Created the office {config.office_id} ({config.name}) in {layout.root}")
    print(f"Dates are judged by the calendar of {config.time_zone}.")
    print(f"Office key id: {config.office_key_id}")
    print("  Read this key id to each worker when they install office-keys.json.")
    for label, path in (
        ("Inbox key (secret)", layout.inbox_key),
        ("Recovery key (secret)", layout.recovery_key),
        ("Signing key (secret)", layout.office_key),
        ("Public key", layout.office_pub),
        ("Database", database),
    ):
        print(f"{label + ':':<23}{path}")
    print("  The recovery key is only needed to recover a worker's workspace: keep a copy")
    print("  offline; it may be moved out of this folder.")
    print(f"Next: {PROG} provisioning --out office-keys.json")
    return 0


def provisioning(args: argparse.Namespace) -> int:
    """``msp-office provisioning --out FILE [--inbox-url URL [--tls-cert PEM]]``: the
    signed office-keys.json."""
    layout = office_layout(args)
    config = load_config(layout)
    keys = load_keys(layout, config)
    out: Path = args.out
    if out.exists() and not args.force:
        raise InvalidInput(f"{out} already exists; add --force to replace it.")
    inbox_url, pin = _network_inbox(args)
    data = make_provisioning(
        office_id=config.office_id,
        office_name=config.name,
        inbox=AgeRecipient.from_text(config.inbox_recipient),
        recovery=recovery_recipient(config),
        office_key=keys.signing,
        inbox_url=inbox_url,
        tls_sha256=pin[0] if pin else None,
    )
    write_atomic(out, data, mode=0o644)  # public keys only
    print(f"Wrote {out}")
    print(f"Office key id: {config.office_key_id} (workers check this when they install it)")
    if inbox_url is not None:
        print(f"Inbox address: {inbox_url} (devices send with: msp sync)")
    if pin is not None:
        print(f"Certificate pinned: SHA-256 {pin[0]} (valid until {pin[1]}).")
        print("  When that certificate is replaced, write and hand out a new office-keys.json.")
    elif inbox_url is not None and inbox_url.startswith("https://"):
        print("  No certificate pinned: devices check it against the public authorities.")
    return 0


MAX_CERTIFICATE_FILE = 1024 * 1024


def _network_inbox(args: argparse.Namespace) -> tuple[str | None, tuple[str, str] | None]:
    """``--inbox-url`` (checked) and, from ``--tls-cert``, the SHA-256 of the certificate's
    DER and its expiry date; the first certificate of the PEM file is the server's."""
    url: str | None = getattr(args, "inbox_url", None)
    cert_path: Path | None = getattr(args, "tls_cert", None)
    if url is None:
        if cert_path is not None:
            raise InvalidInput("--tls-cert pins the certificate of --inbox-url: give both.")
        return None, None
    url = url.rstrip("/") if url.count("/") > 2 else url
    try:
        check_inbox_url(url)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if cert_path is None:
        return url, None
    if not url.startswith("https://"):
        raise InvalidInput("--tls-cert pins an https:// certificate; the address is http://.")
    pem = read_input(cert_path, "a certificate", MAX_CERTIFICATE_FILE)
    try:
        certificate = x509.load_pem_x509_certificates(pem)[0]
    except ValueError:
        raise InvalidInput(
            f"{cert_path} is not a PEM certificate (-----BEGIN CERTIFICATE-----)."
        ) from None
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    return url, (fingerprint, certificate.not_valid_after_utc.date().isoformat())


def devices_add(args: argparse.Namespace) -> int:
    """``msp-office devices add ENROLMENT.json [--replace]``."""
    data = devices.read_small_file(args.enrolment, "enrolment file")
    with _store(args, read_only=False) as store:
        result = devices.enrol(store, data, replace=args.replace, now=_now())
    key = result.key
    if result.pack_key_added:
        print(
            f"Device {key.device_id} is already enrolled with key {key.key_id}; the file, "
            "signed by that key, adds the key office packs for it are sealed to, now kept."
        )
        return 0
    if result.already:
        print(f"Device {key.device_id} is already enrolled with key {key.key_id}; nothing changed.")
        return 0
    if result.replaced:
        print(
            f"Revoked the old key {result.replaced.key_id} of device {key.device_id}, which "
            "signed the change to the new key."
        )
    print(f"Enrolled device {key.device_id} (worker {key.worker}) with key {key.key_id}.")
    print("Check this key id with the worker, who reads it from the device.")
    return 0


def devices_replace_lost(args: argparse.Namespace) -> int:
    """``msp-office devices replace-lost ENROLMENT.json --confirm-key-id ID --reason TEXT``."""
    data = devices.read_small_file(args.enrolment, "enrolment file")
    layout = office_layout(args)
    with _store(args, read_only=False) as store:
        result = devices.replace_lost(
            store, data, confirm_key_id=args.confirm_key_id, reason=args.reason, now=_now()
        )
    key, old = result.key, result.replaced
    message = (
        f"Device {key.device_id} was given key {key.key_id} as a lost device's, without a "
        "change signed by its old key"
        + (f" (key {old.key_id}, now revoked)" if old else "")
        + f"; key id confirmed out of band. Reason: {args.reason.strip()}"
    )
    alert = write_alert(
        layout.alerts,
        {
            "time": key.enrolled_at,
            "kind": "lost-device-key",
            "device": key.device_id,
            "key_id": key.key_id,
            "revoked_key_id": old.key_id if old else None,
            "message": message,
        },
    )
    print(message)
    print(f"This is in the alerts log as {alert['id']} and marked in msp-office devices list.")
    return 0


def devices_list(args: argparse.Namespace) -> int:
    """``msp-office devices list [--json]``."""
    with _store(args, read_only=True) as store:
        keys = store.device_keys()
        resyncs = store.resyncs()
    if args.json:
        print(_json(keys))
    elif not keys:
        print("No devices are enrolled.")
    else:
        rows = [
            [
                k.device_id,
                k.worker,
                k.key_id,
                k.enrolled_at + (" (lost device)" if k.lost_device is not None else ""),
                f"{k.revoked_at} ({k.revoked_reason})" if k.revoked_at else "",
            ]
            for k in keys
        ]
        print(table(["DEVICE", "WORKER", "KEY ID", "ENROLLED", "REVOKED"], rows))
        for k in keys:
            if k.lost_device is not None:
                print(
                    f"Key {k.key_id} of device {k.device_id} was enrolled as a lost device's, "
                    f"not signed by the key before it: {k.lost_device}"
                )
        for r in resyncs:  # after a replay alert (devices resync): the audit, in view
            print(
                f"Device {r.device_id} resynced from sequence {r.from_sequence} "
                f"(resync {r.epoch}, by {r.resynced_by} on {r.resynced_at}): {r.reason}"
            )
    return 0


def devices_revoke(args: argparse.Namespace) -> int:
    """``msp-office devices revoke DEVICE_ID [--reason TEXT]``."""
    with _store(args, read_only=False) as store:
        key = devices.revoke(store, args.device_id, reason=args.reason, now=_now())
    print(f"Revoked key {key.key_id} of device {key.device_id}.")
    print("Bundles signed with it from now on are not imported but kept in quarantine.")
    return 0


def verify(args: argparse.Namespace) -> int:
    """``msp-office verify BUNDLE``: every check; imports and writes nothing."""
    layout = office_layout(args)
    config = load_config(layout)
    keys = load_keys(layout, config)
    path: Path = args.bundle
    with _store(args, read_only=True) as store:
        try:
            importer = Importer(store, keys, layout, time_zone=config.time_zone)
            checked = importer.check(read_bundle(path))
        except BundleQuarantined as exc:
            exc.message += (
                " Importing it would keep it in quarantine; enrol the device first."
                if not exc.revoked
                else " Importing it would keep it in quarantine."
            )
            return _fail(path, exc)
        except KnownError as exc:
            return _fail(path, exc)
    if checked.already:
        print(
            f"{path}: already imported on {checked.already.imported_at} "
            f"({checked.summary()}); importing it again changes nothing"
        )
        return 0
    print(f"{path}: would be accepted: {checked.summary()}")
    for report in checked.reports:
        print(f"{path}: note: {report}")
    return 0


def import_bundles(args: argparse.Namespace) -> int:
    """``msp-office import BUNDLE... [--receipts DIR]``: one line (and notes) per bundle."""
    layout = office_layout(args)
    config = load_config(layout)
    keys = load_keys(layout, config)
    receipts: Path = args.receipts or layout.receipts
    first_failure = 0
    with _store(args, read_only=False) as store:
        importer = Importer(store, keys, layout, time_zone=config.time_zone)
        for path in args.bundles:
            if path.name.endswith(PACK_RECEIPT_SUFFIX):
                first_failure = first_failure or _pack_receipt(store, path)
                continue
            try:
                outcome = importer.import_bundle(
                    read_bundle(path), source=path.name, receipts=receipts
                )
            except KnownError as exc:  # one line for this bundle; go on with the next
                code = _fail(path, exc)
                first_failure = first_failure or code
                continue
            checked = outcome.checked
            if checked.already:
                print(
                    f"{path}: already imported on {checked.already.imported_at} "
                    f"({checked.summary()}), nothing changed; receipt {outcome.receipt}"
                )
            else:
                print(f"{path}: imported: {checked.summary()}; receipt {outcome.receipt}")
            for report in checked.reports:
                print(f"{path}: note: {report}")
            if outcome.alert:
                print(f"{path}: ALERT: {outcome.alert} The alert is in {layout.alerts}.")
            if outcome.released:
                print(f"{path}: note: taken out of quarantine")
    return first_failure


def _pack_receipt(store: OfficeStore, path: Path) -> int:
    """One device's receipt for an office pack, imported beside the bundles."""
    try:
        taken = take_pack_receipt(store, read_bundle(path), now=_now())
    except KnownError as exc:
        return _fail(path, exc)
    r = taken.receipt
    if taken.already:
        print(f"{path}: office pack {r.sequence} of device {r.device_id} was already "
              "acknowledged; nothing changed")  # fmt: skip
    else:
        kept = f"; {r.kept_aside} kept beside the worker's changes" if r.kept_aside else ""
        print(f"{path}: office pack {r.sequence} of device {r.device_id} acknowledged "
              f"(applied {r.applied}{kept})")  # fmt: skip
    return 0


def conflicts(args: argparse.Namespace) -> int:
    """``msp-office conflicts [--json]``."""
    with _store(args, read_only=True) as store:
        found = store.conflicts()
        decided = store.decisions()
    if args.json:
        print(_json([
            {**dataclasses.asdict(c),
             "decision": dataclasses.asdict(decided[c.id]) if c.id in decided else None}
            for c in found
        ]))  # fmt: skip
    elif not found:
        print("No conflicts.")
    else:
        rows = [
            [
                str(c.id),
                c.kind,
                c.record_id,
                str(c.revision),
                str(c.office_revision) if c.office_revision is not None else "",
                c.device_id,
                c.owner_device_id or "",
                c.bundle_sha256[:12],
                c.found_at,
                c.reason,
                f"kept {decided[c.id].keep}" if c.id in decided else "",
            ]
            for c in found
        ]
        headers = ["ID", "KIND", "RECORD", "REV", "OFFICE REV", "SENT BY", "OWNER", "BUNDLE",
                   "FOUND", "WHY", "DECIDED"]  # fmt: skip
        print(table(headers, rows))
    return 0


def quarantine_list(args: argparse.Namespace) -> int:
    """``msp-office quarantine list [--json]``."""
    notes = list_quarantine(office_layout(args).quarantine)
    since: dict[str, str] = {}
    unread: str | None = None
    if notes:
        try:
            with _store(args, read_only=True) as store:
                since = superseded(store, notes)
        except KnownError as exc:  # the files are listed all the same
            unread = exc.message
    if args.json:
        print(_json([{**dataclasses.asdict(n), "imported_since": since.get(n.bundle_sha256)}
                     for n in notes]))  # fmt: skip
    elif not notes:
        print("No bundles are in quarantine.")
    else:
        rows = [
            [
                n.bundle_sha256[:12],
                n.quarantined_at,
                n.key_id or "",
                n.claimed_device_id or "",
                str(n.claimed_sequence or ""),
                (n.reason if n.kept else f"{n.reason} (only its note and hash are kept)")
                + (
                    f" The office has since imported this device's sequence "
                    f"{n.claimed_sequence} as {since[n.bundle_sha256][:12]}."
                    if n.bundle_sha256 in since
                    else ""
                ),
            ]
            for n in notes
        ]
        print(table(["BUNDLE", "SINCE", "KEY ID", "CLAIMS DEVICE", "SEQ", "WHY"], rows))
        print(
            f"To import one after enrolling its device: {PROG} import "
            f"{office_layout(args).quarantine}/<BUNDLE>.mspbundle"
        )
        if since:
            print(
                f"One the office has since imported (re-sealed by its laptop) need not be "
                f"kept: {PROG} quarantine remove BUNDLE --reason TEXT"
            )
    if unread is not None:
        print(f"Which of these the office has since imported is not shown: {unread}",
              file=sys.stderr)  # fmt: skip
    return 0


def quarantine_remove(args: argparse.Namespace) -> int:
    """``msp-office quarantine remove BUNDLE --reason TEXT``."""
    layout = office_layout(args)
    load_config(layout)  # an office folder, or one sentence saying it is not
    note, alert_id = remove_from_quarantine(layout, args.bundle, reason=args.reason, now=_now())
    print(f"Removed bundle {note.bundle_sha256[:12]} and its note from quarantine.")
    print(f"Recorded in the alerts log as {alert_id} (acknowledged, with the reason).")
    return 0


def status(args: argparse.Namespace) -> int:
    """``msp-office status [--json]``: what the office holds."""
    layout = office_layout(args)
    config = load_config(layout)
    with _store(args, read_only=True) as store:
        counts = store.counts()
    quarantined = len(list_quarantine(layout.quarantine))
    alerts = open_alert_count(layout.alerts)  # not yet acknowledged
    if args.json:
        print(
            _json(
                {
                    "office_id": config.office_id,
                    "name": config.name,
                    "office_key_id": config.office_key_id,
                    **dataclasses.asdict(counts),
                    "quarantined": quarantined,
                    "alerts": alerts,
                }
            )
        )
        return 0
    print(f"Office {config.office_id} ({config.name}), office key {config.office_key_id}")
    print(f"devices enrolled: {counts.devices} ({counts.revoked_keys} revoked keys)")
    print(f"bundles imported: {counts.bundles}")
    print(f"records: {counts.records} ({counts.revisions} revisions)")
    print(f"audit entries: {counts.audit_entries}")
    print(f"conflicts: {counts.conflicts}")
    print(f"people from the caseload export: {counts.caseload_people}")
    print(f"changes waiting for office packs: {counts.queued_changes}")
    print(
        f"office packs issued: {counts.packs} ({counts.packs_unacknowledged} not yet "
        "acknowledged by their device)"
    )
    print(f"quarantined bundles: {quarantined}")
    print(f"alerts open: {alerts}" + (f" (see: {PROG} alerts list)" if alerts else ""))
    return 0
