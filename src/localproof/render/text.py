"""Wording shared by the human-readable renderers."""

from __future__ import annotations

from localproof.model import Assessment, Severity, Status, WeightedFinding

SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


def delivers_text(assessment: Assessment) -> str:
    delivers = assessment.verdict.host_delivers
    if delivers is True:
        return "yes: no high or critical problem found"
    if delivers is False:
        return "no: see the failing findings"
    return "not proven: some controls could not be verified"


def failing_by_severity(assessment: Assessment) -> list[tuple[Severity, list[WeightedFinding]]]:
    groups = []
    for severity in SEVERITY_ORDER:
        members = [w for w in assessment.failing() if w.severity is severity]
        if members:
            groups.append((severity, members))
    return groups


def unknowns(assessment: Assessment) -> list[WeightedFinding]:
    return [w for w in assessment.findings if w.finding.status is Status.UNKNOWN]


def passes(assessment: Assessment) -> list[WeightedFinding]:
    return [w for w in assessment.findings if w.finding.status is Status.PASS]


def summary_line(assessment: Assessment) -> str:
    counts = assessment.counts()
    return (
        f"{counts['fail']} failing, {counts['unknown']} unknown, {counts['pass']} passing "
        f"checks across {len(assessment.tools)} tool(s)"
    )


def relevant_to(weighted: WeightedFinding, limit: int = 6) -> str:
    """The provisions a finding's control is relevant to (never "compliant with")."""
    shown = list(weighted.frameworks[:limit])
    more = len(weighted.frameworks) - len(shown)
    return "relevant to " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
