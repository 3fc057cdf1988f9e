"""What a store operation changed, so the UI can refresh only what it must."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """The ids of the records one operation created or changed."""

    people: frozenset[str] = field(default_factory=frozenset)
    concerns: frozenset[str] = field(default_factory=frozenset)
    visits: frozenset[str] = field(default_factory=frozenset)
    actions: frozenset[str] = field(default_factory=frozenset)
    contacts: frozenset[str] = field(default_factory=frozenset)
    saved_at: str | None = None

    def __bool__(self) -> bool:
        return bool(self.people or self.concerns or self.visits or self.actions or self.contacts)
