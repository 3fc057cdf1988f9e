"""What the person's copy says, section by section, in the order they need it.

Built from an allow-list of fields (see ``summary``): only text the worker left visible
to the person, the person's own words quoted exactly, and facts said in plain words.
The order follows what a person's copy after a safeguarding conversation must contain
(docs/easy-read.md, "What the person's copy says"): why we talked, who was there, what
matters to you, what is working and what is not, staying safe (with what to do in an
emergency on the same page as the plan), your right to an advocate, who we will tell,
what we agreed, what happens next, how it went (at the end of a concern), and how to
contact us and complain. A section with nothing to say is left out, never printed empty.

Each point names the picture that goes beside it in easy read (an idea of
``msp_desktop.documents.pictures``). Who else was in the room is said by role, and by
name only for professionals (an interpreter, an advocate, a professional): a relative's
or friend's name is third-party information.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from msp_desktop.documents.dates import format_date
from msp_desktop.i18n import Translator
from msp_desktop.model import (
    ActionOwner,
    ActionStatus,
    AdvocateStatus,
    AdvocateType,
    Concern,
    ConcernStatus,
    ConsentDecision,
    Note,
    OutcomeAchieved,
    OutcomeStatus,
    Person,
    PresentRole,
    RiskType,
    Stage,
    Visit,
)

__all__ = ["Point", "Section", "ServiceDetails", "sections"]


@dataclass(frozen=True, slots=True)
class ServiceDetails:
    """The team the person can contact. ``name`` is also the PDF's author.

    When a neutral title is asked for, pass a neutral ``name`` too (for example
    "Adult Social Care" rather than "Adult Safeguarding Team"): it is printed as given.
    """

    name: str
    phone: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Point:
    """One point: the picture beside it in easy read, and its lines (the first may be bold)."""

    picture: str
    lines: tuple[str, ...]
    bold_first: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """A heading (empty for the opening lines) and its points."""

    heading: str
    points: tuple[Point, ...]


def _visible(notes: Sequence[Note | None]) -> list[str]:
    return [note.text for note in notes if note is not None and note.visible_to_person]


def _quoted(text: str) -> str:
    # Quotation marks show these are the person's own words, kept exactly.
    return f"“{text}”"


def _one_line(phone: str) -> str:
    # A phone number must not break across lines (large-print rule L10).
    return phone.replace(" ", "\u00a0")


def sections(
    person: Person,
    concern: Concern,
    visit: Visit,
    t: Translator,
    worker_name: str,
    service: ServiceDetails,
) -> list[Section]:
    """The sections of the person's copy of ``visit``, each with something to say."""
    # A copy says what was true at this visit: the end of a concern only from the
    # closing conversation on, however late a copy of an earlier visit is printed.
    ending = (visit.stage or concern.stage) is Stage.END
    staying_safe = _staying_safe(visit, t)
    found = [
        _opening(person, visit, t, worker_name),
        _why(concern, t),
        _who_was_there(visit, t, worker_name),
        # At the end each outcome is said with how far it happened, under "How it went".
        None if ending else _what_matters(visit, t),
        *_working(visit, t),
        staying_safe,
        _advocate(visit, t),
        _who_we_tell(visit, t),
        _agreed(visit, t, worker_name),
        _next(visit, concern, t, ending),
        _how_it_went(visit, concern, t) if ending else None,
        # The emergency line goes with the safety plan when there is one to say.
        _contact(t, worker_name, service, emergency_said=bool(staying_safe.points)),
    ]
    return [section for section in found if section is not None and section.points]


def _opening(person: Person, visit: Visit, t: Translator, worker_name: str) -> Section:
    points = [Point("you", (t.tr("Your name: {name}", name=person.display_name),))]
    if visit.visit_date is not None:
        day = format_date(visit.visit_date, t.lang)
        points.append(Point("date", (t.tr("Date of our conversation: {date}", date=day),)))
    points.append(Point("social_worker", (t.tr("Your social worker: {name}", name=worker_name),)))
    points.append(
        Point("help_to_read", (t.tr("This paper says what we talked about and what we agreed."),))
    )
    return Section("", tuple(points))


def _topics(t: Translator) -> dict[RiskType, str]:
    # Plain words for what the worry was about: never the national label, which names
    # abuse (the copy's body never does), and never who it is about.
    return {
        RiskType.PHYSICAL: t.tr("someone hurting you"),
        RiskType.SEXUAL: t.tr(
            "someone touching you or making you do sexual things you did not want"
        ),
        RiskType.PSYCHOLOGICAL: t.tr("how someone treats you or speaks to you"),
        RiskType.FINANCIAL_OR_MATERIAL: t.tr("your money or your things"),
        RiskType.DISCRIMINATORY: t.tr("being treated unfairly because of who you are"),
        RiskType.ORGANISATIONAL: t.tr("the care or support a service gives you"),
        RiskType.NEGLECT: t.tr("not getting the care or help you need"),
        RiskType.DOMESTIC: t.tr("someone at home hurting, frightening or controlling you"),
        RiskType.SEXUAL_EXPLOITATION: t.tr("someone using you for sex"),
        RiskType.MODERN_SLAVERY: t.tr("someone making you work or keeping you against your will"),
        RiskType.SELF_NEGLECT: t.tr("looking after yourself and your home"),
    }


def _why(concern: Concern, t: Translator) -> Section:
    topics = _topics(t)
    about = [topics[kind] for kind in concern.risk_types if kind in topics]
    lines = [t.tr("We talked because someone was worried about your safety.")]
    if about:
        lines.append(t.tr("The worry was about: {topics}.", topics="; ".join(about)))
    return Section(t.tr("Why we talked"), (Point("social_worker", tuple(lines)),))


def _who_was_there(visit: Visit, t: Translator, worker_name: str) -> Section:
    roles = {
        PresentRole.FAMILY: t.tr("a member of your family"),
        PresentRole.FRIEND: t.tr("a friend"),
        PresentRole.CARER: t.tr("a carer"),
        PresentRole.ADVOCATE: t.tr("your advocate"),
        PresentRole.INTERPRETER: t.tr("an interpreter"),
        PresentRole.PROFESSIONAL: t.tr("a professional"),
        PresentRole.OTHER: t.tr("someone else"),
    }
    named = {PresentRole.ADVOCATE, PresentRole.INTERPRETER, PresentRole.PROFESSIONAL}
    lines = [t.tr("You and your social worker: {worker}", worker=worker_name)]
    for present in visit.present:
        role = present.role or PresentRole.OTHER
        if role in named:
            lines.append(t.tr("{name}: {role}", name=present.name, role=roles[role]))
        else:
            lines.append(t.tr("Also there: {role}", role=roles[role]))
    return Section(t.tr("Who was there"), (Point("you", tuple(lines)),))


def _what_matters(visit: Visit, t: Translator) -> Section:
    points: list[Point] = []
    for outcome in visit.desired_outcomes:
        if outcome.status is OutcomeStatus.NO_LONGER_WANTED or not outcome.words.visible_to_person:
            continue
        lines = [_quoted(outcome.words.text)]
        progress = _visible([outcome.progress])
        if progress:
            lines.append(t.tr("How it is going: {words}", words=_quoted(progress[0])))
        if outcome.status is OutcomeStatus.ACHIEVED:
            lines.append(t.tr("You told us this has happened."))
        points.append(Point("what_matters", tuple(lines)))
    if points:
        intro = Point("what_matters", (t.tr("You told us what you want to happen."),))
        points.insert(0, intro)
    return Section(t.tr("What matters to you"), tuple(points))


def _working(visit: Visit, t: Translator) -> list[Section]:
    found = []
    for heading, picture, notes in (
        (t.tr("What is working well"), "working", visit.working_well),
        (t.tr("What is not working"), "not_working", visit.not_working),
    ):
        said = _visible(notes)
        points = tuple(Point(picture, (_quoted(text),)) for text in said)
        found.append(Section(heading, points))
    return found


def _staying_safe(visit: Visit, t: Translator) -> Section:
    points: list[Point] = []
    for risk in visit.risks:
        described = _visible([risk.description])
        decision = risk.positive_risk
        lines: list[str] = []
        if described:
            lines.append(t.tr("We talked about: {risk}", risk=described[0]))
        if decision is not None:
            for words in _visible([decision.choice]):
                lines.append(t.tr("You decided: {words}", words=_quoted(words)))
            for words in _visible([decision.harm_reduction]):
                lines.append(t.tr("To make it safer, we agreed: {words}", words=words))
        if lines:
            points.append(Point("staying_safe", tuple(lines)))
    plan = _visible([visit.safety_plan])
    if plan:
        points.append(
            Point(
                "staying_safe",
                (t.tr("If you feel unsafe:"), _quoted(plan[0])),
                bold_first=True,
            )
        )
    if points:
        # What to do in an emergency sits with the plan, never pages away from it.
        points.append(Point("emergency", (t.tr("In an emergency, phone 999."),), bold_first=True))
    return Section(t.tr("Staying safe"), tuple(points))


# Advocates independent of the person's family and friends, arranged or asked for.
_INDEPENDENT = frozenset({AdvocateType.CARE_ACT_ADVOCATE, AdvocateType.IMCA, AdvocateType.OTHER})
_ARRANGED = frozenset({AdvocateStatus.ACCEPTED, AdvocateStatus.REFERRED, AdvocateStatus.IN_PLACE})


def _advocate(visit: Visit, t: Translator) -> Section:
    lines = [
        t.tr("You can have an advocate: someone independent who helps you say what you want."),
    ]
    arranged = [
        advocate
        for advocate in visit.support_to_decide.advocates
        if advocate.type in _INDEPENDENT and advocate.status in _ARRANGED
    ]
    points = [Point("advocate", tuple(lines))]
    for advocate in arranged:
        if advocate.status is AdvocateStatus.IN_PLACE and advocate.name:
            said = t.tr("Your advocate: {name}", name=advocate.name)
        elif advocate.status is AdvocateStatus.REFERRED and advocate.on is not None:
            said = t.tr(
                "The day we asked for an advocate for you: {date}",
                date=format_date(advocate.on, t.lang),
            )
        else:
            said = t.tr("We are arranging an advocate for you.")
        points.append(
            Point(
                "advocate",
                (said, t.tr("To reach your advocate, phone us and we will put you in touch.")),
            )
        )
    if not arranged:
        points.append(Point("phone", (t.tr("If you would like one, phone us."),)))
    return Section(t.tr("Someone to help you speak up"), tuple(points))


def _who_we_tell(visit: Visit, t: Translator) -> Section:
    consent = visit.consent_to_share
    points: list[Point] = []
    if consent is not None:
        if consent.decision is ConsentDecision.YES:
            points.append(
                Point(
                    "who_we_tell",
                    (
                        t.tr(
                            "You said we can share what we agreed with the people who can help you."
                        ),
                    ),
                )
            )
        elif consent.decision is ConsentDecision.PARTLY:
            lines = [t.tr("You said we can share some of what we agreed.")]
            if consent.with_whom:
                lines.append(t.tr("What we can share, and with whom: {who}", who=consent.with_whom))
            points.append(Point("who_we_tell", tuple(lines)))
        elif consent.decision is ConsentDecision.NO:
            points.append(
                Point(
                    "who_we_tell",
                    (
                        t.tr("You said you do not want us to share it."),
                        t.tr("We will only share it if the law says we must."),
                        t.tr("That is to keep you or other people safe."),
                    ),
                )
            )
        # Said only when the person was told: a copy must not be the way they find out.
        if consent.shared_without_consent and consent.person_told:
            points.append(
                Point(
                    "who_we_tell",
                    (
                        t.tr(
                            "We had to share some information to keep you or other people "
                            "safe. We told you about this."
                        ),
                    ),
                )
            )
    return Section(t.tr("Who we will tell"), tuple(points))


def _agreed(visit: Visit, t: Translator, worker_name: str) -> Section:
    status_words = {
        ActionStatus.OPEN: t.tr("Still to do."),
        ActionStatus.DONE: t.tr("This is done."),
        ActionStatus.NOT_DONE: t.tr("This was not done."),
    }
    points: list[Point] = []
    for action in visit.actions:
        if action.what is None or not action.what.visible_to_person:
            continue
        if action.status is ActionStatus.NO_LONGER_NEEDED:
            continue  # reviewed and dropped with the person: no longer part of the plan
        lines = [action.what.text]
        # Usually a professional or a service: professionals' names stay in; the worker
        # is named as on the rest of the copy.
        who = action.who or (worker_name if action.owner is ActionOwner.WORKER else None)
        if action.owner is ActionOwner.PERSON and not action.who:
            lines.append(t.tr("You will do this."))
        elif who:
            lines.append(t.tr("Who will do it: {who}", who=who))
        if action.by_when is not None:
            lines.append(t.tr("By when: {date}", date=format_date(action.by_when, t.lang)))
        status = action.status or ActionStatus.OPEN
        lines.append(status_words[status])
        # A tick only for what is done; anything else is not yet done.
        picture = "done" if status is ActionStatus.DONE else "not_yet_done"
        points.append(Point(picture, tuple(lines), bold_first=True))
    return Section(t.tr("What we agreed"), tuple(points))


def _next(visit: Visit, concern: Concern, t: Translator, ending: bool) -> Section:
    points: list[Point] = []
    if visit.next_visit_on is not None and not ending:
        day = format_date(visit.next_visit_on, t.lang)
        points.append(
            Point(
                "next_visit",
                (t.tr("The next time we will see you: {date}", date=day),),
                bold_first=True,
            )
        )
    stage = visit.stage or concern.stage
    lines: tuple[str, ...]
    if ending:
        lines = (t.tr("We have finished looking into your worry."),)
    elif stage is Stage.MIDDLE:
        lines = (
            t.tr("We will check how things are going."),
            t.tr("We will do the things we agreed."),
        )
    else:
        lines = (
            t.tr("We will look into your worry."),
            t.tr("We will do the things we agreed."),
        )
    points.append(Point("closed" if ending else "agreed", lines))
    return Section(t.tr("What happens next"), tuple(points))


def _how_it_went(visit: Visit, concern: Concern, t: Translator) -> Section:
    rated = {
        OutcomeAchieved.FULLY_ACHIEVED: t.tr("This happened."),
        OutcomeAchieved.PARTIALLY_ACHIEVED: t.tr("Some of this happened."),
        OutcomeAchieved.NOT_ACHIEVED: t.tr("This did not happen."),
    }
    points: list[Point] = []
    for outcome in visit.desired_outcomes:
        if outcome.achieved is None or not outcome.words.visible_to_person:
            continue
        points.append(Point("outcome", (_quoted(outcome.words.text), rated[outcome.achieved])))
    if concern.status is ConcernStatus.CLOSED:
        closed = t.tr("Our work on your worry has now finished.")
    else:
        closed = t.tr("Our work on your worry is finishing.")
    points.append(
        Point(
            "closed",
            (closed, t.tr("If you are worried again, you can contact us at any time.")),
            bold_first=True,
        )
    )
    return Section(t.tr("How it went"), tuple(points))


def _contact(
    t: Translator, worker_name: str, service: ServiceDetails, *, emergency_said: bool
) -> Section:
    points = [
        Point("social_worker", (t.tr("Contact your social worker"), worker_name), bold_first=True),
    ]
    service_lines = [service.name, t.tr("Phone number: {phone}", phone=_one_line(service.phone))]
    if service.email:
        # The address on a line of its own: the same in every language, so a copy with
        # Welsh and English side by side prints it once across both columns.
        service_lines += [t.tr("Email:"), service.email]
    points.append(Point("phone", tuple(service_lines), bold_first=True))
    points.append(Point("help_to_read", (t.tr("Do you want help to read this? Phone us."),)))
    points.append(
        Point(
            "complaint",
            (
                t.tr("If you are not happy with what we did, you can complain."),
                t.tr(
                    "Phone us and ask how. You can also ask the Local Government and "
                    "Social Care Ombudsman."
                ),
            ),
        )
    )
    if not emergency_said:
        points.append(Point("emergency", (t.tr("In an emergency, phone 999."),), bold_first=True))
    return Section(t.tr("How to contact us"), tuple(points))
