"""The bundles benchmark behind ``make bench``: export to the office, import there, encryption.

A fresh encrypted workspace holds 1,000 finalised visits (100 fictional people, one
concern each, ten visits per concern, built from the demo's visit generator). A real
office is made by the office code (``msp-office init``, ``provisioning`` and
``devices add``, run in process); the workspace installs its keys file and enrols.
That set-up is not timed. Then, timed with ``time.perf_counter``:

- ``export_1000_s``: ``export_bundles(ws, folder)``, what ``msp export`` runs: the workspace
  health check, sealing the bundle (records, audit batch, manifest, signature, ustar,
  age) and writing the file;
- ``import_1000_s``: what ``msp-office import`` runs for that file: read it, load the
  office's keys, open the office database, verify and import in one transaction, and
  write the signed receipt. The receipt is then imported back on the device (not
  timed) so a refused bundle or receipt fails the run instead of being measured;
- ``encrypt_vs_age_ratio``: ``msp_desktop.bundles.age.encrypt`` against the stock
  ``age`` command on the bundle's own inner archive, rounds interleaved.

Each export/import run starts from its own copy of the provisioned workspace and of the
office, so every run seals and imports the same first bundle.

Run it from the repository root::

    .venv/bin/python -m tests.bench.bench_bundles --out bench-results
    .venv/bin/python -m tests.bench.bench_bundles --quick --out /tmp/bench   # seconds

It writes ``<out>/bundles.json`` and prints a short summary.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import io
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from msp_desktop.bundles import age
from msp_desktop.bundles.provisioning import read_provisioning
from msp_desktop.demo import realistic_visit  # answered as the demo's visits are
from msp_desktop.model import Concern, Note, Person, RiskType, Stage
from msp_desktop.office.cli import commands
from msp_desktop.office.dates import DEFAULT_TIME_ZONE
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.importer import Importer, ImportOutcome
from msp_desktop.office.keys import OfficeLayout, load_config, load_keys
from msp_desktop.services.export import ExportResult, export_bundles
from msp_desktop.store import Workspace
from tests.bench.bench_config import PASSPHRASE, SEED, WORKER
from tests.bench.bench_measure import p50
from tests.bench.bench_output import log, phase, write_result

# A stick's worth of visits out of the device and into the office in seconds each way,
# and our encryption within twice the stock age tool's time on the same bytes.
TARGETS: dict[str, float] = {
    "export_1000_s": 2.0,
    "import_1000_s": 3.0,
    "encrypt_vs_age_ratio": 2.0,
}

VISITS_PER_CONCERN = 10
DEVICE_ID = "bench-laptop"
OFFICE_ID = "bench-office"
FULL = {"visits": 1000, "runs": 3, "rounds": 15}
QUICK = {"visits": 5, "runs": 1, "rounds": 3}


def build_caseload(ws: Workspace, visits: int, seed: int) -> tuple[int, int]:
    """``visits`` finalised visits, ten to a concern, one concern to a person.

    Returns (people, concerns).
    """
    people = math.ceil(visits / VISITS_PER_CONCERN)
    first = date.today() - timedelta(days=7 * VISITS_PER_CONCERN + 10)
    made = 0
    for n in range(people):
        person = Person(
            name=f"Bench Example {n + 1:04d}",
            address=Note(text=f"{n + 1} Example Street, Sampletown"),
        )
        ws.people.add(person)
        concern = Concern(
            person_id=person.id,
            raised_on=first,
            raised_by=Note.third_party("A neighbour rang the council (fictional)."),
            risk_types=[RiskType.FINANCIAL_OR_MATERIAL],
            stage=Stage.BEGINNING,
            lead_worker=WORKER,
        )
        ws.concerns.add(concern)
        for i in range(min(VISITS_PER_CONCERN, visits - made)):
            visit = realistic_visit(concern, first + timedelta(days=3 + 7 * i), seed + i)
            ws.visits.start(visit)
            ws.visits.finalise(visit.id)
            made += 1
    return people, people


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """The office commands print for the admin; the benchmark keeps its own output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _ok(code: int, what: str) -> None:
    if code != 0:
        raise AssertionError(f"{what} exited with {code}")


def make_office(root: Path, tmp: Path) -> tuple[OfficeLayout, bytes]:
    """``msp-office init`` and ``provisioning``; returns the layout and office-keys.json."""
    args = argparse.Namespace(
        dir=str(root),
        office_id=OFFICE_ID,
        name="Bench Office (fictional)",
        time_zone=DEFAULT_TIME_ZONE,
    )
    keys_file = tmp / "office-keys.json"
    with quiet():
        _ok(commands.init(args), "msp-office init")
        _ok(
            commands.provisioning(argparse.Namespace(dir=str(root), out=keys_file, force=False)),
            "msp-office provisioning",
        )
    return OfficeLayout(root), keys_file.read_bytes()


def enrol(ws: Workspace, office_root: Path, keys_file: bytes, tmp: Path) -> None:
    """The device installs the office keys and enrols; ``msp-office devices add`` takes it."""
    # The key id the office reads out, taken here from the file it made.
    ws.import_office_keys(keys_file, read_provisioning(keys_file).office_key_id)
    enrolment = tmp / "enrolment.json"
    enrolment.write_bytes(ws.sync.enrol(DEVICE_ID))
    with quiet():
        added = commands.devices_add(
            argparse.Namespace(dir=str(office_root), enrolment=enrolment, replace=False)
        )
    _ok(added, "msp-office devices add")


def office_import(layout: OfficeLayout, bundle: Path) -> ImportOutcome:
    """What ``msp-office import BUNDLE`` does (``commands.import_bundles``), without printing."""
    config = load_config(layout)
    keys = load_keys(layout, config)
    store = SqliteOfficeStore.open(layout.database)
    try:
        return Importer(store, keys, layout).import_bundle(
            commands.read_bundle(bundle), source=bundle.name, receipts=layout.receipts
        )
    finally:
        store.close()


@dataclass
class RoundTrip:
    """One export and import of the first bundle, from fresh copies of both sides."""

    export_s: float
    import_s: float
    bundle: Path
    records: int
    audit_entries: int


def round_trip(base: Path, run: int, records: int) -> RoundTrip:
    """Copy the provisioned workspace and office, export, import, take the receipt back."""
    folder, office_root = base / f"run-{run}-workspace", base / f"run-{run}-office"
    shutil.copytree(base / "workspace", folder)
    shutil.copytree(base / "office", office_root)
    stick = base / f"run-{run}-stick"
    stick.mkdir()
    layout = OfficeLayout(office_root)
    with Workspace.open(folder, PASSPHRASE) as ws:
        start = time.perf_counter()
        exported: ExportResult = export_bundles(ws, stick)
        export_s = time.perf_counter() - start
        (written,) = exported.written
        if exported.sealed != 1 or written.records != records:
            raise AssertionError(f"unexpected export: {exported!r:.300}")
        start = time.perf_counter()
        outcome = office_import(layout, written.path)
        import_s = time.perf_counter() - start
        if outcome.checked.already or outcome.checked.records != records:
            raise AssertionError(f"the office did not import every record: {outcome.checked}")
        receipt = ws.sync.import_receipt(outcome.receipt.read_bytes())
        if receipt.already or receipt.sequence != 1 or receipt.records != records:
            raise AssertionError(f"the device did not take the receipt: {receipt!r}")
    return RoundTrip(export_s, import_s, written.path, records, outcome.checked.audit_entries)


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _run(command: list[str]) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def encryption_floor(
    inner: bytes, identity: age.AgeIdentity, tmp: Path, rounds: int
) -> dict[str, Any]:
    """Our ``age.encrypt`` and the ``age`` command on the same bytes, interleaved (ms).

    ``start`` times ``age --version`` after each pair: the process start inside the
    command's figure. ``cli`` and ``start`` are None when ``age`` is not installed.
    """
    recipient = identity.recipient
    tool = shutil.which("age")
    plain, sealed = tmp / "archive.tar", tmp / "archive.tar.age"
    plain.write_bytes(inner)
    encrypt_cli = [tool or "age", "-r", recipient.text, "-o", str(sealed), str(plain)]
    ours: list[float] = []
    cli: list[float] = []
    start: list[float] = []

    def time_ours() -> None:
        ours.append(_ms(lambda: age.encrypt(inner, [recipient])))

    def time_cli() -> None:
        sealed.unlink(missing_ok=True)
        cli.append(_ms(lambda: _run(encrypt_cli)))

    steps = (time_ours, time_cli) if tool else (time_ours,)
    for step in steps:  # warm-up: code pages, the binary in the file cache
        step()
    ours.clear()
    cli.clear()
    for i in range(rounds):
        for step in steps if i % 2 == 0 else steps[::-1]:
            step()
        if tool:
            start.append(_ms(lambda: _run([tool, "--version"])))
    if tool and age.decrypt(sealed.read_bytes(), identity) != inner:
        raise AssertionError("the age command's output does not open to the same archive")
    if age.decrypt(age.encrypt(inner, [recipient]), identity) != inner:
        raise AssertionError("our age output does not open to the same archive")
    return {
        "ours": ours,
        "cli": cli if tool else None,
        "start": start if tool else None,
        "age": _run([tool, "--version"]).strip() if tool else None,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; ``--quick`` changes the defaults, explicit values still win."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_bundles", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--visits", type=int, help=f"default {FULL['visits']}")
    parser.add_argument("--runs", type=int, help=f"export+import runs, default {FULL['runs']}")
    parser.add_argument("--rounds", type=int, help=f"encryption rounds, default {FULL['rounds']}")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where to build everything")
    parser.add_argument("--quick", action="store_true", help="a tiny run for the smoke test")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.visits, args.runs, args.rounds) < 1:
        parser.error("visits, runs and rounds must be at least 1")
    return args


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def report(
    trips: list[RoundTrip],
    floor: dict[str, Any],
    sizes: dict[str, int],
    args: argparse.Namespace,
    phases: dict[str, float],
    sqlcipher: str,
) -> dict[str, Any]:
    """The JSON document written to ``bundles.json``."""
    ours_ms = p50(floor["ours"])
    cli_ms = p50(floor["cli"]) if floor["cli"] else None
    start_ms = p50(floor["start"]) if floor["start"] else None
    result: dict[str, Any] = {
        "export_1000_s": _r(p50([t.export_s for t in trips])),
        "import_1000_s": _r(p50([t.import_s for t in trips])),
        "encrypt_vs_age_ratio": _r(ours_ms / cli_ms) if cli_ms else None,
        "encrypt_ours_ms": _r(ours_ms),
        "encrypt_age_cli_ms": _r(cli_ms),
        "age_process_start_ms": _r(start_ms),
        "export_runs_s": [_r(t.export_s) for t in trips],
        "import_runs_s": [_r(t.import_s) for t in trips],
        "encrypt_ours_runs_ms": [_r(v) for v in floor["ours"]],
        "encrypt_age_cli_runs_ms": [_r(v) for v in floor["cli"]] if floor["cli"] else None,
        "targets": TARGETS,
        "sizes": {**sizes, "runs": args.runs, "encrypt_rounds": args.rounds},
        "phase_seconds": {k: round(v, 1) for k, v in phases.items()},
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "sqlcipher_version": sqlcipher,
            "pyrage": importlib.metadata.version("pyrage"),
            "age": floor["age"],
        },
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": {
            "method": (
                "time.perf_counter around export_bundles(ws, folder) (health check of the "
                "workspace, sealing, writing the file) and around what msp-office import "
                "runs (read the file, load office.json and the keys, open office.db, "
                "Importer.import_bundle: verify, plan, one transaction, signed receipt "
                "written). Each run starts from its own copy of the provisioned workspace "
                "(freshly unlocked) and of the office; the figures are the medians of the "
                "runs. The receipt is imported back on the device after each run."
            ),
            "first_run": (
                "export_runs_s[0] and import_runs_s[0] are the first in this process (code "
                "and validators not yet warm), as for a worker's one msp export; the "
                "median is of every run."
            ),
            "encrypt_vs_age_ratio": (
                "median of msp_desktop.bundles.age.encrypt (pyrage, in memory) / median of "
                "`age -r RECIPIENT -o OUT IN` as a subprocess, on the bundle's own inner "
                "ustar archive, rounds alternating which goes first. The age figure "
                "includes starting the process and reading and writing the files; "
                "age_process_start_ms (`age --version`) shows that share."
            ),
        },
    }
    if floor["cli"] is None:
        result["notes"]["age"] = "the age command is not installed: no floor was measured"
    if sizes["visits"] != FULL["visits"]:
        result["notes"]["scale"] = (
            f"a run with {sizes['visits']} visits; the targets are for {FULL['visits']}"
        )
    result["meets_targets"] = {
        name: None if result[name] is None else bool(result[name] <= target)
        for name, target in TARGETS.items()
    }
    return result


def summary_text(result: dict[str, Any]) -> str:
    """A few lines for the terminal."""

    def mark(name: str) -> str:
        met = result["meets_targets"][name]
        return "not measured" if met is None else "ok" if met else "MISSED"

    s = result["sizes"]
    ratio = result["encrypt_vs_age_ratio"]
    floor = (
        f"  encrypt           ours {result['encrypt_ours_ms']:.1f} ms, age command "
        f"{result['encrypt_age_cli_ms']:.1f} ms (process start "
        f"{result['age_process_start_ms']:.1f} ms): ratio {ratio:.2f} "
        f"(target {TARGETS['encrypt_vs_age_ratio']}: {mark('encrypt_vs_age_ratio')})"
        if ratio is not None
        else f"  encrypt           ours {result['encrypt_ours_ms']:.1f} ms; age not installed"
    )
    return "\n".join(
        [
            f"bundles benchmark: {s['visits']} visits, {s['records']} records, "
            f"{s['audit_entries']} audit entries, bundle {s['bundle_bytes'] / 1e6:.2f} MB, "
            f"{s['runs']} runs",
            f"  export            {result['export_1000_s']:.3f} s "
            f"(target {TARGETS['export_1000_s']} s: {mark('export_1000_s')})",
            f"  import            {result['import_1000_s']:.3f} s "
            f"(target {TARGETS['import_1000_s']} s: {mark('import_1000_s')})",
            floor,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build and provision the workspace, time export, import and encryption."""
    args = parse_args(argv)
    phases: dict[str, float] = {}
    log("bundles benchmark")
    with tempfile.TemporaryDirectory(prefix="msp-bench-bundles-", dir=args.tmp_dir) as tmp:
        base = Path(tmp)
        with phase("build", phases), Workspace.create(base / "workspace", PASSPHRASE, WORKER) as ws:
            people, concerns = build_caseload(ws, args.visits, args.seed)
            layout, keys_file = make_office(base / "office", base)
            enrol(ws, layout.root, keys_file, base)
            sqlcipher = str(ws.db.scalar("PRAGMA cipher_version"))
            # Each visit's agreed actions travel as records of their own (format 2).
            actions = ws.actions.count()
        records = people + concerns + args.visits + actions
        trips: list[RoundTrip] = []
        with phase("export and import", phases):
            for run in range(args.runs):
                trips.append(round_trip(base, run, records))
        bundle = trips[0].bundle.read_bytes()
        identity = load_keys(layout, load_config(layout)).inbox
        inner = age.decrypt(bundle, identity)
        with phase("encryption", phases):
            floor = encryption_floor(inner, identity, base, args.rounds)
        sizes = {
            "visits": args.visits,
            "people": people,
            "concerns": concerns,
            "actions": actions,
            "records": records,
            "audit_entries": trips[0].audit_entries,
            "bundle_bytes": len(bundle),
            "archive_bytes": len(inner),
        }
    result = report(trips, floor, sizes, args, phases, sqlcipher)
    write_result(args.out, "bundles.json", result, summary_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
