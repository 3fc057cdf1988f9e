"""The OpenAPI description of the inbox's office-pack routes (``inbox.pack_routes``).

Kept beside ``openapi`` (which merges these paths and schemas into the one document)
so that each file stays readable; written by hand for the same reason: it says
exactly what the routes do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msp_desktop.bundles.pack_request import MAX_CLOCK_SKEW, PACK_REQUEST_HEADER

__all__ = ["PACK_ERROR_REASONS", "pack_paths", "pack_schemas"]

_MINUTES = int(MAX_CLOCK_SKEW.total_seconds() // 60)
_DEVICE_ID = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"

PACK_ERROR_REASONS: dict[str, dict[int, tuple[str, list[str]]]] = {
    "next": {
        403: (
            "The request is missing, damaged, made for another office, not signed by an "
            "enrolled and unrevoked key of the device it names (PackRequestRejected), or "
            f"made more than {_MINUTES} minutes from the office's clock "
            "(RequestClockSkew: set the laptop's clock). Nothing was sent.",
            ["PackRequestRejected", "RequestClockSkew"],
        ),
        409: (
            "The device says it holds a pack the office never issued (DeviceAheadOfOffice: "
            "the office database may have been restored from an older backup), or changes "
            "wait for it but its enrolment at the office has no pack key "
            "(NoPackKeyAtOffice: enrol again). Nothing was sent.",
            ["DeviceAheadOfOffice", "NoPackKeyAtOffice"],
        ),
    },
    "receipt": {
        400: (
            "The receipt is damaged, not signed by an enrolled and unrevoked key of its "
            "device, or names a pack the office never issued (PackReceiptRejected); or the "
            "Content-Length is not a number, or the body stopped early. Nothing changed.",
            ["PackReceiptRejected", "BadRequest", "ClientDisconnect"],
        ),
        408: ("The receipt did not arrive within 30 seconds.", ["RequestTimeout"]),
        411: ("The request has no Content-Length header.", ["LengthRequired"]),
        413: ("The body is larger than any pack receipt (64 KiB).", ["ReceiptTooLarge"]),
        415: ("The Content-Type is not application/json.", ["UnsupportedMediaType"]),
    },
}
_SHARED: dict[int, tuple[str, list[str]]] = {
    429: (
        "Too many requests from this address (the limit uploads share); retry after "
        "Retry-After seconds.",
        ["RateLimited"],
    ),
    500: ("An unexpected error; nothing was changed. Try again later.", ["InternalError"]),
    503: (
        "The office is busy or its database cannot be reached; nothing was changed. "
        "Retry after Retry-After seconds.",
        ["OfficeBusy", "OfficeUnavailable"],
    ),
}


def pack_schemas() -> dict[str, Any]:
    """The schemas the pack routes add."""
    return {
        "PackReceiptTaken": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status", "device_id", "sequence"],
            "properties": {
                "status": {"type": "string", "enum": ["acknowledged", "already-acknowledged"]},
                "device_id": {"type": "string", "pattern": _DEVICE_ID},
                "sequence": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
            },
        },
    }


def pack_paths(error_response: Callable[[int, str, list[str]], dict[str, Any]]) -> dict[str, Any]:
    """The two pack paths; ``error_response(status, description, reasons)`` builds a
    refusal as the rest of the document does."""

    def errors(route: str) -> dict[str, Any]:
        table = {**PACK_ERROR_REASONS[route], **_SHARED}
        return {str(s): error_response(s, *table[s]) for s in sorted(table)}

    return {
        "/v1/packs/next": {
            "get": {
                "operationId": "nextPack",
                "summary": "The device's next office pack (issued now if changes wait).",
                "description": "Office packs carry what the office sends a device: people "
                "and concerns allocated to it, people moved away, corrections "
                "(docs/bundle-format.md §9). The device proves it holds its enrolled key "
                "with a signed request (§10) saying the last pack number it holds; the "
                "answer is the pack after it, byte for byte as first issued, or one issued "
                "now from the changes queued for the device, or 204 when nothing waits. "
                "The pack is sealed to the device's own pack key.",
                "parameters": [
                    {
                        "name": PACK_REQUEST_HEADER,
                        "in": "header",
                        "required": True,
                        "description": "The device's signed pack request, base64url.",
                        "schema": {"type": "string", "maxLength": 4096},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The next pack's bytes (an age file).",
                        "headers": {
                            "X-Request-Id": {"$ref": "#/components/headers/RequestId"},
                            "MSP-Pack-Sequence": {
                                "description": "The pack's number for this device.",
                                "schema": {"type": "integer", "minimum": 1},
                            },
                        },
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
                    "204": {
                        "description": "No pack waits for this device.",
                        "headers": {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}},
                    },
                    **errors("next"),
                },
            }
        },
        "/v1/pack-receipts": {
            "post": {
                "operationId": "packReceipt",
                "summary": "The device's signed receipt for a pack it applied.",
                "description": "The same receipt file a device writes with its export "
                "(docs/bundle-format.md §9); the office marks the pack acknowledged. The "
                "same receipt again changes nothing.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "description": "The receipt file."}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "The pack is acknowledged (now or before).",
                        "headers": {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}},
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PackReceiptTaken"}
                            }
                        },
                    },
                    **errors("receipt"),
                },
            }
        },
    }
