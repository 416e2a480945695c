"""The HTML report: one self-contained page a person can read and hand to an auditor.

Verdict first, then the picture of where the data goes, the findings with evidence and
fixes, the content census, the compliance table, the tools found, and what could not be
checked. Readable without JavaScript; a small script adds filters and copy buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from localproof.model import Assessment, Status, WeightedFinding
from localproof.render import flowmap, flowsvg, html_tables
from localproof.render.htmlkit import badge, esc, page, prose
from localproof.render.text import SEVERITY_ORDER, failing_by_severity, passes, unknowns

ANSWERS = {
    True: ("pass", "Yes: no high or critical problem was found on this host."),
    False: ("fail", "No: this host lets AI data reach people or places it should not."),
    None: ("unknown", "Not proven: some controls could not be checked."),
}
_BLOCK_END = re.compile(
    r"(</(?:section|article|header|footer|main|nav|details|div|table|tr|ul|li|p|h[1-4]|g|svg)>)"
)
SECTIONS = (
    ("map", "Where the data goes"),
    ("findings", "Findings"),
    ("content", "Content census"),
    ("compliance", "Compliance"),
    ("tools", "Tools found"),
    ("unknowns", "What could not be checked"),
)


def _tool_names(assessment: Assessment) -> dict[str, str]:
    return {tool.slug: tool.name for tool in assessment.tools}


def _header(assessment: Assessment) -> str:
    host = assessment.host
    target = "this host (live)" if host.live else f"the tree under {host.root}"
    root_note = "as root" if host.running_as_root else "without root"
    return (
        '<header class="top">'
        f"<h1>localproof privacy audit: {esc(host.hostname)}</h1>"
        f'<p class="meta">Audited {esc(target)}, {esc(root_note)}; {esc(host.os)}'
        f"{', kernel ' + esc(host.kernel) if host.kernel else ''}. "
        f"Generated {esc(assessment.generated_at)} by localproof {esc(assessment.tool_version)}."
        "</p></header>"
    )


def _tiles(assessment: Assessment) -> str:
    counts = assessment.counts()
    tiles = [
        f"<li><b>{len(members)}</b>{badge('sev', severity.value)} failing</li>"
        for severity, members in failing_by_severity(assessment)
    ]
    tiles += [
        f"<li><b>{counts['unknown']}</b>{badge('st', 'unknown')} could not be checked</li>",
        f"<li><b>{counts['pass']}</b>{badge('st', 'pass')} passing</li>",
        f"<li><b>{len(assessment.tools)}</b> tool(s) found</li>",
    ]
    return f'<ul class="tiles" aria-label="Summary">{"".join(tiles)}</ul>'


def _verdict(assessment: Assessment) -> str:
    verdict = assessment.verdict
    state, answer = ANSWERS[verdict.host_delivers]
    reasons = "".join(f"<li>{prose(r)}</li>" for r in verdict.reasoning)
    return (
        f'<section class="verdict st-{state}" aria-labelledby="verdict-title">'
        '<h2 id="verdict-title">Does this host keep AI data private?</h2>'
        f'<p class="answer">{badge("st", state, state)} {esc(answer)}</p>'
        f"<p>For the threat profile <strong>{esc(assessment.profile)}</strong>, local AI is "
        f"<strong>{esc(verdict.local_ai)}</strong>. {esc(assessment.profile_description)}</p>"
        f"<ul>{reasons}</ul>{_tiles(assessment)}</section>"
    )


def _nav() -> str:
    links = "".join(f'<li><a href="#{key}">{esc(title)}</a></li>' for key, title in SECTIONS)
    return f'<nav aria-label="Sections" class="noprint"><ul class="legend">{links}</ul></nav>'


def _map(assessment: Assessment) -> str:
    flow = flowmap.build(assessment)
    legend = "".join(
        f'<li class="st-{state}"><span class="mark" aria-hidden="true">{mark}</span> '
        f"{esc(flowsvg.WORDS[state])}</li>"
        for state, mark in flowsvg.MARKS.items()
    )
    return (
        '<section id="map" aria-labelledby="map-heading">'
        '<h2 id="map-heading">Where the data goes</h2>'
        "<p>What you type reaches a tool through an address, the tool keeps it on disk, and "
        "from there it may be copied or sent elsewhere. Red marks a failing check, amber one "
        "that could not be checked, green a passing one; lines are coloured by the checks "
        "of the place they lead to.</p>"
        f'<ul class="legend" aria-label="Legend">{legend}</ul>'
        f'<div class="map">{flowsvg.render_svg(flow)}</div>'
        "<details open><summary>The map as a list</summary>"
        f"{flowsvg.render_list(flow)}</details></section>"
    )


def _evidence(weighted: WeightedFinding) -> str:
    items = "".join(
        f"<li><code>{esc(e.source)}</code>: {esc(e.detail)}</li>" for e in weighted.finding.evidence
    )
    return f'<ul class="evidence" aria-label="Evidence">{items}</ul>' if items else ""


def _finding(weighted: WeightedFinding, names: dict[str, str]) -> str:
    finding = weighted.finding
    check = finding.check
    tool = names.get(finding.tool, finding.tool) if finding.tool else "host"
    parts = [
        f'<article class="finding st-{finding.status.value}" id="f-{finding.id}" '
        f'data-severity="{weighted.severity.value}" data-category="{check.category.value}" '
        f'data-tool="{esc(finding.tool or "host")}" data-status="{finding.status.value}">',
        f"<h4>{esc(check.title)}</h4>",
        f'<p class="meta">{badge("st", finding.status.value, finding.status.value)} '
        f"{badge('sev', weighted.severity.value)} <code>{esc(check.id)}</code> · "
        f"{esc(check.category.value)} · {esc(tool)} · control {esc(check.control)}</p>",
        f"<p>Resource: <code>{esc(finding.resource)}</code></p>",
    ]
    if weighted.severity is not finding.default_severity:
        parts.append(
            f'<p class="meta">Severity {esc(finding.default_severity.value)} → '
            f"{esc(weighted.severity.value)}: {esc(weighted.weight_reason)}</p>"
        )
    if finding.reason:
        parts.append(f"<p><strong>Why:</strong> {esc(finding.reason)}</p>")
    parts.append(_evidence(weighted))
    if finding.status is Status.FAIL:
        parts.append(f'<div class="fix"><strong>Fix</strong><p>{prose(finding.fix)}</p></div>')
    if weighted.frameworks:
        parts.append(f'<p class="meta">Relevant to: {esc(", ".join(weighted.frameworks))}</p>')
    if finding.status in (Status.FAIL, Status.UNKNOWN) and check.rationale:
        parts.append(
            f"<details><summary>Why it matters</summary><p>{prose(check.rationale)}</p></details>"
        )
    return "".join(parts) + "</article>"


def _group(title: str, members: Iterable[WeightedFinding], names: dict[str, str]) -> str:
    items = list(members)
    if not items:
        return ""
    body = "".join(_finding(w, names) for w in items)
    return f'<section class="group"><h3>{esc(title)} ({len(items)})</h3>{body}</section>'


def _options(name: str, label: str, values: list[tuple[str, str]]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(text)}</option>' for v, text in values)
    select = f'<select name="{name}"><option value="">all</option>{options}</select>'
    return f"<label>{esc(label)}{select}</label>"


def _filters(assessment: Assessment, names: dict[str, str]) -> str:
    severities = [(s.value, f"{s.value} or worse") for s in reversed(SEVERITY_ORDER)]
    categories = sorted({w.finding.check.category.value for w in assessment.findings})
    tools = sorted({w.finding.tool or "host" for w in assessment.findings})
    return (
        '<form id="filters" class="filters" hidden aria-label="Filter findings">'
        + _options("severity", "Severity", severities)
        + _options("category", "Category", [(c, c) for c in categories])
        + _options("tool", "Tool", [(t, names.get(t, t)) for t in tools])
        + '<button type="reset">Show all</button>'
        '<output id="filter-count" aria-live="polite"></output></form>'
    )


def _findings(assessment: Assessment) -> str:
    names = _tool_names(assessment)
    failing = "".join(
        _group(f"Failing: {severity.value}", members, names)
        for severity, members in failing_by_severity(assessment)
    )
    others = [w for w in assessment.findings if w.finding.status is Status.NOT_APPLICABLE]
    rest = _group("Passing", passes(assessment), names) + _group("Not applicable", others, names)
    return (
        '<section id="findings" aria-labelledby="findings-heading">'
        '<h2 id="findings-heading">Findings</h2>'
        + _filters(assessment, names)
        + (failing or "<p>No check failed.</p>")
        + _group("Could not be checked", unknowns(assessment), names)
        + (
            f"<details><summary>Passing and not applicable</summary>{rest}</details>"
            if rest
            else ""
        )
        + "</section>"
    )


def render(assessment: Assessment) -> str:
    """The whole report as one HTML document."""
    body = (
        _header(assessment)
        + "<main>"
        + _verdict(assessment)
        + _nav()
        + _map(assessment)
        + _findings(assessment)
        + html_tables.content(assessment)
        + html_tables.compliance(assessment)
        + html_tables.tools(assessment)
        + html_tables.unknowns(assessment)
        + "</main>"
        + "<footer><p>Values are never shown: this report carries categories, counts, "
        "locations, modes, addresses and setting names. Made by localproof; it makes no "
        "network request.</p></footer>"
    )
    return page(f"localproof audit: {assessment.host.hostname}", _BLOCK_END.sub("\\1\n", body))
