"""The age header is bounded before anything is decrypted (issue 16, item 2).

The age library reads a header in time that grows with the square of its recipient
entries (1,000 took 14 s here); the inbox key is public, so anyone could stall the
office with a small upload. ``check_header`` refuses such a file from its first few
kilobytes. The hostile corpus (tests/unit/bundles/test_bundle.py) carries forged
1,000- and 10,000-entry headers through the office's verify, import and HTTP inbox.
"""

from __future__ import annotations

import io

import pyrage
import pytest

from msp_desktop.bundles.age import (
    MAX_HEADER_BYTES,
    AgeIdentity,
    check_header,
    decrypt,
    decrypt_stream,
    encrypt,
)
from msp_desktop.bundles.errors import DecryptionRejected


@pytest.fixture
def never_decrypted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Calls that reached the age library's decryption (none may, for a refused header)."""
    calls: list[object] = []

    def spy(*args: object) -> bytes:
        calls.append(args)
        raise AssertionError("the header should have been refused before decryption")

    monkeypatch.setattr(pyrage, "decrypt", spy)
    monkeypatch.setattr(pyrage, "decrypt_io", spy)
    return calls


def test_a_genuine_age_file_passes_and_opens() -> None:
    inbox = AgeIdentity.generate()
    sealed = encrypt(b"records", [inbox.recipient])
    check_header(sealed)  # one X25519 entry and rage's grease entry
    assert decrypt(sealed, inbox) == b"records"


def test_a_real_age_file_to_1000_recipients_is_refused_unread(
    never_decrypted: list[object],
) -> None:
    inbox = AgeIdentity.generate()
    others = [pyrage.x25519.Identity.generate().to_public() for _ in range(999)]
    hostile = pyrage.encrypt(b"x" * 100, [inbox.recipient._pyrage(), *others])
    with pytest.raises(DecryptionRejected) as refused:
        decrypt(hostile, inbox)
    assert refused.value.message == (
        "The bundle's age header has more than 2 recipient entries; a genuine one has no "
        "more. It was refused without being decrypted."
    )
    assert never_decrypted == []


def test_an_office_backup_may_have_its_two_recipients_and_grease() -> None:
    inbox, recovery = AgeIdentity.generate(), AgeIdentity.generate()
    sealed = encrypt(b"backup", [inbox.recipient, recovery.recipient])
    with pytest.raises(DecryptionRejected, match="more than 2 recipient entries"):
        check_header(sealed)
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed), out, recovery, max_entries=3)
    assert out.getvalue() == b"backup"


def test_a_stream_is_checked_from_its_first_kilobytes(never_decrypted: list[object]) -> None:
    inbox = AgeIdentity.generate()
    stanza = b"-> X25519 " + b"A" * 43 + b"\n" + b"B" * 43 + b"\n"
    hostile = b"age-encryption.org/v1\n" + stanza * 10_000 + b"--- " + b"C" * 43 + b"\n"
    with pytest.raises(DecryptionRejected, match="more than 3 recipient entries"):
        decrypt_stream(io.BytesIO(hostile), io.BytesIO(), inbox, max_entries=3)
    assert never_decrypted == []


def test_a_long_header_is_refused_and_a_short_broken_one_is_unreadable() -> None:
    long_stanza = b"-> pad\n" + (b"A" * 64 + b"\n") * (MAX_HEADER_BYTES // 64) + b"\n"
    with pytest.raises(DecryptionRejected, match="longer than 4,096 bytes"):
        check_header(b"age-encryption.org/v1\n" + long_stanza + b"--- x\n")
    with pytest.raises(DecryptionRejected, match="not a readable age file"):
        check_header(b"age-encryption.org/v1\n-> X25519 abc\n")
    with pytest.raises(DecryptionRejected, match="not a readable age file"):
        check_header(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
