"""The team the person can contact, printed on their copy: kept in the workspace.

The service's name, phone and email are the office's details, not the worker's
personal ones. Until they are set, plain defaults are used and ``is_set`` says so.
The return address (optional: a postal address or a freepost line) is where the person
posts their feedback form, so that it reaches the office without passing through the
worker; the feedback form is refused until it is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from msp_desktop.errors import InvalidInput
from msp_desktop.store import audit
from msp_desktop.store.database import Database

__all__ = ["DEFAULT_SERVICE_NAME", "DEFAULT_SERVICE_PHONE", "ServiceInfo", "load", "save"]

DEFAULT_SERVICE_NAME: Final = "Adult Social Care"
DEFAULT_SERVICE_PHONE: Final = "—"
_KEYS: Final = ("service_name", "service_phone", "service_email", "service_return_address")
_LONGEST: Final = 200


@dataclass(frozen=True)
class ServiceInfo:
    """The service's contact details; ``is_set`` is False while the defaults are used."""

    name: str
    phone: str
    email: str | None
    is_set: bool
    return_address: str | None = None
    """Where feedback forms are posted, commas between its lines; None until set."""


def load(db: Database) -> ServiceInfo:
    """The stored details, or the defaults."""
    found = db.all("SELECT key, value FROM meta WHERE key IN (?, ?, ?, ?)", _KEYS)
    rows: dict[str, str] = {str(key): str(value) for key, value in found}
    return ServiceInfo(
        name=rows.get("service_name") or DEFAULT_SERVICE_NAME,
        phone=rows.get("service_phone") or DEFAULT_SERVICE_PHONE,
        email=rows.get("service_email") or None,
        is_set="service_name" in rows,
        return_address=rows.get("service_return_address") or None,
    )


def _clean(value: str | None, what: str, *, required: bool) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise InvalidInput(f"Give the team's {what}.")
        return None
    if len(text) > _LONGEST:
        raise InvalidInput(f"The team's {what} is longer than {_LONGEST} characters.")
    return text


def save(
    db: Database,
    actor: str,
    name: str,
    phone: str,
    email: str | None,
    return_address: str | None = None,
) -> ServiceInfo:
    """Replace the service's details (one transaction, audited without the values).

    Like the email, a return address not given is removed: the details are replaced whole.
    """
    values = {
        "service_name": _clean(name, "name", required=True),
        "service_phone": _clean(phone, "phone number", required=True),
        "service_email": _clean(email, "email address", required=False),
        "service_return_address": _clean(return_address, "return address", required=False),
    }
    with db.transaction():
        for key, value in values.items():
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
        audit.append(
            db,
            actor=actor,
            action="update",
            entity="service",
            entity_id="service",
            detail={
                "email": values["service_email"] is not None,
                "return_address": values["service_return_address"] is not None,
            },
        )
    return load(db)
