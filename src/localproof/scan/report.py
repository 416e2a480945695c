"""Renderers of a census: pure functions of a ScanResult. Values never appear, only counts
and locations (file, conversation, message, line)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from localproof.scan.model import CATEGORIES, Counts, Detection, ScanResult, Unknown

SCHEMA_VERSION = 1
_TERMINAL_LOCATIONS = 20


def _safe(text: str) -> str:
    """Undecodable file names (surrogate escapes) made printable."""
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def _counts(counts: Counts) -> dict[str, dict[str, int]]:
    return {c: dict(sorted(counts.get(c, {}).items())) for c in CATEGORIES}


def _detection(d: Detection) -> dict[str, object]:
    loc = d.location
    return {
        "category": d.category,
        "type": d.type,
        "path": _safe(loc.path),
        "line": loc.line,
        "conversation": loc.conversation,
        "message": loc.message,
        "role": loc.role,
        "field": loc.field,
    }


def _unknown(u: Unknown) -> dict[str, str]:
    return {"path": _safe(u.path), "reason": u.reason}


def to_dict(result: ScanResult) -> dict[str, object]:
    """The JSON contract (schema_version 1, schemas/scan-v1.schema.json) as plain data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "stores": [
            {"path": _safe(s.path), "format": s.format, "counts": _counts(s.counts)}
            for s in result.stores
        ],
        "totals": _counts(result.totals),
        "detections": [_detection(d) for d in result.detections],
        "detections_omitted": result.detections_omitted,
        "unknowns": [_unknown(u) for u in result.unknowns],
        "skipped": [_unknown(u) for u in result.skipped],
        "bytes_scanned": result.bytes_scanned,
    }


def render_json(result: ScanResult) -> str:
    """The census as JSON text."""
    return json.dumps(to_dict(result), indent=2) + "\n"


def _total(counts: Mapping[str, int]) -> int:
    return sum(counts.values())


def _count_lines(counts: Counts, indent: str) -> list[str]:
    lines = []
    for category in CATEGORIES:
        types = counts.get(category, {})
        if types:
            detail = ", ".join(f"{t} {n}" for t, n in sorted(types.items()))
            lines.append(f"{indent}{category:<10} {_total(types):>7}  ({detail})")
    return lines or [f"{indent}nothing sensitive found"]


def describe_location(d: Detection) -> str:
    """A location in words: file, line, conversation, message, role."""
    loc = d.location
    parts = [_safe(loc.path)]
    if loc.line is not None:
        parts.append(f"line {loc.line}")
    if loc.conversation is not None:
        parts.append(f"conversation {loc.conversation}")
    if loc.message is not None:
        parts.append(f"message {loc.message}")
    if loc.role:
        parts.append(f"({loc.role})")
    if loc.field and loc.message is None and loc.line is None:
        parts.append(f"[{loc.field}]")
    return " ".join(parts)


def render_terminal(result: ScanResult) -> str:
    """A plain-text summary for a terminal: totals, stores, first locations, unknowns."""
    lines = ["Content census (values are never shown)", "", "Totals:"]
    lines += _count_lines(result.totals, "  ")
    lines += ["", f"Stores ({len(result.stores)}):"]
    for store in result.stores:
        lines.append(f"  {_safe(store.path)}  [{store.format}]")
        lines += _count_lines(store.counts, "    ")
    if result.detections:
        shown = result.detections[:_TERMINAL_LOCATIONS]
        lines += ["", f"Locations (first {len(shown)} of {_detection_total(result)}):"]
        lines += [f"  {d.category}/{d.type}: {describe_location(d)}" for d in shown]
    if result.unknowns:
        lines += ["", "Could not read (unknown):"]
        lines += [f"  {_safe(u.path)}: {u.reason}" for u in result.unknowns]
    if result.skipped:
        lines += ["", f"Skipped: {len(result.skipped)} file(s) of no supported format"]
    return "\n".join(lines) + "\n"


def _detection_total(result: ScanResult) -> int:
    return len(result.detections) + result.detections_omitted


def _md(text: str) -> str:
    return _safe(text).replace("|", "\\|").replace("`", "'")


def render_markdown(result: ScanResult) -> str:
    """The census as Markdown: totals table, per-store table, locations, unknowns."""
    lines = [
        "# Content census",
        "",
        "Values are never shown: only categories, types, counts and locations.",
        "",
        "## Totals",
        "",
        "| category | type | count |",
        "|---|---|---:|",
    ]
    lines += [
        f"| {c} | {t} | {n} |"
        for c in CATEGORIES
        for t, n in sorted(result.totals.get(c, {}).items())
    ]
    lines += [
        "",
        "## Stores",
        "",
        "| store | format | category | type | count |",
        "|---|---|---|---|---:|",
    ]
    for store in result.stores:
        rows = [(c, t, n) for c in CATEGORIES for t, n in sorted(store.counts.get(c, {}).items())]
        for c, t, n in rows or [("-", "-", 0)]:
            lines.append(f"| `{_md(store.path)}` | {store.format} | {c} | {t} | {n} |")
    if result.detections:
        lines += ["", "## Locations", ""]
        lines += [
            f"- {d.category}/{d.type}: `{_md(describe_location(d))}`" for d in result.detections
        ]
        if result.detections_omitted:
            lines.append(f"- … and {result.detections_omitted} more")
    if result.unknowns:
        lines += ["", "## Could not read", ""]
        lines += [f"- `{_md(u.path)}`: {_md(u.reason)}" for u in result.unknowns]
    return "\n".join(lines) + "\n"
