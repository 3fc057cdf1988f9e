"""A bounded load test of ``msp-office serve``: 50 devices uploading at once on loopback.

The real console script serves a SQLite office over TLS with a throwaway certificate.
Fifty enrolled ``FakeDevice``s each seal two small bundles (sequence 1 and 2) before
anything is timed, then all upload at once, one thread each, each device its bundles
in order, retrying a 429 or 503 after the office's ``Retry-After`` (capped) as the
device uploader does. Every bundle must be imported once and no receipt lost: each
upload ends 200 with a receipt the office signed for exactly that bundle, the ledger
holds the 100 bundles once each, and uploading a sample again gets the same receipts,
byte for byte, and imports nothing.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.bench.bench_sync import (
    Upload,
    check_ledger,
    check_receipts,
    office_command,
    prepare,
    serving,
    upload,
    upload_all,
)

# Puts load on the machine and times itself: on one worker, one at a time with the
# other tests of the "load" group, so no two of them share the machine (make test).
pytestmark = pytest.mark.xdist_group("load")

DEVICES = 50
BUNDLES = 2
SAMPLE = 10


@pytest.mark.posix_only(
    "stops msp-office serve with SIGTERM, as a service manager does, and expects a clean exit; "
    "Windows has no SIGTERM (TerminateProcess exits 1), and the office serves from Linux"
)
def test_fifty_devices_at_once_every_bundle_imported_once(
    msp_env: dict[str, str], tmp_path: Path
) -> None:
    start = time.monotonic()
    layout, plans = prepare(tmp_path / "office", DEVICES, BUNDLES)
    bundles = [sealed for plan in plans for sealed in plan]
    assert len({sealed.sha256 for sealed in bundles}) == DEVICES * BUNDLES

    with serving(layout, tmp_path, max_pending=DEVICES, env=msp_env) as office:
        uploads, elapsed = upload_all(office, plans)
        check_receipts(office, uploads, "imported")  # every 200, every receipt verifies
        check_ledger(office, bundles)  # 100 bundles, each once

        status = subprocess.run(
            [*office_command(), "status", "--json", "--dir", str(layout.root)],
            env=msp_env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert status.returncode == 0, status.stderr
        counts = json.loads(status.stdout)
        assert (counts["bundles"], counts["devices"]) == (DEVICES * BUNDLES, DEVICES)
        assert (counts["quarantined"], counts["alerts"], counts["conflicts"]) == (0, 0, 0)

        sample = random.Random(20261120).sample(uploads, SAMPLE)
        again = [Upload(item.sealed) for item in sample]
        with httpx.Client(verify=office.context, timeout=60) as client:
            for item in again:
                upload(client, office.url, item)
        check_receipts(office, again, "already-imported")
        assert [item.receipt for item in again] == [item.receipt for item in sample]
        check_ledger(office, bundles)  # still 100, nothing imported twice

        assert office.stop() == 0
    requests = [json.loads(line) for line in office.stderr if line.startswith("{")]
    statuses = [line["status"] for line in requests if line.get("event") == "request"]
    retries = sum(item.retries for item in [*uploads, *again])
    assert statuses.count(200) == DEVICES * BUNDLES + SAMPLE
    assert len(statuses) == DEVICES * BUNDLES + SAMPLE + retries
    assert set(statuses) <= {200, 429, 503}
    assert not any("Load Example" in line for line in office.stderr)
    print(f"{len(uploads)} uploads in {elapsed:.2f} s, {retries} retries")
    assert time.monotonic() - start < 60
