"""Office provisioning (office -> devices) and device enrolment (device -> office) files."""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from msp_desktop.bundles import (
    AgeIdentity,
    BundleRejected,
    DecryptionRejected,
    KeyPair,
    SealedBundle,
    canonical_json,
    make_receipt,
    verify_receipt,
)
from msp_desktop.bundles.age import decrypt, encrypt
from msp_desktop.bundles.minisign import verify
from msp_desktop.bundles.provisioning import (
    EnrolmentRejected,
    ProvisioningRejected,
    check_inbox_url,
    make_enrolment,
    make_provisioning,
    read_enrolment,
    read_provisioning,
)
from tests.tools import require_tools

OFFICE = KeyPair.generate()
DEVICE = KeyPair.generate()
OTHER = KeyPair.generate()
INBOX = AgeIdentity.generate()
RECOVERY = AgeIdentity.generate()
STRANGER = AgeIdentity.generate()
CREATED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
OFFICE_ID = "north-1"
OFFICE_NAME = "Swyddfa’r Gogledd"
DEVICE_ID = "laptop-7"
WORKER = "Siân Evans"

Tamper = Callable[[bytes], bytes]
MAX_SIGNED_BYTES = 64 * 1024  # the documented cap, not the code's constant


def _provisioning(**changes: Any) -> bytes:
    arguments: dict[str, Any] = {
        "office_id": OFFICE_ID,
        "office_name": OFFICE_NAME,
        "inbox": INBOX.recipient,
        "recovery": RECOVERY.recipient,
        "office_key": OFFICE,
        "created": CREATED,
    }
    arguments.update(changes)
    return make_provisioning(**arguments)


def _enrolment(**changes: Any) -> bytes:
    arguments: dict[str, Any] = {
        "device_id": DEVICE_ID,
        "worker": WORKER,
        "device_key": DEVICE,
        "created": CREATED,
    }
    arguments.update(changes)
    return make_enrolment(**arguments)


PROVISIONING = _provisioning()
ENROLMENT = _enrolment()


# The trusted comments, written out here from the format rather than taken from the code.
def _office_comment(body: dict[str, Any]) -> str:
    return f"msp-office-keys:1 office:{body['office_id']} key:{body['office_key_id']}"


def _enrolment_comment(body: dict[str, Any]) -> str:
    return f"msp-enrolment:1 device:{body['device_id']} key:{body['key_id']}"


COMMENTS = {"office_keys": _office_comment, "enrolment": _enrolment_comment}


def _kind(document: dict[str, Any]) -> str:
    return next(name for name in document if name != "signature")


def _edit(data: bytes, *, drop: tuple[str, ...] = (), **changes: Any) -> bytes:
    """Change the signed object after signing; the signature is left as it was."""
    document = json.loads(data)
    body = document[_kind(document)]
    body.update(changes)
    for name in drop:
        del body[name]
    return canonical_json(document)


def _resign(
    data: bytes,
    key: KeyPair,
    *,
    comment: str | None = None,
    drop: tuple[str, ...] = (),
    **changes: Any,
) -> bytes:
    """Change the signed object and sign it again with ``key`` (a validly signed file)."""
    document = json.loads(data)
    kind = _kind(document)
    body = document[kind]
    body.update(changes)
    for name in drop:
        del body[name]
    if comment is None:
        comment = COMMENTS[kind](body)
    document["signature"] = key.sign(canonical_json(body), comment)
    return canonical_json(document)


def _same_id_other_secret(key: KeyPair) -> KeyPair:
    """A different Ed25519 key that claims ``key``'s key id (ids are not secret)."""
    return KeyPair.from_secret_bytes(
        b"MSPK1" + key.public_key.key_id_bytes + OTHER.secret_bytes()[13:]
    )


# --- provisioning: the good path -------------------------------------------------------


def test_provisioning_round_trip() -> None:
    body = read_provisioning(PROVISIONING)
    assert body.format_version == 1
    assert body.office_id == OFFICE_ID
    assert body.office_name == OFFICE_NAME
    assert body.inbox_recipient == INBOX.recipient.text
    assert body.recovery_recipient == RECOVERY.recipient.text
    assert body.office_key_id == OFFICE.key_id
    assert body.office_public_key == OFFICE.public_key.to_text()
    assert body.created == "2025-03-14T09:26:53Z"
    assert body.trusted_comment() == f"msp-office-keys:1 office:{OFFICE_ID} key:{OFFICE.key_id}"


def test_provisioning_file_is_canonical_and_signed_over_the_inner_object() -> None:
    document = json.loads(PROVISIONING)
    assert set(document) == {"office_keys", "signature"}
    assert canonical_json(document) == PROVISIONING
    comment = verify(
        canonical_json(document["office_keys"]), document["signature"], OFFICE.public_key
    )
    assert comment == f"msp-office-keys:1 office:{OFFICE_ID} key:{OFFICE.key_id}"
    assert document["signature"].startswith(f"untrusted comment: MSP office keys of {OFFICE_ID}\n")


def test_provisioning_keys_are_the_working_keys() -> None:
    body = read_provisioning(PROVISIONING)
    # What a device seals to the inbox, the office opens with the inbox identity only.
    sealed = encrypt(b"bundle", [body.inbox])
    assert decrypt(sealed, INBOX) == b"bundle"
    with pytest.raises(DecryptionRejected, match="not encrypted to this office"):
        decrypt(sealed, RECOVERY)
    # And the recovery recipient is the recovery identity's, not the inbox's.
    sealed = encrypt(b"workspace key", [body.recovery])
    assert decrypt(sealed, RECOVERY) == b"workspace key"
    with pytest.raises(DecryptionRejected):
        decrypt(sealed, INBOX)
    assert body.inbox.key_id == INBOX.recipient.key_id
    # The office key checks what the office signs, and nothing another key signs.
    assert body.office_key == OFFICE.public_key
    assert verify(b"receipt", OFFICE.sign(b"receipt", "c"), body.office_key) == "c"
    with pytest.raises(BundleRejected, match="made by key"):
        verify(b"receipt", OTHER.sign(b"receipt", "c"), body.office_key)


def test_office_key_verifies_receipts_from_that_office(sealed: SealedBundle) -> None:
    office_key = read_provisioning(PROVISIONING).office_key
    receipt = make_receipt(bundle_sha256=sealed.sha256, manifest=sealed.manifest, office_key=OFFICE)
    assert verify_receipt(receipt, office_key).bundle_sha256 == sealed.sha256


@pytest.mark.parametrize(
    "expected",
    [
        OFFICE.key_id,
        OFFICE.key_id.lower(),
        f"  {OFFICE.key_id.lower()}\n",
        f"\t{OFFICE.key_id} ",
    ],
    ids=["upper", "lower", "padded-lower", "padded-upper"],  # the key is new each run
)
def test_expected_key_id_matches_ignoring_case_and_surrounding_space(expected: str) -> None:
    assert read_provisioning(PROVISIONING, expected_key_id=expected).office_key_id == OFFICE.key_id


@pytest.mark.parametrize(
    "expected",
    [OTHER.key_id, OTHER.key_id.lower(), "0" * 16, ""],
    ids=["other-upper", "other-lower", "zeros", "empty"],  # the key is new each run
)
def test_expected_key_id_mismatch_is_refused_with_both_ids(expected: str) -> None:
    message = (
        f"The office keys file is signed by office key {OFFICE.key_id}, "
        f"not {expected.strip().upper()} as expected."
    )
    with pytest.raises(ProvisioningRejected) as caught:
        read_provisioning(PROVISIONING, expected_key_id=expected)
    assert caught.value.message == message


def test_a_whole_substitute_office_file_is_caught_only_by_the_expected_key_id() -> None:
    # An attacker's own complete file (their key, their id, their inbox) is intact and
    # self-consistent: only the key id read out by the real office gives it away.
    forged = _provisioning(office_key=OTHER, inbox=STRANGER.recipient)
    assert read_provisioning(forged).office_key_id == OTHER.key_id
    with pytest.raises(ProvisioningRejected, match=f"signed by office key {OTHER.key_id}"):
        read_provisioning(forged, expected_key_id=OFFICE.key_id)


def test_make_provisioning_refuses_one_key_for_inbox_and_recovery() -> None:
    with pytest.raises(ValueError, match="inbox and recovery keys must be different"):
        _provisioning(recovery=INBOX.recipient)


def test_make_provisioning_refuses_an_office_name_with_control_characters() -> None:
    with pytest.raises(ValueError, match="office_name must be plain text"):
        _provisioning(office_name="North\nOffice")


def test_make_provisioning_defaults_created_to_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    created = read_provisioning(
        make_provisioning(
            office_id=OFFICE_ID,
            office_name=OFFICE_NAME,
            inbox=INBOX.recipient,
            recovery=RECOVERY.recipient,
            office_key=OFFICE,
        )
    ).created
    after = datetime.now(UTC)
    moment = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= moment <= after


# --- provisioning: tampering -------------------------------------------------------------


def _sign_with_comment(data: bytes, comment: str) -> bytes:
    """A correct signature by the office key, but over another trusted comment."""
    document = json.loads(data)
    signature = OFFICE.sign(canonical_json(document["office_keys"]), comment)
    return canonical_json({"office_keys": document["office_keys"], "signature": signature})


def _swap_office_key(data: bytes) -> bytes:
    # The other key in the file and signing it, but the old key id left in place.
    return _resign(data, OTHER, office_public_key=OTHER.public_key.to_text())


def _alter_trusted_comment(data: bytes) -> bytes:
    # Edit the trusted comment line without re-signing: the global signature breaks.
    document = json.loads(data)
    document["signature"] = document["signature"].replace(f"office:{OFFICE_ID}", "office:south-2")
    return canonical_json(document)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        pytest.param(
            lambda d: _edit(d, office_name="Evil Office"),
            "refused: The signature does not match the signed data",
            id="name changed after signing",
        ),
        pytest.param(
            lambda d: _edit(d, inbox_recipient=STRANGER.recipient.text),
            "refused: The signature does not match the signed data",
            id="inbox changed after signing",
        ),
        pytest.param(
            lambda d: _edit(d, created="2025-03-15T09:26:53Z"),
            "does not match the signed data",
            id="created changed after signing",
        ),
        pytest.param(
            lambda d: _resign(d, OTHER),
            f"made by key {OTHER.key_id}, not by key {OFFICE.key_id}",
            id="re-signed by another key, old office key kept",
        ),
        pytest.param(
            lambda d: _resign(d, _same_id_other_secret(OFFICE)),
            "does not match the signed data",
            id="re-signed by another key claiming the office key id",
        ),
        pytest.param(
            _swap_office_key,
            "office_key_id is not the id of office_public_key",
            id="office key swapped, key id left",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, recovery_recipient=INBOX.recipient.text),
            "inbox and recovery keys must be different keys",
            id="inbox equals recovery",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, extra="x"),
            "is not valid: extra: Extra inputs are not permitted",
            id="extra field",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, drop=("recovery_recipient",)),
            "is not valid: recovery_recipient: Field required",
            id="missing field",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, format_version=2),
            "format_version",
            id="format version 2",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, office_id="north 1"),
            "office_id",
            id="office id with a space",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, office_name=" North"),
            "office_name must be plain text",
            id="office name with a leading space",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, office_name="North\x85"),
            "office_name must be plain text",
            id="office name with a C1 control",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, inbox_recipient="AGE-SECRET-KEY-1X"),
            "inbox_recipient",
            id="inbox not an age recipient",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, office_public_key="not a key"),
            "refused: The public key is not a minisign public key",
            id="office public key not a key",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, created="2025-03-14 09:26:53"),
            "created",
            id="created not in UTC form",
        ),
        pytest.param(
            lambda d: _sign_with_comment(
                d, f"msp-office-keys:1 office:south-2 key:{OFFICE.key_id}"
            ),
            "trusted comment of the office keys file does not match it",
            id="trusted comment for another office",
        ),
        pytest.param(
            lambda d: _sign_with_comment(d, "msp-receipt:1 bundle_sha256:" + "0" * 64),
            "trusted comment of the office keys file does not match it",
            id="trusted comment of another kind of file",
        ),
        pytest.param(
            _alter_trusted_comment,
            "trusted comment has been altered",
            id="trusted comment edited",
        ),
    ],
)
def test_tampered_provisioning_is_rejected(tamper: Tamper, reason: str) -> None:
    with pytest.raises(ProvisioningRejected, match=reason):
        read_provisioning(tamper(PROVISIONING))


def test_untampered_helpers_produce_an_accepted_file() -> None:
    # The tamper helpers change only what each case says: unchanged, they pass.
    assert read_provisioning(_edit(PROVISIONING)).office_id == OFFICE_ID
    assert read_provisioning(_resign(PROVISIONING, OFFICE)).office_id == OFFICE_ID
    assert read_enrolment(_resign(ENROLMENT, DEVICE)).device_id == DEVICE_ID
    comment = f"msp-office-keys:1 office:{OFFICE_ID} key:{OFFICE.key_id}"
    assert read_provisioning(_sign_with_comment(PROVISIONING, comment)).office_id == OFFICE_ID


def test_format_version_true_is_not_the_integer_one() -> None:
    with pytest.raises(ProvisioningRejected):
        read_provisioning(_resign(PROVISIONING, OFFICE, format_version=True))


# --- enrolment ---------------------------------------------------------------------------


def test_enrolment_round_trip() -> None:
    body = read_enrolment(ENROLMENT)
    assert body.format_version == 1
    assert body.device_id == DEVICE_ID
    assert body.worker == WORKER
    assert body.key_id == DEVICE.key_id
    assert body.minisign_public_key == DEVICE.public_key.to_text()
    assert body.created == "2025-03-14T09:26:53Z"
    assert body.trusted_comment() == f"msp-enrolment:1 device:{DEVICE_ID} key:{DEVICE.key_id}"
    document = json.loads(ENROLMENT)
    assert set(document) == {"enrolment", "signature"}
    assert canonical_json(document) == ENROLMENT


def test_enrolment_public_key_checks_the_devices_signatures() -> None:
    key = read_enrolment(ENROLMENT).public_key
    assert key == DEVICE.public_key
    assert verify(b"manifest", DEVICE.sign(b"manifest", "m"), key) == "m"
    with pytest.raises(BundleRejected, match="made by key"):
        verify(b"manifest", OTHER.sign(b"manifest", "m"), key)


def test_enrolment_for_another_key_is_self_consistent() -> None:
    # Enrolment proves possession of the key it carries, nothing more.
    body = read_enrolment(_enrolment(device_key=OTHER))
    assert (body.key_id, body.public_key) == (OTHER.key_id, OTHER.public_key)


@pytest.mark.parametrize("worker", ["Siân\nEvans", "Siân\tEvans", "Siân\x7f", "\x9fSiân", "\x00"])
def test_make_enrolment_refuses_control_characters(worker: str) -> None:
    with pytest.raises(ValueError, match="worker must be plain text"):
        _enrolment(worker=worker)


def _swap_device_key(data: bytes) -> bytes:
    return _resign(data, OTHER, minisign_public_key=OTHER.public_key.to_text())


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        pytest.param(
            lambda d: _edit(d, worker="Someone Else"),
            "refused: The signature does not match the signed data",
            id="worker changed after signing",
        ),
        pytest.param(
            lambda d: _edit(d, device_id="laptop-8"),
            "does not match the signed data",
            id="device id changed after signing",
        ),
        pytest.param(
            lambda d: _resign(d, OTHER),
            f"made by key {OTHER.key_id}, not by key {DEVICE.key_id}",
            id="signed by a key other than the one carried",
        ),
        pytest.param(
            lambda d: _resign(d, _same_id_other_secret(DEVICE)),
            "does not match the signed data",
            id="signed by another key claiming the carried key id",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, key_id=OTHER.key_id),
            "key_id is not the id of minisign_public_key",
            id="key id not that of the public key",
        ),
        pytest.param(
            _swap_device_key,
            "key_id is not the id of minisign_public_key",
            id="public key swapped, key id left",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, key_id=DEVICE.key_id.lower()),
            "key_id",
            id="key id in lower case",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, minisign_public_key="RWQ="),
            "refused: The public key is not a minisign Ed25519 public key",
            id="public key too short",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, extra=1),
            "extra: Extra inputs are not permitted",
            id="extra field",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, drop=("worker",)),
            "worker: Field required",
            id="missing field",
        ),
        pytest.param(
            lambda d: _sign_enrolment_with_comment(
                d, f"msp-enrolment:1 device:x key:{DEVICE.key_id}"
            ),
            "trusted comment of the enrolment file does not match it",
            id="trusted comment for another device",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, pack_recipient=None),
            "pack_recipient is null: leave it out instead",
            id="pack key written as null",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, pack_recipient="age1" + "q" * 58),
            "pack_recipient is not an age X25519 recipient",
            id="pack key not a recipient",
        ),
        pytest.param(
            lambda d: _resign(d, DEVICE, pack_recipient="AGE-SECRET-KEY-1QQQQ"),
            "pack_recipient",
            id="pack key a secret key",
        ),
    ],
)
def test_tampered_enrolment_is_rejected(tamper: Tamper, reason: str) -> None:
    with pytest.raises(EnrolmentRejected, match=reason):
        read_enrolment(tamper(ENROLMENT))


def _sign_enrolment_with_comment(data: bytes, comment: str) -> bytes:
    document = json.loads(data)
    signature = DEVICE.sign(canonical_json(document["enrolment"]), comment)
    return canonical_json({"enrolment": document["enrolment"], "signature": signature})


@pytest.mark.parametrize(
    "device_id",
    ["", "-laptop", "_laptop", "lap top", "laptop/7", "laptop.7", "gliniadur-ŵ", "a" * 65, 7],
)
def test_enrolment_with_a_bad_device_id_is_rejected(device_id: object) -> None:
    with pytest.raises(EnrolmentRejected, match="is not valid: device_id"):
        read_enrolment(_resign(ENROLMENT, DEVICE, device_id=device_id))


@pytest.mark.parametrize(
    ("worker", "reason"),
    [
        ("Siân\nEvans", "worker must be plain text without control characters"),
        ("Siân\u0085Evans", "worker must be plain text without control characters"),
        ("\x1bSiân", "worker must be plain text without control characters"),
        (" Siân Evans", "worker must be plain text without control characters"),
        ("Siân Evans ", "worker must be plain text without control characters"),
        ("\u3000Siân", "worker must be plain text without control characters"),  # also a space
        ("", "worker: String should have at least 1 character"),
        ("x" * 201, "worker: String should have at most 200 characters"),
    ],
)
def test_enrolment_with_a_bad_worker_is_rejected(worker: str, reason: str) -> None:
    with pytest.raises(EnrolmentRejected, match=reason):
        read_enrolment(_resign(ENROLMENT, DEVICE, worker=worker))


def test_enrolment_worker_limits_are_inclusive() -> None:
    for worker in ("x", "x" * 200, "Siân ap Rhys-Evans"):
        assert read_enrolment(_resign(ENROLMENT, DEVICE, worker=worker)).worker == worker


# --- what both files share (signed.py) ---------------------------------------------------

Reader = Callable[[bytes], object]
DOCUMENTS = [
    pytest.param(
        read_provisioning,
        PROVISIONING,
        ProvisioningRejected,
        "office_keys",
        "The office keys file",
        id="provisioning",
    ),
    pytest.param(
        read_enrolment,
        ENROLMENT,
        EnrolmentRejected,
        "enrolment",
        "The enrolment file",
        id="enrolment",
    ),
]


def _spaced(data: bytes) -> bytes:
    return json.dumps(json.loads(data), separators=(", ", ": "), ensure_ascii=False).encode()


def _unsorted(data: bytes) -> bytes:
    document = json.loads(data)
    reordered = {"signature": document.pop("signature"), **document}
    return json.dumps(reordered, separators=(",", ":"), ensure_ascii=False).encode()


def _ascii_escaped(data: bytes) -> bytes:
    # Same value, but non-ASCII written as \u escapes: valid JSON, not RFC 8785.
    return json.dumps(json.loads(data), separators=(",", ":"), sort_keys=True).encode()


def _duplicate(data: bytes) -> bytes:
    return data[:-1] + b',"signature":"x"}'


def _padded(size: int) -> Tamper:
    return lambda data: data + b" " * (size - len(data))


STRUCTURAL: list[Any] = [
    pytest.param(_spaced, r"not in canonical JSON \(RFC 8785\) form", id="spaces"),
    pytest.param(_unsorted, r"not in canonical JSON \(RFC 8785\) form", id="unsorted keys"),
    pytest.param(_ascii_escaped, r"not in canonical JSON \(RFC 8785\) form", id="ascii escapes"),
    pytest.param(lambda d: d + b"\n", r"not in canonical JSON \(RFC 8785\) form", id="newline"),
    pytest.param(
        lambda d: b"\xef\xbb\xbf" + d,
        "^The (office keys|enrolment) file is not valid JSON",
        id="bom",
    ),
    pytest.param(
        _duplicate,
        "^The (office keys|enrolment) file repeats the JSON key 'signature'",
        id="duplicate key",
    ),
    pytest.param(_padded(MAX_SIGNED_BYTES + 1), "larger than any such file can be", id="64k+1"),
    pytest.param(_padded(MAX_SIGNED_BYTES), "not in canonical JSON", id="64k exactly is read"),
    pytest.param(
        lambda d: b"office keys",
        "^The (office keys|enrolment) file is not valid JSON",
        id="not json",
    ),
    pytest.param(lambda d: b"", "^The (office keys|enrolment) file is not valid JSON", id="empty"),
    pytest.param(
        lambda d: b"\xff\xfe",
        "^The (office keys|enrolment) file is not valid UTF-8",
        id="not utf-8",
    ),
    pytest.param(
        lambda d: b"[" * 40 + b"]" * 40,
        "^The (office keys|enrolment) file is nested too deeply",
        id="deep",
    ),
    pytest.param(lambda d: b"[]", "is not an MSP", id="array"),
    pytest.param(lambda d: b'"x"', "is not an MSP", id="string"),
    pytest.param(lambda d: b"{}", "is not an MSP", id="empty object"),
]


def _reshape(change: Callable[[dict[str, Any], str], None]) -> Tamper:
    def tamper(data: bytes) -> bytes:
        document = json.loads(data)
        change(document, _kind(document))
        return canonical_json(document)

    return tamper


SHAPES: list[Any] = [
    pytest.param(_reshape(lambda d, k: d.pop("signature")), id="no signature"),
    pytest.param(_reshape(lambda d, k: d.pop(k)), id="no body"),
    pytest.param(_reshape(lambda d, k: d.update(extra=1)), id="extra top-level key"),
    pytest.param(_reshape(lambda d, k: d.update(signature=[d["signature"]])), id="signature list"),
    pytest.param(_reshape(lambda d, k: d.update(signature=None)), id="signature null"),
    pytest.param(_reshape(lambda d, k: d.update({k: [d[k]]})), id="body a list"),
    pytest.param(_reshape(lambda d, k: d.update({k: json.dumps(d[k])})), id="body a string"),
    pytest.param(_reshape(lambda d, k: d.update(receipt=d.pop(k))), id="body under another name"),
]


@pytest.mark.parametrize(("reader", "data", "error", "kind", "what"), DOCUMENTS)
@pytest.mark.parametrize(("tamper", "reason"), STRUCTURAL)
def test_structural_damage_is_refused_as_the_documents_own_error(
    reader: Reader,
    data: bytes,
    error: type[BundleRejected],
    kind: str,
    what: str,
    tamper: Tamper,
    reason: str,
) -> None:
    damaged = tamper(data)
    with pytest.raises(error, match=reason) as caught:
        reader(damaged)
    # Restated for this document, not a bare JsonRejected or SignatureRejected.
    assert type(caught.value) is error
    assert caught.value.message.startswith(what)


@pytest.mark.parametrize(("reader", "data", "error", "kind", "what"), DOCUMENTS)
@pytest.mark.parametrize("tamper", SHAPES)
def test_wrong_shapes_are_refused(
    reader: Reader,
    data: bytes,
    error: type[BundleRejected],
    kind: str,
    what: str,
    tamper: Tamper,
) -> None:
    with pytest.raises(error) as caught:
        reader(tamper(data))
    assert caught.value.message == f"{what} is not an MSP {kind} file."


@pytest.mark.parametrize(("reader", "data", "error", "kind", "what"), DOCUMENTS)
def test_a_float_version_is_not_canonical(
    reader: Reader, data: bytes, error: type[BundleRejected], kind: str, what: str
) -> None:
    document = json.loads(data)
    text = canonical_json(document).replace(b'"format_version":1', b'"format_version":1.0')
    assert text != data
    with pytest.raises(error, match="not in canonical JSON"):
        reader(text)


@pytest.mark.parametrize(("reader", "data", "error", "kind", "what"), DOCUMENTS)
def test_a_string_version_is_refused(
    reader: Reader, data: bytes, error: type[BundleRejected], kind: str, what: str
) -> None:
    signer = OFFICE if kind == "office_keys" else DEVICE
    with pytest.raises(error, match="format_version"):
        reader(_resign(data, signer, format_version="1"))


def test_each_reader_refuses_the_others_file(sealed: SealedBundle) -> None:
    with pytest.raises(ProvisioningRejected, match="not an MSP office_keys file"):
        read_provisioning(ENROLMENT)
    with pytest.raises(EnrolmentRejected, match="not an MSP enrolment file"):
        read_enrolment(PROVISIONING)
    receipt = make_receipt(bundle_sha256=sealed.sha256, manifest=sealed.manifest, office_key=OFFICE)
    with pytest.raises(ProvisioningRejected, match="not an MSP office_keys file"):
        read_provisioning(receipt)


@pytest.mark.parametrize(("reader", "data", "error", "kind", "what"), DOCUMENTS)
def test_a_signature_that_is_not_minisign_is_restated(
    reader: Reader, data: bytes, error: type[BundleRejected], kind: str, what: str
) -> None:
    document = json.loads(data)
    lines = document["signature"].split("\n")
    raw = bytearray(base64.b64decode(lines[1]))
    raw[:2] = b"Ed"  # legacy, unhashed minisign
    lines[1] = base64.b64encode(bytes(raw)).decode()
    document["signature"] = "\n".join(lines)
    with pytest.raises(error) as caught:
        reader(canonical_json(document))
    assert (
        caught.value.message
        == f"{what} was refused: The signature uses legacy minisign (Ed); only ED is accepted."
    )
    document["signature"] = "not a signature"
    with pytest.raises(error, match="was refused: The signature is not a minisign signature"):
        reader(canonical_json(document))


def test_stock_minisign_verifies_the_office_keys_file(tmp_path: Path) -> None:
    require_tools("minisign", "jq", package="minisign jq")
    path = tmp_path / "office-keys.json"
    path.write_bytes(PROVISIONING)
    body = subprocess.run(
        ["jq", "-jcS", ".office_keys", path], capture_output=True, check=True
    ).stdout
    # jq's sorted compact output is the canonical form here: ASCII keys, integers only,
    # and non-ASCII written as UTF-8, as RFC 8785 does.
    assert body == canonical_json(json.loads(PROVISIONING)["office_keys"])
    (tmp_path / "body.json").write_bytes(body)
    signature = subprocess.run(["jq", "-j", ".signature", path], capture_output=True, check=True)
    (tmp_path / "body.json.minisig").write_bytes(signature.stdout)
    done = subprocess.run(
        ["minisign", "-Vm", tmp_path / "body.json", "-P", OFFICE.public_key.line()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"msp-office-keys:1 office:{OFFICE_ID} key:{OFFICE.key_id}" in done.stdout


# --- provisioning: the network inbox (inbox_url, tls_sha256) ----------------------------

INBOX_URL = "https://msp.north.example:8443/inbox"
PIN = "3f" * 32
OLD_FIELDS = {
    "format_version", "office_id", "office_name", "inbox_recipient", "recovery_recipient",
    "office_public_key", "office_key_id", "created",
}  # fmt: skip


def _old_file() -> bytes:
    """An office keys file as written before the network fields existed, by hand."""
    body = {
        "created": "2025-03-14T09:26:53Z",
        "format_version": 1,
        "inbox_recipient": INBOX.recipient.text,
        "office_id": OFFICE_ID,
        "office_key_id": OFFICE.key_id,
        "office_name": OFFICE_NAME,
        "office_public_key": OFFICE.public_key.to_text(),
        "recovery_recipient": RECOVERY.recipient.text,
    }
    signature = OFFICE.sign(
        canonical_json(body),
        _office_comment(body),
        untrusted_comment=f"MSP office keys of {OFFICE_ID}",
    )
    return canonical_json({"office_keys": body, "signature": signature})


def test_an_old_file_without_the_network_fields_still_verifies() -> None:
    body = read_provisioning(_old_file(), expected_key_id=OFFICE.key_id)
    assert body.inbox_url is None
    assert body.tls_sha256 is None
    assert body.office_id == OFFICE_ID


def test_without_the_network_fields_the_file_keeps_its_old_shape_and_bytes() -> None:
    assert set(json.loads(PROVISIONING)["office_keys"]) == OLD_FIELDS
    assert _old_file() == PROVISIONING  # byte for byte what was made before


def test_provisioning_with_the_inbox_address_and_pin_round_trips() -> None:
    data = _provisioning(inbox_url=INBOX_URL, tls_sha256=PIN)
    inner = json.loads(data)["office_keys"]
    assert set(inner) == OLD_FIELDS | {"inbox_url", "tls_sha256"}
    assert (inner["inbox_url"], inner["tls_sha256"]) == (INBOX_URL, PIN)
    body = read_provisioning(data, expected_key_id=OFFICE.key_id)
    assert (body.inbox_url, body.tls_sha256) == (INBOX_URL, PIN)
    assert canonical_json(json.loads(data)) == data


def test_an_address_without_a_pin_is_left_to_the_public_authorities() -> None:
    data = _provisioning(inbox_url=INBOX_URL)
    assert "tls_sha256" not in json.loads(data)["office_keys"]
    assert read_provisioning(data).tls_sha256 is None


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        pytest.param(
            lambda d: _edit(d, inbox_url="https://evil.example"),
            "does not match the signed data",
            id="address changed after signing",
        ),
        pytest.param(
            lambda d: _edit(d, tls_sha256="00" * 32),
            "does not match the signed data",
            id="pin changed after signing",
        ),
        pytest.param(
            lambda d: _edit(d, drop=("tls_sha256",)),
            "does not match the signed data",
            id="pin removed after signing",
        ),
        pytest.param(
            lambda d: _edit(d, drop=("inbox_url", "tls_sha256")),
            "does not match the signed data",
            id="both removed after signing",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, inbox_url=None),
            "inbox_url is null: leave it out instead",
            id="address written as null",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, tls_sha256=None),
            "tls_sha256 is null: leave it out instead",
            id="pin written as null",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, drop=("inbox_url",)),
            "tls_sha256 pins the certificate of an https:// inbox_url",
            id="pin without an address",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, inbox_url="http://127.0.0.1:8080"),
            "tls_sha256 pins the certificate of an https:// inbox_url",
            id="pin for plain http",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, tls_sha256=PIN.upper()),
            "tls_sha256",
            id="pin in upper case",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, tls_sha256=PIN[:-1]),
            "tls_sha256",
            id="pin too short",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, tls_sha256=PIN + "\n"),
            "tls_sha256",
            id="pin with a newline",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, inbox_url="http://office.example"),
            "must start with https://",
            id="plain http to another computer",
        ),
        pytest.param(
            lambda d: _resign(d, OFFICE, inbox_url=5),
            "inbox_url",
            id="address not a string",
        ),
    ],
)
def test_tampered_or_bad_network_fields_are_rejected(tamper: Tamper, reason: str) -> None:
    data = _provisioning(inbox_url=INBOX_URL, tls_sha256=PIN)
    with pytest.raises(ProvisioningRejected, match=reason):
        read_provisioning(tamper(data))


def test_adding_an_address_to_an_old_file_breaks_its_signature() -> None:
    # Someone who can edit the file cannot send a device's bundles elsewhere.
    with pytest.raises(ProvisioningRejected, match="does not match the signed data"):
        read_provisioning(_edit(_old_file(), inbox_url="https://evil.example"))


@pytest.mark.parametrize(
    "url",
    [
        "https://office.example",
        "https://office.example/",
        "https://msp.north.example:8443/inbox",
        "https://10.1.2.3",
        "http://127.0.0.1:8080",
        "http://localhost:8080/msp",
        "http://[::1]:8080",
    ],
)
def test_inbox_addresses_accepted(url: str) -> None:
    assert check_inbox_url(url) == url
    assert read_provisioning(_provisioning(inbox_url=url)).inbox_url == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "1 to 500 characters"),
        ("https://" + "a" * 500, "1 to 500 characters"),
        ("http://office.example", "must start with https://"),
        ("http://192.168.1.10", "must start with https://"),
        ("HTTPS://office.example", "must start with https://"),
        ("ftp://office.example", "must start with https://"),
        ("office.example", "must start with https://"),
        ("https:office.example", "must start with https://"),
        ("https://user:secret@office.example", "user name or password"),
        ("https://office.example/?device=1", "query"),
        ("https://office.example/#inbox", "fragment"),
        ("https://", "no valid host name"),
        ("https://exa_mple.example", "no valid host name"),
        ("https://office..example", "no valid host name"),
        ("https://office.example:0", "invalid port"),
        ("https://office.example:65536", "invalid port"),
        ("https://office.example:", "invalid port"),
        ("https://[fe80::1]", "IPv6 address only for this computer"),
        ("https://office.example/a b", "without spaces"),
        ("https://office.example/\n", "without spaces or control characters"),
        ("https://swyddfa.example/ŵ", "plain ASCII"),
        ("https://office.example/../admin", "path"),
        ("https://office.example/%2e%2e", "path"),
    ],
)
def test_inbox_addresses_refused(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_inbox_url(url)
    with pytest.raises(ValueError, match=reason):
        _provisioning(inbox_url=url)
