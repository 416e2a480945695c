"""What an assessment says about the threat model: plain records that renderers read."""

from __future__ import annotations

from dataclasses import dataclass

from localproof.model import Assessment, Verdict, WeightedFinding
from localproof.threat.catalog import Conflict, Provision


@dataclass(frozen=True)
class ProfileView:
    """The profile as applied: declared, found by the content census, and effective."""

    name: str
    description: str
    source: str
    declared_data_classes: tuple[str, ...]
    found_data_classes: tuple[str, ...]  # named by content findings
    beyond_profile: tuple[str, ...]  # found but not declared: assessed as the stricter class
    data_classes: tuple[str, ...]  # effective (declared + beyond)
    regimes: tuple[str, ...]
    retention_required: bool
    threats: tuple[tuple[str, str], ...]  # (threat, weight), effective
    weighted: bool
    notes: tuple[tuple[str, str], ...] = ()  # (threat, why it weighs what it does)


@dataclass(frozen=True)
class ProfiledVerdict(Verdict):
    """The verdict with what it requires of the host and the regimes' conflicts."""

    requires: str = ""
    beyond_profile: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class ProfiledFinding(WeightedFinding):
    """A weighted finding with the provisions its control is relevant to."""

    provisions: tuple[Provision, ...] = ()


@dataclass(frozen=True)
class ProfiledAssessment(Assessment):
    """An assessment made against a threat profile."""

    profile_view: ProfileView | None = None


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

    assessment: ProfiledAssessment
    rows: tuple[ThreatRow, ...]
