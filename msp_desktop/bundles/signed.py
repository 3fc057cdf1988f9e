"""Small signed JSON documents: receipts, office provisioning and device enrolment.

Each is canonical JSON (RFC 8785) of ``{"<kind>": {...}, "signature": "<minisign>"}``,
the minisign ``ED`` signature covering the canonical bytes of the inner object. One
reader for all three keeps the checks (size cap, strict JSON, canonical form, exact
shape) in one place, so a fix to one is a fix to all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from msp_desktop.bundles import minisign
from msp_desktop.bundles.canonical import canonical_json, is_canonical, parse_json_strict
from msp_desktop.bundles.errors import BundleRejected

__all__ = ["open_signed", "seal_signed"]

M = TypeVar("M", bound=BaseModel)

MAX_SIGNED_BYTES = 64 * 1024


def seal_signed(
    kind: str,
    body: BaseModel,
    key: minisign.KeyPair,
    trusted_comment: str,
    untrusted: str,
    *,
    exclude_none: bool = False,
) -> bytes:
    """The signed file for ``body`` under the top-level name ``kind`` (``exclude_none``:
    optional fields left empty are left out, so files without them stay as before)."""
    inner = body.model_dump(mode="json", exclude_none=exclude_none)
    signature = key.sign(canonical_json(inner), trusted_comment, untrusted_comment=untrusted)
    return canonical_json({kind: inner, "signature": signature})


def open_signed(
    data: bytes,
    *,
    kind: str,
    model: type[M],
    what: str,
    error: type[BundleRejected],
    public_key: Callable[[M], minisign.PublicKey],
    trusted_comment: Callable[[M], str],
) -> M:
    """Parse and verify a signed document; ``error`` with one sentence if anything is off.

    ``public_key`` picks the key that must have signed it from the (parsed, not yet
    trusted) body: the caller's own trusted key, or for self-signed documents the key
    the body carries (proof that its sender holds the secret half).
    """
    try:
        return _open(data, kind, model, what, error, public_key, trusted_comment)
    except error:
        raise
    except BundleRejected as exc:  # JSON or signature problems, restated for this document
        if exc.message.startswith(what):
            raise error(exc.message) from None
        raise error(f"{what} was refused: {exc.message}") from None


def _open(
    data: bytes,
    kind: str,
    model: type[M],
    what: str,
    error: type[BundleRejected],
    public_key: Callable[[M], minisign.PublicKey],
    trusted_comment: Callable[[M], str],
) -> M:
    if len(data) > MAX_SIGNED_BYTES:
        raise error(f"{what} is larger than any such file can be.")
    document: Any = parse_json_strict(data, what=what)
    if (
        not isinstance(document, dict)
        or set(document) != {kind, "signature"}
        or not isinstance(document[kind], dict)
        or not isinstance(document["signature"], str)
    ):
        raise error(f"{what} is not an MSP {kind} file.")
    if not is_canonical(data, document):
        raise error(f"{what} is not in canonical JSON (RFC 8785) form.")
    try:
        body = model.model_validate(document[kind], strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or kind
        raise error(f"{what} is not valid: {where}: {first['msg']}.") from None
    key = public_key(body)
    comment = minisign.verify(canonical_json(document[kind]), document["signature"], key)
    if comment != trusted_comment(body):
        raise error(f"The trusted comment of {what.lower()} does not match it.")
    return body
