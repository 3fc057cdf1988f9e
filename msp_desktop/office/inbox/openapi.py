"""The OpenAPI 3 description of the office inbox service (``msp-office serve``).

Served at ``/openapi.json`` and written by ``msp-office openapi --out FILE`` for
publishing; both are this one document, written by hand so that it says exactly what
the service does (statuses, bodies, headers), and needing no web framework to print.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from msp_desktop import __version__
from msp_desktop.bundles import Receipt
from msp_desktop.bundles.receipt import MAX_RECEIPT_CONFLICTS
from msp_desktop.bundles.records import RecordKind
from msp_desktop.office.inbox.openapi_packs import pack_paths, pack_schemas

__all__ = ["ERROR_REASONS", "openapi_bytes", "openapi_document"]

_SHA256 = "^[0-9a-f]{64}$"
_DEVICE_ID = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
_KEY_ID = "^[0-9A-F]{16}$"
_UTC = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

ERROR_REASONS: dict[int, tuple[str, list[str]]] = {
    400: (
        "The bundle was refused by a check of the format (docs/bundle-format.md §6): it "
        "does not decrypt with this office's inbox key, the archive or a JSON file is "
        "unsafe or malformed, the manifest is invalid, the signature by the enrolled key "
        "does not verify, or the files or records do not match. Nothing was imported and "
        "the office database is unchanged. Also a Content-Length that is not a number "
        "(BadRequest), and an upload cut off before its end (ClientDisconnect).",
        [
            "DecryptionRejected",
            "ArchiveRejected",
            "JsonRejected",
            "ManifestRejected",
            "SignatureRejected",
            "ContentRejected",
            "BadRequest",
            "ClientDisconnect",
        ],
    ),
    403: (
        "The bundle is signed by a key that is not enrolled at this office, or was "
        "revoked. Not imported; the office keeps it in quarantine for an administrator.",
        ["BundleQuarantined"],
    ),
    404: ("No such route.", ["NotFound"]),
    405: ("The route does not take this method.", ["MethodNotAllowed"]),
    408: (
        "The body did not arrive in time (30 seconds plus its size at 32 KiB/s), or came "
        "more slowly than msp-office serve --min-upload-kib (4 KiB a second by default) "
        "over a 15-second window; nothing was imported. Retry, as after a 503.",
        ["RequestTimeout"],
    ),
    409: (
        "A security alert: this device and sequence were already imported from another "
        "bundle (SequenceReplayed), or the signing key is enrolled for a different device "
        "than the manifest names (DeviceMismatch). Not imported; the office is alerted. "
        "Retrying will not help.",
        ["SequenceReplayed", "DeviceMismatch"],
    ),
    411: ("The request has no Content-Length header.", ["LengthRequired"]),
    413: (
        "The body is larger than the service accepts (msp-office serve --max-bundle-mb, "
        "64 MiB by default); refused from Content-Length before reading, or while reading.",
        ["BundleTooLarge"],
    ),
    415: ("The Content-Type is not application/octet-stream.", ["UnsupportedMediaType"]),
    429: (
        "Too many requests from this address, or too many uploads from it in progress at "
        "once (both checked before reading the body), or too many bundles from this device "
        "(checked once its signature verifies). Nothing was imported; retry after "
        "Retry-After seconds.",
        ["RateLimited", "TooManyAtOnce"],
    ),
    500: (
        "An unexpected error; nothing was imported. Try again later.",
        ["InternalError"],
    ),
    503: (
        "The office is busy (other imports, or too many uploads at once) or cannot store "
        "bundles right now. Nothing was imported; retry after Retry-After seconds.",
        ["OfficeBusy", "StorageFull", "OfficeUnavailable"],
    ),
}

_RETRY_STATUSES = (429, 503)
# The optional fields (a receipt listing revisions kept aside) are left out otherwise.
_RECEIPT_FIELDS = [name for name, f in Receipt.model_fields.items() if f.is_required()]


def _error_response(status: int) -> dict[str, Any]:
    return _refusal(status, *ERROR_REASONS[status])


def _refusal(status: int, description: str, reasons: list[str]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}},
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Error"},
                        {"type": "object", "properties": {"reason": {"enum": reasons}}},
                    ]
                }
            }
        },
    }
    if status in _RETRY_STATUSES:
        response["headers"]["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    return response


def _schemas() -> dict[str, Any]:
    return {
        "Receipt": {
            "type": "object",
            "description": "What the office signs for one bundle (docs/bundle-format.md §7).",
            "additionalProperties": False,
            "required": _RECEIPT_FIELDS,
            "properties": {
                "format_version": {"type": "integer", "enum": [1]},
                "bundle_id": {"type": "string", "pattern": "^[0-9a-f-]{36}$"},
                "bundle_sha256": {"type": "string", "pattern": _SHA256},
                "device_id": {"type": "string", "pattern": _DEVICE_ID},
                "sequence": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
                "office_key_id": {"type": "string", "pattern": _KEY_ID},
                "received": {"type": "string", "pattern": _UTC},
                "status": {"type": "string", "enum": ["imported", "already-imported"]},
                "conflicts": {
                    "type": "array",
                    "description": "Revisions in the bundle kept aside, not made current "
                    "(e.g. records that belong to another device); present only if any.",
                    "minItems": 1,
                    "maxItems": MAX_RECEIPT_CONFLICTS,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["kind", "id", "revision", "owner", "reason"],
                        "properties": {
                            "kind": {"type": "string", "enum": list(get_args(RecordKind))},
                            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
                            "revision": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 9007199254740991,
                            },
                            "owner": {"type": "string", "nullable": True, "pattern": _DEVICE_ID},
                            "reason": {"type": "string", "pattern": "^[ -~]{1,300}$"},
                        },
                    },
                },
                "conflicts_total": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 9007199254740991,
                    "description": "How many revisions were kept aside (with conflicts).",
                },
            },
        },
        "SignedReceipt": {
            "type": "object",
            "description": "The receipt file: canonical JSON (RFC 8785) of the receipt and "
            "a minisign signature by the office key over the receipt's canonical bytes, "
            "trusted comment 'msp-receipt:1 bundle_sha256:<bundle_sha256>'. Verify it "
            "with the office public key before trusting it.",
            "additionalProperties": False,
            "required": ["receipt", "signature"],
            "properties": {
                "receipt": {"$ref": "#/components/schemas/Receipt"},
                "signature": {"type": "string", "description": "minisign signature file"},
            },
        },
        "Error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["error", "reason"],
            "properties": {
                "error": {"type": "string", "description": "One plain sentence saying why."},
                "reason": {"type": "string", "description": "The class of the refusal."},
                "key_state": {
                    "type": "string",
                    "enum": ["revoked", "not-enrolled"],
                    "description": "BundleQuarantined only: the signing key is revoked "
                    "here, or not enrolled (yet).",
                },
                "key_id": {
                    "type": "string",
                    "pattern": "^[0-9A-F]{16}$",
                    "description": "BundleQuarantined only: the key that signed the bundle.",
                },
            },
        },
        "Health": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status", "office_id", "version", "schema_version"],
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "office_id": {"type": "string", "pattern": _DEVICE_ID},
                "version": {"type": "string", "description": "The msp-office version."},
                "schema_version": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "The office database version this msp-office uses "
                    "(msp-office migrate takes an older database to it).",
                },
            },
        },
        "Unhealthy": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status", "reason", "error", "office_id", "version", "schema_version"],
            "properties": {
                "status": {"type": "string", "enum": ["unavailable"]},
                "reason": {
                    "type": "string",
                    "enum": ["DatabaseUnavailable", "DiskLow", "DiskUnavailable"],
                },
                "error": {"type": "string", "description": "One sentence, naming no path."},
                "office_id": {"type": "string", "pattern": _DEVICE_ID},
                "version": {"type": "string"},
                "schema_version": {"type": "integer", "minimum": 1},
            },
        },
    }


def _post_bundles() -> dict[str, Any]:
    return {
        "operationId": "uploadBundle",
        "summary": "Upload one bundle; get its signed receipt.",
        "description": "The same checks and import as `msp-office import`, one bundle in "
        "one transaction. The bundle's signature by an enrolled device key is what "
        "authorises the upload; nothing else is asked for. Uploading the same bundle "
        "again, at once or later, returns the same receipt, byte for byte, so a device "
        "may retry safely: its status is `imported` and `received` is when the bundle "
        "was first imported. The request must have a Content-Length (no chunked "
        "bodies). Clients may send `Expect: 100-continue`: the size, type and "
        "rate checks answer before the body is sent.",
        "requestBody": {
            "required": True,
            "description": "The bundle file's bytes (an age file, docs/bundle-format.md).",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        "responses": {
            "200": {
                "description": "Imported now or before: the receipt file's bytes.",
                "headers": {
                    "X-Request-Id": {"$ref": "#/components/headers/RequestId"},
                    "MSP-Import-Status": {
                        "description": "What this upload did: `imported`, or "
                        "`already-imported` when the bundle was imported before.",
                        "schema": {"type": "string", "enum": ["imported", "already-imported"]},
                    },
                },
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SignedReceipt"}}
                },
            },
            **{str(s): _error_response(s) for s in sorted(ERROR_REASONS) if s not in (404, 405)},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0.3 description, as a JSON-ready dict."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "MSP office inbox",
            "version": __version__,
            "description": "Devices upload signed, encrypted record bundles to their office "
            "and get a signed receipt back, and fetch the office packs the office seals for "
            "them, sending a signed receipt for each (`msp-office serve`). The bundle, pack "
            "and receipt formats are in docs/bundle-format.md. Refusals are JSON "
            '`{"error": "<sentence>", "reason": "<class>"}`. Served over HTTPS '
            "(--tls-cert/--tls-key), or plain HTTP on loopback or behind a TLS proxy.",
        },
        "paths": {
            "/v1/bundles": {"post": _post_bundles()},
            **pack_paths(_refusal),
            "/v1/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the service is up, and which office it is.",
                    "responses": {
                        "200": {
                            "description": "The service is up.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Health"}
                                }
                            },
                        },
                        "500": _error_response(500),
                        "503": {
                            "description": "The service is up but cannot take bundles: the "
                            "office database cannot be read (DatabaseUnavailable), or less "
                            "free disk space is left where quarantine and receipts go than "
                            "msp-office serve --min-free-mb asks for, by default twice the "
                            "largest bundle accepted (DiskLow, DiskUnavailable).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Unhealthy"}
                                }
                            },
                        },
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description.",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {**_schemas(), **pack_schemas()},
            "headers": {
                "RetryAfter": {
                    "description": "Whole seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 1},
                },
                "RequestId": {
                    "description": "The id of this request in the office's log.",
                    "schema": {"type": "string"},
                },
            },
        },
    }


def openapi_bytes() -> bytes:
    """The document as the file ``msp-office openapi`` writes (indented, sorted keys)."""
    text = json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
