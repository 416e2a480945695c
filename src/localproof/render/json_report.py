"""The JSON report, schema version 1 (schemas/report-v1.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from localproof.model import (
    Assessment,
    Conflict,
    Evidence,
    Provision,
    Status,
    WeightedFinding,
)

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
        "provisions": [_provision(p) for p in weighted.provisions],
        "rationale": check.rationale,
    }


def _provision(provision: Provision) -> dict[str, str]:
    return {
        "citation": provision.citation,
        "framework": provision.framework,
        "title": provision.title,
        "status": provision.status,
        "confidence": provision.confidence,
        "relation": "relevant to",
    }


def _conflict(conflict: Conflict) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "title": conflict.title,
        "controls": list(conflict.controls),
        "explanation": conflict.explanation,
        "advice": conflict.advice,
        "provisions": list(conflict.provisions),
    }


def profile_dict(assessment: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": assessment.profile,
        "description": assessment.profile_description,
    }
    view = assessment.profile_view
    if view is not None:
        data |= {
            "source": view.source,
            "weighted": view.weighted,
            "declared_data_classes": list(view.declared_data_classes),
            "found_data_classes": list(view.found_data_classes),
            "beyond_profile": list(view.beyond_profile),
            "data_classes": list(view.data_classes),
            "regimes": list(view.regimes),
            "retention_required": view.retention_required,
            "threats": dict(view.threats),
        }
    return data


def verdict_dict(assessment: Assessment) -> dict[str, Any]:
    verdict = assessment.verdict
    return {
        "local_ai": verdict.local_ai,
        "host_delivers": verdict.host_delivers,
        "reasoning": list(verdict.reasoning),
        "requires": verdict.requires,
        "beyond_profile": list(verdict.beyond_profile),
        "conflicts": [_conflict(c) for c in verdict.conflicts],
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
        "profile": profile_dict(assessment),
        "verdict": verdict_dict(assessment),
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
