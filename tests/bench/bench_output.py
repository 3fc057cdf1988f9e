"""What every benchmark prints and writes: progress lines, phase times, the JSON file."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def log(message: str) -> None:
    """A progress line, shown at once (the runs take a while)."""
    print(message, flush=True)


@contextlib.contextmanager
def phase(name: str, into: dict[str, float]) -> Iterator[None]:
    """Time a phase of the run into ``into[name]`` (seconds) and say how long it took."""
    start = time.perf_counter()
    yield
    into[name] = time.perf_counter() - start
    log(f"  {name}: {into[name]:.1f} s")


def write_result(out: Path, filename: str, result: dict[str, Any], summary: str) -> Path:
    """Write ``result`` as ``out/filename`` (JSON) and print the summary."""
    out.mkdir(parents=True, exist_ok=True)
    out_file = out / filename
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(summary)
    log(f"written {out_file}")
    return out_file
