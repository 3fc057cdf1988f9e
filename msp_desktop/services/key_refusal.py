"""What the worker and the office must do when the office refuses this device's key.

The office quarantines a bundle signed by a key it revoked or never enrolled and
answers 403 ``BundleQuarantined``, naming the key and its state (``uploader.KeyRefused``).
Sending again cannot help, and plain ``msp enrol`` would only give the office the same
key, so the sentence names each step, with the real commands on both sides:

- **revoked**: the office has revoked the key this device signs with. The device needs
  a new key (``msp enrol --new-key --out FILE``). A change of key signed by a revoked
  key proves nothing, so the office enrols it as a lost device's, with the key id the
  worker reads out: ``msp-office devices replace-lost``;
- **not enrolled**: the office does not know this device's key yet. The file is made
  again without a new key (``msp enrol --out FILE``); a device that replaced its key
  is enrolled with ``msp-office devices add --replace``, a new one with ``devices add``.

Either way everything stays queued, and the next export or sync seals again with the
new key whatever the old key signed (``store.outbox``). ``resealed_sentence`` says so.
The desktop app says the same in its own translatable words (``ui.sync.sync_text``).
"""

from __future__ import annotations

from collections.abc import Sequence

from msp_desktop.network.uploader import KeyRefused

__all__ = ["NEW_KEY_STEPS", "explain_key_refusal", "resealed_sentence"]

NEW_KEY_STEPS = (
    "On this laptop, run msp enrol --new-key --out FILE and give FILE to the office, "
    "reading out the key id it prints (in person or by phone); the office enrols it with "
    "msp-office devices replace-lost FILE --confirm-key-id KEY_ID --reason TEXT. Then "
    "sync again: what the old key signed is sealed again with the new one."
)


def _enrol_steps(replacing: bool) -> str:
    office = "msp-office devices add --replace FILE" if replacing else "msp-office devices add FILE"
    again = " (it makes no new key)" if replacing else ""
    return (
        f"On this laptop, run msp enrol --out FILE{again} and give FILE to the office, "
        f"reading out the key id it prints; the office enrols it with {office}. Then sync "
        "again."
    )


def explain_key_refusal(refused: KeyRefused, *, replacing: bool) -> KeyRefused:
    """``refused`` with a sentence saying what the worker and the office must do;
    ``replacing``: this device has made a new key since its first."""
    key = f" {refused.key_id}" if refused.key_id else ""
    bundle = f"bundle {refused.sequence}"
    if refused.key_state == "revoked":
        message = (
            f"The office has revoked this device's key{key}, so it did not take {bundle} "
            f"and takes nothing signed with that key. {NEW_KEY_STEPS}"
        )
    elif refused.key_state == "not-enrolled":
        whose = "this device's new key" if replacing else "this device's key"
        message = (
            f"The office has not enrolled {whose}{key} yet, so it did not take {bundle}. "
            + _enrol_steps(replacing)
        )
    else:  # an office that does not say which
        message = (
            f"The office did not take {bundle}: the key that signed it{key} is not "
            f"enrolled there, or was revoked. If the office revoked it: {NEW_KEY_STEPS} "
            f"If it has not enrolled it yet: {_enrol_steps(replacing)}"
        )
    return KeyRefused(
        message + " Nothing is lost: everything stays queued here.",
        status=refused.status,
        sequence=refused.sequence,
        key_state=refused.key_state,
        key_id=refused.key_id,
        replacing=replacing,
    )


def _numbers(sequences: Sequence[int]) -> str:
    items = [str(n) for n in sequences]
    if len(items) == 1:
        return f"Bundle {items[0]} was"
    return f"Bundles {', '.join(items[:-1])} and {items[-1]} were"


def resealed_sentence(sequences: Sequence[int], key_id: str | None) -> str:
    """``Bundles 4 and 5 were sealed again ...``; empty when none were."""
    if not sequences:
        return ""
    key = f" {key_id}" if key_id else ""
    return (
        f"{_numbers(sequences)} sealed again with this device's new key{key}: the same "
        "records, signed by the new key, as the office needs once it has enrolled it. "
        "What the old key signed is never sent again."
    )
