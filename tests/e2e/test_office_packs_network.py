"""People allocated at the office reach laptops through the network, end to end with
both real programs (issue 17, items 3 and 7): ``msp sync`` against a running
``msp-office serve`` over TLS with the certificate pinned fetches the laptop's office
pack (issued on demand from the caseload allocated to it), applies it and sends its
signed receipt, which the office marks acknowledged; then the person moves to a
colleague's laptop, which receives them at its own sync, and they leave the first
laptop, which holds nothing of theirs the office does not.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from msp_desktop.bundles.provisioning import read_provisioning
from tests.e2e.conftest import MspRunner, OfficeRunner, demo_device, office_command, ok
from tests.office_service_helpers import ServeProcess, self_signed, serve_process
from tests.unit.office.test_caseload_csv import HEADER


@contextmanager
def serving_office(
    msp_office: OfficeRunner, msp_env: dict[str, str], office_dir: Path, tmp_path: Path
) -> Iterator[tuple[ServeProcess, Path, str]]:
    """A new office served over TLS (``msp-office serve``), and its keys file naming the
    inbox and pinning its certificate, with the office key id read out with it."""
    ok(msp_office("init", "--office-id", "north", "--name", "North Borough ASC"))
    tls = self_signed(tmp_path)
    command = [*office_command(), "serve", "--port", "0", "--tls-cert", str(tls.cert),
               "--tls-key", str(tls.key)]  # fmt: skip
    with serve_process(command, {**msp_env, "MSP_OFFICE_DIR": str(office_dir)}) as service:
        keys = tmp_path / "office-keys.json"
        ok(msp_office("provisioning", "--out", str(keys), "--inbox-url", service.url,
                      "--tls-cert", str(tls.cert)))  # fmt: skip
        yield service, keys, read_provisioning(keys.read_bytes()).office_key_id


def stopped_cleanly(service: ServeProcess) -> None:
    """The service stops on a service manager's SIGTERM with exit 0. Windows has no
    SIGTERM (TerminateProcess exits 1), and the office serves from Linux: there the
    laptop's side is what these tests are for, and the service is simply ended."""
    code = service.stop()
    if sys.platform != "win32":
        assert code == 0


ADA = (
    "M-1001,Ada Example,Ada,1948-03-02,943 476 5919,1 Fictional Road,01632 960001,Welsh,"
    "large_print,large-print,SAF-1,2026-11-03,Financial or Material Abuse,Own Home,"
    "Other - Known to individual,laptop-7"
)


def test_an_allocated_person_reaches_laptops_through_the_network(
    msp: MspRunner,
    msp_office: OfficeRunner,
    msp_env: dict[str, str],
    office_dir: Path,
    tmp_path: Path,
) -> None:
    with serving_office(msp_office, msp_env, office_dir, tmp_path) as (service, keys, key_id):
        laptops = {}
        for device in ("laptop-7", "laptop-8"):
            env = {"MSP_WORKSPACE": str(tmp_path / device)}
            ok(msp("init", "--office-keys", str(keys), "--office-key-id", key_id, env=env))
            ok(msp("enrol", "--out", str(tmp_path / f"{device}.json"), "--device-id", device,
                   env=env))  # fmt: skip
            ok(msp_office("devices", "add", str(tmp_path / f"{device}.json")))
            laptops[device] = env
        export = tmp_path / "caseload.csv"
        export.write_text(f"{HEADER}\n{ADA}\n", encoding="utf-8")
        ok(msp_office("caseload", "import", "--csv", str(export)))

        synced = msp("sync", env=laptops["laptop-7"])

        assert synced.returncode == 0, synced.stderr
        assert synced.stdout.splitlines() == [
            "Nothing to send: every finalised record is confirmed by the office.",
            "Office pack 1 taken: 1 person and 1 concern from the office.",
            "The office was told which packs this device took (1 receipt sent).",
        ]
        [ada] = json.loads(ok(msp("people", "list", "--json", env=laptops["laptop-7"])))
        assert (ada["name"], ada["local_id"]) == ("Ada Example", "M-1001")
        [pack] = json.loads(ok(msp_office("packs", "list", "--json")))
        assert (pack["device_id"], pack["sequence"]) == ("laptop-7", 1)
        assert pack["acknowledged_at"] is not None
        status = json.loads(ok(msp("sync", "status", "--json", env=laptops["laptop-7"])))
        assert [p["sequence"] for p in status["packs"]] == [1]

        again = msp("sync", env=laptops["laptop-7"])
        assert again.returncode == 0, again.stderr
        assert "Nothing new from the office." in again.stdout.splitlines()

        # The case moves to the colleague: their sync brings Ada, laptop-7's says so.
        ok(msp_office("allocate", "--person", "M-1001", "--to", "laptop-8", "--reason", "cover"))
        theirs = msp("sync", env=laptops["laptop-8"])
        assert theirs.returncode == 0, theirs.stderr
        assert "Office pack 1 taken: 1 person and 1 concern from the office." in theirs.stdout
        [moved] = json.loads(ok(msp("people", "list", "--json", env=laptops["laptop-8"])))
        assert moved["id"] == ada["id"]
        told = msp("sync", env=laptops["laptop-7"])
        assert told.returncode == 0, told.stderr
        assert (
            "Office pack 2 taken. 1 person the office gave to another worker has left this "
            "laptop: everything about them is at the office."
        ) in told.stdout.splitlines()
        assert json.loads(ok(msp("people", "list", "--json", env=laptops["laptop-7"]))) == []
        listed = json.loads(ok(msp_office("packs", "list", "--json")))
        assert sorted((p["device_id"], p["sequence"]) for p in listed) == [
            ("laptop-7", 1), ("laptop-7", 2), ("laptop-8", 1)]  # fmt: skip
        assert all(p["acknowledged_at"] is not None for p in listed)
        stopped_cleanly(service)


def test_a_case_moves_between_laptops_with_every_visit_and_leaves_the_first(
    msp: MspRunner,
    msp_office: OfficeRunner,
    msp_env: dict[str, str],
    office_dir: Path,
    tmp_path: Path,
) -> None:
    """A worker's demo caseload reaches the office; one person with only finalised
    visits moves to a colleague, whose laptop gets every visit in the worker's words;
    the first laptop lets them go, since the office holds everything of theirs."""
    with serving_office(msp_office, msp_env, office_dir, tmp_path) as (service, keys, key_id):
        office = (keys, key_id)
        mine = {"MSP_WORKSPACE": str(tmp_path / "laptop-7")}
        theirs = {"MSP_WORKSPACE": str(tmp_path / "laptop-8")}
        demo_device(msp, office, tmp_path / "laptop-7.json", "laptop-7", **mine)
        ok(msp("init", "--office-keys", str(keys), "--office-key-id", office[1], env=theirs))
        ok(msp("enrol", "--out", str(tmp_path / "laptop-8.json"), "--device-id", "laptop-8",
               env=theirs))  # fmt: skip
        for device in ("laptop-7", "laptop-8"):
            ok(msp_office("devices", "add", str(tmp_path / f"{device}.json")))
        ok(msp("sync", env=mine))
        visits = json.loads(ok(msp("visits", "list", "--json", env=mine)))
        drafted = {v["person_id"] for v in visits if v["status"] == "draft"}
        moving = next(v["person_id"] for v in visits if v["person_id"] not in drafted)
        theirs_before = [v for v in visits if v["person_id"] == moving]
        [person] = [p for p in json.loads(ok(msp("people", "list", "--json", env=mine)))
                    if p["id"] == moving]  # fmt: skip

        ok(msp_office("allocate", "--person", moving, "--to", "laptop-8", "--reason", "cover"))
        got = msp("sync", env=theirs)

        assert got.returncode == 0, got.stderr
        [arrived] = json.loads(ok(msp("people", "list", "--json", env=theirs)))
        assert (arrived["id"], arrived["name"]) == (moving, person["name"])
        now_theirs = json.loads(ok(msp("visits", "list", "--json", env=theirs)))
        assert sorted((v["id"], v["revision"], v["status"]) for v in now_theirs) == sorted(
            (v["id"], v["revision"], v["status"]) for v in theirs_before
        )
        for visit in theirs_before:  # every word, as the first worker finalised it
            there = ok(msp("visits", "show", visit["id"], "--json", env=mine))
            here = ok(msp("visits", "show", visit["id"], "--json", env=theirs))
            assert json.loads(here)["visit"] == json.loads(there)["visit"]
        # Nothing of it goes back from the colleague's laptop.
        status = json.loads(ok(msp("sync", "status", "--json", env=theirs)))
        assert status["counts"]["finalised"] == 0
        # And the workspace holding a colleague's visits checks out and syncs.
        ok(msp("check", env=theirs))
        again = msp("sync", env=theirs)
        assert again.returncode == 0, again.stderr

        told = msp("sync", env=mine)
        assert told.returncode == 0, told.stderr
        assert "1 person the office gave to another worker has left this laptop" in told.stdout
        left = {p["id"] for p in json.loads(ok(msp("people", "list", "--json", env=mine)))}
        assert moving not in left
        stopped_cleanly(service)
