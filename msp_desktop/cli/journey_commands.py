"""The ``msp`` commands of a case's journey: people's details, concerns raised, closed and
reopened, agreed actions, and contacts between visits. Thin: parse, call the
service, print."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from msp_desktop.arg_types import whole_number
from msp_desktop.calendar_day import council_today, far_past_note
from msp_desktop.cli import output
from msp_desktop.cli.unlock import open_workspace
from msp_desktop.errors import InvalidInput
from msp_desktop.model import (
    ActionOwner,
    ContactKind,
    CopyFormat,
    Language,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
)
from msp_desktop.services import concerns as concern_service
from msp_desktop.services.actions import list_actions
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.people import add_person, edit_person, parse_needs

__all__ = ["add_journey_commands"]

Command = Callable[[str, str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser]


def _day(text: str | None, what: str, example: str = "2026-03-31") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"The {what} {text!r} is not a date like {example}.") from None


def _warn_far_past(what: str, value: date | None) -> None:
    """After a save: a note on stderr when the date is unlikely far back (never a refusal)."""
    note = far_past_note(what, value, council_today())
    if note is not None:
        print(f"Note: {note}", file=sys.stderr)


def _text(value: str | None) -> str | None:
    """An option's text; an empty one clears the field."""
    return None if value is None or not value.strip() else value


# -- people -------------------------------------------------------------------------------


def _person_details(args: argparse.Namespace, *, adding: bool) -> dict[str, Any]:
    """The fields the options name (for ``edit``, only those given)."""
    details: dict[str, Any] = {}

    def given(name: str) -> bool:
        return getattr(args, name, None) is not None

    if adding or given("name"):
        details["name"] = args.name
    if given("preferred_name"):
        details["preferred_name"] = _text(args.preferred_name)
    if given("dob"):
        details["date_of_birth"] = _day(_text(args.dob), "date of birth", "1950-03-31")
    if given("local_id"):
        details["local_id"] = _text(args.local_id)
    if given("nhs_number"):
        details["nhs_number"] = _text(args.nhs_number)
    if given("address"):
        address = _text(args.address)
        # As data, not a Note: checked_person validates it and names the field if wrong.
        details["address"] = {"text": address} if address else None
    if given("phone"):
        details["phone"] = _text(args.phone)
    if given("language"):
        details["preferred_language"] = Language(args.language)
        details["other_language"] = None
    if given("needs"):
        needs, notes = parse_needs(args.needs)
        details["communication_needs"] = needs
        details["communication_notes"] = {"text": notes} if notes else None
    if given("format"):
        details["preferred_format"] = CopyFormat(args.format) if args.format else None
    return details


def people_add(args: argparse.Namespace) -> int:
    """``msp people add``: prints the new person's id."""
    with open_workspace(args) as ws:
        person = add_person(ws, _person_details(args, adding=True))
    print(person.id)
    _warn_far_past("date of birth", person.date_of_birth)
    return 0


def people_list(args: argparse.Namespace) -> int:
    """``msp people list``."""
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1.")
    with open_workspace(args) as ws:
        people = ws.people.search(args.search, limit=args.limit)
        total = ws.people.count() if not args.search else None
    if args.json:
        print(output.as_json(people))
    elif people:
        print(output.people_table(people))
        if total is not None and total > len(people):
            print(f"(the first {len(people)} of {total}; use --search or --limit to see more)")
    else:
        print("No people match." if args.search else "The caseload is empty.")
    return 0


def people_edit(args: argparse.Namespace) -> int:
    """``msp people edit ID``: changes only the details given."""
    details = _person_details(args, adding=False)
    if not details:
        raise InvalidInput("Say what to change, for example --phone or --address.")
    with open_workspace(args) as ws:
        changes = edit_person(ws, args.id, details)
        person = ws.people.get(args.id)
    print(f"Saved the details of {person.name}." if changes else "Nothing was different.")
    if "date_of_birth" in details:
        _warn_far_past("date of birth", person.date_of_birth)
    return 0


def _person_options(p: argparse.ArgumentParser, *, name_required: bool) -> None:
    p.add_argument("--name", required=name_required, default=None, help="full name")
    p.add_argument("--preferred-name", default=None, help="the name they like to be called")
    p.add_argument("--dob", default=None, metavar="YYYY-MM-DD", help="date of birth")
    p.add_argument("--local-id", default=None, metavar="ID", help="the council's case id")
    p.add_argument("--nhs-number", default=None, metavar="N", help="10 digits, checked")
    p.add_argument("--address", default=None, metavar="TEXT", help="where they live")
    p.add_argument("--phone", default=None, metavar="TEXT", help="their phone number")
    p.add_argument("--language", choices=["en", "cy"], default=None, help="English or Welsh")
    p.add_argument(
        "--needs",
        default=None,
        metavar="TEXT",
        help='communication needs, e.g. "large print; hearing loop"',
    )
    p.add_argument(
        "--format",
        choices=[f.value for f in CopyFormat],
        default=None,
        help="the format they prefer for their copies",
    )


# -- concerns -----------------------------------------------------------------------------


def concerns_raise(args: argparse.Namespace) -> int:
    """``msp concerns raise --person ID ...``: prints the new concern's id."""
    types = [concern_service.label(RiskType, t, "type of risk (SG2a)") for t in args.type or []]
    location = (
        concern_service.label(RiskLocation, args.location, "location of risk (SG2b)")
        if args.location
        else None
    )
    source = (
        concern_service.label(RiskSource, args.source, "source of risk (SG2b)")
        if args.source
        else None
    )
    with open_workspace(args) as ws:
        concern = concern_service.raise_concern(
            ws,
            args.person,
            raised_on=_day(args.raised, "raised date"),
            types=types,
            location=location,
            source=source,
            summary=args.summary,
        )
    print(concern.id)
    _warn_far_past("date the concern was raised", concern.raised_on)
    return 0


def concerns_list(args: argparse.Namespace) -> int:
    """``msp concerns list [--person ID] [--json]``."""
    with open_workspace(args) as ws:
        if args.person is not None:
            ws.people.get(args.person)  # an unknown person is said, not an empty list
        concerns = ws.concerns.listed(args.person)
        names = {c.person_id: ws.people.get(c.person_id).name for c in concerns}
    rows = [
        {
            "id": c.id,
            "person_id": c.person_id,
            "person": names[c.person_id],
            "stage": c.stage.value,
            "status": c.status.value,
            "raised_on": c.raised_on.isoformat(),
            "closed_on": c.closed_on.isoformat() if c.closed_on else None,
            "result": c.action_result.value if c.action_result else None,
        }
        for c in concerns
    ]
    if args.json:
        print(output.as_json(rows))
    elif concerns:
        table = [
            [
                c.id,
                names[c.person_id],
                c.stage.value,
                c.status.value,
                c.raised_on.isoformat(),
                c.closed_on.isoformat() if c.closed_on else "",
            ]
            for c in concerns
        ]
        print(output.table(["ID", "PERSON", "STAGE", "STATUS", "RAISED", "CLOSED"], table))
    else:
        print("No concerns recorded.")
    return 0


def concerns_close(args: argparse.Namespace) -> int:
    """``msp concerns close ID --result LABEL [--risk-outcome LABEL] [--reason TEXT]``."""
    result = concern_service.label(SG2cActionResult, args.result, "result (SG2c)")
    risk_outcome = (
        concern_service.label(RiskOutcome, args.risk_outcome, "risk outcome")
        if args.risk_outcome
        else None
    )
    with open_workspace(args) as ws:
        closed = concern_service.close_concern(
            ws, args.id, result, risk_outcome=risk_outcome, reason=args.reason
        )
    assert closed.closed_on is not None
    print(f"Closed the concern on {closed.closed_on.isoformat()}: {result.value}.")
    return 0


def concerns_reopen(args: argparse.Namespace) -> int:
    """``msp concerns reopen ID --reason TEXT``."""
    with open_workspace(args) as ws:
        concern_service.reopen_concern(ws, args.id, args.reason)
    print("Reopened the concern; its closure is kept in its history.")
    return 0


# -- actions and contacts -----------------------------------------------------------------


_OWNER_WORDS: dict[ActionOwner | None, str] = {
    ActionOwner.WORKER: "the worker",
    ActionOwner.PERSON: "the person",
    ActionOwner.SOMEONE_ELSE: "someone else",
}


def actions_list(args: argparse.Namespace) -> int:
    """``msp actions list [--person ID] [--overdue] [--json]``."""
    today = council_today()
    with open_workspace(args) as ws:
        actions = list_actions(ws, args.person, overdue_on=today if args.overdue else None)
        names = {a.person_id: ws.people.get(a.person_id).name for a in actions}
    rows = [
        {
            "id": a.id,
            "person_id": a.person_id,
            "person": names[a.person_id],
            "concern_id": a.concern_id,
            "what": a.what.text if a.what else None,
            "owner": a.owner.value if a.owner else None,
            "who": a.who,
            "by_when": a.by_when.isoformat() if a.by_when else None,
            "status": a.status.value,
            "overdue": a.is_overdue(today),
        }
        for a in actions
    ]
    if args.json:
        print(output.as_json(rows))
    elif actions:
        table = [
            [
                a.id,
                names[a.person_id],
                (a.what.text if a.what else "")[:50],
                a.who or _OWNER_WORDS.get(a.owner, ""),
                (a.by_when.isoformat() if a.by_when else "")
                + (" (overdue)" if a.is_overdue(today) else ""),
                a.status.value,
            ]
            for a in actions
        ]
        print(output.table(["ID", "PERSON", "WHAT", "WHO", "BY", "STATUS"], table))
    else:
        print("No overdue actions." if args.overdue else "No actions recorded.")
    return 0


def contacts_add(args: argparse.Namespace) -> int:
    """``msp contacts add --person ID --kind ... --text TEXT``: prints the new id."""
    with open_workspace(args) as ws:
        contact = add_contact(
            ws,
            args.person,
            ContactKind(args.kind),
            args.text,
            on=_day(args.on, "date"),
            concern_id=args.concern,
        )
    print(contact.id)
    _warn_far_past("contact date", contact.on)
    return 0


def add_journey_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``people``, ``concerns``, ``actions`` and ``contacts`` on ``msp``."""

    def action(
        group: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        help_text: str,
        run: Callable[[argparse.Namespace], int],
    ) -> argparse.ArgumentParser:
        p = group.add_parser(name, help=help_text, description=help_text)
        add_common(p)
        p.set_defaults(run=run)
        return p

    people = sub.add_parser("people", help="Add, change and find people on the caseload.")
    people_sub = people.add_subparsers(dest="people_command", required=True, metavar="ACTION")
    p = action(people_sub, "add", "Add a person; prints the new id.", people_add)
    _person_options(p, name_required=True)
    p = action(
        people_sub,
        "edit",
        "Change a person's details: only the options given change (an empty value clears).",
        people_edit,
    )
    p.add_argument("id", metavar="ID", help="the person's id")
    _person_options(p, name_required=False)
    p = action(people_sub, "list", "List people, optionally searching.", people_list)
    p.add_argument("--search", default="", metavar="TEXT", help="name, preferred name or id")
    p.add_argument(
        "--limit",
        type=whole_number(1, 1_000_000),
        default=200,
        metavar="N",
        help="at most N people",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    concerns = sub.add_parser("concerns", help="Raise, list, close and reopen concerns.")
    concerns_sub = concerns.add_subparsers(dest="concerns_command", required=True, metavar="ACTION")
    p = action(
        concerns_sub, "raise", "Raise a concern for a person; prints its id.", concerns_raise
    )
    p.add_argument("--person", required=True, metavar="ID", help="the person's id")
    p.add_argument("--raised", default=None, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument(
        "--type",
        action="append",
        metavar="LABEL",
        help="type of risk, the SG2a label letter for letter (repeat for more), "
        'e.g. "Financial or Material Abuse"',
    )
    p.add_argument("--location", default=None, metavar="LABEL", help='SG2b, e.g. "Own Home"')
    p.add_argument(
        "--source", default=None, metavar="LABEL", help='source of risk, e.g. "Service Provider"'
    )
    p.add_argument("--summary", default=None, metavar="TEXT", help="what the concern is about")
    p = action(concerns_sub, "list", "List concerns, newest first.", concerns_list)
    p.add_argument("--person", default=None, metavar="ID", help="only this person's")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = action(
        concerns_sub,
        "close",
        "Close a concern with its national result (SG2c); says in words what is missing.",
        concerns_close,
    )
    p.add_argument("id", metavar="ID", help="the concern's id")
    p.add_argument("--result", required=True, metavar="LABEL", help="the SG2c label")
    p.add_argument(
        "--risk-outcome",
        default=None,
        metavar="LABEL",
        help='where a risk was identified and action taken: "Risk remained", "Risk '
        'reduced" or "Risk removed"',
    )
    p.add_argument("--reason", default=None, metavar="TEXT", help="why (required when ceased)")
    p = action(concerns_sub, "reopen", "Reopen a closed concern, with the reason.", concerns_reopen)
    p.add_argument("id", metavar="ID", help="the concern's id")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is reopened")

    actions = sub.add_parser("actions", help="Agreed actions.")
    actions_sub = actions.add_subparsers(dest="actions_command", required=True, metavar="ACTION")
    p = action(actions_sub, "list", "List agreed actions, soonest first.", actions_list)
    p.add_argument("--person", default=None, metavar="ID", help="only this person's")
    p.add_argument("--overdue", action="store_true", help="only open actions past their date")
    p.add_argument("--json", action="store_true", help="print JSON")

    contacts = sub.add_parser("contacts", help="Contacts between visits (the chronology).")
    contacts_sub = contacts.add_subparsers(dest="contacts_command", required=True, metavar="ACTION")
    p = action(
        contacts_sub, "add", "Record a call, letter, email or meeting; prints its id.", contacts_add
    )
    p.add_argument("--person", required=True, metavar="ID", help="the person's id")
    p.add_argument("--kind", required=True, choices=[k.value for k in ContactKind])
    p.add_argument("--text", required=True, metavar="TEXT", help="what it was about")
    p.add_argument("--on", default=None, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--concern", default=None, metavar="ID", help="the concern it was about")
