"""The reference code printed on a feedback form, so the office can match a returned form.

The form goes back by post, not through the worker, so it needs a reference the office
can match to its concern; and it must carry no name and nothing personal, because anyone
may see it on the way. The code is **derived**, not stored: 8 characters from a hash of
the concern's id and the form's language, written in an alphabet without the characters
people confuse (no I, L, O, 0 or 1), printed in two groups of four (``K7QM-3RXD``).

- Derived, because the device and the office already share the concern's id (it comes
  in every bundle): the office works the code out for each concern it holds, and
  nothing new has to travel or be kept on the device.
- With the language, so the office also knows whether the English or the Welsh form
  came back (the Welsh questions are not yet signed off by a translator; the report
  says how many answers came on the Welsh form).
- The same concern and language give the same code every time the form is printed, so
  a second form returned with one code is a duplicate the office refuses.

Reading a code back forgives case, spaces and the hyphen; anything else is refused in one
sentence.
"""

from __future__ import annotations

import hashlib
from typing import Final, Literal

from msp_desktop.errors import InvalidInput

__all__ = ["ALPHABET", "CODE_LENGTH", "FormLang", "normalise_code", "reference_code"]

FormLang = Literal["en", "cy"]

ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""31 characters: A-Z without I, L and O, and 2-9 (never 0 or 1)."""
CODE_LENGTH: Final = 8
_PURPOSE: Final = b"msp-feedback-form-code-v1"
_CONFUSED: Final = frozenset("ILO01")


def reference_code(concern_id: str, lang: FormLang) -> str:
    """The code printed on ``concern_id``'s feedback form in ``lang``: ``ABCD-EFGH``."""
    digest = hashlib.sha256(b"\0".join([_PURPOSE, lang.encode(), concern_id.encode()])).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    code = "".join(chars)
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """``text`` as a code in its printed form (``ABCD-EFGH``), forgiving case, spaces and
    hyphens; ``InvalidInput`` in one sentence when it cannot be one."""
    bare = "".join(ch for ch in text.upper() if ch not in " -\t")
    shown = text.strip() or "(nothing)"
    if len(bare) != CODE_LENGTH:
        raise InvalidInput(
            f"{shown} is not a feedback form reference: a reference has "
            f"{CODE_LENGTH} letters and numbers, like ABCD-EFGH."
        )
    wrong = sorted({ch for ch in bare if ch not in ALPHABET})
    if wrong:
        which = ", ".join(wrong)
        reason = (
            "references never use I, L, O, 0 or 1"
            if set(wrong) <= _CONFUSED
            else "references use only the letters A-Z and the numbers 2-9"
        )
        raise InvalidInput(
            f"{shown} is not a feedback form reference: it has {which}, and {reason}; "
            "check the form."
        )
    return f"{bare[:4]}-{bare[4:]}"
