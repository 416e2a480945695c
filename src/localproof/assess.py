"""Findings + profile -> assessment: weighted severities, provisions, conflicts, verdict.

Without a profile the default `general` profile applies: default severities, verdict
"useful" (the data processed is unknown), every framework listed on findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from localproof import __version__
from localproof.discover import Instance
from localproof.facts import Facts
from localproof.model import Assessment, Finding, HostInfo, ProfileView, Status, WeightedFinding
from localproof.threat import Catalog, Profile, general_profile, load_catalog
from localproof.threat.verdict import verdict
from localproof.threat.weigh import applicable_conflicts, content_classes, escalate, weigh

DEFAULT_PROFILE = "general"


def _limitations(facts: Facts) -> tuple[str, ...]:
    notes = [f"{p.source}: {p.reason}" for p in facts.problems]
    if not facts.proc_available:
        notes.append("no proc/ under the audit root: running processes and sockets not seen")
    if facts.live and not facts.running_as_root:
        notes.append("not running as root: other users' files and processes may be hidden")
    return tuple(notes)


def _order(weighted: WeightedFinding) -> tuple[int, int, str, str]:
    status_rank = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 3}
    finding = weighted.finding
    return (
        status_rank[finding.status],
        -weighted.severity.rank,
        finding.check.id,
        finding.resource,
    )


def _view(declared: Profile, effective: Profile, found: tuple[str, ...]) -> ProfileView:
    return ProfileView(
        name=declared.name,
        description=declared.description,
        source=declared.source,
        declared_data_classes=declared.data_classes,
        found_data_classes=found,
        beyond_profile=tuple(c for c in effective.data_classes if c not in declared.data_classes),
        data_classes=effective.data_classes,
        regimes=effective.regimes,
        retention_required=effective.retention_required,
        threats=tuple((t, w.value) for t, w in effective.threats.items()),
        weighted=effective.weighted,
        notes=tuple(effective.notes.items()),
    )


def _host(facts: Facts) -> HostInfo:
    return HostInfo(
        hostname=facts.hostname,
        root=facts.root,
        os=facts.os,
        kernel=facts.kernel,
        live=facts.live,
        running_as_root=facts.running_as_root,
    )


def assess(
    facts: Facts,
    instances: Iterable[Instance],
    findings: Iterable[Finding],
    *,
    now: datetime | None = None,
    profile: Profile | None = None,
    catalog: Catalog | None = None,
) -> Assessment:
    catalog = catalog or load_catalog()
    declared = profile or general_profile(catalog)
    findings = tuple(findings)
    found = content_classes(findings, catalog)
    effective = escalate(declared, found, catalog)
    conflicts = applicable_conflicts(effective, catalog)
    weighted = tuple(
        sorted((weigh(f, effective, catalog, conflicts) for f in findings), key=_order)
    )
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    return Assessment(
        tool_version=__version__,
        generated_at=moment.isoformat().replace("+00:00", "Z"),
        host=_host(facts),
        profile=declared.name,
        profile_description=declared.description,
        verdict=verdict(effective, declared, weighted, conflicts, catalog),
        tools=tuple(i.summary() for i in instances),
        findings=weighted,
        limitations=_limitations(facts),
        profile_view=_view(declared, effective, found),
    )
