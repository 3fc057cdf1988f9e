"""Sealing and opening bundles, and the hostile corpus the office must refuse (S19-S22)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from msp_desktop.bundles import (
    AgeIdentity,
    ArchiveRejected,
    BundleRejected,
    ContentRejected,
    DecryptionRejected,
    JsonRejected,
    KeyPair,
    Limits,
    ManifestRejected,
    PublicKey,
    SealedBundle,
    SignatureRejected,
    open_bundle,
)
from msp_desktop.bundles.age import decrypt
from tests.unit.bundles.conftest import BUNDLE_ID, sample_files, seal
from tests.unit.bundles.hostile import (
    archive,
    entry,
    manifest_dict,
    raw_json,
    seal_inner,
    signed_inner,
)


def test_round_trip(
    sealed: SealedBundle, inbox: AgeIdentity, trusted: dict[str, PublicKey]
) -> None:
    verified = open_bundle(sealed.data, identity=inbox, trusted_keys=trusted)
    assert verified.manifest == sealed.manifest
    assert verified.sha256 == sealed.sha256
    assert dict(verified.files) == dict(sorted(sample_files().items()))
    assert verified.manifest.format_version == 2
    assert verified.trusted_comment == (
        f"msp-bundle:2 bundle:{BUNDLE_ID} device:laptop-7 sequence:1"
    )


def test_a_version_1_bundle_still_opens(
    device_key: KeyPair, inbox: AgeIdentity, trusted: dict[str, PublicKey]
) -> None:
    old = seal(device_key, inbox, format_version=1)
    verified = open_bundle(old.data, identity=inbox, trusted_keys=trusted)
    assert verified.manifest.format_version == 1
    assert verified.trusted_comment == (
        f"msp-bundle:1 bundle:{BUNDLE_ID} device:laptop-7 sequence:1"
    )


def test_a_chain_of_bundles(device_key: KeyPair, inbox: AgeIdentity) -> None:
    first = seal(device_key, inbox, bundle_id=None)
    second = seal(
        device_key, inbox, bundle_id=None, sequence=2, previous_bundle_sha256=first.sha256
    )
    assert second.manifest.previous_bundle_sha256 == first.sha256
    assert second.manifest.bundle_id != first.manifest.bundle_id


def test_the_device_never_writes_what_the_office_refuses(
    device_key: KeyPair, inbox: AgeIdentity
) -> None:
    with pytest.raises(JsonRejected, match="repeats the JSON key"):
        seal(device_key, inbox, files={"records/a.json": b'{"a":1,"a":2}'})
    with pytest.raises(ValueError, match="pattern"):
        seal(device_key, inbox, files={"../a.json": b"{}"})


Case = Callable[[KeyPair, AgeIdentity, SealedBundle], bytes]


def _inner(case: Callable[[KeyPair, SealedBundle], bytes]) -> Case:
    """A case that builds the inner archive; it is sealed properly to the office inbox."""
    return lambda key, inbox, sealed: seal_inner(case(key, sealed), inbox)


def _files() -> dict[str, bytes]:
    return dict(sorted(sample_files().items()))


def _with_manifest(**changes: object) -> Callable[[KeyPair, SealedBundle], bytes]:
    """Re-sign (with the enrolled key) a manifest with some fields changed."""

    def build(key: KeyPair, sealed: SealedBundle) -> bytes:
        value = {**manifest_dict(sealed.manifest), **changes}
        return signed_inner(_files(), sealed.manifest, key, manifest_bytes=raw_json(value))

    return build


def _flip(offset: int) -> Case:
    def build(key: KeyPair, inbox: AgeIdentity, sealed: SealedBundle) -> bytes:
        data = bytearray(sealed.data)
        data[offset] ^= 0x01
        return bytes(data)

    return build


def _forged_header(entries: int = 0, padding_lines: int = 0) -> Case:
    """A genuine bundle with its header forged as the published format allows: the first
    recipient entry repeated to make ``entries`` of them, or a stanza of
    ``padding_lines`` 64-character lines; the stock ``age`` tool reads both headers."""

    def build(key: KeyPair, inbox: AgeIdentity, sealed: SealedBundle) -> bytes:
        magic, rest = sealed.data.split(b"\n", 1)
        first = b"\n".join(rest.split(b"\n", 2)[:2]) + b"\n"  # "-> X25519 ..." and its body
        padding = (
            b"-> pad\n" + (b"A" * 64 + b"\n") * padding_lines + b"\n" if padding_lines else b""
        )
        return magic + b"\n" + first * max(entries - 1, 0) + padding + rest

    return build


_OTHER_INBOX = AgeIdentity.generate()
_STRANGER = KeyPair.generate()
_LISTED = "records/visit.v1.r1.json"

CORPUS: list[tuple[str, Case, type[BundleRejected], str]] = [
    ("wrong recipient", lambda k, i, s: seal(k, _OTHER_INBOX).data, DecryptionRejected,
     "not encrypted to this office"),
    ("not age at all", lambda k, i, s: b"PK\x03\x04hello", DecryptionRejected, "not a readable"),
    ("empty file", lambda k, i, s: b"", DecryptionRejected, "not a readable"),
    ("truncated ciphertext", lambda k, i, s: s.data[:-10], DecryptionRejected, "not a readable"),
    ("flipped byte in header", _flip(30), DecryptionRejected, "."),
    ("flipped byte in payload", _flip(-20), DecryptionRejected, "not a readable"),
    ("appended bytes", lambda k, i, s: s.data + b"\x00", DecryptionRejected, "not a readable"),
    ("1,000 recipient entries", _forged_header(entries=1000), DecryptionRejected,
     "age header has more than 2 recipient entries"),
    ("10,000 recipient entries", _forged_header(entries=10_000), DecryptionRejected,
     "age header has more than 2 recipient entries"),
    ("header over 4 KiB", _forged_header(padding_lines=80), DecryptionRejected,
     "age header is longer than 4,096 bytes"),
    ("truncated archive", _inner(lambda k, s: signed_inner(_files(), s.manifest, k)[:-1024]),
     ArchiveRejected, "truncated"),
    ("zip slip", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k, extra=[("records/../../x.json", b"{}")])),
     ArchiveRejected, "points outside"),
    ("absolute path", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k, extra=[("/etc/x.json", b"{}")])),
     ArchiveRejected, "absolute path"),
    ("symlink", _inner(lambda k, s: signed_inner(_files(), s.manifest, k)[:-1024]
                       + entry("records/z.json", b"", kind=b"2", link=b"/etc/passwd")
                       + b"\x00" * 1024), ArchiveRejected, "symbolic link"),
    ("hardlink", _inner(lambda k, s: archive(
        entry("records/z.json", b"", kind=b"1", link=b"manifest.json"))),
     ArchiveRejected, "hard link"),
    ("device", _inner(lambda k, s: archive(entry("records/z.json", b"", kind=b"3"))),
     ArchiveRejected, "device"),
    ("duplicate names", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k, extra=[(_LISTED, _files()[_LISTED])])),
     ArchiveRejected, "twice"),
    ("case collision", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k, extra=[(_LISTED.upper(), b"{}")])),
     ArchiveRejected, "only in case"),
    ("duplicate JSON keys in a record", _inner(lambda k, s: signed_inner(
        {**_files(), _LISTED: b'{"id":1,"id":2}'}, s.manifest, k)),
     JsonRejected, "repeats the JSON key 'id'"),
    ("duplicate JSON keys in manifest", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k,
        manifest_bytes=s.manifest.to_bytes()[:-1] + b',"sequence":1}')),
     JsonRejected, "repeats the JSON key 'sequence'"),
    ("too deep JSON", _inner(lambda k, s: signed_inner(
        {**_files(), _LISTED: b"[" * 40 + b"]" * 40}, s.manifest, k)),
     JsonRejected, "nested too deeply"),
    ("no manifest", _inner(lambda k, s: archive(entry("records/a.json"))),
     ManifestRejected, "no manifest.json"),
    ("no signature", _inner(lambda k, s: archive(entry("manifest.json", s.manifest.to_bytes()))),
     SignatureRejected, "no manifest signature"),
    ("signed by unknown key", _inner(lambda k, s: signed_inner(_files(), s.manifest, _STRANGER)),
     SignatureRejected, "not enrolled"),
    ("manifest altered after signing", _inner(lambda k, s: archive(
        entry("manifest.json", s.manifest.to_bytes().replace(b'"sequence":1', b'"sequence":7')),
        entry("manifest.json.minisig", k.sign(s.manifest.to_bytes(),
                                               s.manifest.trusted_comment()).encode()),
        *(entry(n, c) for n, c in _files().items()))),
     SignatureRejected, "does not match the signed data"),
    ("manifest not canonical", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k,
        manifest_bytes=json.dumps(manifest_dict(s.manifest), indent=2).encode())),
     ManifestRejected, "canonical"),
    ("manifest field invalid", _inner(_with_manifest(sequence=0)), ManifestRejected, "sequence"),
    ("manifest unknown field", _inner(_with_manifest(office="x")), ManifestRejected, "office"),
    ("manifest for another office", _inner(_with_manifest(recipient_key_id="0" * 16)),
     ManifestRejected, "another office"),
    ("manifest names another key", _inner(_with_manifest(key_id="0" * 16)),
     ManifestRejected, "different key"),
    ("trusted comment mismatch", _inner(lambda k, s: signed_inner(
        _files(), s.manifest.model_copy(update={"sequence": 9}), k,
        manifest_bytes=s.manifest.to_bytes())),
     ManifestRejected, "trusted comment"),
    ("extra file", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k, extra=[("records/extra.json", b"{}")])),
     ContentRejected, "does not list"),
    ("extra file outside folders", _inner(lambda k, s: signed_inner(
        _files(), s.manifest, k, extra=[("readme.txt", b"hi")])),
     ContentRejected, "does not list"),
    ("missing file", _inner(lambda k, s: signed_inner(_files(), s.manifest, k, omit=[_LISTED])),
     ContentRejected, "lacks"),
    ("size mismatch", _inner(lambda k, s: signed_inner(
        {**_files(), _LISTED: _files()[_LISTED] + b" "}, s.manifest, k)),
     ContentRejected, "size of"),
    ("hash mismatch", _inner(lambda k, s: signed_inner(
        {**_files(), _LISTED: _files()[_LISTED].replace(b"v1", b"v2")}, s.manifest, k)),
     ContentRejected, "content of"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "error", "reason"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_hostile_bundles_are_rejected_with_a_plain_reason(
    build: Case,
    error: type[BundleRejected],
    reason: str,
    device_key: KeyPair,
    inbox: AgeIdentity,
    trusted: dict[str, PublicKey],
    sealed: SealedBundle,
) -> None:
    data = build(device_key, inbox, sealed)
    with pytest.raises(error, match=reason) as caught:
        open_bundle(data, identity=inbox, trusted_keys=trusted)
    message = caught.value.message
    assert message.endswith(".")
    assert "\n" not in message


def test_oversized_bundle_is_refused_before_decrypting(
    sealed: SealedBundle, inbox: AgeIdentity, trusted: dict[str, PublicKey]
) -> None:
    with pytest.raises(ArchiveRejected, match="larger than allowed"):
        open_bundle(
            sealed.data, identity=inbox, trusted_keys=trusted, limits=Limits(max_bundle_bytes=100)
        )


def test_oversized_entry_is_refused(
    sealed: SealedBundle, inbox: AgeIdentity, trusted: dict[str, PublicKey]
) -> None:
    with pytest.raises(ArchiveRejected, match="larger than allowed"):
        open_bundle(
            sealed.data, identity=inbox, trusted_keys=trusted, limits=Limits(max_entry_bytes=100)
        )


def test_too_many_entries_are_refused(
    sealed: SealedBundle, inbox: AgeIdentity, trusted: dict[str, PublicKey]
) -> None:
    with pytest.raises(ArchiveRejected, match="too many files"):
        open_bundle(sealed.data, identity=inbox, trusted_keys=trusted, limits=Limits(max_entries=4))


def test_the_inner_archive_lists_manifest_signature_then_files(
    sealed: SealedBundle, inbox: AgeIdentity
) -> None:
    from msp_desktop.bundles.archive import read_archive

    names = list(read_archive(decrypt(sealed.data, inbox)))
    assert names == ["manifest.json", "manifest.json.minisig", *sorted(sample_files())]
