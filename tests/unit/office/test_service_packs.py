"""Office packs through the inbox service (issue 17, item 3), on real loopback sockets,
SQLite and PostgreSQL: ``GET /v1/packs/next`` with a device's signed request gives its
next pack (issued on demand, the same bytes when asked again) or 204; a request the
office cannot trust is refused and issues nothing; ``POST /v1/pack-receipts`` marks a
pack acknowledged, and a receipt it cannot take changes nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.pack import open_pack
from msp_desktop.bundles.pack_receipt import make_pack_receipt
from msp_desktop.bundles.pack_request import PACK_REQUEST_HEADER, make_pack_request
from msp_desktop.office.inbox.limits import Rate
from tests.office_helpers import FakeDevice
from tests.unit.office import test_service
from tests.unit.office.conftest import NOW, Office
from tests.unit.office.test_caseload import ADA, _file
from tests.unit.office.test_service import Service, _error

# The running service, as test_service makes it (pytest finds fixtures by these names).
serve = test_service.serve
service = test_service.service


def _ask(
    service: Service, office: Office, device: FakeDevice, after: int = 0, **changes: object
) -> httpx.Response:
    fields: dict[str, object] = {"office_id": office.config.office_id,
                                 "device_id": device.device_id, "device_key": device.key,
                                 "after": after, "now": NOW, **changes}  # fmt: skip
    header = make_pack_request(**fields)  # type: ignore[arg-type]
    return service.client.get(f"{service.url}/v1/packs/next", headers={PACK_REQUEST_HEADER: header})


def _allocated(office: Office) -> None:
    """Ada and her concern allocated to laptop-7 (the caseload export)."""
    assert office.run("caseload", "import", "--csv", _file(office, ADA)) == 0


def _opened_ids(office: Office, device: FakeDevice, data: bytes) -> list[tuple[str, str]]:
    assert device.pack is not None
    pack = open_pack(data, identity=device.pack, office_key=office.keys.signing.public_key,
                     device_id=device.device_id)  # fmt: skip
    return [(c.change, c.kind) for c in pack.changes]


def test_a_device_gets_its_pack_issued_on_demand_and_the_same_bytes_again(
    office: Office, device: FakeDevice, service: Service
) -> None:
    assert _ask(service, office, device).status_code == 204
    assert office.store.packs() == []
    _allocated(office)

    first = _ask(service, office, device)

    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/octet-stream"
    assert first.headers["msp-pack-sequence"] == "1"
    assert _opened_ids(office, device, first.content) == [("allocate", "person"),
                                                          ("allocate", "concern")]  # fmt: skip
    [issued] = office.store.packs("laptop-7")
    assert office.store.queued("laptop-7") == []
    # The answer was lost: asked again after 0, the same pack, byte for byte.
    again = _ask(service, office, device)
    assert again.content == first.content
    assert len(office.store.packs()) == 1
    # Holding pack 1, nothing more waits.
    assert _ask(service, office, device, after=1).status_code == 204
    lines = [line for line in service.log.requests(4) if line["route"] == "/v1/packs/next"]
    assert [line.get("outcome") for line in lines] == [
        "nothing-waiting", "issued", "issued-before", "nothing-waiting"]  # fmt: skip
    assert issued.sha256 not in json.dumps(service.log.lines)  # no more than the log needs


@pytest.mark.parametrize(
    ("change", "reason", "says"),
    [
        ({"now": NOW - timedelta(minutes=30)}, "RequestClockSkew",
         "made 30 minutes behind the office's clock"),
        ({"now": NOW + timedelta(minutes=11)}, "RequestClockSkew",
         "made 11 minutes ahead of the office's clock"),
        ({"office_id": "south-council"}, "PackRequestRejected",
         "was made for office south-council, not this office"),
        ({"device_key": KeyPair.generate()}, "PackRequestRejected",
         "which is not an enrolled, unrevoked key of device laptop-7"),
    ],
)  # fmt: skip
def test_a_request_the_office_cannot_trust_is_403_and_issues_nothing(
    office: Office,
    device: FakeDevice,
    service: Service,
    change: dict[str, object],
    reason: str,
    says: str,
) -> None:
    _allocated(office)
    queued = office.store.queued()

    answer = _ask(service, office, device, **change)

    assert says in _error(answer, 403, reason)
    assert office.store.packs() == []
    assert office.store.queued() == queued


def test_a_request_signed_for_another_device_or_altered_is_refused(
    office: Office, device: FakeDevice, other: FakeDevice, service: Service
) -> None:
    _allocated(office)
    # laptop-b's key signing a request that names laptop-7.
    stolen = _ask(service, office, device, device_key=other.key)
    assert "not an enrolled, unrevoked key of device laptop-7" in _error(
        stolen, 403, "PackRequestRejected"
    )
    header = make_pack_request(office_id=office.config.office_id, device_id="laptop-7",
                               device_key=device.key, after=0, now=NOW)  # fmt: skip
    document = json.loads(base64.urlsafe_b64decode(header))
    document["pack_request"]["after"] = 5
    altered = base64.urlsafe_b64encode(json.dumps(document).encode()).decode()
    for value in (altered, "not base64 at all!", "A" * 5000):
        answer = service.client.get(f"{service.url}/v1/packs/next",
                                    headers={PACK_REQUEST_HEADER: value})  # fmt: skip
        assert _error(answer, 403, "PackRequestRejected").startswith("The pack request")
    missing = service.client.get(f"{service.url}/v1/packs/next")
    assert PACK_REQUEST_HEADER in _error(missing, 403, "PackRequestRejected")
    assert office.store.packs() == []


def test_a_device_ahead_of_the_office_is_409(
    office: Office, device: FakeDevice, service: Service
) -> None:
    _allocated(office)
    answer = _ask(service, office, device, after=3)
    assert "holds office pack 3, but the office has issued only 0" in _error(
        answer, 409, "DeviceAheadOfOffice"
    )
    assert office.store.packs() == []


def test_a_device_without_a_pack_key_at_the_office_is_told_to_enrol_again(
    office: Office, service: Service
) -> None:
    old = FakeDevice(device_id="laptop-7", pack=None)
    office.enrol(old)
    _allocated(office)
    answer = _ask(service, office, old)
    assert "msp enrol --out FILE" in _error(answer, 409, "NoPackKeyAtOffice")
    assert office.store.packs() == []


def _receipt(device: FakeDevice, data: bytes, key: KeyPair | None = None) -> bytes:
    return make_pack_receipt(device_id=device.device_id, device_key=key or device.key,
                             sequence=1, pack_sha256=hashlib.sha256(data).hexdigest(),
                             kept_aside=0)  # fmt: skip


def test_a_pack_receipt_marks_the_pack_acknowledged_once(
    office: Office, device: FakeDevice, service: Service
) -> None:
    _allocated(office)
    pack = _ask(service, office, device).content
    url = f"{service.url}/v1/pack-receipts"
    json_type = {"Content-Type": "application/json"}

    taken = service.client.post(url, content=_receipt(device, pack), headers=json_type)

    assert taken.status_code == 200, taken.text
    assert taken.json() == {"status": "acknowledged", "device_id": "laptop-7", "sequence": 1}
    [issued] = office.store.packs()
    assert issued.acknowledged_at == "2026-11-21T09:00:00Z"
    again = service.client.post(url, content=_receipt(device, pack), headers=json_type)
    assert again.json()["status"] == "already-acknowledged"
    assert office.store.packs() == [issued]


def test_a_pack_receipt_the_office_cannot_take_changes_nothing(
    office: Office, device: FakeDevice, other: FakeDevice, service: Service
) -> None:
    _allocated(office)
    pack = _ask(service, office, device).content
    url = f"{service.url}/v1/pack-receipts"
    json_type = {"Content-Type": "application/json"}
    [before] = office.store.packs()
    cases: list[tuple[bytes, dict[str, str], int, str, str]] = [
        (_receipt(device, pack, other.key), json_type, 400, "PackReceiptRejected",
         "not an enrolled, unrevoked key of device laptop-7"),
        (_receipt(device, b"another pack"), json_type, 400, "PackReceiptRejected",
         "with a hash the office never issued"),
        (b"{}", json_type, 400, "PackReceiptRejected", "The pack receipt"),
        (_receipt(device, pack), {"Content-Type": "text/plain"}, 415, "UnsupportedMediaType",
         "application/json"),
        (b"x" * 70_000, json_type, 413, "ReceiptTooLarge", "larger than any pack receipt"),
    ]  # fmt: skip
    for body, headers, status, reason, says in cases:
        answer = service.client.post(url, content=body, headers=headers)
        assert says in _error(answer, status, reason)
    assert office.store.packs() == [before]
    assert before.acknowledged_at is None


def test_the_pack_routes_share_the_address_rate_limit(
    office: Office,
    device: FakeDevice,
    serve: Callable[..., Service],
) -> None:
    limited = serve(ip_rate=Rate(per_minute=1, burst=1))
    assert _ask(limited, office, device).status_code == 204
    answer = _ask(limited, office, device)
    _error(answer, 429, "RateLimited")
    assert int(answer.headers["retry-after"]) >= 1


def test_the_openapi_description_says_what_the_pack_routes_answer(service: Service) -> None:
    paths = service.client.get(f"{service.url}/openapi.json").json()["paths"]
    fetch = paths["/v1/packs/next"]["get"]
    assert set(fetch["responses"]) == {"200", "204", "403", "409", "429", "500", "503"}
    assert [p["name"] for p in fetch["parameters"]] == [PACK_REQUEST_HEADER]
    assert set(fetch["responses"]["200"]["content"]) == {"application/octet-stream"}
    receipts = paths["/v1/pack-receipts"]["post"]
    assert set(receipts["responses"]) == {"200", "400", "408", "411", "413", "415", "429",
                                          "500", "503"}  # fmt: skip
    for route in (fetch, receipts):
        for status in ("429", "503"):
            assert "Retry-After" in route["responses"][status]["headers"]
        reasons = route["responses"]["503"]["content"]["application/json"]["schema"]["allOf"][1]
        assert reasons["properties"]["reason"]["enum"] == ["OfficeBusy", "OfficeUnavailable"]
