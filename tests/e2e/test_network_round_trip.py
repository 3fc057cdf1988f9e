"""The network journey the worker sees: ``msp sync`` against a running ``msp-office serve``
whose database is PostgreSQL, over TLS with the certificate pinned in the office keys.

Both sides are the real console scripts in their own processes; the office database is
a throwaway PostgreSQL schema (tests/office_pg.py: skipped locally without PostgreSQL,
failed under CI=true).
"""

from __future__ import annotations

import json
from pathlib import Path

from msp_desktop.bundles.provisioning import read_provisioning
from tests.e2e.conftest import MspRunner, OfficeRunner, office_command, ok
from tests.office_pg import postgres_server, postgres_url  # noqa: F401 - fixtures
from tests.office_service_helpers import self_signed, serve_process


def test_msp_sync_sends_everything_to_the_service_on_postgres_and_gets_receipts(
    msp: MspRunner,
    msp_office: OfficeRunner,
    msp_env: dict[str, str],
    office_dir: Path,
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
) -> None:
    def office(*args: str) -> str:
        return ok(msp_office(*args, "--db", postgres_url))

    office("init", "--office-id", "north", "--name", "North Borough ASC")
    tls = self_signed(tmp_path)
    command = [*office_command(), "serve", "--port", "0", "--tls-cert", str(tls.cert),
               "--tls-key", str(tls.key)]  # fmt: skip
    env = {**msp_env, "MSP_OFFICE_DIR": str(office_dir), "MSP_OFFICE_DB": postgres_url}
    with serve_process(command, env) as service:
        url = service.url
        keys_file = tmp_path / "office-keys.json"
        office("provisioning", "--out", str(keys_file), "--inbox-url", url,
               "--tls-cert", str(tls.cert))  # fmt: skip
        provisioning = read_provisioning(keys_file.read_bytes())
        assert provisioning.inbox_url == url
        assert provisioning.tls_sha256 is not None

        ok(msp("demo"))
        ok(
            msp(
                "office-keys",
                "import",
                str(keys_file),
                "--office-key-id",
                provisioning.office_key_id,  # as `msp-office provisioning` printed it
            )
        )
        ok(msp("enrol", "--out", str(tmp_path / "enrolment.json")))
        office("devices", "add", str(tmp_path / "enrolment.json"))
        before = json.loads(ok(msp("sync", "status", "--json")))["counts"]
        assert before["finalised"] > 0

        synced = msp("sync")
        assert synced.returncode == 0, synced.stderr
        assert f"{before['finalised']} records sent and confirmed by the office" in synced.stdout

        after = json.loads(ok(msp("sync", "status", "--json")))["counts"]
        assert after["acknowledged"] == before["finalised"]
        assert after["finalised"] == after["in-bundle"] == 0
        assert after["draft"] == before["draft"]

        status = json.loads(office("status", "--json"))
        assert status["bundles"] == 1
        again = msp("sync")
        assert again.returncode == 0, again.stderr
        assert "Nothing to send" in again.stdout
        assert service.stop() == 0  # a service manager's SIGTERM is a clean stop
