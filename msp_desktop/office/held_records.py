"""Reading the office's current records as the record models the laptop uses.

The annual report and the export both read what the office holds
(``OfficeStore.current_records``) through the models; a record this version cannot
read is a damaged office, said in one sentence, and the command makes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from msp_desktop.office.errors import OfficeDamaged

__all__ = ["validated"]

M = TypeVar("M", bound=BaseModel)


def validated(
    model: type[M], kind: str, records: Iterable[dict[str, Any]], *, nothing: str
) -> list[M]:
    """Each record as ``model``; ``OfficeDamaged`` naming the first that is not one
    (``nothing`` ends the sentence: "nothing was exported")."""
    values: list[M] = []
    for record in records:
        try:
            values.append(model.model_validate(record))
        except ValidationError:
            raise OfficeDamaged(
                f"The {kind} {record.get('id', '(no id)')} held at the office is not a valid "
                f"{kind} record for this version of msp-office; {nothing}."
            ) from None
    return values
