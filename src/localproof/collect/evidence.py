"""Read witness and watch reports (their JSON, schema_version 1) for the audit.

The witness report lists destinations with `allowed` and knowledge-base `attribution`
(schemas/witness-v1.schema.json); the watch report lists connections with their tool.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from localproof.facts.evidence import Destination, ObservedEgress

MAX_REPORT = 32 << 20


def _tool_of(labels: list[str], slugs: set[str]) -> str | None:
    votes = Counter(label.split(":", 1)[0] for label in labels if ":" in label)
    ranked = [slug for slug, _ in votes.most_common() if slug in slugs]
    return ranked[0] if ranked else None


def _witness(name: str, data: dict[str, Any], slugs: set[str]) -> ObservedEgress:
    unexpected = []
    labels: list[str] = []
    for entry in data["destinations"]:
        if entry.get("allowed"):
            continue
        target = entry.get("name") or entry["address"]
        port = f":{entry['port']}" if entry.get("kind") != "dns" else ""
        found = [a["label"] for a in entry.get("attribution", []) if a.get("kind") == "kb"]
        labels += found
        unexpected.append(Destination(f"{entry['kind']} {target}{port}", ", ".join(found)))
    program = (data.get("command") or ["?"])[0]
    return ObservedEgress(name, "witness", program, _tool_of(labels, slugs), tuple(unexpected))


def _watch(name: str, data: dict[str, Any]) -> ObservedEgress:
    unexpected = []
    tools: Counter[str] = Counter()
    for connection in data["connections"]:
        target = connection.get("name") or connection["remote_address"]
        what = f"{connection['proto']} {target}:{connection['remote_port']}"
        unexpected.append(Destination(what, ""))
        tools[connection["tool"]] += 1
    tool = tools.most_common(1)[0][0] if tools else None
    return ObservedEgress(name, "watch", "running AI processes", tool, tuple(unexpected))


def read_evidence(paths: list[Path], slugs: set[str]) -> tuple[ObservedEgress, ...]:
    reports: list[ObservedEgress] = []
    for path in paths:
        try:
            with path.open("rb") as handle:
                data = json.loads(handle.read(MAX_REPORT))
            if "destinations" in data and "verdict" in data:
                reports.append(_witness(path.name, data, slugs))
            elif "connections" in data and "source" in data:
                reports.append(_watch(path.name, data))
            else:
                raise ValueError("neither a witness nor a watch report")
        except (OSError, ValueError, KeyError, TypeError) as error:
            reason = (
                "not valid JSON"
                if isinstance(error, json.JSONDecodeError)
                else (
                    error.strerror
                    if isinstance(error, OSError)
                    else f"unexpected content ({error})"
                )
            )
            reports.append(ObservedEgress(path.name, "unknown", "?", None, error=reason))
    return tuple(reports)
