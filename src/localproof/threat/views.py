"""What an assessment says about the threat model: plain records that renderers read."""

from __future__ import annotations

from dataclasses import dataclass

from localproof.model import Assessment


@dataclass(frozen=True)
class ControlState:
    """A control's state on this host, from the findings of the checks that verify it."""

    id: str
    name: str
    state: str  # fail, unknown, pass, not_applicable, not checked, nothing found
    worst: str | None  # weighted severity of the worst failing finding
    counts: tuple[tuple[str, int], ...]
    checks: tuple[str, ...]


@dataclass(frozen=True)
class ThreatRow:
    """One threat as `threat show` explains it."""

    id: str
    name: str
    description: str
    weight: str
    note: str
    local_ai: str
    local_ai_note: str
    controls: tuple[ControlState, ...]


@dataclass(frozen=True)
class ThreatModelView:
    """`localproof threat show`: the profile, the verdict, and every threat explained."""

    assessment: Assessment
    rows: tuple[ThreatRow, ...]
