"""Why an office command refused: one plain sentence and an exit code each.

Bundle refusals are ``BundleRejected`` subclasses (exit 13), like the format's own
errors, so ``msp-office import`` reports every refused bundle the same way whether
the format or the office ledger refused it.
"""

from __future__ import annotations

from msp_desktop.bundles import BundleRejected
from msp_desktop.errors import InvalidInput, KnownError, RecordNotFound
from msp_desktop.exit_codes import ExitCode

__all__ = [
    "AlertingRejection",
    "BundleQuarantined",
    "DeviceMismatch",
    "DeviceNotFound",
    "DeviceRefused",
    "DeviceRevoked",
    "OfficeBusy",
    "OfficeDamaged",
    "OfficeExists",
    "OfficeInterrupted",
    "OfficeMissing",
    "SequenceReplayed",
]


class OfficeMissing(KnownError):
    """There is no office (keys or database) where one was expected."""

    exit_code = ExitCode.MISSING_OR_EXISTS


class OfficeExists(KnownError):
    """The folder already holds an office; making another would lose its keys."""

    exit_code = ExitCode.MISSING_OR_EXISTS


class OfficeDamaged(KnownError):
    """A key file or the database is unreadable, unsafe or of an unknown version."""

    exit_code = ExitCode.DAMAGED


class OfficeBusy(KnownError):
    """Another ``msp-office`` is writing to the database right now."""

    exit_code = ExitCode.BUSY


class OfficeInterrupted(KnownError):
    """The database holds a stopped import's journal that this user cannot roll back."""

    exit_code = ExitCode.NOT_IN_THIS_STATE


class DeviceRefused(InvalidInput):
    """An enrolment that would clash with the devices already enrolled."""


class DeviceNotFound(RecordNotFound):
    """No enrolled device has that id (or it has no active key)."""


class DeviceRevoked(KnownError):
    """The device is enrolled but its key is revoked: it may not be given records."""

    exit_code = ExitCode.NOT_IN_THIS_STATE


class BundleQuarantined(BundleRejected):
    """Signed by a key that is not enrolled, or revoked: kept aside, not imported (S24).

    ``key_id`` and the claims are what could be read from the bundle, for the note
    kept beside it in quarantine.
    """

    def __init__(
        self,
        message: str,
        *,
        key_id: str | None = None,
        claimed_device_id: str | None = None,
        claimed_sequence: int | None = None,
        revoked: bool = False,
    ) -> None:
        super().__init__(message)
        self.revoked = revoked
        self.key_id = key_id
        self.claimed_device_id = claimed_device_id
        self.claimed_sequence = claimed_sequence


class AlertingRejection(BundleRejected):
    """A refusal that is also a security alert; ``alert`` is the line for ``alerts.log``."""

    def __init__(self, message: str, *, alert: dict[str, object]) -> None:
        super().__init__(message)
        self.alert = alert


class SequenceReplayed(AlertingRejection):
    """Another bundle with this device and sequence was already imported (S21)."""


class DeviceMismatch(AlertingRejection):
    """The signing key is enrolled for a different device than the manifest names."""
