"""The network journey the worker sees: ``msp sync`` against a running ``msp-office serve``
whose database is PostgreSQL, over TLS with the certificate pinned in the office keys.

Both sides are the real console scripts in their own processes; the office database is
a throwaway PostgreSQL schema (tests/office_pg.py: skipped locally without PostgreSQL,
failed under CI=true).
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest

from msp_desktop.bundles.provisioning import read_provisioning
from tests.e2e.conftest import MspRunner, office_command
from tests.office_pg import postgres_server, postgres_url  # noqa: F401 - fixtures
from tests.office_service_helpers import self_signed


def _office(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*office_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _serve(
    env: dict[str, str], cert: Path, key: Path
) -> tuple[subprocess.Popen[str], threading.Thread, str]:
    process = subprocess.Popen(
        [*office_command(), "serve", "--port", "0", "--tls-cert", str(cert), "--tls-key",
         str(key)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        lines.extend(line.rstrip("\n") for line in process.stderr)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        found = [re.search(r"takes bundles at (https://[^/\s]+)/v1/bundles", li) for li in lines]
        url = next((m[1] for m in found if m), None)
        if url:
            return process, reader, url
        time.sleep(0.05)
    process.kill()
    pytest.fail("msp-office serve did not start:\n" + "\n".join(lines))


def test_msp_sync_sends_everything_to_the_service_on_postgres_and_gets_receipts(
    msp: MspRunner,
    msp_env: dict[str, str],
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
) -> None:
    office_dir = tmp_path / "office"
    env = {**msp_env, "MSP_OFFICE_DIR": str(office_dir), "MSP_OFFICE_DB": postgres_url}
    _ok(_office(env, "init", "--office-id", "north", "--name", "North Borough ASC"))
    tls = self_signed(tmp_path)
    process, reader, url = _serve(env, tls.cert, tls.key)
    try:
        keys_file = tmp_path / "office-keys.json"
        _ok(
            _office(env, "provisioning", "--out", str(keys_file), "--inbox-url", url,
                    "--tls-cert", str(tls.cert))
        )  # fmt: skip
        provisioning = read_provisioning(keys_file.read_bytes())
        assert provisioning.inbox_url == url
        assert provisioning.tls_sha256 is not None

        _ok(msp("demo"))
        _ok(msp("office-keys", "import", str(keys_file)))
        _ok(msp("enrol", "--out", str(tmp_path / "enrolment.json")))
        _ok(_office(env, "devices", "add", str(tmp_path / "enrolment.json")))
        before = json.loads(_ok(msp("sync", "status", "--json")))["counts"]
        assert before["finalised"] > 0

        synced = msp("sync")
        assert synced.returncode == 0, synced.stderr
        assert f"{before['finalised']} records sent and confirmed by the office" in synced.stdout

        after = json.loads(_ok(msp("sync", "status", "--json")))["counts"]
        assert after["acknowledged"] == before["finalised"]
        assert after["finalised"] == after["in-bundle"] == 0
        assert after["draft"] == before["draft"]

        status = json.loads(_ok(_office(env, "status", "--json")))
        assert status["bundles"] == 1
        again = msp("sync")
        assert again.returncode == 0, again.stderr
        assert "Nothing to send" in again.stdout
    finally:
        process.terminate()
        code = process.wait(30)
        reader.join(10)
        assert process.stderr is not None
        process.stderr.close()
    assert code == 0  # a service manager's SIGTERM is a clean stop
