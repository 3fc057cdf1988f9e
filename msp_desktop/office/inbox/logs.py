"""Structured logs of the office inbox service: one JSON object a line, on stderr.

Every request is one line (``"event": "request"``) with the time, a request id (also
sent back as ``X-Request-Id``), method, route, status, duration in milliseconds, the
body size and, when known, the device id, the bundle's sequence, the first 12 hex
digits of its SHA-256, the outcome and the reason class of a refusal. Security
alerts and quarantined bundles get a line of their own.

What is never logged: names, record contents, exception messages (a validation
error can quote the value it refused), client addresses, or paths other than the
service's own routes. A bug is logged as a scrubbed traceback: files, lines,
functions and exception types only (``msp_desktop.logs.scrubbed_traceback``).
uvicorn's own messages go through the same formatter, and its access log is off.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import IO, Any

from msp_desktop.logs import scrubbed_traceback

__all__ = ["LOGGER_NAME", "JsonLines", "configure_service_logging", "uvicorn_log_config"]

LOGGER_NAME = "msp.office.service"


class JsonLines(logging.Formatter):
    """A record as one JSON line; ``extra={"fields": {...}}`` adds structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line (no exception message, ever)."""
        moment = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = _safe_message(record)
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line["error"] = type(exc).__qualname__
            line["traceback"] = scrubbed_traceback(exc).splitlines()
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)')
_EXCEPTION = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::|$)")


def _safe_message(record: logging.LogRecord) -> str:
    """The message, unless it is an exception or holds a traceback (uvicorn logs both):
    then only the exception's type, or the traceback's places and types."""
    if isinstance(record.msg, BaseException):
        return type(record.msg).__qualname__
    text = record.getMessage()
    if "Traceback (most recent call last)" not in text:
        return text
    kept: list[str] = []
    for raw in text.splitlines():
        if frame := _FRAME.match(raw):
            kept.append(f"  {frame['file']}:{frame['line']} in {frame['function']}")
        elif (exception := _EXCEPTION.match(raw)) and raw != "Traceback (most recent call last):":
            kept.append(exception["type"])
    return "\n".join(["(traceback without messages)", *kept])


def configure_service_logging(stream: IO[str] | None = None) -> logging.Logger:
    """Send the service's log lines, as JSON, to ``stream`` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger(LOGGER_NAME)
    for old in logger.handlers:
        old.close()
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def uvicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's ``log_config``: its messages as JSON lines on stderr, no access log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonLines"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
