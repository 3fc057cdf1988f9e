"""age encryption through pyrage, and interoperability with the stock ``age`` tool."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from msp_desktop.bundles.age import (
    AgeIdentity,
    AgeRecipient,
    decrypt,
    encrypt,
    recipient_key_id,
)
from msp_desktop.bundles.errors import DecryptionRejected
from tests.tools import require_tools

DATA = b"records inside" * 1000


def test_round_trip_and_identity_file() -> None:
    identity = AgeIdentity.generate()
    again = AgeIdentity.from_text(identity.to_text())
    assert again.recipient == identity.recipient
    assert decrypt(encrypt(DATA, [identity.recipient]), again) == DATA


def test_wrong_identity_is_told_so() -> None:
    data = encrypt(DATA, [AgeIdentity.generate().recipient])
    with pytest.raises(DecryptionRejected, match="not encrypted to this office"):
        decrypt(data, AgeIdentity.generate())


@pytest.mark.parametrize(
    "cut", [lambda d: d[:-1], lambda d: d[:40], lambda d: b"", lambda d: d + b"x"]
)
def test_damaged_ciphertext_is_rejected(cut) -> None:  # type: ignore[no-untyped-def]
    identity = AgeIdentity.generate()
    with pytest.raises(DecryptionRejected):
        decrypt(cut(encrypt(DATA, [identity.recipient])), identity)


def test_recipient_key_id_is_the_start_of_a_sha256() -> None:
    # printf %s age1... | sha256sum, first 16 hex digits, upper case.
    recipient = "age1ly09s87x7dlyqh577wft982zfem8as6are2z66n7t2526trftyyqpmh4q8"
    assert recipient_key_id(recipient) == "42DC3D00A4727E2C"


@pytest.mark.parametrize("text", ["", "age1xyz", "AGE-SECRET-KEY-1XYZ", "# only a comment\n"])
def test_malformed_keys_are_rejected(text: str) -> None:
    with pytest.raises(DecryptionRejected):
        AgeIdentity.from_text(text)
    with pytest.raises(DecryptionRejected):
        AgeRecipient.from_text(text)


def test_stock_age_decrypts_ours_and_we_decrypt_stock_age(tmp_path: Path) -> None:
    require_tools("age", "age-keygen", package="age")
    identity = AgeIdentity.generate()
    key_file = tmp_path / "inbox.key"
    key_file.write_text(identity.to_text())
    derived = subprocess.run(
        ["age-keygen", "-y", key_file], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert derived == identity.recipient.text

    (tmp_path / "ours.age").write_bytes(encrypt(DATA, [identity.recipient]))
    plain = subprocess.run(
        ["age", "-d", "-i", key_file, tmp_path / "ours.age"], capture_output=True, check=True
    ).stdout
    assert plain == DATA

    theirs = subprocess.run(
        ["age", "-r", identity.recipient.text], input=DATA, capture_output=True, check=True
    ).stdout
    assert decrypt(theirs, identity) == DATA

    # An identity file made by age-keygen (with its comment lines) reads too.
    subprocess.run(["age-keygen", "-o", tmp_path / "k2"], capture_output=True, check=True)
    stock = AgeIdentity.from_text((tmp_path / "k2").read_text())
    assert decrypt(encrypt(DATA, [stock.recipient]), stock) == DATA
