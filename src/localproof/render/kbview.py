"""`localproof tools`: the knowledge base shown to people, every claim with its source."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from localproof.kb import Claim, Tool

SCHEMA_VERSION = 1


def tool_dict(tool: Tool) -> dict[str, Any]:
    data = dataclasses.asdict(tool)
    data["openness_note"] = _openness_note(tool)
    return data


def _openness_note(tool: Tool) -> str:
    if tool.openness == "closed-source":
        return "closed source: claims marked vendor_statement can be trusted, not audited"
    return "source available: claims were checked against the cited source files"


def render_json(tools: list[Tool]) -> str:
    document = {"schema_version": SCHEMA_VERSION, "tools": [tool_dict(t) for t in tools]}
    return json.dumps(document, indent=2) + "\n"


def _cite(claim: Claim) -> str:
    mark = " (vendor statement)" if claim.vendor_statement else ""
    return f"{claim.source} @ {claim.checked}{mark}"


def _rows(tool: Tool) -> list[tuple[str, str, str]]:
    rows = [
        (
            f"listens {lst.port}/{lst.proto}",
            f"{lst.default_bind}, auth {lst.auth}: {lst.purpose}",
            _cite(lst.claim),
        )
        for lst in tool.listeners
    ]
    rows += [(f"bind via {k.kind}", k.name, _cite(k.claim)) for k in tool.bind_knobs]
    rows += [
        (f"{s.kind} ({s.format})", ", ".join(s.paths + s.container_paths), _cite(s.claim))
        for s in tool.stores
    ]
    rows += [
        (f"{k.category} knob", f"{k.name} (default {k.default}): {k.meaning}", _cite(k.claim))
        for k in tool.knobs
    ]
    rows += [
        (
            f"outbound {o.category}",
            f"{', '.join(o.hosts)}: {o.purpose} [default {o.default}; off: {o.disable}]",
            _cite(o.claim),
        )
        for o in tool.outbound
    ]
    return rows


def render_markdown(tools: list[Tool]) -> str:
    lines = ["# localproof knowledge base", ""]
    for tool in tools:
        lines += [
            f"## {tool.name} (`{tool.slug}`)",
            "",
            f"{tool.summary} Vendor: {tool.vendor}; license: {tool.license} ({tool.openness}).",
            "",
            "| what | fact | source |",
            "|---|---|---|",
        ]
        lines += [
            f"| {a} | {b.replace('|', '/')} | {c.replace('|', '/')} |" for a, b, c in _rows(tool)
        ]
        lines.append("")
    return "\n".join(lines)


def render_terminal(tools: list[Tool], *, detail: bool, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=color, no_color=not color)
    if not detail:
        table = Table(title="Known local AI tools", expand=True)
        for column in ("slug", "name", "openness", "ports", "stores", "outbound"):
            table.add_column(column)
        for tool in tools:
            ports = ", ".join(f"{lst.port}/{lst.default_bind}" for lst in tool.listeners)
            table.add_row(
                tool.slug,
                escape(tool.name),
                tool.openness,
                ports,
                str(len(tool.stores)),
                str(len(tool.outbound)),
            )
        console.print(table)
        return buffer.getvalue()
    for tool in tools:
        table = Table(title=f"{escape(tool.name)} ({tool.slug}) — {tool.openness}", expand=True)
        for column in ("what", "fact", "source"):
            table.add_column(column)
        for row in _rows(tool):
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
    return buffer.getvalue()
