"""`localproof threat show` in every format, and the census notice of `scan --profile`."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from localproof.render import OutputFormat, htmlkit
from localproof.render.json_report import report_dict
from localproof.render.text import delivers_text
from localproof.threat.catalog import Catalog, Profile
from localproof.threat.views import ControlState, ThreatModelView, ThreatRow
from localproof.threat.weigh import classes_revealed

ADDRESSES = {"yes": "yes", "partly": "partly", "no": "no: up to this host"}
WIDTH = 100


def census_notice(
    totals: Mapping[str, Mapping[str, int]], profile: Profile, catalog: Catalog
) -> str:
    """A warning when the census finds data classes the profile does not declare."""
    tokens = {c for c, types in totals.items() if any(types.values())}
    tokens |= {f"{c}/{t}" for c, types in totals.items() for t, n in types.items() if n}
    beyond = [c for c in classes_revealed(tokens, catalog) if c not in profile.data_classes]
    if not beyond:
        return ""
    names = ", ".join(catalog.data_classes[c].name for c in beyond)
    presets = ", ".join(dict.fromkeys(catalog.data_classes[c].stricter_preset for c in beyond))
    return (
        f"BEYOND THE DECLARED PROFILE: these stores hold {names}, which the {profile.name} "
        f"profile does not declare. An audit weighs such findings as for {presets}; "
        f"consider `--profile {presets.split(', ')[0]}`."
    )


def _control(state: ControlState) -> dict[str, Any]:
    return {
        "id": state.id,
        "name": state.name,
        "state": state.state,
        "worst_severity": state.worst,
        "counts": dict(state.counts),
        "checks": list(state.checks),
    }


def _row(row: ThreatRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "weight": row.weight,
        "why": row.note,
        "local_ai_addresses": row.local_ai,
        "local_ai_note": row.local_ai_note,
        "controls": [_control(c) for c in row.controls],
    }


def to_dict(view: ThreatModelView) -> dict[str, Any]:
    """A full report (schema version 1) whose profile also explains every threat."""
    data = report_dict(view.assessment)
    data["profile"]["threat_model"] = [_row(r) for r in view.rows]
    return data


def _states(row: ThreatRow) -> str:
    parts = []
    for c in row.controls:
        worst = f" ({c.worst})" if c.worst else ""
        parts.append(f"{c.id} {c.state}{worst}")
    return "; ".join(parts) or "no control localproof can verify"


def _terminal(view: ThreatModelView, *, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, force_terminal=color, no_color=not color,
                      highlight=False, emoji=False)  # fmt: skip
    a = view.assessment
    body = [
        f"[bold]Local AI for this profile ({escape(a.profile)}):[/] {a.verdict.local_ai}",
        f"[bold]This host delivers it:[/] {escape(delivers_text(a))}",
        *(f"- {escape(line)}" for line in a.verdict.reasoning),
    ]
    console.print(Panel("\n".join(body), title=f"threat model of {escape(a.host.hostname)}"))
    table = Table(title="Threats, strongest first", show_lines=True, expand=True)
    for column in ("threat", "weight", "local AI addresses it", "controls on this host"):
        table.add_column(column)
    for row in view.rows:
        why = f"\n[dim]{escape(row.note)}[/]" if row.note else ""
        table.add_row(
            f"{escape(row.name)} [dim]({row.id})[/]{why}",
            row.weight,
            f"{ADDRESSES[row.local_ai]}\n[dim]{escape(row.local_ai_note)}[/]",
            escape(_states(row)),
        )
    console.print(table)
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(view: ThreatModelView) -> str:
    a = view.assessment
    lines = [
        f"# localproof threat model: {a.host.hostname}",
        "",
        f"- Profile: **{a.profile}**: {a.profile_description}",
        f"- Local AI for this profile: **{a.verdict.local_ai}**",
        f"- This host delivers it: **{delivers_text(a)}**",
        *(f"- {line}" for line in a.verdict.reasoning),
        "",
        "| threat | weight | local AI addresses it | controls on this host |",
        "|---|---|---|---|",
    ]
    for row in view.rows:
        why = f" ({row.note})" if row.note else ""
        lines.append(
            f"| {_cell(row.name)} (`{row.id}`){_cell(why)} | {row.weight} | "
            f"{ADDRESSES[row.local_ai]}: {_cell(row.local_ai_note)} | {_cell(_states(row))} |"
        )
    return "\n".join(lines) + "\n"


def render(view: ThreatModelView, output_format: OutputFormat, *, color: bool = False) -> str:
    match output_format:
        case OutputFormat.JSON:
            return json.dumps(to_dict(view), indent=2, ensure_ascii=False) + "\n"
        case OutputFormat.MARKDOWN:
            return _markdown(view)
        case OutputFormat.HTML:
            return htmlkit.text_page("localproof threat model", _terminal(view, color=False))
        case OutputFormat.TERMINAL:
            return _terminal(view, color=color)
