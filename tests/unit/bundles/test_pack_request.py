"""The device's signed request for office packs (docs/bundle-format.md §10): made and read
back with real Ed25519 keys; every way it can be wrong is refused in one sentence."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.canonical import canonical_json
from msp_desktop.bundles.minisign import PublicKey
from msp_desktop.bundles.pack_request import (
    MAX_CLOCK_SKEW,
    PackRequest,
    PackRequestRejected,
    RequestClockSkew,
    make_pack_request,
    read_pack_request,
)

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
KEY = KeyPair.generate()


def _made(**changes: object) -> str:
    fields: dict[str, object] = {"office_id": "north", "device_id": "laptop-7",
                                 "device_key": KEY, "after": 2, "now": NOW, **changes}  # fmt: skip
    return make_pack_request(**fields)  # type: ignore[arg-type]


def _read(header: str, *, now: datetime = NOW, office_id: str = "north") -> PackRequest:
    def key(body: PackRequest) -> PublicKey:
        assert (body.device_id, body.key_id) == ("laptop-7", KEY.key_id)
        return KEY.public_key

    return read_pack_request(header, office_id=office_id, device_key=key, now=now)


def _document(header: str) -> dict[str, object]:
    document = json.loads(base64.urlsafe_b64decode(header))
    assert isinstance(document, dict)
    return document


def test_a_request_reads_back_and_is_canonical_signed_json() -> None:
    header = _made()
    request = _read(header)
    assert (request.office_id, request.device_id, request.after) == ("north", "laptop-7", 2)
    assert request.time == "2026-12-06T10:00:00Z"
    raw = base64.urlsafe_b64decode(header)
    assert raw == canonical_json(json.loads(raw))
    assert (
        "msp-pack-request:1 office:north device:laptop-7 after:2" in _document(header)["signature"]
    )  # type: ignore[operator]


@pytest.mark.parametrize("minutes", [-10, 10])
def test_the_clock_may_be_out_by_the_allowed_skew(minutes: int) -> None:
    assert timedelta(minutes=10) == MAX_CLOCK_SKEW
    assert _read(_made(now=NOW + timedelta(minutes=minutes))).after == 2


@pytest.mark.parametrize(
    ("made", "says"),
    [(NOW - timedelta(minutes=11), "made 11 minutes behind the office's clock"),
     (NOW + timedelta(days=2), "made 2880 minutes ahead of the office's clock")],
)  # fmt: skip
def test_a_stale_or_future_request_is_refused_with_the_clock_named(
    made: datetime, says: str
) -> None:
    with pytest.raises(RequestClockSkew, match=says) as refused:
        _read(_made(now=made))
    assert "set the laptop's date and time right" in refused.value.message


def _tampered(change: str) -> str:
    document = _document(_made())
    body = document["pack_request"]
    assert isinstance(body, dict)
    if change == "after":
        body["after"] = 0  # ask for the office's whole history again
    elif change == "device":
        body["device_id"] = "laptop-8"
    elif change == "extra":
        body["worker"] = "someone"
    return base64.urlsafe_b64encode(canonical_json(document)).decode()


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (_tampered("after"), "signature"),
        (_tampered("extra"), "not valid: worker"),
        ("%%%", "is not base64url text"),
        ("é", "is not base64url text"),
        (base64.urlsafe_b64encode(b"[1, 2]").decode(), "is not an MSP pack_request file"),
        (base64.urlsafe_b64encode(b'{"a":').decode(), "The pack request"),
        ("A" * 4097, "larger than any such request can be"),
    ],
)
def test_a_damaged_or_altered_request_is_refused(header: str, says: str) -> None:
    with pytest.raises(PackRequestRejected, match=says) as refused:
        _read(header)
    assert refused.value.message.startswith("The pack request")


def test_a_request_for_another_office_or_device_is_refused() -> None:
    with pytest.raises(PackRequestRejected, match="made for office north, not this office"):
        _read(_made(), office_id="south")
    with pytest.raises(AssertionError):  # the office looks up laptop-8's key, not laptop-7's
        _read(_tampered("device"))


def test_a_request_signed_by_another_key_is_refused() -> None:
    other = KeyPair.generate()
    header = _made(device_key=other)

    def enrolled(body: PackRequest) -> PublicKey:
        return KEY.public_key  # the office's key for laptop-7, whatever the body says

    with pytest.raises(PackRequestRejected):
        read_pack_request(header, office_id="north", device_key=enrolled, now=NOW)
