"""Markdown report, for tickets, wikis and auditors."""

from __future__ import annotations

from localproof.model import Assessment, WeightedFinding
from localproof.render.text import (
    delivers_text,
    failing_by_severity,
    passes,
    relevant_to,
    summary_line,
    unknowns,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _finding(weighted: WeightedFinding) -> list[str]:
    finding = weighted.finding
    lines = [
        f"#### {finding.check.title}: `{_cell(finding.resource)}`",
        "",
        f"- Check: `{finding.check.id}` ({finding.check.category.value}), "
        f"tool: {finding.tool or 'host'}, severity: **{weighted.severity.value}** "
        f"(default {finding.default_severity.value}: {weighted.weight_reason})",
    ]
    lines += [f"- Evidence: `{_cell(e.source)}`: {_cell(e.detail)}" for e in finding.evidence]
    lines.append(f"- Fix: {finding.fix}")
    if weighted.frameworks:
        lines.append(f"- Provisions: {relevant_to(weighted, limit=len(weighted.frameworks))}")
    lines.append("")
    return lines


def render(assessment: Assessment) -> str:
    host = assessment.host
    lines = [
        f"# localproof report: {host.hostname}",
        "",
        f"Generated {assessment.generated_at} by localproof {assessment.tool_version}; "
        f"audited {'this host' if host.live else 'root ' + host.root} ({host.os}).",
        "",
        "## Verdict",
        "",
        f"- Local AI for this profile ({assessment.profile}): **{assessment.verdict.local_ai}**",
        f"- This host delivers it: **{delivers_text(assessment)}**",
        *(f"- {reason}" for reason in assessment.verdict.reasoning),
        "",
        summary_line(assessment) + ".",
        "",
        "## Tools found",
        "",
        "| tool | found as | evidence |",
        "|---|---|---|",
    ]
    for tool in assessment.tools:
        evidence = "; ".join(f"{e.source}: {e.detail}" for e in tool.evidence[:4])
        lines.append(f"| {tool.name} | {', '.join(tool.kinds)} | {_cell(evidence)} |")
    lines += ["", "## Failing findings", ""]
    for severity, members in failing_by_severity(assessment):
        lines += [f"### {severity.value.capitalize()} ({len(members)})", ""]
        for weighted in members:
            lines += _finding(weighted)
    lines += ["## Could not be verified", ""]
    for weighted in unknowns(assessment):
        finding = weighted.finding
        lines.append(f"- `{finding.check.id}` `{_cell(finding.resource)}`: {finding.reason}")
    lines += ["", "## Passing", ""]
    for weighted in passes(assessment):
        finding = weighted.finding
        lines.append(f"- `{finding.check.id}` `{_cell(finding.resource)}`")
    if assessment.limitations:
        lines += ["", "## Limits of this audit", ""]
        lines += [f"- {_cell(note)}" for note in assessment.limitations]
    return "\n".join(lines) + "\n"
