"""The threat model's vocabulary as typed records: threats, data classes, controls,
frameworks, provisions, conflicts and profiles. Loading lives in `threat.load`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from localproof.model import Conflict, Provision


class ThreatModelError(Exception):
    """Threat-model data or a profile file is invalid; the message says where."""


class Weight(StrEnum):
    """How much a threat matters to a profile; it shifts a finding's default severity."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    DUTY = "duty"  # an obligation of the regime (organisational monitoring), not a threat

    @property
    def shift(self) -> int:
        return _SHIFTS[self]

    @property
    def rank(self) -> int:
        """Order for taking the stronger of two weights; a duty outranks everything."""
        return list(Weight).index(self)


_SHIFTS = {
    Weight.NONE: -2,
    Weight.LOW: -1,
    Weight.MEDIUM: 0,
    Weight.HIGH: 1,
    Weight.CRITICAL: 2,
    Weight.DUTY: -2,
}


class Need(StrEnum):
    """What local AI is worth for a data class: the verdict's three words."""

    IRRELEVANT = "irrelevant"
    USEFUL = "useful"
    ESSENTIAL = "essential"

    @property
    def rank(self) -> int:
        return list(Need).index(self)


class Addresses(StrEnum):
    """Whether running the model locally itself addresses a threat."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


@dataclass(frozen=True)
class Threat:
    id: str
    name: str
    description: str
    local_ai: Addresses
    local_ai_note: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataClass:
    id: str
    name: str
    description: str
    local_ai: Need
    strictness: int
    stricter_preset: str
    census: tuple[str, ...]


@dataclass(frozen=True)
class Control:
    id: str
    name: str
    description: str
    threats: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    binds: str


@dataclass(frozen=True)
class Profile:
    """Who you are protecting what from: data classes, binding regimes, threat weights."""

    name: str
    description: str
    data_classes: tuple[str, ...]
    regimes: tuple[str, ...]
    retention_required: bool
    threats: Mapping[str, Weight]
    notes: Mapping[str, str] = field(default_factory=dict)
    source: str = "preset"  # preset, file:<path>, or default
    weighted: bool = True  # False for the default profile: default severities

    def weight(self, threat: str) -> Weight:
        return self.threats.get(threat, Weight.MEDIUM)


@dataclass(frozen=True)
class Catalog:
    """All threat-model data, cross-checked when loaded."""

    threats: Mapping[str, Threat]
    data_classes: Mapping[str, DataClass]
    controls: Mapping[str, Control]
    frameworks: Mapping[str, Framework]
    provisions: tuple[Provision, ...]
    conflicts: tuple[Conflict, ...]
    presets: Mapping[str, Profile]

    def resolve_threat(self, name: str) -> tuple[str, ...]:
        """Threat IDs a name stands for: itself, or every threat carrying it as an alias."""
        if name in self.threats:
            return (name,)
        return tuple(t.id for t in self.threats.values() if name in t.aliases)

    def provisions_for(self, control: str, regimes: tuple[str, ...]) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if control in p.controls and p.framework in regimes)

    def provision(self, citation: str) -> Provision | None:
        return next((p for p in self.provisions if p.citation == citation), None)
