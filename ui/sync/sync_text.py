"""What the sync page says, in words a social worker uses: no "bundles sealed" jargon
where it can be avoided, and every failure as one sentence saying what to do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from msp_desktop.network.uploader import KeyRefused, ReplayRefused
from msp_desktop.services.export import ExportResult
from msp_desktop.services.network_sync import SyncReport
from msp_desktop.store.outbox import ReceiptResult
from msp_desktop.store.packs import PackResult
from msp_desktop.store.sync_status import SyncState, SyncStatus
from ui.date_text import date_text
from ui.i18n import N_, Message, tr, tr_marked, tr_n

KIND_WORDS: dict[str, Message] = {
    "person": N_("Person's details"),
    "concern": N_("Concern"),
    "visit": N_("Visit"),
    "action": N_("Agreed action"),
    "contact": N_("Contact note"),
}

STATE_WORDS: dict[str, Message] = {
    "draft": N_("Draft: stays on this device"),
    "finalised": N_("Waiting to be sent"),
    "in-bundle": N_("In a bundle, waiting for the office's receipt"),
    "acknowledged": N_("Confirmed by the office"),
}
NOT_WRITTEN = N_("In a bundle, not yet written to a folder")
KEPT_ASIDE = N_("Kept aside by the office: ask the office")
FROM_OFFICE = N_("From the office")

BUSY_EXPORT = N_("Sealing and writing the bundle…")
BUSY_RECEIPTS = N_("Checking the receipts…")
BUSY_PACKS = N_("Checking the office packs and taking what they bring…")
BUSY_KEYS = N_("Checking the office keys file…")
BUSY_ENROL = N_("Making the enrolment file…")
BUSY_PREPARE = N_("Checking the workspace and sealing what is waiting…")
BUSY_FETCH = N_("Asking the office for anything new for this laptop…")
NO_PACK_KEY = N_(
    "This laptop has no key for office packs yet, so nothing was asked of the office. To "
    "receive people from the office, make a new enrolment file and give it to the office."
)

BY_HAND = N_(
    "This office takes records on a USB stick or in a folder: choose Export to folder… "
    "and take it to the office, then import the receipts it gives you."
)
NO_ADDRESS = N_(
    "This office takes records on a USB stick or in a folder, not over the network: "
    "choose Export to folder… instead."
)
STAYS_QUEUED = N_(
    "Everything not confirmed stays safely on this device and is sent the next time you "
    "choose Sync now."
)
NOT_READY = N_(
    "This device cannot send records yet: follow the two steps at the top of this page first."
)


def kind_words(kind: str) -> str:
    """Person's details, Concern, Visit, Agreed action or Contact note."""
    words = KIND_WORDS.get(kind)
    return tr_marked(words) if words is not None else kind


def state_words(
    state: SyncState | str, written: bool = True, *, kept_aside: bool = False,
    from_office: bool = False,
) -> str:  # fmt: skip
    """Where a record is, in words (a bundle not yet written anywhere is said so, and a
    revision the office kept aside instead of taking)."""
    if kept_aside:
        return tr_marked(KEPT_ASIDE)
    if from_office:
        return tr_marked(FROM_OFFICE)
    if state == "in-bundle" and not written:
        return tr_marked(NOT_WRITTEN)
    words = STATE_WORDS.get(state)
    return tr_marked(words) if words is not None else state


def count_sentences(counts: dict[str, int]) -> dict[str, str]:
    """One sentence per state, in the order the page shows them."""
    waiting, sent = counts.get("finalised", 0), counts.get("in-bundle", 0)
    confirmed, drafts = counts.get("acknowledged", 0), counts.get("draft", 0)
    return {
        "finalised": tr_n(
            "1 finalised record is waiting to be sent.",
            "{count} finalised records are waiting to be sent.",
            waiting,
        )
        if waiting
        else tr("Nothing new is waiting to be sent."),
        "in-bundle": tr_n(
            "1 record sent, waiting for the office's receipt.",
            "{count} records sent, waiting for the office's receipt.",
            sent,
        )
        if sent
        else tr("No records are waiting for the office's receipt."),
        "acknowledged": tr_n(
            "1 record the office has confirmed.",
            "{count} records the office has confirmed.",
            confirmed,
        )
        if confirmed
        else tr("The office has not confirmed any records yet."),
        "draft": tr_n(
            "1 draft stays on this device until it is finalised.",
            "{count} drafts stay on this device until they are finalised.",
            drafts,
        )
        if drafts
        else tr("No drafts: every visit is finalised."),
    }


def and_list(numbers: Sequence[int]) -> str:
    """1, 2 and 3."""
    items = [str(n) for n in numbers]
    if len(items) <= 1:
        return "".join(items)
    return tr("{first} and {last}", first=", ".join(items[:-1]), last=items[-1])


def resealed_lines(resealed: Sequence[int]) -> list[str]:
    """Bundles sealed again with this laptop's new key before sending (none: no line)."""
    if not resealed:
        return []
    return [
        tr_n(
            "Bundle {numbers} was sealed again with this laptop's new key: the same records, "
            "as the office needs now. What the old key signed is never sent again.",
            "Bundles {numbers} were sealed again with this laptop's new key: the same "
            "records, as the office needs now. What the old key signed is never sent again.",
            len(resealed),
            numbers=and_list(resealed),
        )
    ]


def key_refusal_words(refused: KeyRefused) -> str:
    """What the worker and the office must do when the office refuses this laptop's key:
    revoked there (a new key, enrolled as a lost device's) or not enrolled yet."""
    if refused.key_state == "revoked":
        return tr(
            "The office has revoked this laptop's key {key_id}, so it did not take bundle "
            "{number}. On this laptop, run msp enrol --new-key --out FILE in a terminal and "
            "give FILE to the office, reading out the key id it prints (in person or by "
            "phone). The office enrols it with msp-office devices replace-lost FILE "
            "--confirm-key-id KEY_ID --reason TEXT. Then choose Sync now again: what the old "
            "key signed is sealed again with the new one.",
            key_id=refused.key_id or "",
            number=refused.sequence,
        )
    if refused.key_state == "not-enrolled" and refused.replacing:
        return tr(
            "The office has not enrolled this laptop's new key {key_id} yet, so it did not "
            "take bundle {number}. On this laptop, run msp enrol --out FILE in a terminal (it "
            "makes no new key) and give FILE to the office, reading out the key id it prints. "
            "The office enrols it with msp-office devices add --replace FILE. Then choose "
            "Sync now again.",
            key_id=refused.key_id or "",
            number=refused.sequence,
        )
    if refused.key_state == "not-enrolled":
        return tr(
            "The office has not enrolled this laptop yet (key {key_id}), so it did not take "
            "bundle {number}. On this laptop, run msp enrol --out FILE in a terminal and give "
            "FILE to the office, reading out the key id it prints. The office enrols it with "
            "msp-office devices add FILE. Then choose Sync now again.",
            key_id=refused.key_id or "",
            number=refused.sequence,
        )
    return refused.message  # an office that did not say which: the full steps, in English


def replay_refusal_words(refused: ReplayRefused) -> str:
    """What the worker and the office must do when the office refuses a bundle because it
    already holds another with that number (``services.replay_refusal``)."""
    return tr(
        "The office refused bundle {number}: it already has another bundle {number} from "
        "this laptop, and has raised an alert. Sending again will not help. Tell the office "
        "at once, and say whether this laptop was restored from a backup. Once the office "
        "has looked at the alert and agrees this laptop's bundles are the ones to keep, it "
        "runs msp-office devices resync {device} --from-sequence {number} --reason TEXT. "
        "Then choose Sync now again: bundle {number} and the ones after it stay queued "
        "until then.",
        number=refused.sequence,
        device=refused.device_id or "DEVICE_ID",
    )


def export_sentence(result: ExportResult, folder: Path) -> str:
    """What an export did, and what to do next."""
    resealed = resealed_lines(result.resealed)
    if resealed:
        return "\n".join([*resealed, _export_sentence(result, folder)])
    return _export_sentence(result, folder)


def _export_sentence(result: ExportResult, folder: Path) -> str:
    receipts = len(result.pack_receipts)
    if receipts and not result.written:
        return tr_n(
            "1 receipt for an office pack written to {folder}. Take it to the office.",
            "{count} receipts for office packs written to {folder}. Take them to the office.",
            receipts,
            folder=folder,
        )
    also = (
        " "
        + tr_n(
            "With it, 1 receipt for an office pack.",
            "With it, {count} receipts for office packs.",
            receipts,
        )
        if receipts
        else ""
    )
    return _bundles_sentence(result, folder) + also


def _bundles_sentence(result: ExportResult, folder: Path) -> str:
    written = result.written
    records = sum(b.records for b in written)
    numbers = and_list([b.sequence for b in written])
    if len(written) == 1:
        return tr_n(
            "Bundle {numbers} written to {folder}: 1 record. Take it to the office.",
            "Bundle {numbers} written to {folder}: {count} records. Take it to the office.",
            records,
            numbers=numbers,
            folder=folder,
        )
    return tr_n(
        "Bundles {numbers} written to {folder}: 1 record. Take them to the office.",
        "Bundles {numbers} written to {folder}: {count} records. Take them to the office.",
        records,
        numbers=numbers,
        folder=folder,
    )


def receipts_sentence(done: Sequence[ReceiptResult], failed: Sequence[tuple[str, str]]) -> str:
    """What a batch of receipts did: acknowledged, already known, and each failure."""
    lines: list[str] = []
    new = [r.sequence for r in done if not r.already]
    again = [r.sequence for r in done if r.already]
    if new:
        lines.append(
            tr_n(
                "1 receipt imported: bundle {numbers} acknowledged.",
                "{count} receipts imported: bundles {numbers} acknowledged.",
                len(new),
                numbers=and_list(sorted(new)),
            )
        )
    if again:
        lines.append(
            tr_n(
                "Bundle {numbers} was already acknowledged.",
                "Bundles {numbers} were already acknowledged.",
                len(again),
                numbers=and_list(sorted(again)),
            )
        )
    lines.extend(kept_aside_lines(done))
    lines.extend(released_lines(sum(len(r.released) for r in done)))
    if failed:
        heading = tr_n(
            "1 file was not imported; nothing was changed by it:",
            "{count} files were not imported; nothing was changed by them:",
            len(failed),
        )
        lines.extend(_failure_lines(heading, failed, after=bool(done)))
    return "\n".join(lines)


def _failure_lines(heading: str, failed: Sequence[tuple[str, str]], *, after: bool) -> list[str]:
    """The files a batch could not take, under ``heading``: each by name, with why; a
    blank line first when lines about the files it took come before (``after``)."""
    reasons = [tr("{name}: {reason}", name=name, reason=reason) for name, reason in failed]
    return [*([""] if after else []), heading, *reasons]


def sending_words(index: int, total: int) -> str:
    """Sending bundle 2 of 3…"""
    return tr("Sending bundle {index} of {total}…", index=index, total=total)


def retry_words(why: str, seconds: float) -> str:
    """Why a try failed, and when the next one is."""
    return tr_n(
        "{why}. Trying again in 1 second…",
        "{why}. Trying again in {count} seconds…",
        max(1, round(seconds)),
        why=why,
    )


def kept_aside_lines(results: Sequence[ReceiptResult]) -> list[str]:
    """For each receipt that lists revisions the office kept aside (another device's
    record, or newer data there): which, whose, and to ask the office."""
    lines: list[str] = []
    for result in results:
        if not result.kept_aside_total:
            continue
        lines.append(
            tr_n(
                "The office kept 1 change from bundle {number} aside instead of taking it:",
                "The office kept {count} changes from bundle {number} aside instead of "
                "taking them:",
                result.kept_aside_total,
                number=result.sequence,
            )
        )
        for item in result.kept_aside:
            what = kind_words(item.kind)
            if item.person:
                what = tr("{name}: {kind}", name=item.person, kind=what)
            if item.owner:
                what = tr("{what} (the office holds it for device {device})", what=what,
                          device=item.owner)  # fmt: skip
            lines.append(f"• {what}")
        more = result.kept_aside_total - len(result.kept_aside)
        if more > 0:
            lines.append("• " + tr_n("and 1 more", "and {count} more", more))
        lines.append(
            tr(
                "Nothing is lost: the office holds these changes. Ask the office which "
                "version is right before you change these records again."
            )
        )
    return lines


def sync_sentence(report: SyncReport, failures: Sequence[str]) -> str:
    """What "Sync now" did: what the office confirmed, each failure (``failures``, one
    sentence each) and what was left for next time."""
    lines: list[str] = resealed_lines(report.resealed)
    if not report.outcomes:
        lines.append(tr("Nothing to send: every finalised record is confirmed by the office."))
    records = report.records_confirmed
    if records:
        lines.append(
            tr_n(
                "1 record sent and confirmed by the office.",
                "{count} records sent and confirmed by the office.",
                records,
            )
        )
    elif report.confirmed:
        lines.append(tr("The office had already confirmed what was sent."))
    receipts = [o.result for o in report.confirmed if o.result is not None]
    lines.extend(kept_aside_lines(receipts))
    lines.extend(released_lines(sum(len(r.released) for r in receipts)))
    if report.packs is not None:
        lines.extend(pack_lines([r for r in report.packs.taken if not r.already]))
        if report.packs.no_pack_key:
            lines.append(tr_marked(NO_PACK_KEY))
    lines.extend(failures)
    if report.not_tried:
        lines.append(
            tr_n(
                "Bundle {numbers} was not sent this time.",
                "Bundles {numbers} were not sent this time.",
                len(report.not_tried),
                numbers=and_list(report.not_tried),
            )
        )
    if failures or report.not_tried:
        lines.append(tr_marked(STAYS_QUEUED))
    return "\n".join(lines)


def pack_lines(done: Sequence[PackResult]) -> list[str]:
    """What each office pack brought, one or more sentences each."""
    lines: list[str] = []
    for result in done:
        if result.already:
            lines.append(tr("Office pack {number} was already taken.", number=result.sequence))
            continue
        people, concerns = result.taken.get("person", 0), result.taken.get("concern", 0)
        if not people and not concerns:
            lines.append(tr("Office pack {number} taken.", number=result.sequence))
        else:
            lines.append(
                tr(
                    "Office pack {number} taken: {people} and {concerns} from the office.",
                    number=result.sequence,
                    people=tr_n("1 person", "{count} people", people),
                    concerns=tr_n("1 concern", "{count} concerns", concerns),
                )
            )
        if result.kept_aside:
            lines.append(
                tr_n(
                    "The office changed 1 record you had also changed since you last sent it. "
                    "Yours is kept as you wrote it; the office's version is kept beside it.",
                    "The office changed {count} records you had also changed since you last "
                    "sent them. Yours are kept as you wrote them; the office's versions are "
                    "kept beside them.",
                    len(result.kept_aside),
                )
            )
        if result.shared:
            lines.append(
                tr_n(
                    "The office shared 1 person's case with you to read: it stays as their "
                    "worker keeps it.",
                    "The office shared {count} people's cases with you to read: they stay as "
                    "their workers keep them.",
                    len(result.shared),
                )
            )
        lines.extend(settled_lines(result))
        staying = [p for p in result.leaving if p not in result.released]
        if staying:
            lines.append(
                tr_n(
                    "The office has given 1 person to another worker. They stay on this laptop "
                    "until everything about them has reached the office.",
                    "The office has given {count} people to another worker. They stay on this "
                    "laptop until everything about them has reached the office.",
                    len(staying),
                )
            )
        lines.extend(released_lines(len(result.released)))
    return lines


def settled_lines(result: PackResult) -> list[str]:
    """The office's decisions on revisions it had kept aside from this laptop."""
    kept = sum(1 for _kind, _id, keep in result.settled if keep == "current")
    taken = len(result.settled) - kept
    lines = []
    if kept:
        lines.append(
            tr_n(
                "After comparing, the office kept its own version of 1 record you had sent. "
                "Your version is kept at the office.",
                "After comparing, the office kept its own versions of {count} records you had "
                "sent. Your versions are kept at the office.",
                kept,
            )
        )
    if taken:
        lines.append(
            tr_n(
                "After comparing, the office took your version of 1 record it had set aside.",
                "After comparing, the office took your versions of {count} records it had set "
                "aside.",
                taken,
            )
        )
    return lines


def released_lines(count: int) -> list[str]:
    """People moved to another worker who have now left this laptop (none: no line)."""
    if not count:
        return []
    return [
        tr_n(
            "1 person the office gave to another worker has left this laptop: everything "
            "about them is at the office.",
            "{count} people the office gave to another worker have left this laptop: "
            "everything about them is at the office.",
            count,
        )
    ]


def packs_sentence(done: Sequence[PackResult], failed: Sequence[tuple[str, str]]) -> str:
    """What a batch of office packs did: what came from the office, and each failure."""
    lines = pack_lines(done)
    if failed:
        heading = tr_n(
            "1 file was not taken; nothing was changed by it:",
            "{count} files were not taken; nothing was changed by them:",
            len(failed),
        )
        lines.extend(_failure_lines(heading, failed, after=bool(done)))
    return "\n".join(lines)


def from_office_line(status: SyncStatus) -> str:
    """What has come from the office: packs taken, the last one's date, versions kept,
    and people moved away who are still here (and why)."""
    if not status.packs:
        return ""
    last = status.packs[-1]
    records = sum(p.records for p in status.packs)
    line = tr_n(
        "From the office: 1 office pack taken on {day}, with {records}.",
        "From the office: {count} office packs taken, the last on {day}, with {records} in all.",
        len(status.packs),
        day=date_text(date.fromisoformat(last.received_at[:10])),
        records=tr_n("1 record", "{count} records", records),
    )
    if status.office_versions_kept:
        line += " " + tr_n(
            "1 office version is kept beside a record you had changed: see the person's page.",
            "{count} office versions are kept beside records you had changed: see the "
            "people's pages.",
            status.office_versions_kept,
        )
    if status.leaving:
        drafts = sum(person.drafts for person in status.leaving)
        line += " " + tr_n(
            "1 person the office gave to another worker is still here until everything "
            "about them has reached the office.",
            "{count} people the office gave to another worker are still here until "
            "everything about them has reached the office.",
            len(status.leaving),
        )
        if drafts:
            line += " " + tr_n(
                "Finalise their draft visit, then send it.",
                "Finalise their {count} draft visits, then send them.",
                drafts,
            )
    return line
