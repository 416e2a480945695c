"""The HTML report's reference sections: content census, compliance, tools, unknowns."""

from __future__ import annotations

from localproof.model import Assessment, Category, Status, ToolInstance, WeightedFinding
from localproof.render.flowmap import worst
from localproof.render.flowsvg import status_class
from localproof.render.htmlkit import badge, esc
from localproof.render.text import unknowns as unknown_findings


def section(key: str, title: str, body: str) -> str:
    return (
        f'<section id="{key}" aria-labelledby="{key}-heading">'
        f'<h2 id="{key}-heading">{esc(title)}</h2>{body}</section>'
    )


def table(headers: tuple[str, ...], rows: list[str]) -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def content(assessment: Assessment) -> str:
    """Counts from `content` findings, added to the assessment when a census ran."""
    found = [w for w in assessment.findings if w.finding.check.category is Category.CONTENT]
    if not found:
        return section(
            "content",
            "Content census",
            "<p>This audit did not count sensitive data in the stores. "
            "<code>localproof scan</code> counts personal, health, financial and secret data "
            "by category in the tools' chat stores, never showing a value.</p>",
        )
    rows = []
    for weighted in found:
        finding = weighted.finding
        counts = "; ".join(esc(e.detail) for e in finding.evidence) or esc(finding.reason)
        rows.append(
            f"<tr><td><code>{esc(finding.resource)}</code></td>"
            f"<td>{badge('st', finding.status.value)}</td><td>{counts}</td></tr>"
        )
    body = "<p>Counts by category, never the values.</p>"
    return section("content", "Content census", body + table(("Store", "Status", "Counts"), rows))


def compliance(assessment: Assessment) -> str:
    """One row per provision named by the findings, with the controls that satisfy it."""
    provisions: dict[str, list[WeightedFinding]] = {}
    for weighted in assessment.findings:
        for provision in weighted.frameworks:
            provisions.setdefault(provision, []).append(weighted)
    if not provisions:
        body = "<p>No framework provisions are mapped for this profile.</p>"
        return section("compliance", "Compliance", body)
    rows = []
    for provision, members in sorted(provisions.items(), key=_provision_order):
        statuses = [w.finding.status for w in members]
        controls = ", ".join(sorted({w.finding.check.control for w in members}))
        counts = "".join(
            f'<td class="num">{statuses.count(s)}</td>'
            for s in (Status.FAIL, Status.UNKNOWN, Status.PASS)
        )
        state = badge("st", status_class(worst(list(statuses))))
        rows.append(
            f"<tr><td>{esc(provision)}</td><td>{esc(controls)}</td><td>{state}</td>{counts}</tr>"
        )
    headers = ("Provision", "Controls", "Status", "Failing", "Unknown", "Passing")
    intro = (
        f"<p>{len(provisions)} provisions are relevant to the controls checked here, those "
        "with a failing control first. Relevant is not compliant: whether a regime binds "
        "you depends on facts localproof cannot see.</p>"
    )
    return section("compliance", "Compliance", intro + table(headers, rows))


def _provision_order(item: tuple[str, list[WeightedFinding]]) -> tuple[int, str]:
    provision, members = item
    rank = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2}
    return min((rank.get(w.finding.status, 3) for w in members), default=3), provision


def _tool_row(tool: ToolInstance) -> str:
    stores = "".join(
        f"<li><code>{esc(s.path)}</code> {esc(s.kind)}, {esc(s.format)}, owner {esc(s.owner)}</li>"
        for s in tool.stores
    )
    evidence = "".join(f"<li>{esc(e.source)}: {esc(e.detail)}</li>" for e in tool.evidence)
    version = esc(tool.version) if tool.version else '<span class="muted">unknown</span>'
    if tool.version and tool.version_source:
        version += f' <span class="meta">({esc(tool.version_source)})</span>'
    return (
        f'<tr><th scope="row">{esc(tool.name)}</th><td>{esc(", ".join(tool.kinds))}</td>'
        f"<td>{esc(', '.join(tool.install)) or '—'}</td><td>{version}</td>"
        f"<td><ul>{stores}</ul></td><td><ul>{evidence}</ul></td></tr>"
    )


def tools(assessment: Assessment) -> str:
    if not assessment.tools:
        return section("tools", "Tools found", "<p>No known local AI tool was found.</p>")
    headers = ("Tool", "Found as", "Install", "Version", "Stores", "Evidence")
    rows = [_tool_row(t) for t in assessment.tools]
    return section("tools", "Tools found", table(headers, rows))


def unknowns(assessment: Assessment) -> str:
    """Checks that gave no answer, with the reason, and the limits of the whole audit."""
    pending = "".join(
        f'<li><a href="#f-{w.finding.id}">{esc(w.finding.check.title)}</a> — '
        f"<code>{esc(w.finding.resource)}</code>: {esc(w.finding.reason)}</li>"
        for w in unknown_findings(assessment)
    )
    limits = "".join(f"<li>{esc(note)}</li>" for note in assessment.limitations)
    body = (
        f"<h3>Checks without an answer</h3><ul>{pending}</ul>"
        if pending
        else "<p>Every check gave an answer.</p>"
    )
    body += (
        f"<h3>Limits of this audit</h3><ul>{limits}</ul>"
        if limits
        else "<p>No limits were recorded.</p>"
    )
    return section("unknowns", "What could not be checked, and why", body)
