"""``msp contacts add`` and ``msp actions list`` end to end: the real program, the
options as issue 12 spells them, the JSON it prints, and bad input refused in one line
with nothing changed."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from msp_desktop.model import Action, ActionOwner, ContactKind, Note, Stage, Visibility
from msp_desktop.store import Workspace
from tests import builders
from tests.conftest import PASSPHRASE, snapshot
from tests.e2e.conftest import MspRunner

TODAY = date.today()
ACTION_KEYS = {
    "id", "person_id", "person", "concern_id", "what", "owner", "who", "by_when", "status",
    "overdue",
}  # fmt: skip


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "workspace"  # where msp_env points MSP_WORKSPACE


@pytest.fixture
def people(folder: Path, real_kdf_cost: None) -> tuple[str, str]:
    """A workspace ``msp`` can open, with Ada (who has a concern) and Bryn."""
    ws = Workspace.create(folder, PASSPHRASE, "Test Worker")
    try:
        ada, bryn = builders.person("Ada Example"), builders.person("Bryn Sample")
        ws.people.add(ada)
        ws.people.add(bryn)
        concern = builders.concern(ada, raised_on=ago(10))
        ws.concerns.add(concern)
    finally:
        ws.close()
    return ada.id, concern.id


@pytest.mark.parametrize(
    ("words", "options"),
    [
        (
            ["contacts", "add"],
            ["--person ID", "--kind {phone,letter,email,meeting}", "--text TEXT"],
        ),
        (["actions", "list"], ["--person ID", "--overdue", "--json"]),
    ],
    ids=" ".join,
)
def test_help_names_the_options_the_issue_names(
    msp: MspRunner, words: list[str], options: list[str]
) -> None:
    result = msp(*words, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: msp " + " ".join(words))
    for option in options:
        assert option in " ".join(result.stdout.split())


def test_contacts_add_prints_the_id_and_keeps_the_note(
    msp: MspRunner, folder: Path, people: tuple[str, str]
) -> None:
    ada, concern = people
    added = msp("contacts", "add", "--person", ada, "--kind", "phone",
                "--text", "Rang the bank with Ada.\nThey will write.")  # fmt: skip
    assert added.returncode == 0, added.stderr
    phone_id = added.stdout.strip()
    assert uuid.UUID(phone_id)
    dated = msp("contacts", "add", "--person", ada, "--kind", "letter", "--text", "Wrote.",
                "--on", ago(3).isoformat(), "--concern", concern)  # fmt: skip
    assert dated.returncode == 0, dated.stderr

    ws = Workspace.open(folder, PASSPHRASE)
    try:
        phone, letter = ws.contacts.for_person(ada)
    finally:
        ws.close()
    assert (phone.id, phone.kind, phone.on, phone.concern_id) == (
        phone_id,
        ContactKind.PHONE,
        TODAY,
        None,
    )
    assert phone.text == Note(
        text="Rang the bank with Ada.\nThey will write.", visibility="internal"
    )
    assert (letter.kind, letter.on, letter.concern_id) == (ContactKind.LETTER, ago(3), concern)
    assert letter.text.visibility is Visibility.INTERNAL


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--person", "nobody", "--kind", "phone", "--text", "Hello."], 8,
         "msp: No person with id nobody is on this caseload."),
        (["--kind", "email", "--text", "  "], 2, "msp: Write what the contact was about."),
        (["--kind", "email", "--text", ""], 2, "msp: Write what the contact was about."),
        (["--kind", "phone", "--text", "Rang \x1b[2Jthe bank."], 2,
         "msp: The text holds a control or text-direction character that could hide or "
         "reorder what it says; type it again without it. Nothing was saved."),
        (["--kind", "phone", "--text", "Rang the \u202eknab."], 2,
         "msp: The text holds a control or text-direction character that could hide or "
         "reorder what it says; type it again without it. Nothing was saved."),
        (["--kind", "meeting", "--text", "Met.", "--on", ago(-1).isoformat()], 2,
         "msp: A contact is recorded once it has happened, not before."),
        (["--kind", "meeting", "--text", "Met.", "--on", "31/12/2026"], 2,
         "msp: The date '31/12/2026' is not a date like 2026-03-31."),
        (["--kind", "meeting", "--text", "Met.", "--concern", "not-hers"], 2,
         "msp: That concern is not one of this person's."),
    ],
    ids=["unknown person", "blank text", "empty text", "control character",
         "direction override", "future date", "not a date", "another's concern"],
)  # fmt: skip
def test_contacts_add_refuses_bad_input_and_changes_nothing(
    msp: MspRunner,
    folder: Path,
    people: tuple[str, str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    ada, _concern = people
    if "--person" not in args:
        args = ["--person", ada, *args]
    before = snapshot(folder)
    result = msp("contacts", "add", *args)
    assert result.returncode == code
    assert one_line(result.stderr) == message
    assert result.stdout == ""
    assert snapshot(folder) == before


def test_contacts_add_refuses_an_unknown_kind(msp: MspRunner, people: tuple[str, str]) -> None:
    ada, _concern = people
    result = msp("contacts", "add", "--person", ada, "--kind", "fax", "--text", "Sent.")
    assert result.returncode == 2
    assert "argument --kind: invalid choice: 'fax'" in result.stderr


@pytest.mark.usefixtures("real_kdf_cost")
def test_actions_list_json_table_person_and_overdue(msp: MspRunner, folder: Path) -> None:
    # Actions are kept when a visit is finalised; the visits are written the way the
    # app writes them, into a workspace sealed at the cost ``msp`` accepts.
    ws = Workspace.create(folder, PASSPHRASE, "Test Worker")
    try:
        ada, bryn = builders.person("Ada Example"), builders.person("Bryn Sample")
        for person in (ada, bryn):
            ws.people.add(person)
        agreed = {
            ada.id: [
                Action(what=Note(text="Ring the bank."), owner=ActionOwner.WORKER,
                       who="Jo Worker", by_when=ago(3)),
                Action(what=Note(text="See the GP."), owner=ActionOwner.PERSON,
                       by_when=ago(-7)),
                Action(what=Note(text="Keep the spare key."), owner=ActionOwner.SOMEONE_ELSE,
                       who="Mrs Neighbour"),
            ],
            bryn.id: [Action(what=Note(text="Cancel the card."), owner=ActionOwner.PERSON,
                             by_when=ago(10))],
        }  # fmt: skip
        concerns = {}
        for person in (ada, bryn):
            concern = builders.concern(person, raised_on=ago(40))
            ws.concerns.add(concern)
            concerns[person.id] = concern.id
            visit = builders.complete_visit(concern).revised(
                visit_date=ago(30), stage=Stage.BEGINNING, actions=agreed[person.id]
            )
            ws.visits.start(visit)
            ws.visits.finalise(visit.id)
    finally:
        ws.close()

    everyone = msp("actions", "list", "--json")
    assert everyone.returncode == 0, everyone.stderr
    rows = json.loads(everyone.stdout)
    assert all(set(row) == ACTION_KEYS for row in rows)
    assert [(r["what"], r["by_when"], r["overdue"]) for r in rows] == [
        ("Cancel the card.", ago(10).isoformat(), True),
        ("Ring the bank.", ago(3).isoformat(), True),
        ("See the GP.", ago(-7).isoformat(), False),
        ("Keep the spare key.", None, False),
    ]
    ring = rows[1]
    assert ring["person_id"] == ada.id
    assert ring["person"] == "Ada Example"
    assert ring["concern_id"] == concerns[ada.id]
    assert (ring["owner"], ring["who"], ring["status"]) == ("worker", "Jo Worker", "open")
    assert uuid.UUID(ring["id"])

    adas = json.loads(msp("actions", "list", "--person", ada.id, "--json").stdout)
    assert [r["what"] for r in adas] == ["Ring the bank.", "See the GP.", "Keep the spare key."]
    overdue = json.loads(msp("actions", "list", "--person", ada.id, "--overdue", "--json").stdout)
    assert [r["what"] for r in overdue] == ["Ring the bank."]
    table = msp("actions", "list", "--overdue").stdout
    assert "Cancel the card." in table
    assert f"{ago(3).isoformat()} (overdue)" in table
    assert "See the GP." not in table

    before = snapshot(folder)
    unknown = msp("actions", "list", "--person", "nobody")
    assert unknown.returncode == 8
    assert one_line(unknown.stderr) == "msp: No person with id nobody is on this caseload."
    assert snapshot(folder) == before


def test_actions_list_with_none_says_so(msp: MspRunner, people: tuple[str, str]) -> None:
    ada, _concern = people
    assert msp("actions", "list").stdout.strip() == "No actions recorded."
    assert msp("actions", "list", "--overdue").stdout.strip() == "No overdue actions."
    assert json.loads(msp("actions", "list", "--person", ada, "--json").stdout) == []
