"""Renderers of a watch result: JSON (schema_version 1), terminal text and Markdown."""

from __future__ import annotations

import json
from typing import Any

from localproof.watch.engine import Connection, WatchResult

SCHEMA_VERSION = 1


def _endpoint(connection: Connection) -> str:
    host = connection.remote_address
    host = f"[{host}]" if ":" in host else host
    named = f" ({connection.name})" if connection.name else ""
    return f"{host}:{connection.remote_port}/{connection.proto}{named}"


def to_dict(result: WatchResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "started_at": result.started_at,
        "duration": result.duration,
        "interval": result.interval,
        "source": result.source,
        "blind_spots": list(result.blind_spots),
        "polls": result.polls,
        "processes": [{"pid": pid, "tool": tool} for pid, tool in sorted(result.processes.items())],
        "connections": [
            {
                "tool": c.tool,
                "program": c.program,
                "pid": c.pid,
                "proto": c.proto,
                "remote_address": c.remote_address,
                "remote_port": c.remote_port,
                "name": c.name,
                "first_seen": round(c.first_seen, 3),
                "last_seen": round(c.last_seen, 3),
                "samples": c.samples,
                "connections": c.sockets,
            }
            for c in result.connections
        ],
    }


def render_json(result: WatchResult) -> str:
    return json.dumps(to_dict(result), indent=2) + "\n"


def _lines(result: WatchResult) -> list[str]:
    lines = [
        f"watched {len(result.processes)} AI process(es) for {result.duration:g} s "
        f"({result.polls} polls every {result.interval * 1000:g} ms, source {result.source})",
    ]
    if not result.connections:
        lines.append("no outbound connection seen")
    lines.extend(
        f"{c.tool} {c.program} (pid {c.pid}) -> {_endpoint(c)}, seen {c.samples}x between "
        f"{c.first_seen:.2f}s and {c.last_seen:.2f}s"
        for c in result.connections
    )
    lines.append("cannot see: " + "; ".join(result.blind_spots))
    return lines


def render_terminal(result: WatchResult) -> str:
    return "\n".join(["localproof watch", *_lines(result)]) + "\n"


def render_markdown(result: WatchResult) -> str:
    return "\n".join(["# localproof watch", "", *(f"- {line}" for line in _lines(result))]) + "\n"
