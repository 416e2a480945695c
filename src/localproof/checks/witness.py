"""Witness: egress actually observed, from witness or watch reports given to the audit."""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.facts.evidence import ObservedEgress
from localproof.model import Category, Evidence, Finding, Severity

MAX_LISTED = 12
EGRESS_FIX = (
    "Turn off the behaviour each destination belongs to (see the telemetry, update-check "
    "and cloud findings), block it at a firewall, or pass it with --allow if it is wanted; "
    "then run the witness again to prove it."
)


def _finding(self: Check, report: ObservedEgress) -> Finding:
    resource = f"{report.kind} report {report.source}"
    if report.error:
        return self.unknown(report.tool, resource, f"report not readable: {report.error}")
    if not report.unexpected:
        what = "no outbound attempt" if report.kind == "witness" else "no outbound connection"
        return self.passed(
            report.tool, resource, Evidence(report.source, f"{report.program}: {what}")
        )
    evidence = [
        Evidence(report.source, d.what + (f" — {d.attribution}" if d.attribution else ""))
        for d in report.unexpected[:MAX_LISTED]
    ]
    if len(report.unexpected) > MAX_LISTED:
        more = len(report.unexpected) - MAX_LISTED
        evidence.append(Evidence(report.source, f"and {more} more destinations"))
    return self.failed(
        report.tool, resource, *evidence, severity=Severity.HIGH, remediation=EGRESS_FIX
    )


@check(
    id="witness.egress-observed",
    category=Category.WITNESS,
    title="Observed programs sent nothing off the machine beyond what is allowed",
    severity=Severity.HIGH,
    control="NET-06",
    threats=("vendor-telemetry", "provider-breach"),
    remediation="Stop or allow each destination, then witness the program again.",
)
def egress_observed(self: Check, context: Context) -> Iterator[Finding]:
    """Settings say what a tool should do; a witness run shows what it did. Each
    destination a program tried to reach under `localproof witness`, or a running tool
    was seen connected to under `localproof watch`, is listed with the knowledge-base
    behaviour it belongs to (model recommendations, usage statistics, update checks)."""
    for report in context.facts.evidence:
        yield _finding(self, report)


CHECKS = (egress_observed,)
