"""``GET /v1/metrics``: the inbox's numbers in the Prometheus text exposition format.

Served only on the separate address of ``msp-office serve --metrics-bind HOST:PORT``
(plain HTTP; loopback unless ``--insecure-metrics``), never on the port devices use.
Nothing personal and no device ids: counts, sizes and durations only.

- ``msp_office_uploads_total{outcome}``: ``POST /v1/bundles`` answered, by outcome
  (``imported``, ``already-imported``, ``refused``), since the service started;
- ``msp_office_refusals_total{reason}``: refused uploads by reason class (the
  ``reason`` of the JSON answer: ``RateLimited``, ``BundleQuarantined``, ...);
- ``msp_office_import_duration_seconds``: a histogram of the time each bundle spent
  being checked and imported (after its body arrived);
- ``msp_office_quarantine_bundles`` and ``msp_office_quarantine_bytes``: what
  quarantine holds now (notes, and the bundle files kept);
- ``msp_office_alerts_open``: alerts in ``alerts.log`` not yet acknowledged (NaN if
  the file cannot be read);
- ``msp_office_info{office_id,version,schema_version}``: always 1.

Counters are per process and start at 0 when the service starts, as Prometheus expects.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from msp_desktop import __version__
from msp_desktop.errors import KnownError
from msp_desktop.office.alerts import open_alert_count
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.keys import OfficeLayout

__all__ = ["CONTENT_TYPE", "DURATION_BUCKETS", "METRICS", "Metrics", "create_metrics_app"]

METRICS = "/v1/metrics"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_SHA256_NAME = re.compile(r"^[0-9a-f]{64}\.(json|mspbundle)$")


class Metrics:
    """The counters, shared by the inbox's threads and the metrics listener's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.uploads: dict[str, int] = {}
        self.refusals: dict[str, int] = {}
        self.bucket_counts = [0] * len(DURATION_BUCKETS)
        self.duration_sum = 0.0
        self.duration_count = 0

    def upload(self, outcome: str | None, reason: str | None) -> None:
        """Count one answered upload: its outcome, or a refusal and its reason."""
        with self._lock:
            if outcome in ("imported", "already-imported"):
                self.uploads[outcome] = self.uploads.get(outcome, 0) + 1
            else:
                self.uploads["refused"] = self.uploads.get("refused", 0) + 1
                key = reason or "Unknown"
                self.refusals[key] = self.refusals.get(key, 0) + 1

    def import_took(self, seconds: float) -> None:
        """Observe one bundle's check-and-import time."""
        with self._lock:
            for i, bound in enumerate(DURATION_BUCKETS):
                if seconds <= bound:
                    self.bucket_counts[i] += 1
            self.duration_sum += seconds
            self.duration_count += 1

    def render(self, layout: OfficeLayout, office_id: str) -> str:
        """Every metric, in the text exposition format (version 0.0.4)."""
        with self._lock:
            uploads = dict(self.uploads)
            refusals = dict(self.refusals)
            buckets = list(self.bucket_counts)
            total, count = self.duration_sum, self.duration_count
        for outcome in ("imported", "already-imported", "refused"):
            uploads.setdefault(outcome, 0)
        bundles, size = quarantine_size(layout.quarantine)
        try:
            alerts_open: float = open_alert_count(layout.alerts)
        except KnownError:
            alerts_open = math.nan
        lines: list[str] = []
        _family(lines, "msp_office_info", "gauge", "This office and msp-office.")
        labels = {"office_id": office_id, "version": __version__}
        lines.append(
            f"msp_office_info{_labels({**labels, 'schema_version': str(SCHEMA_VERSION)})} 1"
        )
        _family(lines, "msp_office_uploads_total", "counter", "Uploads answered, by outcome.")
        for outcome, n in sorted(uploads.items()):
            lines.append(f"msp_office_uploads_total{_labels({'outcome': outcome})} {n}")
        _family(lines, "msp_office_refusals_total", "counter", "Uploads refused, by reason.")
        for reason, n in sorted(refusals.items()):
            lines.append(f"msp_office_refusals_total{_labels({'reason': reason})} {n}")
        name = "msp_office_import_duration_seconds"
        _family(lines, name, "histogram", "Time to check and import one bundle.")
        for bound, n in zip(DURATION_BUCKETS, buckets, strict=True):
            lines.append(f"{name}_bucket{_labels({'le': _number(bound)})} {n}")
        lines.append(f'{name}_bucket{{le="+Inf"}} {count}')
        lines.append(f"{name}_sum {_number(total)}")
        lines.append(f"{name}_count {count}")
        for metric, help_text, value in (
            ("msp_office_quarantine_bundles", "Bundles in quarantine (notes).", bundles),
            ("msp_office_quarantine_bytes", "Bytes of bundle files in quarantine.", size),
            ("msp_office_alerts_open", "Alerts not acknowledged.", alerts_open),
        ):
            _family(lines, metric, "gauge", help_text)
            lines.append(f"{metric} {_number(value)}")
        return "\n".join(lines) + "\n"


def quarantine_size(folder: Path) -> tuple[int, int]:
    """(notes, bytes of bundle files) in the quarantine folder; (0, 0) if it is missing."""
    notes = size = 0
    try:
        entries: Iterable[os.DirEntry[str]] = list(os.scandir(folder))
    except OSError:
        return 0, 0
    for entry in entries:
        if not _SHA256_NAME.match(entry.name):
            continue
        if entry.name.endswith(".json"):
            notes += 1
        else:
            try:
                size += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue  # released while we looked
    return notes, size


def _family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def _labels(labels: dict[str, str]) -> str:
    def escaped(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{k}="{escaped(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return "NaN" if math.isnan(value) else repr(value)


def create_metrics_app(metrics: Metrics, layout: OfficeLayout, office_id: str) -> Starlette:
    """The ASGI application of the metrics listener: ``GET /v1/metrics`` only."""

    async def scrape(request: Request) -> Response:
        text = await asyncio.to_thread(metrics.render, layout, office_id)
        return Response(text, 200, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})

    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse(
            {"error": f"Only GET {METRICS} is served here.", "reason": "NotFound"}, 404
        )

    return Starlette(
        routes=[Route(METRICS, scrape, methods=["GET"])],
        exception_handlers={404: not_found, 405: not_found},
    )
