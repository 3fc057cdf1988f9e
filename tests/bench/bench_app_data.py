"""The app benchmark's workspace (fictional people on disk) and what the worker types."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from msp_desktop.model import Person
from msp_desktop.store import Workspace
from tests.bench.bench_config import PASSPHRASE, WORKER
from tests.bench.bench_data import PREFERRED, build_caseload
from tests.bench.bench_stores import load, workspace_store


def build_workspace(folder: Path, people: int, concerns: int, seed: int) -> list[Person]:
    """Create an encrypted workspace in ``folder`` holding ``people`` fictional people.

    The store benchmark's generator is reused so the names are the same obviously
    made-up ones; each concern gets exactly one visit, which is enough to fill the
    Stage, Last visit and Visit due columns without paying for the store benchmark's
    twenty thousand visits. Returns the people, for the search prefixes.
    """
    caseload = build_caseload(people, concerns, concerns, seed)
    ws = Workspace.create(folder, PASSPHRASE, WORKER)
    try:
        load(workspace_store(ws), caseload)
    finally:
        ws.close()
    return caseload.people


def _typed(person: Person, rng: random.Random) -> list[str]:
    """What a worker looking for ``person`` types, pausing after each of these."""
    first, last = person.name.split(" ", 1)
    local_id = person.local_id or ""
    digits = local_id.removeprefix("BENCH-")
    shapes = [
        # A surname, letter by letter.
        [last[:n] for n in range(2, min(len(last), 6) + 1)],
        # First name, then the start of the surname.
        [first[:3], first, f"{first} {last[:2]}", f"{first} {last[:4]}"],
        # A local id, read off a letter, digit by digit.
        [f"BENCH-{digits[:n]}" for n in range(2, len(digits) + 1)],
        # The digits alone, as people often type them.
        [digits[:n] for n in range(3, len(digits) + 1)],
        # The name the person goes by.
        [PREFERRED.get(first, first)[:4], f"{PREFERRED.get(first, first)} {last[:3]}"],
    ]
    return rng.choice(shapes)


def filter_queries(people: Sequence[Person], count: int, seed: int) -> list[str]:
    """``count`` search texts: typing sequences for people picked at random."""
    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        queries += _typed(rng.choice(people), rng)
    return queries[:count]
