"""Terminal report with rich: verdict first, then failures by severity, each with its fix."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from localproof.model import Assessment, Severity
from localproof.render.text import (
    delivers_text,
    failing_by_severity,
    relevant_to,
    summary_line,
    unknowns,
)

STYLES = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
WIDTH = 100


def _header(console: Console, assessment: Assessment) -> None:
    host = assessment.host
    target = "this host" if host.live else f"root {host.root}"
    verdict = assessment.verdict
    body = (
        f"[bold]Local AI for this profile ({escape(assessment.profile)}):[/] {verdict.local_ai}\n"
        f"[bold]This host delivers it:[/] {escape(delivers_text(assessment))}\n"
        + "".join(f"- {escape(line)}\n" for line in verdict.reasoning)
        + escape(summary_line(assessment))
    )
    console.print(Panel(body, title=f"localproof audit of {escape(host.hostname)} ({target})"))


def _tools(console: Console, assessment: Assessment) -> None:
    table = Table(title="Tools found", show_lines=False, expand=True)
    table.add_column("tool")
    table.add_column("found as")
    table.add_column("where")
    for tool in assessment.tools:
        where = "; ".join(e.detail for e in tool.evidence[:3])
        table.add_row(escape(tool.name), ", ".join(tool.kinds), escape(where))
    console.print(table)


def _failures(console: Console, assessment: Assessment) -> None:
    for severity, members in failing_by_severity(assessment):
        console.rule(f"[{STYLES[severity]}]{severity.value.upper()}[/] ({len(members)})")
        for weighted in members:
            finding = weighted.finding
            console.print(
                f"[{STYLES[severity]}]✗[/] [bold]{escape(finding.check.title)}[/] "
                f"— {escape(finding.resource)}  [dim]{finding.check.id}[/]"
            )
            details = Table.grid(padding=(0, 1))
            details.add_column(width=2)
            details.add_column(style="dim", no_wrap=True)
            details.add_column(ratio=1)
            for item in finding.evidence:
                details.add_row("", "seen", f"{escape(item.source)}: {escape(item.detail)}")
            details.add_row("", "[green]fix[/]", escape(finding.fix))
            if weighted.severity is not finding.default_severity:
                details.add_row("", "weight", escape(weighted.weight_reason))
            if weighted.frameworks:
                details.add_row("", "rules", escape(relevant_to(weighted)))
            console.print(details)


def _unknowns(console: Console, assessment: Assessment) -> None:
    pending = unknowns(assessment)
    if not pending:
        return
    console.rule(f"[magenta]COULD NOT VERIFY[/] ({len(pending)})")
    for weighted in pending:
        finding = weighted.finding
        console.print(
            f"[magenta]?[/] {escape(finding.check.title)} — {escape(finding.resource)}: "
            f"{escape(finding.reason)}"
        )


def render(assessment: Assessment, *, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    _header(console, assessment)
    if assessment.tools:
        _tools(console, assessment)
    else:
        console.print("No known local AI tool was found.")
    _failures(console, assessment)
    _unknowns(console, assessment)
    if assessment.limitations:
        console.rule("[dim]limits of this audit[/]")
        for note in assessment.limitations[:20]:
            console.print(f"[dim]- {escape(note)}[/]")
    return buffer.getvalue()
