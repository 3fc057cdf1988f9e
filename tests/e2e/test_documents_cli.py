"""The document commands end to end, reading the PDFs back (poppler's pdftotext).

From ``msp demo`` data: every style in every language of the person's summary holds
the person's own words and none of the visit's third-party or internal text; the
office record holds all of it, marked; the safety question is required and recorded;
errors are one plain line and leave nothing on disk.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from msp_desktop.cli import main as cli_main
from msp_desktop.demo import DEMO_TEAM
from msp_desktop.errors import InvalidInput, StorageFull
from msp_desktop.model import CopyFormat
from msp_desktop.model.feedback_code import reference_code
from msp_desktop.services.documents import TEAM_DETAILS_MISSING
from msp_desktop.store import Workspace
from tests import builders
from tests.conftest import PASSPHRASE
from tests.e2e.conftest import MspRunner, msp_command, one_plain_line
from tests.platforms import assert_mode
from tests.tools import require_tools
from tests.unit.documents import pdftools

STYLES = ("plain", "large-print", "easy-read")
LANGS = ("en", "cy")
RETURN_ADDRESS = "Freepost RTXX-ABCD, Sampletown Adult Social Care, Town Hall, ST1 1AA"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ``msp demo`` workspace per module; each test works on its own copy."""
    base = tmp_path_factory.mktemp("demo-template")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
    env.update(
        MSP_WORKSPACE=str(base / "workspace"),
        MSP_LOG_DIR=str(base / "logs"),
        MSP_PASSPHRASE=PASSPHRASE,
    )
    made = subprocess.run(
        [*msp_command(), "demo"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert made.returncode == 0, made.stderr
    return base / "workspace"


@pytest.fixture
def demo(demo_template: Path, msp_env: dict[str, str]) -> Path:
    """This test's copy of the demo workspace (where ``msp`` looks for it)."""
    folder = Path(msp_env["MSP_WORKSPACE"])
    shutil.copytree(demo_template, folder)
    return folder


@pytest.fixture
def poppler() -> None:
    require_tools(*pdftools.POPPLER, package="poppler-utils")


def _visits(msp: MspRunner, status: str) -> list[str]:
    listed = msp("visits", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return [v["id"] for v in json.loads(listed.stdout) if v["status"] == status]


def _shown(msp: MspRunner, visit_id: str) -> dict[str, Any]:
    shown = msp("visits", "show", visit_id, "--json")
    assert shown.returncode == 0, shown.stderr
    document: dict[str, Any] = json.loads(shown.stdout)
    return document


def _notes(value: object, visibility: str) -> list[str]:
    """The text of every note of ``visibility`` anywhere in a visit's JSON."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("visibility") == visibility and isinstance(value.get("text"), str):
            found.append(value["text"])
        for item in value.values():
            found += _notes(item, visibility)
    elif isinstance(value, list):
        for item in value:
            found += _notes(item, visibility)
    return found


@pytest.fixture
def finalised(msp: MspRunner, demo: Path) -> tuple[str, dict[str, Any]]:
    """A finalised demo visit that has third-party and internal notes and agreed actions,
    and its JSON."""
    for visit_id in _visits(msp, "finalised"):
        document = _shown(msp, visit_id)
        visit = document["visit"]
        if _notes(visit, "third_party") and _notes(visit, "internal") and visit["actions"]:
            return visit_id, visit
    raise AssertionError(
        "the demo has no finalised visit with third-party and internal notes and actions"
    )


def _audit(folder: Path, entity_id: str) -> list[tuple[str, dict[str, Any]]]:
    with Workspace.open(folder, PASSPHRASE) as ws:
        return [(e.action, e.detail) for e in ws.audit_entries(entity_id)]


def _copies(folder: Path, visit_id: str) -> list[Any]:
    with Workspace.open(folder, PASSPHRASE) as ws:
        return ws.copies.for_visit(visit_id)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.usefixtures("poppler")
def test_every_style_in_every_language_is_the_persons_words_only(
    msp: MspRunner, demo: Path, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, visit = finalised
    own_words = [o["words"]["text"] for o in visit["desired_outcomes"]]
    agreed = [a["what"]["text"] for a in visit["actions"] if a["what"]["visibility"] == "person"]
    canaries = _notes(visit, "third_party") + _notes(visit, "internal")
    assert own_words
    assert agreed
    assert canaries
    out = tmp_path / "copies"
    out.mkdir()
    made: dict[Path, tuple[str, str]] = {}
    for style in STYLES:
        for lang in LANGS:
            pdf_path = out / f"{style}-{lang}.pdf"
            result = msp("summary", visit_id, "--copy", "keep", "--style", style,
                         "--lang", lang, "--out", str(pdf_path))  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert str(pdf_path) in result.stdout
            made[pdf_path] = (style, lang)
    for pdf_path, (style, lang) in made.items():
        pdf = pdf_path.read_bytes()
        # Owner-only: the copy is personal data outside the encrypted workspace.
        assert_mode(pdf_path, 0o600)
        text = pdftools.reading_order(pdf)
        for words in own_words + agreed:
            assert words in text, (style, lang, words)
        for canary in canaries:
            assert canary not in text, (style, lang, canary)
        assert pdftools.language(pdf) == {"en": "en-GB", "cy": "cy-GB"}[lang]
        assert 1 <= int(pdftools.info(pdf)["Pages"]) <= 8
        if lang == "cy":
            assert "Tudalen 1 o" in text
    assert _files(out) == sorted(p.name for p in made)  # no temporary files left

    # Every copy is recorded with the answer, the format and the exact bytes, and audited.
    copies = _copies(demo, visit_id)
    assert [(c.choice.value, c.style, c.lang) for c in copies] == [
        ("keep", style, lang) for style in STYLES for lang in LANGS
    ]
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in made}
    assert {c.document_sha256 for c in copies} == digests
    entries = _audit(demo, visit_id)
    assert [a for a, _ in entries].count("copy_decision") == 6
    saved = [d for a, d in entries if a == "save_pdf"]
    assert {(d["document"], d["style"], d["lang"]) for d in saved} == {
        ("summary", s, lang) for s in STYLES for lang in LANGS
    }
    # No personal data in the audit log: no words, no file names.
    audit_text = json.dumps([d for _, d in entries])
    for words in [*own_words, *canaries, str(out)]:
        assert words not in audit_text
    check = msp("check")
    assert check.returncode == 0, check.stderr


@pytest.mark.usefixtures("poppler")
def test_neutral_title_and_the_trusted_person(
    msp: MspRunner, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, _ = finalised
    pdf_path = tmp_path / "letter.pdf"
    result = msp("summary", visit_id, "--copy", "trusted-person", "--style", "plain",
                 "--neutral-title", "--out", str(pdf_path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "held by someone the person trusts" in result.stdout
    title = pdftools.info(pdf_path.read_bytes())["Title"].lower()
    assert "safeguarding" not in title
    assert "abuse" not in title


@pytest.mark.usefixtures("poppler")
def test_office_record_holds_everything_marked_and_drafts(
    msp: MspRunner, demo: Path, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, visit = finalised
    pdf_path = tmp_path / "office.pdf"
    result = msp("record", visit_id, "--out", str(pdf_path))
    assert result.returncode == 0, result.stderr
    text = pdftools.text(pdf_path.read_bytes())
    for words in [o["words"]["text"] for o in visit["desired_outcomes"]]:
        assert words in text
    for canary in _notes(visit, "third_party") + _notes(visit, "internal"):
        assert canary in text
    assert "[Third party]" in text
    assert "[Internal]" in text
    entries = _audit(demo, visit["concern_id"])
    assert entries[-1][0] == "office_record"
    assert entries[-1][1]["from_visit"] == visit_id
    assert entries[-1][1]["sha256"] == hashlib.sha256(pdf_path.read_bytes()).hexdigest()

    # A draft visit's concern can be printed for the office, the draft marked as such.
    draft_id = _visits(msp, "draft")[0]
    draft_pdf = tmp_path / "office-draft.pdf"
    assert msp("record", draft_id, "--out", str(draft_pdf)).returncode == 0
    assert "Record Draft (not finalised) (revision 1)" in pdftools.text(draft_pdf.read_bytes())


@pytest.mark.usefixtures("poppler")
@pytest.mark.parametrize("lang", LANGS)
def test_feedback_form_in_each_language_names_nobody(
    msp: MspRunner, demo: Path, finalised: tuple[str, dict[str, Any]], tmp_path: Path, lang: str
) -> None:
    _, visit = finalised
    _set_return_address(msp)
    pdf_path = tmp_path / f"form-{lang}.pdf"
    result = msp("feedback-form", visit["concern_id"], "--lang", lang, "--out", str(pdf_path))
    assert result.returncode == 0, result.stderr
    pdf = pdf_path.read_bytes()
    assert reference_code(visit["concern_id"], lang) in pdftools.text(pdf)
    assert "Freepost RTXX-ABCD" in pdftools.text(pdf)
    assert pdftools.language(pdf) == {"en": "en-GB", "cy": "cy-GB"}[lang]
    people = json.loads(msp("people", "list", "--json").stdout)
    text = pdftools.text(pdf)
    for person in people:
        assert person["name"] not in text
    assert _audit(demo, visit["concern_id"])[-1] == (
        "feedback_form",
        {
            "document": "feedback_form",
            "output": "save_pdf",
            "lang": lang,
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )


def _set_return_address(msp: MspRunner) -> None:
    result = msp("service", "set", "--name", "Sampletown Adult Social Care",
                 "--phone", "01632 960123", "--return-address", RETURN_ADDRESS)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"posted back to: {RETURN_ADDRESS}." in result.stdout


def test_no_feedback_form_without_a_return_address(
    msp: MspRunner, demo: Path, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    _, visit = finalised
    before = _audit(demo, visit["concern_id"])
    out = tmp_path / "out"
    out.mkdir()
    result = msp("feedback-form", visit["concern_id"], "--out", str(out / "form.pdf"))
    assert result.returncode == InvalidInput.exit_code
    line = one_plain_line(result.stderr)
    assert "return address" in line
    assert "--return-address" in line
    assert _files(out) == []
    assert _audit(demo, visit["concern_id"]) == before
    shown = msp("service", "show")
    assert "Feedback forms are posted back to: (not set)" in shown.stdout


@pytest.mark.usefixtures("poppler")
def test_the_service_set_is_printed_on_the_copy(
    msp: MspRunner, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, _ = finalised
    pdf_path = tmp_path / "copy.pdf"
    shown = msp("service", "show")
    assert DEMO_TEAM in shown.stdout  # the demo sets a fictional team
    result = msp("service", "set", "--name", "Sampletown Adult Social Care",
                 "--phone", "01632 960123")  # fmt: skip
    assert result.returncode == 0, result.stderr
    again = msp("summary", visit_id, "--copy", "keep", "--style", "plain",
                "--out", str(pdf_path))  # fmt: skip
    assert again.returncode == 0, again.stderr
    text = pdftools.text(pdf_path.read_bytes())
    assert "01632 960123" in text
    assert "Sampletown Adult Social Care" in text


@pytest.mark.usefixtures("real_kdf_cost")  # the real msp opens this workspace
def test_no_copy_is_made_without_the_team_details(msp: MspRunner, tmp_path: Path) -> None:
    folder = tmp_path / "new-team"
    person = builders.person()
    concern = builders.concern(person)
    visit = builders.complete_visit(concern)
    with Workspace.create(folder, PASSPHRASE, "Test Worker") as ws:
        ws.people.add(person)
        ws.concerns.add(concern)
        ws.visits.start(visit)
        ws.visits.finalise(visit.id)
    before = _audit(folder, visit.id)
    pdf_path = tmp_path / "copy.pdf"
    result = msp("summary", visit.id, "--copy", "keep", "--out", str(pdf_path),
                 "--workspace", str(folder))  # fmt: skip
    assert result.returncode == 2
    assert one_plain_line(result.stderr) == f"msp: {TEAM_DETAILS_MISSING}"
    assert not pdf_path.exists()
    assert _copies(folder, visit.id) == []  # nothing recorded: no copy was given
    assert _audit(folder, visit.id) == before


@pytest.mark.usefixtures("poppler", "real_kdf_cost")
def test_the_copy_is_in_the_format_the_person_asked_for(msp: MspRunner, tmp_path: Path) -> None:
    folder = tmp_path / "large-print"
    person = builders.person(preferred_format=CopyFormat.LARGE_PRINT)
    concern = builders.concern(person)
    visit = builders.complete_visit(concern)
    with Workspace.create(folder, PASSPHRASE, "Test Worker") as ws:
        ws.set_service("Sampletown Adult Social Care", "01632 960123")
        ws.people.add(person)
        ws.concerns.add(concern)
        ws.visits.start(visit)
        ws.visits.finalise(visit.id)
    pdf_path = tmp_path / "copy.pdf"
    result = msp("summary", visit.id, "--copy", "keep", "--out", str(pdf_path),
                 "--workspace", str(folder))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "the person's summary in large print" in result.stdout
    (given,) = _copies(folder, visit.id)
    assert given.style == "large-print"
    chosen = msp("summary", visit.id, "--copy", "keep", "--style", "plain", "--out",
                 str(tmp_path / "plain.pdf"), "--workspace", str(folder))  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
    assert "in plain English" in chosen.stdout  # the worker may still choose another


def test_copy_is_required(
    msp: MspRunner, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, _ = finalised
    pdf_path = tmp_path / "copy.pdf"
    result = msp("summary", visit_id, "--style", "plain", "--out", str(pdf_path))
    assert result.returncode == 2
    assert "--copy" in result.stderr
    assert not pdf_path.exists()
    missing_out = msp("summary", visit_id, "--copy", "keep", "--style", "plain")
    assert missing_out.returncode == 2
    assert "--out" in one_plain_line(missing_out.stderr)
    assert _files(tmp_path).count("copy.pdf") == 0


def test_no_copy_records_the_answer_and_writes_nothing(
    msp: MspRunner, demo: Path, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, _ = finalised
    out = tmp_path / "out"
    out.mkdir()
    result = msp("summary", visit_id, "--copy", "no-copy", "--style", "plain",
                 "--out", str(out / "copy.pdf"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        'Recorded the answer to "Is it safe for you to keep a copy?": '
        "No copy (told verbally). No file was written."
    )
    assert _files(out) == []
    (given,) = _copies(demo, visit_id)
    assert (given.choice.value, given.style, given.document_sha256) == ("no_copy", None, None)
    actions = [a for a, _ in _audit(demo, visit_id)]
    assert actions[-1] == "copy_decision"
    assert "save_pdf" not in actions


def test_an_existing_file_is_refused_and_left_unchanged(
    msp: MspRunner, demo: Path, finalised: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    visit_id, _ = finalised
    pdf_path = tmp_path / "copy.pdf"
    pdf_path.write_bytes(b"the worker's own file")
    for args in (
        ("summary", visit_id, "--copy", "keep", "--style", "plain"),
        ("record", visit_id),
    ):
        result = msp(*args, "--out", str(pdf_path))
        assert result.returncode == 2
        line = one_plain_line(result.stderr)
        assert "already exists" in line
        assert "--force" in line
        assert pdf_path.read_bytes() == b"the worker's own file"
    assert _copies(demo, visit_id) == []
    assert "save_pdf" not in [a for a, _ in _audit(demo, visit_id)]
    forced = msp("summary", visit_id, "--copy", "keep", "--style", "plain",
                 "--out", str(pdf_path), "--force")  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert_mode(pdf_path, 0o600)


@pytest.mark.parametrize("command", ["summary", "record", "feedback-form"])
def test_an_unknown_record_is_one_line_and_nothing_on_disk(
    msp: MspRunner, demo: Path, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    extra = ("--copy", "keep", "--style", "plain") if command == "summary" else ()
    result = msp(command, "no-such-id", *extra, "--out", str(out / "x.pdf"))
    assert result.returncode == 8
    assert "no-such-id" in one_plain_line(result.stderr)
    assert _files(out) == []


def test_a_draft_visit_is_never_given_to_the_person(
    msp: MspRunner, demo: Path, tmp_path: Path
) -> None:
    draft_id = _visits(msp, "draft")[0]
    out = tmp_path / "out"
    out.mkdir()
    for choice in ("keep", "no-copy"):
        result = msp("summary", draft_id, "--copy", choice, "--style", "plain",
                     "--out", str(out / "copy.pdf"))  # fmt: skip
        assert result.returncode == 9
        assert "still a draft" in one_plain_line(result.stderr)
    assert _files(out) == []
    assert _copies(demo, draft_id) == []


@pytest.fixture
def in_process(msp_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``msp`` inside this process (for faults only a monkeypatch can make)."""
    for name in ("MSP_WORKSPACE", "MSP_LOG_DIR", "MSP_PASSPHRASE"):
        monkeypatch.setenv(name, msp_env[name])


def _main(argv: list[str]) -> int:
    """``msp ARGV`` in this process (the autouse logging fixture restores the log after)."""
    return cli_main.main(argv)


@pytest.mark.usefixtures("in_process")
def test_a_full_disk_leaves_no_file_and_no_audit_entry(
    demo: Path,
    finalised: tuple[str, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    visit_id, visit = finalised
    out = tmp_path / "out"
    out.mkdir()
    before = _audit(demo, visit_id), _audit(demo, visit["concern_id"])
    real_write = os.write
    calls: list[int] = []

    def full_disk(fd: int, data: bytes | memoryview) -> int:
        calls.append(fd)
        if len(calls) == 1:  # let the first chunk land, so a partial file would exist
            return real_write(fd, bytes(data)[:100])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    service = ["service", "set", "--name", "Team", "--phone", "0800"]
    assert _main([*service, "--return-address", RETURN_ADDRESS]) == 0
    capsys.readouterr()
    monkeypatch.setattr(os, "write", full_disk)
    for argv in (
        ["summary", visit_id, "--copy", "keep", "--style", "easy-read", "--out", "copy.pdf"],
        ["record", visit_id, "--out", "office.pdf"],
        ["feedback-form", visit["concern_id"], "--out", "form.pdf"],
    ):
        calls.clear()
        argv[-1] = str(out / argv[-1])
        assert _main(argv) == StorageFull.exit_code
        line = one_plain_line(capsys.readouterr().err)
        assert "disk is full" in line
        assert len(calls) == 2
        assert _files(out) == []
    monkeypatch.undo()
    assert (_audit(demo, visit_id), _audit(demo, visit["concern_id"])) == before
    assert _copies(demo, visit_id) == []


@pytest.mark.usefixtures("in_process")
def test_a_copy_the_audit_log_cannot_record_is_removed_again(
    demo: Path,
    finalised: tuple[str, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    visit_id, _ = finalised
    pdf_path = tmp_path / "copy.pdf"

    def full(*args: object, **kwargs: object) -> None:
        raise StorageFull("Could not save: the disk is full or failing.")

    monkeypatch.setattr(Workspace, "audit_document", full)
    argv = ["summary", visit_id, "--copy", "keep", "--style", "plain", "--out", str(pdf_path)]
    assert _main(argv) == StorageFull.exit_code
    one_plain_line(capsys.readouterr().err)
    assert not pdf_path.exists()
    monkeypatch.undo()
    # The decision and its audit entry were one transaction with the document's entry.
    assert _copies(demo, visit_id) == []
    assert "copy_decision" not in [a for a, _ in _audit(demo, visit_id)]


def test_document_commands_have_help(msp: MspRunner) -> None:
    for words in (["summary"], ["record"], ["feedback-form"], ["service", "set"]):
        result = msp(*words, "--help")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("usage: msp " + " ".join(words))
    assert "Is it safe for you to keep a copy?" in msp("summary", "--help").stdout
