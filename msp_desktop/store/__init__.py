"""The encrypted workspace: keyslots, SQLCipher connection, repositories, audit, backups."""

from msp_desktop.store.backup import BackupInfo
from msp_desktop.store.changes import Changes
from msp_desktop.store.copies import CopyGiven, VisitNotFinalised
from msp_desktop.store.health import HealthReport
from msp_desktop.store.people import PersonSummary
from msp_desktop.store.service_details import ServiceInfo
from msp_desktop.store.visits import CannotFinalise, RevisionInfo, VisitRecord, VisitSummary
from msp_desktop.store.workspace import Workspace

__all__ = [
    "BackupInfo",
    "CannotFinalise",
    "Changes",
    "CopyGiven",
    "HealthReport",
    "PersonSummary",
    "RevisionInfo",
    "ServiceInfo",
    "VisitNotFinalised",
    "VisitRecord",
    "VisitSummary",
    "Workspace",
]
