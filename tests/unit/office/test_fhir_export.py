"""``msp-office export --format fhir``: one valid FHIR Bundle per person, nothing withheld leaks.

Every resource is validated with ``fhir.resources``' R4B models: version 8 of that library
offers R5, R4B and STU3 but not R4 itself, and R4B is R4 with few changes (none to the
resources exported here). A resource the models refuse fails the test.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from msp_desktop.demo import fill_demo_caseload
from msp_desktop.errors import InvalidInput
from msp_desktop.model import ExperienceQuestion, OutcomeAchieved
from msp_desktop.office.export.fhir import ACHIEVEMENT, GOAL_ACHIEVEMENT, person_bundle
from msp_desktop.office.export.output import export_files
from msp_desktop.office.export.select import PersonRecords, parse_since, select_people
from msp_desktop.office.export.sharing import LEFT_OUT
from msp_desktop.store import Workspace
from tests.office_helpers import FakeDevice, envelope
from tests.unit.office.conftest import Office
from tests.unit.office.export_records import RATINGS, WORDS, rated, send, send_envelopes
from tests.unit.office.test_report import _connect, _send

JSON = dict[str, Any]


def _validated(bundle: JSON) -> JSON:
    """``bundle`` after checking it, and each resource on its own, with the R4B models."""
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return bundle


def _bundles(office: Office, since: str | None = None) -> list[JSON]:
    files = export_files(select_people(office.store, since).people, "fhir")
    return [_validated(json.loads(data)) for data in files.values()]


def _of(bundle: JSON, kind: str) -> list[JSON]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def test_a_rated_concern_becomes_one_valid_bundle_with_every_resource(
    office: Office, device: FakeDevice
) -> None:
    records = rated()
    send(office, device, records)
    (bundle,) = _bundles(office)
    assert bundle["type"] == "collection"
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert kinds == {
        "Patient": 1, "EpisodeOfCare": 1, "Encounter": 3, "Goal": 4, "Task": 2,
        "Consent": 2, "QuestionnaireResponse": 1,
    }  # fmt: skip
    (patient,) = _of(bundle, "Patient")
    assert patient["name"] == [{"text": "Ada Example"}, {"use": "usual", "text": "Ada"}]
    assert {"system": "https://fhir.nhs.uk/Id/nhs-number",
            "value": records.person.nhs_number} in patient["identifier"]  # fmt: skip
    assert patient["birthDate"] == "1941-03-02"
    (episode,) = _of(bundle, "EpisodeOfCare")
    assert (episode["status"], episode["period"]) == (
        "finished",
        {"start": "2026-10-01", "end": "2026-11-12"},
    )
    statuses = [(e["status"], e["period"]["start"]) for e in _of(bundle, "Encounter")]
    assert statuses == [
        ("cancelled", "2026-10-03"), ("finished", "2026-10-05"), ("finished", "2026-11-10")
    ]  # fmt: skip


def test_every_reference_resolves_inside_the_bundle_and_ids_are_stable(
    office: Office, device: FakeDevice
) -> None:
    send(office, device, rated())
    (bundle,) = _bundles(office)
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    assert all(u == f"urn:uuid:{e['resource']['id']}" for u, e in zip(urls, bundle["entry"],
                                                                        strict=True))  # fmt: skip
    references = _references(bundle)
    assert len(references) > 20
    assert set(references) <= set(urls)
    # The same records give the same resources, ids included, in every export.
    assert _bundles(office) == [bundle]


def test_goals_carry_the_persons_own_words_and_the_achievement_codes(
    office: Office, device: FakeDevice
) -> None:
    records = rated()
    send(office, device, records)
    (bundle,) = _bundles(office)
    (patient,) = _of(bundle, "Patient")
    goals = {g["description"]["text"]: g for g in _of(bundle, "Goal")}
    assert set(goals) == {*WORDS, LEFT_OUT}
    expected = {"achieved", "not-achieved"}
    for words, rating in zip(WORDS, RATINGS, strict=True):
        goal = goals[words]
        (coding,) = goal["achievementStatus"]["coding"]
        assert coding["system"] == GOAL_ACHIEVEMENT
        assert coding["code"] in expected
        assert coding["code"] == ACHIEVEMENT[rating][0]
        # The national wording stays, so "Partially Achieved" is not lost in the code.
        assert goal["achievementStatus"]["text"] == rating.value
        assert goal["lifecycleStatus"] == "completed"
        assert goal["expressedBy"]["reference"] == f"urn:uuid:{patient['id']}"
        assert goal["startDate"] == "2026-10-05"
    assert ACHIEVEMENT[OutcomeAchieved.PARTIALLY_ACHIEVED][0] == "not-achieved"
    assert goals[WORDS[1]]["note"] == [{"text": "Bank rang back."}]
    assert "achievementStatus" not in goals[LEFT_OUT]


def test_a_task_per_agreed_action_linked_to_its_goals_and_visit(
    office: Office, device: FakeDevice
) -> None:
    records = rated()
    send(office, device, records)
    (bundle,) = _bundles(office)
    ids = {e["resource"].get("identifier", [{}])[0].get("value"): e["fullUrl"]
           for e in bundle["entry"]}  # fmt: skip
    tasks = {t["identifier"][0]["value"]: t for t in _of(bundle, "Task")}
    assert set(tasks) == {a.id for a in records.actions}
    done, mine = (tasks[a.id] for a in records.actions)
    assert (done["status"], done["businessStatus"]["text"]) == ("completed", "Done")
    assert done["description"] == "Ask the bank about a second signatory."
    assert done["encounter"]["reference"] == ids[records.beginning.id]
    goal_of = [x["valueReference"]["reference"] for x in done["extension"]]
    assert goal_of == [ids[records.beginning.desired_outcomes[1].id]]
    assert (mine["status"], mine["intent"], mine["description"]) == ("accepted", "plan", LEFT_OUT)
    assert mine["restriction"] == {"period": {"end": "2027-01-31"}}
    assert mine["owner"] == mine["for"]
    assert len(mine["extension"]) == 2


def test_consent_and_the_experience_answers(office: Office, device: FakeDevice) -> None:
    send(office, device, rated())
    (bundle,) = _bundles(office)
    consents = [(c["status"], c["policyRule"]["coding"][0]["code"], c["provision"]["type"])
                for c in _of(bundle, "Consent")]  # fmt: skip
    assert consents == [("inactive", "OPTINR", "permit"), ("active", "OPTIN", "permit")]
    (answers,) = _of(bundle, "QuestionnaireResponse")
    items = {i["linkId"]: i["answer"][0] for i in answers["item"]}
    given = {k: a["valueCoding"]["code"] for k, a in items.items() if "valueCoding" in a}
    assert given == {
        ExperienceQuestion.UNDERSTOOD_WHY.value: "a_lot",
        ExperienceQuestion.LISTENED_TO.value: "quite_a_bit",
        ExperienceQuestion.FEEL_SAFER.value: "a_little",
    }
    assert answers["authored"] == "2026-11-10"
    # The comment was about someone else: it is only said to be left out.
    assert items["comment"] == {"valueString": LEFT_OUT}


def test_nothing_internal_or_about_third_parties_leaves_the_office(
    office: Office, device: FakeDevice
) -> None:
    send(office, device, rated())
    (bundle,) = _bundles(office)
    text = json.dumps(bundle)
    assert "SECRET" not in text
    assert "Hidden" not in text  # the household
    assert all(e["resource"]["meta"]["security"][0]["code"] == "R" for e in bundle["entry"])


def test_since_leaves_out_people_with_nothing_new(office: Office, device: FakeDevice) -> None:
    first, second = rated("Ada Example", 1), rated("Bea Example", 2)
    send(office, device, first, datetime(2026, 11, 10, 12, tzinfo=UTC))
    send(office, device, second, datetime(2026, 11, 20, 12, tzinfo=UTC))
    names = lambda bundles: sorted(  # noqa: E731
        _of(b, "Patient")[0]["name"][0]["text"] for b in bundles
    )
    assert names(_bundles(office)) == ["Ada Example", "Bea Example"]
    _, since = parse_since("2026-11-15", "Europe/London")
    assert names(_bundles(office, since)) == ["Bea Example"]
    # A new revision of one of Ada's visits, arriving later, brings her back.
    amended = first.closing.revised(place="Her kitchen")
    send_envelopes(office, device, [envelope("visit", amended, 2, reason="Place added.")],
                   datetime(2026, 11, 21, 12, tzinfo=UTC))  # fmt: skip
    assert names(_bundles(office, since)) == ["Ada Example", "Bea Example"]
    assert names(_bundles(office, parse_since("2026-11-22", "Europe/London")[1])) == []


def test_the_demo_caseload_exports_as_valid_fhir(
    workspace: Workspace, office: Office, tmp_path: Path
) -> None:
    people = fill_demo_caseload(workspace, people=8)
    _connect(workspace, office)
    _send(workspace, office, tmp_path)
    bundles = _bundles(office)
    assert len(bundles) == people
    goals = [g for b in bundles for g in _of(b, "Goal")]
    assert goals
    assert all(g["description"]["text"] for g in goals)
    for bundle in bundles:
        assert set(_references(bundle)) <= {e["fullUrl"] for e in bundle["entry"]}


def test_a_bundle_is_the_same_for_the_same_records() -> None:
    r = rated()
    records = PersonRecords(r.person, (r.concern,), r.visits, r.actions)
    assert person_bundle(records) == person_bundle(records)
    assert person_bundle(records, timestamp="2026-12-06T09:00:00Z")["timestamp"] == (
        "2026-12-06T09:00:00Z"
    )
    _validated(person_bundle(records, timestamp="2026-12-06T09:00:00Z"))


@pytest.mark.parametrize("text", ["2026-13-01", "01/04/2026", "20260401", "", "yesterday"])
def test_since_in_another_shape_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="write --since as YYYY-MM-DD"):
        parse_since(text, "Europe/London")
