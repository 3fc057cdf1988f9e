"""One visit of the office record, section by section, in the order it was talked through.

Each section says what was recorded in sentences and tables; a section with nothing
recorded is left out, except the person's words, whose absence a manager needs to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable

from msp_desktop.documents.dates import format_date
from msp_desktop.documents.office_style import Cell, OfficeStyles, Text, facts, grid
from msp_desktop.documents.office_words import Words, day
from msp_desktop.guide.catalogue import guide_named
from msp_desktop.model import (
    Action,
    ActionStatus,
    Concern,
    DesiredOutcome,
    Note,
    Principle,
    Stage,
    Visibility,
    Visit,
)
from msp_desktop.pdf import para

__all__ = ["visit_sections", "visit_title"]

_INTERNAL = Visibility.INTERNAL


def _note(note: Note | None, *, quoted: bool = False) -> Text | None:
    return None if note is None else Text.of(note, quoted=quoted)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def _day(value: date | None) -> str | None:
    return format_date(value, "en") if value is not None else None


def visit_title(number: int, visit: Visit) -> str:
    """The visit's heading: "Visit 2: Monday 3 March 2025"."""
    when = format_date(visit.visit_date, "en") if visit.visit_date else "date not recorded"
    return f"Visit {number}: {when}"


def visit_sections(
    visit: Visit, concern: Concern, status: str, words: Words, style: OfficeStyles
) -> list[Flowable]:
    """Every section of ``visit`` with something recorded, as flowables."""
    story: list[Flowable] = [_overview(visit, concern, status, words, style)]
    if visit.not_held is None or visit.desired_outcomes:
        story += _outcomes(visit, words, style)
    for section in (
        _plan_review,
        _working,
        _decisions,
        _risks,
        _actions,
        _advocacy,
        _consent,
        _influence,
        _principles,
        _experience,
    ):
        story += section(visit, words, style)
    return story


def _overview(
    visit: Visit, concern: Concern, status: str, words: Words, style: OfficeStyles
) -> Flowable:
    stage = visit.stage or concern.stage
    if visit.not_held is None:
        kind: Cell = "Held"
    else:
        kind = [f"Did not happen: {words.choice(visit.not_held.reason).lower()}"]
        if visit.not_held.rearranged_for:
            kind.append(f"Rearranged for {format_date(visit.not_held.rearranged_for, 'en')}")
        if visit.not_held.note:
            kind.append(Text.of(visit.not_held.note))
    present: list[Text | str] = [
        Text(
            f"{person.name} ({words.choice(person.role)})" if person.role else person.name,
            Visibility.THIRD_PARTY,
        )
        for person in visit.present
    ]
    guide = guide_named(visit.guide_id)
    guide_name = str(guide.title) if guide is not None else visit.guide_id
    rows: list[tuple[str, Cell]] = [
        ("Stage", f"{words.choice(stage)} stage" if visit.stage else f"{words.choice(stage)}"),
        ("What happened", kind),
        ("Record", status),
        ("Where", visit.place),
        (
            "Who was there",
            present or ("Only the worker and the person" if not visit.not_held else None),
        ),
        ("Spoken to alone", _yes_no(visit.spoken_to_alone)),
        ("Could speak privately", _yes_no(visit.could_speak_privately)),
        ("Communication support", words.choices(visit.communication_support) or None),
        ("Agreed to notes being made", _yes_no(visit.consent_to_record)),
        (
            "Conversation guide",
            f"{guide_name or 'Not recorded'}, version {visit.guide_version or 'not recorded'}",
        ),
        ("Check-in notes", _note(visit.check_in_notes)),
        ("Next visit agreed for", _day(visit.next_visit_on)),
    ]
    return facts(rows, style)


def _outcome_state(outcome: DesiredOutcome, words: Words) -> list[Text | str]:
    lines: list[Text | str] = []
    if outcome.carried:
        lines.append("Brought forward from an earlier visit")
    if outcome.status is not None:
        lines.append(f"Reviewed: {words.choice(outcome.status)}")
    if outcome.progress is not None:
        lines.append("How it is going, in their words:")
        lines.append(Text.of(outcome.progress, quoted=True))
    for review in outcome.history:
        line = f"Reviewed on {format_date(review.on, 'en')}: {words.choice(review.status)}"
        lines.append(line)
        if review.note is not None:
            lines.append(Text.of(review.note, quoted=True))
    if outcome.achieved is not None:
        lines.append(f"National rating: {words.choice(outcome.achieved)}")
    return lines or ["Not reviewed yet"]


def _outcomes(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    story: list[Flowable] = [style.heading("What matters to the person, in their words")]
    if visit.desired_outcomes:
        rows: list[list[Cell]] = [
            [str(number), Text.of(outcome.words, quoted=True), _outcome_state(outcome, words)]
            for number, outcome in enumerate(visit.desired_outcomes, 1)
        ]
        story.append(
            grid(
                ["", "What they want to happen", "Where it stands"], rows, [0.06, 0.56, 0.38], style
            )
        )
    else:
        story.append(para("No outcomes were recorded at this visit.", style.body))
    if visit.sg4a_asked is not None:
        story.append(
            facts([("Asked about outcomes (SG4a)", words.choice(visit.sg4a_asked))], style)
        )
    return story


def _plan_review(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    parts = {
        "Risks": visit.plan_review.risks,
        "Safety plan": visit.plan_review.safety_plan,
        "Advocacy": visit.plan_review.advocacy,
        "Capacity decision": visit.plan_review.capacity,
        "Making their own choices": visit.plan_review.undue_influence,
        "Consent to share": visit.plan_review.consent,
    }
    if not visit.plan_carried and all(answer is None for answer in parts.values()):
        return []
    rows: list[tuple[str, Cell]] = [
        (part, words.choice(answer) if answer is not None else "Not reviewed yet")
        for part, answer in parts.items()
        if answer is not None or _carried(part, visit.plan_carried)
    ]
    return [style.heading("The plan from the last visit, reviewed"), facts(rows, style)]


def _carried(part: str, carried: Sequence[str]) -> bool:
    names = {
        "Risks": "risks",
        "Safety plan": "safety_plan",
        "Advocacy": "advocacy",
        "Capacity decision": "capacity",
        "Making their own choices": "undue_influence",
        "Consent to share": "consent",
    }
    return names[part] in carried


def _working(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    if not visit.working_well and not visit.not_working:
        return []
    rows: list[tuple[str, Cell]] = [
        ("What is working", [Text.of(note, quoted=True) for note in visit.working_well]),
        ("What is not working", [Text.of(note, quoted=True) for note in visit.not_working]),
    ]
    return [style.heading("What is working and what is not"), facts(rows, style)]


def _decisions(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    support = visit.support_to_decide
    story: list[Flowable] = []
    assessed = [
        f"by {support.capacity_assessed_by}" if support.capacity_assessed_by else "",
        f"on {format_date(support.capacity_assessed_on, 'en')}"
        if support.capacity_assessed_on
        else "",
    ]
    rows: list[tuple[str, Cell]] = [
        ("The decision", _note(support.decision)),
        (
            "Capacity for this decision",
            words.choice(support.capacity) if support.capacity else None,
        ),
        ("Assessed", " ".join(part for part in assessed if part) or None),
        (
            "National figure (SG3a)",
            support.sg3a().value if support.decision or support.capacity else None,
        ),
        ("Substantial difficulty with", words.choices(support.substantial_difficulty) or None),
        ("Someone they trust to help", _yes_no(support.appropriate_person_available)),
        ("Appropriate person", _note(support.appropriate_person)),
        ("IMCA criteria apply", _yes_no(support.imca_criteria_apply)),
    ]
    if any(value for _, value in rows):
        story += [style.heading("Decisions and capacity"), facts(rows, style)]
    for number, risk in enumerate(visit.risks, 1):
        decision = risk.positive_risk
        if decision is None:
            continue
        story.append(style.heading(f"Positive risk decision (risk {number})"))
        story.append(
            facts(
                [
                    ("Their choice", _note(decision.choice, quoted=True)),
                    ("Understood the risk", _yes_no(decision.understood)),
                    ("Agreed to make it safer", _note(decision.harm_reduction)),
                ],
                style,
            )
        )
    return story


def _risks(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    if not visit.risks and visit.safety_plan is None:
        return []
    rows = []
    for number, risk in enumerate(visit.risks, 1):
        about: list[Text | str] = [
            words.choice(risk.risk_type) if risk.risk_type else "Type not recorded"
        ]
        if risk.description is not None:
            about.append(Text.of(risk.description))
        if risk.location is not None:
            about.append(f"Where: {words.choice(risk.location)}")
        if risk.source is not None:
            about.append(f"Source: {words.choice(risk.source)}")
        if risk.source_detail is not None:
            about.append(Text.of(risk.source_detail))
        seriousness = words.choice(risk.seriousness) if risk.seriousness else None
        rows.append(
            [
                str(number),
                about,
                seriousness,
                _note(risk.persons_view, quoted=True),
                _note(risk.workers_view),
            ]
        )
    plan = ("Safety plan", _note(visit.safety_plan) or "No safety plan recorded")
    table = grid(
        ["", "Risk", "How serious", "The person's view", "The worker's view"],
        rows,
        [0.05, 0.35, 0.12, 0.24, 0.24],
        style,
        footer=plan,
    )
    return [style.heading("Risks and the safety plan"), table]


def _action_status(action: Action, words: Words) -> list[Text | str]:
    if action.status is None:
        lines: list[Text | str] = ["Not reviewed yet"]
    else:
        lines = [words.choice(action.status)]
    if action.status_note is not None:
        lines.append(Text.of(action.status_note))
    return lines


def _actions(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    if not visit.actions:
        return []
    numbers = {outcome.id: str(n) for n, outcome in enumerate(visit.desired_outcomes, 1)}
    rows = []
    for number, action in enumerate(visit.actions, 1):
        what: list[Text | str] = [Text.of(action.what)] if action.what else ["Not recorded"]
        if action.carried:
            what.append("Brought forward from an earlier visit")
        owner = words.choice(action.owner) if action.owner else None
        who = f"{action.who} ({owner.lower()})" if action.who and owner else action.who or owner
        for_ = ", ".join(numbers[oid] for oid in action.outcome_ids if oid in numbers)
        rows.append(
            [
                str(number),
                what,
                who,
                day(action.by_when),
                f"Outcome {for_}" if for_ else None,
                _action_status(action, words),
            ]
        )
    table = grid(
        ["", "What", "Who", "By when", "For", "Status"],
        rows,
        [0.05, 0.33, 0.18, 0.15, 0.11, 0.18],
        style,
    )
    done = sum(action.status is ActionStatus.DONE for action in visit.actions)
    summary = f"{len(visit.actions)} agreed; {done} done."
    return [style.heading("What was agreed: actions"), para(summary, style.body), table]


def _advocacy(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    advocates = visit.support_to_decide.advocates
    if not advocates:
        return []
    rows = [
        [
            words.choice(advocate.type) if advocate.type else None,
            advocate.name,
            words.choice(advocate.status) if advocate.status else None,
            day(advocate.on),
            _note(advocate.reason),
        ]
        for advocate in advocates
    ]
    table = grid(
        ["Who", "Name", "Where it has got to", "Date", "Reason"],
        rows,
        [0.24, 0.18, 0.18, 0.18, 0.22],
        style,
    )
    return [style.heading("Advocacy"), table]


def _consent(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    consent = visit.consent_to_share
    if consent is None:
        return []
    rows: list[tuple[str, Cell]] = [
        ("Their decision", words.choice(consent.decision) if consent.decision else None),
        ("With whom", consent.with_whom),
        ("Shared without consent", _yes_no(consent.shared_without_consent)),
        ("Basis for sharing", words.choices(consent.basis) or None),
        ("The basis in detail", _note(consent.basis_detail)),
        ("The person was told", _yes_no(consent.person_told)),
    ]
    return [style.heading("Consent to share"), facts(rows, style)]


def _influence(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    influence = visit.undue_influence
    # Signs of influence are the worker's observation: internal, like the plan.
    signs = [Text(words.choice(sign), _INTERNAL) for sign in influence.indicators]
    rows: list[tuple[str, Cell]] = [
        ("Signs noticed", signs),
        ("Said they do not want help", _yes_no(influence.person_declined_help)),
        ("Planned support", _note(influence.planned_support)),
        ("Anything else noticed", _note(influence.notes)),
    ]
    if not any(value for _, value in rows):
        return []
    return [style.heading("Making their own choices (undue influence)"), facts(rows, style)]


def _principles(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    reflections = visit.principles.reflections
    if not reflections:
        return []
    rows: list[tuple[str, Cell]] = [
        (principle.label, [f"“{principle.i_statement}”", Text.of(reflections[principle])])
        for principle in Principle
        if principle in reflections
    ]
    return [style.heading("Reflecting on the six principles"), facts(rows, style)]


def _experience(visit: Visit, words: Words, style: OfficeStyles) -> list[Flowable]:
    experience = visit.experience
    if experience is None:
        return []
    answers = [
        [words.choice(question), words.choice(answer)]
        for question, answer in experience.answers.items()
    ]
    rows: list[tuple[str, Cell]] = [
        ("Anything else they said", _note(experience.comment, quoted=True)),
        ("Asked by", words.choice(experience.asked_by) if experience.asked_by else None),
        ("Someone answered for them", _yes_no(experience.answered_by_representative)),
        ("Asked on", _day(experience.asked_on)),
    ]
    story: list[Flowable] = []
    if answers:
        story.append(grid(["Question", "Their answer"], answers, [0.72, 0.28], style))
    story.append(facts(rows, style))
    heading = "Their experience" + (" at the close" if visit.stage is Stage.END else "")
    return [style.heading(heading), *story]
