"""The visit screen's figures for ``make bench``: going to the next step, and working the
guide's conditions out again after one answer changes, on a large visit.

Run by ``bench_app`` as its own process (``python -m tests.bench.bench_visit``), with
``QT_QPA_PLATFORM=offscreen``; it prints one JSON line. The visit is a real one in an
encrypted workspace: 20 desired outcomes, 10 risks and 10 actions, at the middle stage
(the most steps). Measured:

* ``step_switch_ms``: from asking the page for the next step (as Ctrl+Page Down does)
  to that step painted (``QWidget.grab`` of the whole page forces the paint);
* ``condition_eval_ms``: ``evaluate`` of the whole guide for the visit after one answer
  changed (capacity flipped), which the page does once per change.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

MARK = "MSP-BENCH-VISIT "
PASSPHRASE = "bench visit passphrase, fictional"


def _visit_with_much(concern_id: str, person_id: str) -> Any:
    from msp_desktop.model import (
        Action,
        DesiredOutcome,
        Note,
        Risk,
        RiskType,
        Stage,
        Visit,
    )

    outcomes = [
        DesiredOutcome(words=Note(text=f"Wish number {n} in the person's words."))
        for n in range(20)
    ]
    return Visit(
        concern_id=concern_id,
        person_id=person_id,
        stage=Stage.MIDDLE,
        visit_date=date.today(),
        desired_outcomes=outcomes,
        risks=[
            Risk(
                description=Note(text=f"Risk {n}, in plain words."), risk_type=RiskType.SELF_NEGLECT
            )
            for n in range(10)
        ],
        actions=[
            Action(what=Note(text=f"Action {n}."), outcome_ids=[outcomes[n].id]) for n in range(10)
        ],
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(samples: int) -> dict[str, Any]:
    """Time step switches and condition evaluation; the figures in milliseconds."""
    from PySide6.QtWidgets import QApplication

    from msp_desktop.guide import load_guide
    from msp_desktop.guide.conditions import evaluate
    from msp_desktop.model import CapacityStatus, Stage, SupportToDecide
    from msp_desktop.store import Workspace
    from tests import builders
    from ui.db_worker import DbWorker
    from ui.visit.visit_page import VisitPage

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="msp-bench-visit-") as name:
        folder = Path(name) / "workspace"
        person = builders.person()
        concern = builders.concern(person, stage=Stage.MIDDLE)
        visit = _visit_with_much(concern.id, person.id)
        with Workspace.create(folder, PASSPHRASE, "Bench Worker") as ws:
            ws.people.add(person)
            ws.concerns.add(concern)
            ws.visits.start(visit)
        worker = DbWorker()
        worker.open_workspace(folder, PASSPHRASE, lambda _: None, lambda _e: None)
        guide = load_guide()
        page = VisitPage(guide)
        page.attach(worker)
        page.resize(1280, 800)
        page.show()
        page.open_visit(visit.id)
        deadline = time.monotonic() + 60
        while not page.pages and time.monotonic() < deadline:
            app.processEvents()
        if not page.pages:
            raise RuntimeError("the visit did not open")
        steps = len(page.pages)
        switches: list[float] = []
        for n in range(samples):
            if n % steps == steps - 1:
                page._go_to(0)  # back to the start, untimed
                app.processEvents()
            started = time.perf_counter()
            page.next()
            page.grab()  # paints the whole page, the new step included
            switches.append((time.perf_counter() - started) * 1000)
            app.processEvents()

        evaluations: list[float] = []
        capacities = [CapacityStatus.LACKS_CAPACITY, CapacityStatus.HAS_CAPACITY]
        current = visit
        for n in range(samples):
            current = current.revised(support_to_decide=SupportToDecide(capacity=capacities[n % 2]))
            started = time.perf_counter()
            evaluate(guide, Stage.MIDDLE, current, concern)
            evaluations.append((time.perf_counter() - started) * 1000)
        page.detach()
        worker.stop()
    return {
        "step_switch_p50_ms": round(_percentile(switches, 0.5), 2),
        "step_switch_p95_ms": round(_percentile(switches, 0.95), 2),
        "condition_eval_p50_ms": round(_percentile(evaluations, 0.5), 3),
        "condition_eval_p95_ms": round(_percentile(evaluations, 0.95), 3),
        "visit_size": {"outcomes": 20, "risks": 10, "actions": 10, "steps": steps},
        "visit_samples": samples,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures as one ``MSP-BENCH-VISIT {json}`` line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    print(MARK + json.dumps(measure(args.samples)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
