"""Fuzzing the parsers: whatever the bytes, the only failure is ``BundleRejected`` (S23)."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msp_desktop.bundles import (
    AgeIdentity,
    BundleRejected,
    KeyPair,
    PublicKey,
    SealedBundle,
    make_receipt,
    open_bundle,
    parse_json_strict,
    verify_receipt,
)
from msp_desktop.bundles.age import decrypt, encrypt
from msp_desktop.bundles.archive import read_archive
from msp_desktop.bundles.minisign import verify
from tests.unit.bundles.conftest import seal

KEY = KeyPair.generate()
INBOX = AgeIdentity.generate()
TRUSTED = {KEY.key_id: KEY.public_key}
SEALED: SealedBundle = seal(KEY, INBOX)
INNER = decrypt(SEALED.data, INBOX)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few bytes flipped, cut, inserted or spliced."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 600))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=600))
        else:
            del data[at:]
    return bytes(data)


def _open(data: bytes) -> None:
    with contextlib.suppress(BundleRejected):
        open_bundle(data, identity=INBOX, trusted_keys=TRUSTED)


@FUZZ
@given(st.binary(max_size=4096) | mutated(SEALED.data))
def test_random_and_mutated_ciphertext(data: bytes) -> None:
    _open(data)


@FUZZ
@given(mutated(INNER))
def test_mutated_inner_archive_sealed_properly(inner: bytes) -> None:
    # Sealed to the right inbox, so decryption passes and the parsers get the bytes.
    _open(encrypt(inner, [INBOX.recipient]))


@FUZZ
@given(st.binary(max_size=2048) | mutated(INNER))
def test_archive_reader(data: bytes) -> None:
    with contextlib.suppress(BundleRejected):
        read_archive(data)


@FUZZ
@given(st.binary(max_size=512) | st.text(max_size=200).map(str.encode))
def test_json_reader(data: bytes) -> None:
    with contextlib.suppress(BundleRejected):
        parse_json_strict(data, what="x")


SIGNATURE = KEY.sign(b"data", "comment")


@FUZZ
@given(st.text(max_size=400) | mutated(SIGNATURE.encode()).map(lambda b: b.decode("latin-1")))
def test_signature_and_public_key_readers(text: str) -> None:
    with contextlib.suppress(BundleRejected):
        verify(b"data", text, KEY.public_key)
    with contextlib.suppress(BundleRejected):
        PublicKey.from_text(text)


RECEIPT = make_receipt(bundle_sha256=SEALED.sha256, manifest=SEALED.manifest, office_key=KEY)


@FUZZ
@given(st.binary(max_size=1024) | mutated(RECEIPT))
def test_receipt_reader(data: bytes) -> None:
    with contextlib.suppress(BundleRejected):
        verify_receipt(data, KEY.public_key)
