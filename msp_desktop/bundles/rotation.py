"""Signed key rotation (S24): a device's new key, vouched for by the key it replaces.

When a worker makes a new device key (``msp enrol --new-key``), the device writes one
*rotation link*: the statement "device D replaces key OLD with key NEW (this public
key) at time T", signed by the old key (the office already trusts it, so the holder of
the enrolled key agreed) and by the new key (whoever sends it holds the new secret).
The enrolment file carries the links of the device's last ``MAX_LINKS`` rotations in
order, so a key made twice before the office saw the first (a lost enrolment file)
still leads back to the key the office has: K1 to K2 to K3.

The office replaces a device's key (``msp-office devices add --replace``) only when
a link in the chain starts at the key it has enrolled and every link from there on
verifies, ending at the enrolment's key (``check_chain_from``). Without such a link
(the laptop was lost, the workspace wiped) the only way is the separate lost-device
replacement, which needs the new key id read out of band.

The statement is the canonical JSON (RFC 8785) of the link's five facts; both
signatures are minisign ``ED`` signatures of it whose trusted comment names device,
old and new key, so neither can be moved to another link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import StringConstraints, model_validator

from msp_desktop.bundles import minisign
from msp_desktop.bundles.canonical import canonical_json
from msp_desktop.bundles.errors import SignatureRejected
from msp_desktop.bundles.manifest import DeviceId, KeyId, StrictModel, UtcTime, format_time

__all__ = [
    "MAX_LINKS",
    "RotationLink",
    "RotationRejected",
    "check_chain_from",
    "check_links",
    "make_link",
]

MAX_LINKS = 8
"""Rotations an enrolment file carries; an office behind by more needs the lost-device way."""

PublicKeyText = Annotated[str, StringConstraints(min_length=1, max_length=300)]
SignatureText = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


def _comment(device_id: str, old_key_id: str, new_key_id: str) -> str:
    return f"msp-key-rotation:1 device:{device_id} old:{old_key_id} new:{new_key_id}"


class RotationRejected(SignatureRejected):
    """No rotation signed by the enrolled key leads to the new key."""


class RotationLink(StrictModel):
    """One key rotation of a device, signed by the old key and by the new one."""

    device_id: DeviceId
    old_key_id: KeyId
    new_key_id: KeyId
    new_public_key: PublicKeyText
    rotated: UtcTime
    old_signature: SignatureText
    new_signature: SignatureText

    def statement(self) -> bytes:
        """The signed bytes: the canonical JSON of the link without its signatures."""
        return canonical_json(
            self.model_dump(mode="json", exclude={"old_signature", "new_signature"})
        )

    def trusted_comment(self) -> str:
        """The trusted comment both signatures carry."""
        return _comment(self.device_id, self.old_key_id, self.new_key_id)

    @property
    def new_key(self) -> minisign.PublicKey:
        """The key this link hands over to."""
        return minisign.PublicKey.from_text(self.new_public_key)

    def verify_old(self, old_key: minisign.PublicKey) -> None:
        """``RotationRejected`` unless ``old_key`` (the key replaced) signed this link."""
        self._verify(self.old_signature, old_key, "the key it replaces")

    def _verify(self, signature: str, key: minisign.PublicKey, whose: str) -> None:
        try:
            comment = minisign.verify(self.statement(), signature, key)
        except SignatureRejected as exc:
            raise RotationRejected(
                f"The rotation from key {self.old_key_id} to key {self.new_key_id} is not "
                f"signed by {whose}: {exc.message}"
            ) from None
        if comment != self.trusted_comment():
            raise RotationRejected(
                f"The rotation from key {self.old_key_id} to key {self.new_key_id} carries "
                "a trusted comment for another rotation."
            )

    @model_validator(mode="after")
    def _signed_by_the_new_key(self) -> Self:
        if self.old_key_id == self.new_key_id:
            raise ValueError("a rotation must change the key")
        if self.new_key.key_id != self.new_key_id:
            raise ValueError("new_key_id is not the id of new_public_key")
        try:
            self._verify(self.new_signature, self.new_key, "the new key")
        except RotationRejected as exc:
            raise ValueError(exc.message) from None
        return self


def make_link(
    device_id: str, old: minisign.KeyPair, new: minisign.KeyPair, rotated: datetime
) -> RotationLink:
    """The rotation from ``old`` to ``new``, signed by both."""
    facts = {
        "device_id": device_id,
        "old_key_id": old.key_id,
        "new_key_id": new.key_id,
        "new_public_key": new.public_key.to_text(),
        "rotated": format_time(rotated),
    }
    comment = _comment(device_id, old.key_id, new.key_id)
    signed = canonical_json(facts)
    untrusted = f"rotation of {device_id} to key {new.key_id}"
    return RotationLink.model_validate(
        {
            **facts,
            "old_signature": old.sign(signed, comment, untrusted_comment=untrusted),
            "new_signature": new.sign(signed, comment, untrusted_comment=untrusted),
        }
    )


def check_links(links: list[RotationLink], device_id: str, key_id: str, public_key: str) -> None:
    """``ValueError`` unless ``links`` is one unbroken chain for ``device_id`` ending at
    ``key_id`` (whose public key text is ``public_key``), each link signed by the key
    before it. Only the first link's old signature is left for ``check_chain_from``."""
    for number, link in enumerate(links):
        if link.device_id != device_id:
            raise ValueError(f"rotation {number + 1} is for device {link.device_id}")
        if number:
            before = links[number - 1]
            if link.old_key_id != before.new_key_id:
                raise ValueError(f"rotation {number + 1} does not follow rotation {number}")
            try:
                link.verify_old(before.new_key)
            except RotationRejected as exc:
                raise ValueError(exc.message) from None
    last = links[-1]
    if last.new_key_id != key_id or last.new_public_key != public_key:
        raise ValueError("the last rotation does not lead to the enrolment's key")
    if len({link.new_key_id for link in links} | {links[0].old_key_id}) != len(links) + 1:
        raise ValueError("the rotations come back to a key they had left")


def check_chain_from(links: list[RotationLink], enrolled: minisign.PublicKey) -> RotationLink:
    """The link that starts at the ``enrolled`` key, its old signature verified (the
    links after it were checked with the enrolment); ``RotationRejected`` if none."""
    start = next((link for link in links if link.old_key_id == enrolled.key_id), None)
    if start is None:
        raise RotationRejected(
            f"No rotation in the enrolment file starts at key {enrolled.key_id}."
        )
    start.verify_old(enrolled)
    return start
