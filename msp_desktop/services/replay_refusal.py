"""What the worker and the office must do when the office refuses a bundle as a replay.

The office answers 409 ``SequenceReplayed`` when it already imported another bundle
with this device's id and this sequence (S21), and writes a security alert. Sending
again cannot help: this device's outbox waits for that bundle's receipt, so every
later sync is refused the same way. The honest causes are a laptop restored from an
older backup (its later bundles reuse numbers with other content) or bundles sealed
again after the office had imported them from a stick. Only the office can settle it:
it looks at the alert, asks the worker, and records that the device's history
continues from that sequence (``msp-office devices resync``, ``office.resync``); the
next sync is then accepted. The desktop app says the same in its own translatable
words (``ui.sync.sync_text``).
"""

from __future__ import annotations

from msp_desktop.network.uploader import ReplayRefused

__all__ = ["explain_replay", "resync_command"]


def resync_command(device_id: str | None, sequence: int) -> str:
    """The office's command that settles the refusal of ``sequence``."""
    return (
        f"msp-office devices resync {device_id or 'DEVICE_ID'} --from-sequence {sequence} "
        "--reason TEXT"
    )


def explain_replay(refused: ReplayRefused, device_id: str | None) -> ReplayRefused:
    """The refusal with every step, for this device, in its message."""
    number = refused.sequence
    explained = ReplayRefused(
        f"The office refused bundle {number}: it already has another bundle {number} from "
        f"this laptop, and has raised an alert.{refused.says} Sending again will not help. "
        "Tell the office at once, and say whether this laptop was restored from a backup. "
        "Once the office has looked at the alert and agrees this laptop's bundles are the "
        f"ones to keep, it runs: {resync_command(device_id, number)}. Then sync again: "
        f"bundle {number} and the ones after it stay queued here until then.",
        status=refused.status,
        sequence=number,
        says=refused.says,
        device_id=device_id,
    )
    return explained
