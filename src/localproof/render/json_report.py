"""The JSON report, schema version 1 (schemas/report-v1.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from localproof.model import Assessment, Evidence, Status, WeightedFinding

SCHEMA_VERSION = 1


def _evidence(items: tuple[Evidence, ...]) -> list[dict[str, str]]:
    return [{"source": e.source, "detail": e.detail} for e in items]


def finding_dict(weighted: WeightedFinding) -> dict[str, Any]:
    finding = weighted.finding
    check = finding.check
    return {
        "id": finding.id,
        "check": check.id,
        "category": check.category.value,
        "tool": finding.tool,
        "severity": weighted.severity.value,
        "default_severity": finding.default_severity.value,
        "severity_reason": weighted.weight_reason,
        "status": finding.status.value,
        "title": check.title,
        "resource": finding.resource,
        "evidence": _evidence(finding.evidence),
        "reason": finding.reason,
        "remediation": finding.fix if finding.status is Status.FAIL else "",
        "control": check.control,
        "threats": list(check.threats),
        "frameworks": list(weighted.frameworks),
        "rationale": check.rationale,
    }


def report_dict(assessment: Assessment) -> dict[str, Any]:
    host = assessment.host
    by_severity: dict[str, int] = {}
    for weighted in assessment.failing():
        by_severity[weighted.severity.value] = by_severity.get(weighted.severity.value, 0) + 1
    return {
        "schema_version": SCHEMA_VERSION,
        "tool_version": assessment.tool_version,
        "generated_at": assessment.generated_at,
        "host": {
            "hostname": host.hostname,
            "root": host.root,
            "os": host.os,
            "kernel": host.kernel,
            "live": host.live,
            "running_as_root": host.running_as_root,
        },
        "profile": {"name": assessment.profile, "description": assessment.profile_description},
        "verdict": {
            "local_ai": assessment.verdict.local_ai,
            "host_delivers": assessment.verdict.host_delivers,
            "reasoning": list(assessment.verdict.reasoning),
        },
        "tools": [
            {
                "slug": tool.slug,
                "name": tool.name,
                "kinds": list(tool.kinds),
                "install": list(tool.install),
                "version": tool.version,
                "version_source": tool.version_source,
                "stores": [
                    {"kind": s.kind, "format": s.format, "path": s.path, "owner": s.owner}
                    for s in tool.stores
                ],
                "evidence": _evidence(tool.evidence),
            }
            for tool in assessment.tools
        ],
        "findings": [finding_dict(w) for w in assessment.findings],
        "summary": {
            "statuses": assessment.counts(),
            "failing_by_severity": by_severity,
            "limitations": list(assessment.limitations),
        },
    }


def render(assessment: Assessment) -> str:
    return json.dumps(report_dict(assessment), indent=2, ensure_ascii=False) + "\n"
