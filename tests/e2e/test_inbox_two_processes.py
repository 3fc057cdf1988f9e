"""Two ``msp-office serve`` processes on one PostgreSQL database, under load (issue 17,
item 6): an office with more than one machine behind a load balancer.

Twenty enrolled ``FakeDevice``s each have two sealed bundles and one person with a
concern allocated to them at the office (the caseload export). All at once, each
device sends every bundle to both services at the same moment, then asks both for its
office pack with the same signed request, then sends its pack receipt to both. What
must hold: every bundle imported once and both answers the same receipt, signed for
it; one pack issued per device, both services answering with its bytes; every pack
acknowledged, no receipt lost; and asked again, nothing more waits.
"""

from __future__ import annotations

import hashlib
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from msp_desktop.bundles import SealedBundle, verify_receipt
from msp_desktop.bundles.pack import open_pack
from msp_desktop.bundles.pack_receipt import make_pack_receipt
from msp_desktop.bundles.pack_request import PACK_REQUEST_HEADER, make_pack_request
from msp_desktop.office import devices
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.keys import OfficeLayout, load_config, load_keys
from tests.bench.bench_sync import MAX_RETRY_AFTER_S, OFFICE_ID, SERVE_FLAGS, seal_bundles
from tests.office_helpers import FakeDevice, office_command
from tests.office_pg import postgres_server, postgres_url  # noqa: F401 - fixtures
from tests.office_service_helpers import OCTET, self_signed, serve_process
from tests.unit.office.test_caseload_csv import HEADER

# Puts load on the machine: on one worker, with the other tests of the "load" group.
pytestmark = pytest.mark.xdist_group("load")

DEVICES = 20
BUNDLES = 2
TRIES = 60


@dataclass
class Answers:
    """What both services answered one device, in the order asked."""

    receipts: list[tuple[bytes, bytes]] = field(default_factory=list)
    packs: list[tuple[bytes, bytes]] = field(default_factory=list)
    pack_receipts: list[tuple[int, int]] = field(default_factory=list)
    nothing_more: list[tuple[int, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _office(root: Path, url: str, fleet: list[FakeDevice], env: dict[str, str]) -> None:
    """``msp-office init`` on PostgreSQL, every device enrolled, and a person with a
    concern allocated to each device by a caseload export."""
    base = [*office_command()]
    _run([*base, "init", "--dir", str(root), "--db", url, "--office-id", OFFICE_ID,
          "--name", "Two Machines Office (fictional)"], env)  # fmt: skip
    store = open_store(root, url, read_only=False)
    try:
        for device in fleet:
            devices.enrol(store, device.enrolment(), replace=False, now="2026-12-06T09:00:00Z")
    finally:
        store.close()
    rows = [f"L-{i:03d},Load Person {i:03d},,,,,,,,,REF-{i:03d},2026-11-03,"
            f"Neglect and Acts of Omission,Own Home,,{device.device_id}"
            for i, device in enumerate(fleet, start=1)]  # fmt: skip
    export = root.parent / "caseload.csv"
    export.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    _run([*base, "caseload", "import", "--dir", str(root), "--db", url, "--csv", str(export)],
         env)  # fmt: skip


def _retrying(send: Callable[[], httpx.Response]) -> httpx.Response:
    """``send()`` again while the office says busy (429/503), after its Retry-After."""
    for _ in range(TRIES):
        response = send()
        if response.status_code not in (429, 503):
            return response
        time.sleep(min(float(response.headers.get("retry-after", "1")), MAX_RETRY_AFTER_S))
    return response


Send = Callable[[httpx.Client, str], httpx.Response]


def _both(services: list[tuple[httpx.Client, str]], send: Send) -> list[httpx.Response]:
    """``send(client, url)`` to both services at the same moment; their answers, A then B."""
    answers: list[httpx.Response | None] = [None, None]
    start = threading.Barrier(2)

    def one(index: int) -> None:
        start.wait()
        answers[index] = _retrying(lambda: send(*services[index]))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert all(answer is not None for answer in answers), "a request did not finish"
    return [answer for answer in answers if answer is not None]


def _device(
    device: FakeDevice, bundles: list[SealedBundle], urls: list[str], context: ssl.SSLContext,
    answers: Answers, go: threading.Barrier,
) -> None:  # fmt: skip
    with ExitStack() as stack:
        both = [(stack.enter_context(httpx.Client(verify=context, timeout=120)), url)
                for url in urls]  # fmt: skip
        go.wait()
        for sealed in bundles:
            got = _both(both, lambda c, url, data=sealed.data: c.post(
                f"{url}/v1/bundles", content=data, headers=OCTET))  # fmt: skip
            if any(r.status_code != 200 for r in got):
                answers.errors.append(f"bundle: {[(r.status_code, r.text[:200]) for r in got]}")
                return
            answers.receipts.append((got[0].content, got[1].content))

        def ask(after: int) -> Send:
            header = make_pack_request(office_id=OFFICE_ID, device_id=device.device_id,
                                       device_key=device.key, after=after)  # fmt: skip
            return lambda c, url: c.get(f"{url}/v1/packs/next",
                                        headers={PACK_REQUEST_HEADER: header})  # fmt: skip

        packs = _both(both, ask(0))
        if any(r.status_code != 200 for r in packs):
            answers.errors.append(f"pack: {[(r.status_code, r.text[:200]) for r in packs]}")
            return
        answers.packs.append((packs[0].content, packs[1].content))
        receipt = make_pack_receipt(device_id=device.device_id, device_key=device.key,
                                    sequence=1,
                                    pack_sha256=hashlib.sha256(packs[0].content).hexdigest(),
                                    kept_aside=0)  # fmt: skip
        taken = _both(both, lambda c, url: c.post(
            f"{url}/v1/pack-receipts", content=receipt,
            headers={"Content-Type": "application/json"}))  # fmt: skip
        answers.pack_receipts.append((taken[0].status_code, taken[1].status_code))
        more = _both(both, ask(1))
        answers.nothing_more.append((more[0].status_code, more[1].status_code))


@pytest.fixture
def services(
    msp_env: dict[str, str],
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
) -> Iterator[tuple[list[str], ssl.SSLContext, list[FakeDevice], Path]]:
    fleet = [FakeDevice(device_id=f"two-{i + 1:03d}") for i in range(DEVICES)]
    root = tmp_path / "office"
    _office(root, postgres_url, fleet, msp_env)
    tls = self_signed(tmp_path)
    flags = [item for pair in SERVE_FLAGS.items() for item in pair]
    command = [*office_command(), "serve", "--dir", str(root), "--db", postgres_url,
               "--port", "0", "--tls-cert", str(tls.cert), "--tls-key", str(tls.key),
               *flags]  # fmt: skip
    with serve_process(command, msp_env) as first, serve_process(command, msp_env) as second:
        context = ssl.create_default_context(cafile=str(tls.cert))
        yield [first.url, second.url], context, fleet, root
        assert first.stop() == 0
        assert second.stop() == 0


@pytest.mark.posix_only(
    "stops msp-office serve with SIGTERM, as a service manager does; the office serves from "
    "Linux, and its PostgreSQL tests run there"
)
def test_two_services_on_one_database_import_once_issue_once_and_lose_no_receipt(
    services: tuple[list[str], ssl.SSLContext, list[FakeDevice], Path],
    postgres_url: str,  # noqa: F811
) -> None:
    urls, context, fleet, root = services
    layout = OfficeLayout(root)
    keys = load_keys(layout, load_config(layout))
    plans = seal_bundles(layout, fleet, BUNDLES)
    answers = [Answers() for _ in fleet]
    go = threading.Barrier(len(fleet) + 1)
    threads = [threading.Thread(target=_device, args=(device, plan, urls, context, got, go))
               for device, plan, got in zip(fleet, plans, answers, strict=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    go.wait()
    for thread in threads:
        thread.join(600)
    assert not any(thread.is_alive() for thread in threads), "a device did not finish"

    assert [a.errors for a in answers if a.errors] == []
    for device, plan, got in zip(fleet, plans, answers, strict=True):
        # Each bundle: the same receipt from both services, signed for exactly it.
        for sealed, (a, b) in zip(plan, got.receipts, strict=True):
            assert a == b
            verify_receipt(a, keys.signing.public_key, bundle_sha256=sealed.sha256)
        # One pack, the same bytes from both, opening with the device's pack key.
        [(a, b)] = got.packs
        assert a == b
        assert device.pack is not None
        pack = open_pack(a, identity=device.pack, office_key=keys.signing.public_key,
                         device_id=device.device_id)  # fmt: skip
        assert [(c.change, c.kind) for c in pack.changes] == [
            ("allocate", "person"), ("allocate", "concern")]  # fmt: skip
        assert got.pack_receipts == [(200, 200)]
        assert got.nothing_more == [(204, 204)]
    store = open_store(root, postgres_url, read_only=True)
    try:
        ledger = store.ledger()
        packs = store.packs()
    finally:
        store.close()
    sent = sorted(sealed.sha256 for plan in plans for sealed in plan)
    assert sorted(entry.sha256 for entry in ledger) == sent  # each bundle once
    assert sorted((p.device_id, p.sequence) for p in packs) == [
        (device.device_id, 1) for device in fleet]  # fmt: skip
    assert all(p.acknowledged_at is not None for p in packs)  # no receipt lost
