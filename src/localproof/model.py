"""The report's vocabulary: severities, statuses, categories, evidence, findings.

Every type here is plain immutable data so that checks stay pure and renderers can be
pure functions of an assessment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a failing control is, from `info` to `critical`."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_ORDER = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


class Status(StrEnum):
    """The outcome of one check on one resource."""

    FAIL = "fail"
    PASS = "pass"  # noqa: S105 - a status name, not a password
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Category(StrEnum):
    """Finding categories; the values are part of the report contract."""

    EXPOSURE = "exposure"
    AUTH = "auth"
    TELEMETRY = "telemetry"
    UPDATE_CHECK = "update-check"
    CLOUD = "cloud"
    PERMISSIONS = "permissions"
    ENCRYPTION = "encryption"
    BACKUP = "backup"
    SYNC = "sync"
    RETENTION = "retention"
    HISTORY_LEAK = "history-leak"
    SWAP = "swap"
    CORE_DUMP = "core-dump"
    SHARED_HOST = "shared-host"
    CONTENT = "content"
    WITNESS = "witness"


@dataclass(frozen=True)
class Evidence:
    """One observation backing a finding: where it was seen and what was seen.

    `detail` carries only non-sensitive facts (addresses, modes, key names, counts),
    never file contents or the values of settings that may be secrets.
    """

    source: str
    detail: str


@dataclass(frozen=True)
class CheckMeta:
    """The declarative part of a check: what it verifies and how to fix a failure."""

    id: str
    category: Category
    title: str
    severity: Severity
    control: str
    threats: tuple[str, ...]
    remediation: str
    rationale: str


@dataclass(frozen=True)
class Finding:
    """The result of one check on one resource of one tool (or of the host)."""

    check: CheckMeta
    tool: str | None
    resource: str
    status: Status
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""
    remediation: str = ""
    severity: Severity | None = None  # overrides the check's default severity

    @property
    def id(self) -> str:
        """Identity from (check, tool, resource) only, so it is stable across runs."""
        key = "\x1f".join((self.check.id, self.tool or "", self.resource))
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    @property
    def default_severity(self) -> Severity:
        return self.severity or self.check.severity

    @property
    def fix(self) -> str:
        return self.remediation or self.check.remediation


@dataclass(frozen=True)
class StoreRef:
    """A data store of a discovered tool, by its real path on this host."""

    kind: str
    format: str
    path: str
    owner: str


@dataclass(frozen=True)
class ToolInstance:
    """A local AI tool found on the host, and how it was found."""

    slug: str
    name: str
    kinds: tuple[str, ...]  # installed, running, listening, container, service
    evidence: tuple[Evidence, ...] = ()
    install: tuple[str, ...] = ()  # native, pip, docker, systemd, desktop
    version: str | None = None
    version_source: str | None = None
    stores: tuple[StoreRef, ...] = ()


@dataclass(frozen=True)
class Provision:
    """A provision of a compliance framework, and the controls it maps to."""

    framework: str
    citation: str
    title: str
    status: str
    confidence: str  # C, S or U (see threat/frameworks.toml)
    controls: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """Two regimes asking opposite things of the same controls, and what to do."""

    id: str
    title: str
    controls: tuple[str, ...]
    regimes: tuple[str, ...]
    retention: bool
    monitoring_duty: bool
    explanation: str
    advice: str
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class ProfileView:
    """The threat profile as applied: declared, found by the content census, and effective."""

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
class WeightedFinding:
    """A finding with the severity the threat profile gives it, and why, and the
    provisions its control is relevant to."""

    finding: Finding
    severity: Severity
    weight_reason: str
    frameworks: tuple[str, ...] = ()
    provisions: tuple[Provision, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """Whether local AI matters for this profile and whether this host delivers it; what
    that requires of the host, stricter data found than declared, and regimes' conflicts."""

    local_ai: str  # essential | useful | irrelevant
    host_delivers: bool | None
    reasoning: tuple[str, ...]
    requires: str = ""
    beyond_profile: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class HostInfo:
    hostname: str
    root: str
    os: str
    kernel: str
    live: bool
    running_as_root: bool


@dataclass(frozen=True)
class Assessment:
    """Everything a renderer needs; renderers read nothing else."""

    tool_version: str
    generated_at: str
    host: HostInfo
    profile: str
    profile_description: str
    verdict: Verdict
    tools: tuple[ToolInstance, ...]
    findings: tuple[WeightedFinding, ...]
    limitations: tuple[str, ...] = field(default=())
    profile_view: ProfileView | None = None

    def counts(self) -> dict[str, int]:
        """Number of findings per status."""
        totals = {status.value: 0 for status in Status}
        for weighted in self.findings:
            totals[weighted.finding.status.value] += 1
        return totals

    def failing(self) -> tuple[WeightedFinding, ...]:
        return tuple(w for w in self.findings if w.finding.status is Status.FAIL)
