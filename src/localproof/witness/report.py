"""Renderers of a witness run: JSON (schema `schemas/witness-v1.schema.json`), terminal
text and Markdown. Pure functions; the CLI decides where the text goes.

Nothing here prints payloads: attempts only ever hold names, addresses, ports, SNI, ALPN
and HTTP method/Host/path (the path without its query string).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from localproof import __version__
from localproof.witness.model import SCHEMA_VERSION, Attempt, WitnessResult
from localproof.witness.summary import (
    Destination,
    destinations,
    exit_status,
    verdict,
)

TIMELINE_LIMIT = 200  # rows in the text renderers; JSON keeps every attempt


def _destination_json(item: Destination) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "name": item.name,
        "address": item.address,
        "port": item.port,
        "protocols": sorted(item.protocols),
        "sni": sorted(item.sni),
        "dns_types": sorted(item.dns_types),
        "http": [
            {"method": method, "host": host or None, "path": path}
            for method, host, path in sorted(item.http)
        ],
        "count": item.count,
        "first_seen": item.first_seen,
        "last_seen": item.last_seen,
        "allowed": item.allowed,
        "attribution": [entry.to_json() for entry in item.attribution],
    }


def render_json(result: WitnessResult, allow: Sequence[str] | None = None) -> str:
    """The machine-readable report, `schema_version` 1."""
    summary = destinations(result, allow)
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        # the program's name only: arguments can carry prompts, tokens or file names
        "command": [result.command[0].rsplit("/", 1)[-1]] if result.command else [],
        "started_at": result.started_at,
        "elapsed": result.elapsed,
        "program": {
            "exit_code": result.exit_code,
            "stopped_by_duration": result.stopped_by_duration,
        },
        "sandbox": result.sandbox.to_json(),
        "allow": list(result.allow if allow is None else allow),
        "verdict": {
            "status": verdict(result, allow),
            "attempts": len(result.attempts),
            "unexpected": [item.label for item in summary if not item.allowed],
        },
        "exit_status": exit_status(result, allow),
        "truncated": result.truncated,
        "destinations": [_destination_json(item) for item in summary],
        "timeline": [attempt.to_json() for attempt in result.attempts],
    }
    return json.dumps(document, indent=2) + "\n"


def _detail(attempt: Attempt) -> str:
    parts = [attempt.protocol]
    if attempt.dns_type:
        parts.append(f"{attempt.dns_type} via {attempt.dns_server}")
    if attempt.sni:
        parts.append(f"SNI {attempt.sni}")
    if attempt.alpn:
        parts.append("ALPN " + ",".join(attempt.alpn))
    if attempt.http_method:
        parts.append(f"{attempt.http_method} {attempt.http_host or ''}{attempt.http_path or ''}")
    if attempt.size is not None and attempt.kind == "udp":
        parts.append(f"{attempt.size} bytes")
    return ", ".join(parts)


def _where(attempt: Attempt) -> str:
    address = attempt.address or "?"
    target = f"[{address}]" if ":" in address else address
    port = f":{attempt.port}" if attempt.port is not None else ""
    name = f"{attempt.name} " if attempt.name else ""
    return f"{name}({target}{port})" if name else f"{target}{port}"


def _headline(result: WitnessResult, allow: Sequence[str] | None) -> list[str]:
    status = verdict(result, allow)
    program = "stopped at --duration" if result.stopped_by_duration else f"exit {result.exit_code}"
    box = result.sandbox
    tcp = "every TCP port" if box.tcp_any_port else f"TCP ports {box.tcp_ports}"
    lines = [
        f"verdict: {status} - {len(result.attempts)} outbound attempt(s); program {program}",
        f"sandbox: {box.mode}; {tcp} answered; packet log {'on' if box.packet_capture else 'off'}",
        *(f"note: {note}" for note in box.notes),
    ]
    if result.truncated:
        lines.append("note: more attempts than the recorder keeps; the list is cut")
    return lines


def _destination_text(item: Destination) -> str:
    mark = "allowed" if item.allowed else "UNEXPECTED"
    extra = [f"SNI {', '.join(sorted(item.sni))}"] if item.sni else []
    extra += [f"{m} {h}{p}" for m, h, p in sorted(item.http)]
    if item.attribution:
        known = [
            entry.label if entry.kind == "kb" else f"{entry.label} ({entry.purpose})"
            for entry in item.attribution
        ]
        extra.append("known: " + "; ".join(known))
    seen = f"x{item.count}, {item.first_seen:.2f}s-{item.last_seen:.2f}s"
    protocols = "/".join(sorted(item.protocols))
    head = f"  {mark:<10} {item.label} [{protocols}] ({seen})"
    return "\n".join([head, *(f"             {line}" for line in extra)])


def render_terminal(result: WitnessResult, allow: Sequence[str] | None = None) -> str:
    """Plain text for a terminal (the program's own output came before it)."""
    summary = destinations(result, allow)
    lines = ["localproof witness", *_headline(result, allow)]
    if summary:
        lines += ["", "destinations:", *(_destination_text(item) for item in summary)]
        lines += ["", "timeline:"]
        for attempt in result.attempts[:TIMELINE_LIMIT]:
            lines.append(
                f"  {attempt.t:8.3f}s {attempt.kind:<5} {_where(attempt)} {_detail(attempt)}"
            )
        if len(result.attempts) > TIMELINE_LIMIT:
            lines.append(f"  ... {len(result.attempts) - TIMELINE_LIMIT} more in the JSON report")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: WitnessResult, allow: Sequence[str] | None = None) -> str:
    """A Markdown section for a report or a pull-request comment."""
    summary = destinations(result, allow)
    lines = [
        "## localproof witness",
        "",
        *(f"- {_cell(line)}" for line in _headline(result, allow)),
    ]
    if summary:
        lines += [
            "",
            "| status | destination | protocol | SNI / HTTP | count | first-last (s) | known as |",
            "|---|---|---|---|---|---|---|",
        ]
        for item in summary:
            seen = [*sorted(item.sni), *(f"{m} {h}{p}" for m, h, p in sorted(item.http))]
            known = "; ".join(entry.label for entry in item.attribution)
            cells = [
                "allowed" if item.allowed else "**unexpected**",
                item.label,
                "/".join(sorted(item.protocols)),
                ", ".join(seen),
                str(item.count),
                f"{item.first_seen:.2f}-{item.last_seen:.2f}",
                known,
            ]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"
