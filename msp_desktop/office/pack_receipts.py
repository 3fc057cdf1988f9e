"""The devices' receipts for office packs: ``msp-office import`` takes them beside bundles.

A laptop that applied a pack writes its signed receipt with its next export
(``<device>-pack-000001.pack-receipt.json``). The receipt must be signed by a key the
office enrolled for that device and not revoked, and name a pack the office issued to
that device, by number and hash; then the pack is marked acknowledged (``packs list``).
The same receipt again changes nothing. A refusal changes nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass

from msp_desktop.bundles import minisign
from msp_desktop.bundles.pack_receipt import PackReceipt, PackReceiptRejected, read_pack_receipt
from msp_desktop.office.db.store import OfficeStore

__all__ = ["TakenPackReceipt", "take_pack_receipt"]


@dataclass(frozen=True)
class TakenPackReceipt:
    """What one pack receipt did."""

    receipt: PackReceipt
    already: bool


def take_pack_receipt(store: OfficeStore, data: bytes, *, now: str) -> TakenPackReceipt:
    """Check a device's pack receipt and mark its pack acknowledged; ``PackReceiptRejected``
    (one sentence, nothing changed) when it is not the device's receipt for a pack issued."""

    def enrolled_key(body: PackReceipt) -> minisign.PublicKey:
        for key in store.device_keys():
            if key.key_id == body.key_id and key.device_id == body.device_id and key.active:
                return minisign.PublicKey.from_text(key.public_key)
        raise PackReceiptRejected(
            f"The pack receipt is signed by key {body.key_id}, which is not an enrolled, "
            f"unrevoked key of device {body.device_id}; nothing was changed."
        )

    receipt = read_pack_receipt(data, enrolled_key)
    issued = {p.sequence: p for p in store.packs(receipt.device_id)}
    pack = issued.get(receipt.sequence)
    if pack is None or pack.sha256 != receipt.pack_sha256:
        raise PackReceiptRejected(
            f"The pack receipt names office pack {receipt.sequence} of device "
            f"{receipt.device_id} with a hash the office never issued; nothing was changed."
        )
    if pack.acknowledged_at is not None:
        return TakenPackReceipt(receipt, already=True)
    store.acknowledge_pack(pack.sha256, now)
    return TakenPackReceipt(receipt, already=False)
