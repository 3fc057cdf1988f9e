"""The sync benchmark behind ``make bench``: many devices uploading to ``msp-office serve``.

A real office is made by the office code (``msp-office init`` run in process, each
device enrolled with ``devices.enrol`` on the office store, as ``devices add`` does),
every device's bundles are sealed in advance (``FakeDevice``: real signed, encrypted
bundles of one or two records), and the real ``msp-office serve`` console script is
started over TLS on loopback with a throwaway self-signed certificate. None of that is
timed. Then each device uploads its bundles in order from its own thread, all devices
at once, with httpx, as the device's uploader does: a 429 or 503 is retried after the
office's ``Retry-After`` (capped at ``MAX_RETRY_AFTER_S``).

Timed with ``time.perf_counter``: each upload from its first try to its 200 (retries
included), and the whole run from the first upload to the last. Before any figure is
written, every receipt is checked against the office public key for exactly its
bundle, and the office ledger must hold every bundle exactly once.

The server runs on the same machine as the clients, so both share its cores.

Run it from the repository root::

    .venv/bin/python -m tests.bench.bench_sync --out bench-results
    .venv/bin/python -m tests.bench.bench_sync --quick --out /tmp/bench   # seconds

It writes ``<out>/sync.json`` and prints a short summary.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from msp_desktop.bundles import PublicKey, SealedBundle, verify_receipt
from msp_desktop.office import devices
from msp_desktop.office.cli import commands
from msp_desktop.office.dates import DEFAULT_TIME_ZONE
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.db.store import LedgerEntry
from msp_desktop.office.keys import OfficeLayout, load_config, load_keys
from tests import builders
from tests.bench.bench_measure import p50, p95
from tests.bench.bench_output import log, phase, write_result
from tests.office_helpers import FakeDevice, envelope, office_command
from tests.office_service_helpers import OCTET, ServeProcess, self_signed, serve_process

OFFICE_ID = "bench-office"
MAX_RETRY_AFTER_S = 2.0
"""The longest a client waits on the office's ``Retry-After`` here (the app caps at 30 s)."""
MAX_TRIES = 60
FULL = {"devices": 20, "bundles": 10}
QUICK = {"devices": 3, "bundles": 1}
SERVE_FLAGS = {
    # Every simulated device shares 127.0.0.1, so the per-address limit is opened up.
    "--rate-per-ip": "100000",
    "--burst-per-ip": "10000",
}


@dataclass
class Upload:
    """One bundle's upload: its final response, how many retries, its wall time."""

    sealed: SealedBundle
    status: int = 0
    receipt: bytes = b""
    outcome: str = ""
    retries: int = 0
    ms: float = 0.0
    error: str = ""


@dataclass
class Office:
    """A running ``msp-office serve`` and what the devices need to talk to it."""

    url: str
    layout: OfficeLayout
    context: ssl.SSLContext
    service: ServeProcess

    @property
    def stderr(self) -> list[str]:
        """The service's stderr lines so far."""
        return self.service.lines

    def office_key(self) -> PublicKey:
        """The office's public key, as provisioned to devices."""
        return PublicKey.from_text(self.layout.office_pub.read_text())

    def ledger(self) -> list[LedgerEntry]:
        """Every bundle the office has imported, read from its database."""
        store = open_store(self.layout.root, None, read_only=True)
        try:
            return store.ledger()
        finally:
            store.close()

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        return self.service.stop()


def make_office(root: Path, fleet: Sequence[FakeDevice]) -> OfficeLayout:
    """``msp-office init``, then every device enrolled, as ``devices add`` does."""
    args = argparse.Namespace(
        dir=str(root),
        office_id=OFFICE_ID,
        name="Bench Office (fictional)",
        time_zone=DEFAULT_TIME_ZONE,
    )
    with contextlib.redirect_stdout(io.StringIO()):
        if commands.init(args) != 0:
            raise AssertionError("msp-office init failed")
    store = open_store(root, None, read_only=False)
    try:
        for device in fleet:
            devices.enrol(store, device.enrolment(), replace=False, now="2026-11-20T10:00:00Z")
    finally:
        store.close()
    return OfficeLayout(root)


def seal_bundles(
    layout: OfficeLayout, fleet: Sequence[FakeDevice], bundles: int
) -> list[list[SealedBundle]]:
    """Each device's bundles, sequence 1 to ``bundles``, 1 or 2 records each (fictional)."""
    recipient = load_keys(layout, load_config(layout)).inbox.recipient
    plans: list[list[SealedBundle]] = []
    for i, device in enumerate(fleet):
        sealed: list[SealedBundle] = []
        for n in range(bundles):
            person = builders.person(f"Load Example {i + 1:03d}-{n + 1}")
            records = [envelope("person", person)]
            if n % 2:
                records.append(envelope("concern", builders.concern(person)))
            sealed.append(device.bundle(recipient, records, audit=1))
        plans.append(sealed)
    return plans


def prepare(root: Path, count: int, bundles: int) -> tuple[OfficeLayout, list[list[SealedBundle]]]:
    """An office with ``count`` enrolled devices and their sealed bundles, nothing served."""
    fleet = [FakeDevice(device_id=f"load-{i + 1:03d}") for i in range(count)]
    layout = make_office(root, fleet)
    return layout, seal_bundles(layout, fleet, bundles)


@contextlib.contextmanager
def serving(
    layout: OfficeLayout, tmp: Path, *, max_pending: int, env: dict[str, str] | None = None
) -> Iterator[Office]:
    """Run ``msp-office serve`` over TLS on a free loopback port until the block ends."""
    tls = self_signed(tmp)
    flags = [item for pair in SERVE_FLAGS.items() for item in pair]
    command = [*office_command(), "serve", "--dir", str(layout.root), "--port", "0",
               "--tls-cert", str(tls.cert), "--tls-key", str(tls.key), *flags,
               "--max-pending", str(max_pending)]  # fmt: skip
    with serve_process(command, env) as service:
        context = ssl.create_default_context(cafile=str(tls.cert))
        yield Office(service.url, layout, context, service)


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("retry-after", "1")), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return 1.0


def upload(client: httpx.Client, url: str, item: Upload) -> Upload:
    """POST one bundle until it is answered with anything but 429/503 (timed, retries)."""
    start = time.perf_counter()
    for _ in range(MAX_TRIES):
        try:
            response = client.post(f"{url}/v1/bundles", content=item.sealed.data, headers=OCTET)
        except httpx.TransportError as exc:
            item.error = f"{type(exc).__name__}: {exc}"
            break
        if response.status_code in (429, 503):
            item.retries += 1
            time.sleep(_retry_after(response))
            continue
        item.status = response.status_code
        item.receipt = response.content
        item.outcome = response.headers.get("msp-import-status", "")
        item.error = "" if response.status_code == 200 else response.text[:300]
        break
    else:
        item.error = f"still refused after {MAX_TRIES} tries"
    item.ms = (time.perf_counter() - start) * 1000
    return item


def upload_all(
    office: Office, plans: Sequence[Sequence[SealedBundle]]
) -> tuple[list[Upload], float]:
    """Every device at once, one thread each, its bundles in order; (uploads, seconds)."""
    results = [[Upload(sealed) for sealed in plan] for plan in plans]
    barrier = threading.Barrier(len(plans) + 1)

    def device(items: list[Upload]) -> None:
        with httpx.Client(verify=office.context, timeout=60) as client:
            barrier.wait()
            for item in items:
                upload(client, office.url, item)

    threads = [threading.Thread(target=device, args=(items,)) for items in results]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(300)
    elapsed = time.perf_counter() - start
    if any(thread.is_alive() for thread in threads):
        raise AssertionError("an upload thread did not finish")
    return [item for items in results for item in items], elapsed


def check_receipts(office: Office, uploads: Sequence[Upload], outcome: str) -> None:
    """Every upload answered 200 with a receipt the office signed for exactly its bundle."""
    key = office.office_key()
    failed = [(u.sealed.sha256[:12], u.status, u.error) for u in uploads if u.status != 200]
    if failed:
        raise AssertionError(f"{len(failed)} uploads failed: {failed[:5]}")
    for item in uploads:
        receipt = verify_receipt(item.receipt, key, bundle_sha256=item.sealed.sha256)
        if receipt.bundle_sha256 != item.sealed.sha256 or item.outcome != outcome:
            raise AssertionError(f"unexpected receipt or outcome {item.outcome!r}: {receipt!r}")


def check_ledger(office: Office, bundles: Sequence[SealedBundle]) -> None:
    """The office ledger holds exactly these bundles, each once."""
    ledger = office.ledger()
    hashes = [entry.sha256 for entry in ledger]
    if sorted(hashes) != sorted(b.sha256 for b in bundles):
        raise AssertionError(f"the ledger holds {len(hashes)} bundles, expected {len(bundles)}")
    if len({(e.device_id, e.sequence) for e in ledger}) != len(bundles):
        raise AssertionError("a device and sequence is in the ledger twice")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; ``--quick`` changes the defaults, explicit values still win."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_sync", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument(
        "--devices", type=int, help=f"concurrent devices, default {FULL['devices']}"
    )
    parser.add_argument("--bundles", type=int, help=f"per device, default {FULL['bundles']}")
    parser.add_argument(
        "--max-pending", type=int, help="msp-office serve --max-pending (default: devices)"
    )
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where to build everything")
    parser.add_argument("--quick", action="store_true", help="a tiny run for the smoke test")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.max_pending is None:
        args.max_pending = args.devices
    if min(args.devices, args.bundles, args.max_pending) < 1:
        parser.error("devices, bundles and max-pending must be at least 1")
    return args


def report(
    uploads: Sequence[Upload], elapsed: float, args: argparse.Namespace, phases: dict[str, float]
) -> dict[str, Any]:
    """The JSON document written to ``sync.json``."""
    times = [u.ms for u in uploads]
    sizes = [len(u.sealed.data) for u in uploads]
    return {
        "uploads_per_s": round(len(uploads) / elapsed, 2),
        "p95_upload_ms": round(p95(times), 1),
        "p50_upload_ms": round(p50(times), 1),
        "max_upload_ms": round(max(times), 1),
        "total_s": round(elapsed, 3),
        "retries": sum(u.retries for u in uploads),
        "uploads_retried": sum(1 for u in uploads if u.retries),
        "sizes": {
            "devices": args.devices,
            "bundles_per_device": args.bundles,
            "bundles": len(uploads),
            "bundle_bytes_p50": int(p50(sizes)),
            "bundle_bytes_max": max(sizes),
            "records_per_bundle": "1 or 2",
        },
        "server": {
            "command": "msp-office serve (SQLite office.db, TLS on 127.0.0.1)",
            **{flag.lstrip("-"): int(value) for flag, value in SERVE_FLAGS.items()},
            "max-pending": args.max_pending,
        },
        "phase_seconds": {k: round(v, 1) for k, v in phases.items()},
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "httpx": httpx.__version__,
        },
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": {
            "method": (
                "Each device uploads its pre-sealed bundles in order over its own httpx "
                "connection (TLS), all devices at once from one thread each. "
                "p50/p95_upload_ms: time.perf_counter from the first try of an upload to its "
                "200, retries and their waits included. uploads_per_s: bundles / the time "
                "from the start of the first upload to the end of the last."
            ),
            "same_machine": (
                f"msp-office serve runs on the same {os.cpu_count()}-core machine as the "
                "client threads (TLS, signing and encryption checks on both sides share "
                "the cores); a separate office server would do better."
            ),
            "retries": (
                "a 429 or 503 is retried after the office's Retry-After, capped at "
                f"{MAX_RETRY_AFTER_S:g} s here (the app caps it at 30 s)."
            ),
            "correctness": (
                "the figures are written only if every upload ended 200 with a receipt "
                "that verifies with the office public key for exactly its bundle, and "
                "the office ledger holds every bundle exactly once."
            ),
        },
    }


def summary_text(result: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    s = result["sizes"]
    return "\n".join(
        [
            f"sync benchmark: {s['devices']} devices x {s['bundles_per_device']} bundles "
            f"({s['bundles']} uploads, ~{s['bundle_bytes_p50']} bytes each)",
            f"  throughput        {result['uploads_per_s']:.1f} uploads/s "
            f"({result['total_s']:.2f} s in all)",
            f"  upload            p50 {result['p50_upload_ms']:.0f} ms, "
            f"p95 {result['p95_upload_ms']:.0f} ms, max {result['max_upload_ms']:.0f} ms",
            f"  retries           {result['retries']} "
            f"({result['uploads_retried']} uploads retried)",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the office and the fleet, serve, upload from every device at once, check."""
    args = parse_args(argv)
    phases: dict[str, float] = {}
    log("sync benchmark")
    with tempfile.TemporaryDirectory(prefix="msp-bench-sync-", dir=args.tmp_dir) as tmp:
        base = Path(tmp)
        with phase("build", phases):
            layout, plans = prepare(base / "office", args.devices, args.bundles)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
        env["MSP_OFFICE_ALLOW_ROOT"] = "1"  # CI is root; msp-office refuses root otherwise
        with serving(layout, base, max_pending=args.max_pending, env=env) as office:
            with phase("upload", phases):
                uploads, elapsed = upload_all(office, plans)
            check_receipts(office, uploads, "imported")
            check_ledger(office, [u.sealed for u in uploads])
            code = office.stop()
            if code != 0:
                raise AssertionError(f"msp-office serve exited with {code}")
    result = report(uploads, elapsed, args, phases)
    write_result(args.out, "sync.json", result, summary_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
