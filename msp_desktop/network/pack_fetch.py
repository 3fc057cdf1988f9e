"""Office packs over the network: ask the inbox for the next pack, send pack receipts.

``GET {inbox_url}/v1/packs/next`` with the device's signed request
(``bundles.pack_request``, header ``MSP-Pack-Request``) answers ``200`` with the next
pack's bytes or ``204`` when nothing waits; ``POST {inbox_url}/v1/pack-receipts``
takes the device's signed receipt for a pack it applied. Both go through the same
``Uploader`` as bundles: the same pinned certificate, proxy and retries.

Nothing here touches the workspace: the caller checks and applies each pack
(``store.packs``), and marks a receipt delivered only on the office's ``200``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from msp_desktop.bundles.errors import BundleRejected
from msp_desktop.bundles.pack_request import PACK_REQUEST_HEADER
from msp_desktop.network.uploader import (
    TemporaryFailure,
    Uploader,
    busy,
    server_sentence,
    worth_retrying,
)

__all__ = [
    "PACKS_NEXT_PATH",
    "PACK_RECEIPTS_PATH",
    "FetchedPack",
    "NoPacksAtOffice",
    "PacksRefused",
    "fetch_next_pack",
    "send_pack_receipt",
]

PACKS_NEXT_PATH = "/v1/packs/next"
PACK_RECEIPTS_PATH = "/v1/pack-receipts"


class NoPacksAtOffice(Exception):
    """The office's inbox has no pack routes (an msp-office from before office packs)."""


class PacksRefused(BundleRejected):
    """The office answered and would not give packs or take a receipt (exit 13)."""

    def __init__(self, message: str, *, status: int, reason: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class FetchedPack:
    """A pack as the office sent it: the number it says, and the sealed bytes."""

    sequence: int | None
    data: bytes


def _refused(what: str, status: int, body: bytes) -> PacksRefused:
    sentence, reason = server_sentence(body)
    says = f" The office says: {sentence}" if sentence else ""
    if status == 403:
        message = f"The office would not {what}.{says}"
    else:
        message = f"The office refused to {what} (HTTP {status}).{says}"
    return PacksRefused(message, status=status, reason=reason)


def fetch_next_pack(uploader: Uploader, request_header: str) -> FetchedPack | None:
    """The next office pack for this device (None: nothing waits), fetched with the
    signed request ``request_header``; ``NoPacksAtOffice`` from an office without pack
    routes, ``PacksRefused``, ``OfficeNotTrusted`` or, after every try,
    ``OfficeUnreachable``."""

    def once() -> FetchedPack | None:
        answer = uploader.exchange(
            "GET",
            PACKS_NEXT_PATH,
            headers={PACK_REQUEST_HEADER: request_header, "Accept": "application/octet-stream"},
        )
        if answer.status == 204:
            return None
        if answer.status == 200:
            if len(answer.body) > uploader.max_pack_bytes:
                raise PacksRefused(
                    "The office sent a pack larger than any this device takes; nothing was "
                    "changed. Tell the office.",
                    status=200,
                    reason=None,
                )
            number = answer.headers.get("msp-pack-sequence", "").strip()
            return FetchedPack(int(number) if number.isdigit() else None, answer.body)
        if worth_retrying(answer.status):
            raise busy(answer.status, answer.retry_after)
        if answer.status in (404, 405):
            raise NoPacksAtOffice
        raise _refused("send this device its office packs", answer.status, answer.body)

    return uploader.with_retries(
        "office packs",
        once,
        lambda why, tries: (
            f"Could not fetch office packs from the office at {uploader.endpoint.url}: {why}. "
            f"Tried {tries}; they are fetched the next time you sync."
        ),
    )


def send_pack_receipt(uploader: Uploader, sequence: int, receipt: bytes) -> bool:
    """Send this device's signed receipt for pack ``sequence``; True once the office
    says it is acknowledged (now or before). ``PacksRefused`` when the office refuses it,
    ``OfficeUnreachable`` after every try."""

    def once() -> bool:
        answer = uploader.exchange(
            "POST",
            PACK_RECEIPTS_PATH,
            body=receipt,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if answer.status == 200:
            return _acknowledged(answer.body, sequence)
        if worth_retrying(answer.status):
            raise busy(answer.status, answer.retry_after)
        raise _refused(f"take the receipt for office pack {sequence}", answer.status, answer.body)

    return uploader.with_retries(
        f"pack receipt {sequence}",
        once,
        lambda why, tries: (
            f"Could not send the receipt for office pack {sequence} to the office at "
            f"{uploader.endpoint.url}: {why}. Tried {tries}; it is sent the next time you "
            "sync."
        ),
    )


def _acknowledged(body: bytes, sequence: int) -> bool:
    """The office's answer names this pack as acknowledged."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise TemporaryFailure("the office's answer could not be read") from None
    return (
        isinstance(document, dict)
        and document.get("status") in ("acknowledged", "already-acknowledged")
        and document.get("sequence") == sequence
    )
