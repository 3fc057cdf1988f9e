"""``msp-office report`` end to end: the demo caseload from ``msp demo`` travels through the
real ``msp`` export and ``msp-office`` import, and the real console script counts it.

The figures checked are the ones counted by hand from ``msp_desktop/demo.py`` (see
``tests/unit/office/test_report.py``): 6 concerns closed in the app, all asked with
outcomes expressed; 3 "Risk identified and action taken" (the risk remained, reduced,
removed: 1 each), 1 inconclusive with action taken, 1 no risk and no action, 1 ceased at
the person's request; 1 who lacked capacity, 4 who did not and 1 "Don't know", 2 of
them supported by an advocate, family or friend.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from tests.e2e.conftest import MspRunner, OfficeRunner, ok
from tests.tools import require_tools


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("msp-office: ")
    return lines[0]


def _year_of(day: date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{str(first + 1)[2:]}"


def _demo_at_the_office(msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path) -> None:
    created = ok(msp_office("init", "--office-id", "north-council", "--name", "North Council"))
    key_id = re.search(r"^Office key id: ([0-9A-F]{16})$", created, re.MULTILINE)
    assert key_id, created
    keys = tmp_path / "office-keys.json"
    ok(msp_office("provisioning", "--out", str(keys)))
    ok(msp("demo"))
    ok(msp("office-keys", "import", str(keys), "--office-key-id", key_id[1]))
    enrolment = tmp_path / "enrolment.json"
    ok(msp("enrol", "--out", str(enrolment), "--device-id", "laptop-demo"))
    ok(msp_office("devices", "add", str(enrolment)))
    stick = tmp_path / "stick"
    stick.mkdir()
    ok(msp("export", "--to", str(stick)))
    bundles = sorted(str(p) for p in stick.glob("*.mspbundle"))
    assert bundles
    ok(msp_office("import", *bundles))


def _csv_rows(path: Path) -> dict[str, dict[str, int]]:
    """Each measure's counts by column label, from the stacked CSV blocks."""
    rows: dict[str, dict[str, int]] = {}
    header: list[str] = []
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        if not row:
            continue
        if row[0] == "Measure":
            header = row
            continue
        if header[1] == "Office":
            rows[row[0]] = {"Concerns concluded": int(row[-1])}
        else:
            rows[row[0]] = {label: int(n) for label, n in zip(header[1:], row[1:], strict=True)}
    return rows


def test_report_of_the_demo_caseload(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    _demo_at_the_office(msp, msp_office, tmp_path)
    today = date.today()
    # The demo's concerns closed 55 days ago (five of them) and 15 days ago (one).
    years = sorted({_year_of(today - timedelta(days=days)) for days in (55, 15)})
    totals: dict[str, dict[str, int]] = {}
    for year in years:
        out = tmp_path / f"sac-{year}.csv"
        said = ok(msp_office("report", "--year", year, "--out", str(out)))
        assert said.startswith(f"Wrote {out}: ")
        assert "The CSV shows every number" in said
        for measure, counts in _csv_rows(out).items():
            for label, count in counts.items():
                totals.setdefault(measure, {}).setdefault(label, 0)
                totals[measure][label] += count

    assert totals["Concerns concluded in the year"] == {"Concerns concluded": 6}
    asked = totals["SG4a desired outcomes asked: Concerns concluded"]
    assert asked["Yes they were asked and outcomes were expressed"] == 6
    assert sum(asked.values()) == 6
    sg2c = totals["SG2c action and result: Concerns concluded"]
    assert sg2c["Risk identified and action taken"] == 3
    assert sg2c["Risk Assessment inconclusive and action taken"] == 1
    assert sg2c["No risk identified and no action taken"] == 1
    assert sg2c["Enquiry ceased at individual's request and no action taken"] == 1
    assert sum(sg2c.values()) == 6
    risk = totals["Risk outcome: Concerns where a risk was identified and action taken"]
    assert risk == {"Risk remained": 1, "Risk reduced": 1, "Risk removed": 1, "Not recorded": 0}
    assert totals["SG3a capacity: Concerns concluded"] == {
        "Yes, they lacked capacity": 1,
        "No, they did not lack capacity": 4,
        "Don't know": 1,
        "Not recorded": 0,
    }
    supported = totals["SG3a capacity: Support provided by an advocate, family or friend"]
    assert sum(supported.values()) == 2
    achieved = totals["SG4a outcomes achieved: Concerns where outcomes were expressed"]
    assert achieved == {
        "Fully Achieved": 2,
        "Partially Achieved": 2,
        "Not Achieved": 1,
        "Not rated": 1,
    }

    # The PDF of the same year: made by the console script, small numbers hidden.
    require_tools("pdftotext", package="poppler-utils")
    pdf = tmp_path / "sac.pdf"
    said = ok(msp_office("report", "--year", years[-1], "--out", str(pdf)))
    assert "Numbers from 1 to 5 are hidden in the PDF" in said
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "North Council" in text
    assert "SG4a: asking about desired outcomes" in text
    assert "Yes they were asked and outcomes were expressed" in text
    assert "[c]" in text  # the demo's numbers are all small


def test_report_refusals_are_one_line(msp_office: OfficeRunner, tmp_path: Path) -> None:
    ok(msp_office("init", "--office-id", "north-council", "--name", "North Council"))
    out = tmp_path / "sac.csv"
    said = ok(msp_office("report", "--year", "2025-26", "--out", str(out)))
    assert "0 concerns concluded in 2025-26 (1 April 2025 to 31 March 2026)" in said
    assert "Note: No concern held at this office concluded in 2025-26" in said

    again = msp_office("report", "--year", "2025-26", "--out", str(out))
    assert again.returncode == 2
    assert _one_line(again) == f"msp-office: {out} already exists; add --force to replace it."
    ok(msp_office("report", "--year", "2025-26", "--out", str(out), "--force"))

    wrong = msp_office("report", "--year", "2025-2026", "--out", str(tmp_path / "x.csv"))
    assert wrong.returncode == 2
    assert "write it like 2025-26" in _one_line(wrong)
    skipped = msp_office("report", "--year", "2025-27", "--out", str(tmp_path / "x.csv"))
    assert "the second part must be the year after 2025" in _one_line(skipped)
    unknown = msp_office("report", "--year", "2025-26", "--out", str(tmp_path / "x.xlsx"))
    assert "--format pdf, --format html or --format csv" in _one_line(unknown)
    assert not (tmp_path / "x.csv").exists()
    assert not (tmp_path / "x.xlsx").exists()


def test_a_feedback_form_posted_back_is_recorded_and_counted_apart(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    """The real journey: the worker prints the Welsh form, the person posts it back, the
    office types in the code read off the paper and the answers, and the report counts
    them apart from the answers asked at the visit."""
    require_tools("pdftotext", package="poppler-utils")
    _demo_at_the_office(msp, msp_office, tmp_path)
    concerns = json.loads(ok(msp("concerns", "list", "--json")))
    closed = next(c for c in concerns if c["status"] == "closed")
    ok(msp("service", "set", "--name", "North Council Adult Social Care", "--phone",
            "01632 960123", "--return-address", "Freepost RTXX-ABCD, County Hall"))  # fmt: skip
    form = tmp_path / "form.pdf"
    ok(msp("feedback-form", closed["id"], "--lang", "cy", "--out", str(form)))
    text = subprocess.run(
        ["pdftotext", str(form), "-"], capture_output=True, text=True, check=True
    ).stdout
    code = re.search(r"Ein cyfeirnod: ([A-Z2-9]{4}-[A-Z2-9]{4})", text)
    assert code, text

    said = ok(msp_office("feedback", "record", code[1], "--answers", "a-lot,a-little,blank,a-lot"))
    assert said == (
        f"Recorded the returned feedback form {code[1]} (the Welsh form): 3 of 4 questions "
        "answered.\n"
    )
    again = msp_office("feedback", "record", code[1], "--answers", "a-lot,a-lot,a-lot,a-lot")
    assert again.returncode == 9
    assert "was already recorded" in _one_line(again)

    year = _year_of(date.fromisoformat(closed["closed_on"]))
    out = tmp_path / "sac.csv"
    said = ok(msp_office("report", "--year", year, "--out", str(out)))
    assert "Note: Some feedback forms posted back were the Welsh form" in said
    rows = _csv_rows(out)
    assert rows["Feedback forms posted back: Forms for the concerns concluded"] == {
        "Feedback forms posted back": 1
    }
    posted = [counts for measure, counts in rows.items() if measure.startswith("Experience on")]
    assert [counts["A lot"] for counts in posted] == [1, 0, 0, 1]
    assert [counts["Not asked or not answered"] for counts in posted] == [0, 0, 1, 0]
    asked = [counts for measure, counts in rows.items() if measure.startswith("Experience asked")]
    assert len(asked) == len(posted) == 4
