"""The last guard of both command lines (``msp``, ``msp-office``): errors a person can
act on print one line and exit with their code; anything else is a bug, logged as a
scrubbed traceback (no personal data) and reported in one line pointing at the log."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.logs import scrubbed_traceback
from msp_desktop.terminal_text import text_arguments_problem

__all__ = ["run_guarded"]


def run_guarded(
    prog: str,
    run: Callable[[], int],
    log: logging.Logger,
    log_path: Path | None,
    *,
    kept: str,
    safe: str,
    arguments: Mapping[str, Any] | None = None,
) -> int:
    """Run one command; ``kept`` says what Ctrl+C keeps ("anything already saved is
    kept"), ``safe`` what a bug leaves safe ("saved records are safe"). ``arguments``
    (the parsed ones by name) are refused first if one is not valid text."""
    try:
        problem = text_arguments_problem(arguments or {})
        if problem is not None:
            raise InvalidInput(problem)
        return int(run())
    except KnownError as exc:
        log.info("known error %s", type(exc).__name__)
        print(f"{prog}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: stopped; {kept}.", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - the last guard: a bug, logged without data
        log.error("unexpected error\n%s", scrubbed_traceback(exc))
        where = f" Details (without personal data) are in {log_path}." if log_path else ""
        print(f"{prog}: an unexpected error stopped the command; {safe}.{where}", file=sys.stderr)
        return ExitCode.BUG
