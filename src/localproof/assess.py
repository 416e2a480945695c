"""Findings + profile -> assessment: weighted severities and the verdict."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from localproof import __version__
from localproof.discover import Instance
from localproof.facts import Facts
from localproof.model import (
    Assessment,
    Finding,
    HostInfo,
    Severity,
    Status,
    Verdict,
    WeightedFinding,
)

DEFAULT_PROFILE = "general"
DEFAULT_PROFILE_TEXT = (
    "No threat profile declared: severities are the checks' defaults, without weighting "
    "for the data you process or who you protect it from."
)


def _verdict(findings: tuple[WeightedFinding, ...]) -> Verdict:
    serious = [
        w
        for w in findings
        if w.finding.status is Status.FAIL and w.severity.at_least(Severity.HIGH)
    ]
    unknown = [w for w in findings if w.finding.status is Status.UNKNOWN]
    reasoning = [
        "Local inference keeps prompts away from a cloud provider; whether that is essential "
        "depends on the data you process, which no profile declares yet, so it is rated useful."
    ]
    delivers: bool | None
    if serious:
        delivers = False
        reasoning.append(
            f"{len(serious)} high or critical problem(s) let data reach people or places "
            "the local setup is meant to keep it from."
        )
    elif unknown:
        delivers = None
        reasoning.append(f"{len(unknown)} control(s) could not be verified; see the unknowns.")
    else:
        delivers = True
        reasoning.append("No high or critical problem was found by the checks that ran.")
    return Verdict(local_ai="useful", host_delivers=delivers, reasoning=tuple(reasoning))


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


def assess(
    facts: Facts,
    instances: Iterable[Instance],
    findings: Iterable[Finding],
    *,
    now: datetime | None = None,
) -> Assessment:
    weighted = tuple(
        sorted(
            (
                WeightedFinding(f, f.default_severity, "no profile weighting: default severity")
                for f in findings
            ),
            key=_order,
        )
    )
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    host = HostInfo(
        hostname=facts.hostname,
        root=facts.root,
        os=facts.os,
        kernel=facts.kernel,
        live=facts.live,
        running_as_root=facts.running_as_root,
    )
    return Assessment(
        tool_version=__version__,
        generated_at=moment.isoformat().replace("+00:00", "Z"),
        host=host,
        profile=DEFAULT_PROFILE,
        profile_description=DEFAULT_PROFILE_TEXT,
        verdict=_verdict(weighted),
        tools=tuple(i.summary() for i in instances),
        findings=weighted,
        limitations=_limitations(facts),
    )
