"""``msp guide check`` and ``msp guide walk``, run as a practice lead would: the real
program, a guide file of their own, no workspace."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import MspRunner

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "guides" / "msp-visit.toml"


def _copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "msp-visit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_check_accepts_the_shipped_guide(msp: MspRunner, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    result = msp("guide", "check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{path}: the guide is sound."


def test_check_names_file_line_and_field_of_each_problem(msp: MspRunner, tmp_path: Path) -> None:
    path = _copy(
        tmp_path,
        "show_if = \"capacity == 'lacks_capacity'\"",
        "show_if = \"capacty == 'lacks_capacity'\"",
    )
    before = path.read_bytes()
    result = msp("guide", "check", str(path))
    assert result.returncode == 2
    line = _line_of(path, "capacty ==")
    assert result.stdout.splitlines() == [
        f"{path}:{line}: steps[6].questions[4].show_if: "
        "there is no question 'capacty' here. (column 1)"
    ]
    assert path.read_bytes() == before  # checking changes nothing


def test_check_lists_every_problem_one_per_line(msp: MspRunner, tmp_path: Path) -> None:
    path = _copy(tmp_path, 'show_if = "answered(status)"', 'show_if = "answered(status"')
    text = path.read_text(encoding="utf-8").replace(
        'show_if = "reflect_on_principles == true"', 'show_if = "reflect_on_principles"', 1
    )
    path.write_text(text.replace("show_if = \"status == 'declined'\"", 'show_if = "1 < 2 <"'))
    result = msp("guide", "check", str(path))
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines
    assert all(line.startswith(f"{path}:") for line in lines)
    assert "expected ')' to close answered(" in lines[0]
    assert "expected 'and', 'or' or the end" in lines[1]


def test_check_of_a_missing_file_says_so(msp: MspRunner, tmp_path: Path) -> None:
    result = msp("guide", "check", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert (
        result.stdout.strip()
        == f"{tmp_path / 'nope.toml'}:1: cannot be read: there is no such file."
    )


def test_walk_shows_what_a_worker_would_see(msp: MspRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(
        'capacity = "lacks_capacity"\nappropriate_person_available = false\n'
        'appropriate_person = "Sam Sample"\n',
        encoding="utf-8",
    )
    result = msp("guide", "walk", str(SHIPPED), "--stage", "beginning", "--answers", str(answers))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "[imca_criteria_apply]" in out
    assert "[appropriate_person]" not in out
    assert "Hidden, so left out when finalised: appropriate_person (Support to decide)" in out
    worth = out[out.index("Worth considering:") :]
    assert "Record who assessed the person's capacity and when (Support to decide)." in worth
    assert "Step 1 of 8: Checking in" in out
    assert "      - What the person decided  [consent_to_share.consent_decision]" in out
    assert "Ask: Can we talk on our own for a little while?" in out
    assert "Record: Date of this visit" in out


def test_walk_names_the_line_of_an_unknown_answer(msp: MspRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text('capacity = "lacks_capacity"\ncapacty = "x"\n', encoding="utf-8")
    result = msp("guide", "walk", str(SHIPPED), "--stage", "middle", "--answers", str(answers))
    assert result.returncode == 2
    assert result.stdout.strip() == f"{answers}:2: 'capacty' is not a question of this guide."
