"""What the content census found in the tools' stores: counts only, never values."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ContentCount:
    """Sensitive data counted in one store, by category (pii, phi, financial, secret,
    marking) and type; `error` says why the store could not be read."""

    tool: str
    path: str  # as seen on the audited system
    format: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict, hash=False, compare=False)
    error: str | None = None

    @property
    def total(self) -> int:
        return sum(sum(types.values()) for types in self.counts.values())
