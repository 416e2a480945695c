"""`localproof tools`: the knowledge base shown to people, every claim with its source."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from localproof.kb import Claim, Tool, load_libraries
from localproof.model import ToolInstance

SCHEMA_VERSION = 1


def tool_dict(tool: Tool, found: ToolInstance | None = None) -> dict[str, Any]:
    data = dataclasses.asdict(tool)
    data["openness_note"] = _openness_note(tool)
    data["found_here"] = found is not None
    data["found_as"] = list(found.kinds) if found else []
    return data


def _openness_note(tool: Tool) -> str:
    if tool.openness == "closed-source":
        return "closed source: claims marked vendor_statement can be trusted, not audited"
    return "source available: claims were checked against the cited source files"


def render_json(tools: list[Tool], found: dict[str, ToolInstance]) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tools": [tool_dict(t, found.get(t.slug)) for t in tools],
    }
    return json.dumps(document, indent=2) + "\n"


def _cite(claim: Claim) -> str:
    mark = " (vendor statement)" if claim.vendor_statement else ""
    return f"{claim.source} @ {claim.checked}{mark}"


def _library_text(name: str) -> str:
    library = load_libraries().get(name)
    if library is None:
        return "not described in the knowledge base"
    knobs = ", ".join(k.name for k in library.knobs)
    return f"{library.summary} Settings: {knobs}." if knobs else library.summary


def _library_source(name: str) -> str:
    library = load_libraries().get(name)
    return _cite(library.claim) if library else "-"


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
    rows += [(f"API key via {c.kind}", c.name, _cite(c.claim)) for c in tool.credentials]
    rows += [
        ("secret in settings", f"{s.name}: {s.meaning}", _cite(s.claim))
        for s in tool.secret_settings
    ]
    rows += [
        (
            f"location ({item.key})",
            f"{', '.join(item.paths)}: {item.description}",
            _cite(item.claim),
        )
        for item in tool.location_files
    ]
    rows += [
        (
            f"model providers ({p.format})",
            f"{', '.join(p.paths)}: {p.description} [off: {p.disable}]",
            _cite(p.claim),
        )
        for p in tool.provider_files
    ]
    rows += [
        (f"library {name}", _library_text(name), _library_source(name)) for name in tool.libraries
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


def _found_text(instance: ToolInstance | None) -> str:
    return f"found on this host ({', '.join(instance.kinds)})" if instance else "not found here"


def render_markdown(tools: list[Tool], found: dict[str, ToolInstance]) -> str:
    lines = ["# localproof knowledge base", ""]
    for tool in tools:
        lines += [
            f"## {tool.name} (`{tool.slug}`)",
            "",
            f"{tool.summary} Vendor: {tool.vendor}; license: {tool.license} ({tool.openness}).",
            "",
            f"On this host: {_found_text(found.get(tool.slug))}.",
            "",
            "| what | fact | source |",
            "|---|---|---|",
        ]
        lines += [
            f"| {a} | {b.replace('|', '/')} | {c.replace('|', '/')} |" for a, b, c in _rows(tool)
        ]
        lines.append("")
    return "\n".join(lines)


def render_terminal(
    tools: list[Tool], found: dict[str, ToolInstance], *, detail: bool, color: bool = False
) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=color, no_color=not color)
    if not detail:
        table = Table(title="Known local AI tools", expand=True)
        for column in ("slug", "name", "openness", "default listen", "auth", "outbound", "here"):
            table.add_column(column)
        for tool in tools:
            ports = ", ".join(f"{lst.default_bind}:{lst.port}" for lst in tool.listeners)
            auth = ", ".join(sorted({lst.auth for lst in tool.listeners})) or "-"
            outbound = ", ".join(sorted({o.category for o in tool.outbound})) or "-"
            instance = found.get(tool.slug)
            here = ", ".join(instance.kinds) if instance else "-"
            table.add_row(tool.slug, escape(tool.name), tool.openness, ports, auth, outbound, here)
        console.print(table)
        return buffer.getvalue()
    for tool in tools:
        title = f"{escape(tool.name)} ({tool.slug}) — {tool.openness}"
        title += f" — {_found_text(found.get(tool.slug))}"
        table = Table(title=title, expand=True)
        for column in ("what", "fact", "source"):
            table.add_column(column)
        for row in _rows(tool):
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
    return buffer.getvalue()
