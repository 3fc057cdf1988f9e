"""Ed25519 signatures in minisign format, and interoperability with the stock tool."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from msp_desktop.bundles.errors import SignatureRejected
from msp_desktop.bundles.minisign import KeyPair, PublicKey, key_id_text, parse_signature, verify
from tests.tools import require_tools

DATA = b"the manifest bytes\n"
COMMENT = "msp-bundle:1 bundle:x device:y sequence:1"


def test_round_trip_returns_the_trusted_comment() -> None:
    key = KeyPair.generate()
    signature = key.sign(DATA, COMMENT)
    assert verify(DATA, signature, key.public_key) == COMMENT
    assert parse_signature(signature).key_id == key.key_id


def test_public_key_text_round_trips_and_shows_minisigns_key_id() -> None:
    key = KeyPair.generate()
    text = key.public_key.to_text()
    assert text.startswith(f"untrusted comment: minisign public key {key.key_id}\n")
    assert PublicKey.from_text(text) == key.public_key
    assert PublicKey.from_text(key.public_key.line()) == key.public_key
    # minisign prints the 8 id bytes as a little-endian integer.
    assert key_id_text(bytes([0x89, 0x27, 0x0C, 0x64, 0xB5, 0xAD, 0x63, 0x95])) == (
        "9563ADB5640C2789"
    )


def test_secret_bytes_round_trip() -> None:
    key = KeyPair.generate()
    again = KeyPair.from_secret_bytes(key.secret_bytes())
    assert again.public_key == key.public_key
    with pytest.raises(ValueError, match="not an MSP signing key"):
        KeyPair.from_secret_bytes(b"x" * 45)


def _flip_line(signature: str, line: int) -> str:
    lines = signature.split("\n")
    raw = bytearray(base64.b64decode(lines[line]))
    raw[-1] ^= 1
    lines[line] = base64.b64encode(bytes(raw)).decode()
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda s, d: (s, d + b"x"), "does not match the signed data"),
        (lambda s, d: (s.replace(COMMENT, COMMENT + "2"), d), "trusted comment has been altered"),
        (lambda s, d: (_flip_line(s, 1), d), "does not match the signed data"),
        (lambda s, d: (_flip_line(s, 3), d), "trusted comment has been altered"),
        (lambda s, d: (s.replace("untrusted comment:", "untrusted:"), d), "not a minisign"),
        (lambda s, d: (s + "extra\n", d), "not a minisign"),
        (lambda s, d: ("", d), "not a minisign"),
        (lambda s, d: (s.replace("\n", "\n\n", 1), d), "not a minisign"),
        (lambda s, d: ("x" * 5000, d), "not a minisign"),
    ],
)
def test_tampering_is_rejected(tamper, reason: str) -> None:  # type: ignore[no-untyped-def]
    key = KeyPair.generate()
    signature, data = tamper(key.sign(DATA, COMMENT), DATA)
    with pytest.raises(SignatureRejected, match=reason):
        verify(data, signature, key.public_key)


def test_untrusted_comment_is_not_protected_by_design() -> None:
    key = KeyPair.generate()
    signature = key.sign(DATA, COMMENT).replace("signature from", "anything")
    assert verify(DATA, signature, key.public_key) == COMMENT


def test_wrong_key_is_rejected() -> None:
    signature = KeyPair.generate().sign(DATA, COMMENT)
    with pytest.raises(SignatureRejected, match="made by key"):
        verify(DATA, signature, KeyPair.generate().public_key)


def test_same_key_id_but_other_key_is_rejected() -> None:
    key = KeyPair.generate()
    impostor = PublicKey(key.public_key.key_id_bytes, KeyPair.generate().public_key.key)
    with pytest.raises(SignatureRejected, match="does not match"):
        verify(DATA, key.sign(DATA, COMMENT), impostor)


def test_legacy_unhashed_signatures_are_refused() -> None:
    key = KeyPair.generate()
    lines = key.sign(DATA, COMMENT).split("\n")
    raw = base64.b64decode(lines[1])
    lines[1] = base64.b64encode(b"Ed" + raw[2:]).decode()
    with pytest.raises(SignatureRejected, match="legacy"):
        verify(DATA, "\n".join(lines), key.public_key)


@pytest.mark.parametrize("text", ["", "x", "untrusted comment: a\nb\nc\n", "RWQ=", "!!!!"])
def test_malformed_public_keys_are_rejected(text: str) -> None:
    with pytest.raises(SignatureRejected):
        PublicKey.from_text(text)


def test_comments_must_be_one_line() -> None:
    with pytest.raises(ValueError, match="one line"):
        KeyPair.generate().sign(DATA, "a\nb")


def test_stock_minisign_verifies_our_signature(tmp_path: Path) -> None:
    require_tools("minisign", package="minisign")
    key = KeyPair.generate()
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "data.minisig").write_text(key.sign(DATA, COMMENT))
    (tmp_path / "key.pub").write_text(key.public_key.to_text())
    done = subprocess.run(
        ["minisign", "-Vm", tmp_path / "data", "-p", tmp_path / "key.pub"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Trusted comment: {COMMENT}" in done.stdout
    # The same through -P with the bare line and -x, and a tampered file fails.
    (tmp_path / "other").write_bytes(DATA + b"!")
    bad = subprocess.run(
        ["minisign", "-Vm", tmp_path / "other", "-P", key.public_key.line(), "-x",
         tmp_path / "data.minisig"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert bad.returncode != 0


def test_we_verify_a_signature_made_by_stock_minisign(tmp_path: Path) -> None:
    require_tools("minisign", package="minisign")
    pub, sec, data = tmp_path / "k.pub", tmp_path / "k.sec", tmp_path / "data"
    subprocess.run(["minisign", "-G", "-W", "-p", pub, "-s", sec], check=True, capture_output=True)
    data.write_bytes(DATA)
    subprocess.run(
        ["minisign", "-S", "-s", sec, "-m", data, "-t", COMMENT], check=True, capture_output=True
    )
    public_key = PublicKey.from_text(pub.read_text())
    signature = (tmp_path / "data.minisig").read_text()
    assert verify(DATA, signature, public_key) == COMMENT
    with pytest.raises(SignatureRejected):
        verify(DATA + b"x", signature, public_key)
