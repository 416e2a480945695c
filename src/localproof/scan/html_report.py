"""The census as one self-contained HTML page: totals, stores, locations, unreadable inputs.

Like every census renderer it is a pure function of a ScanResult and shows counts and
locations only, never a value.
"""

from __future__ import annotations

from localproof.htmlpage import esc, page
from localproof.scan.model import CATEGORIES, Counts, ScanResult
from localproof.scan.report import describe_location


def _rows(counts: Counts) -> list[tuple[str, str, int]]:
    return [(c, t, n) for c in CATEGORIES for t, n in sorted(counts.get(c, {}).items())]


def _totals(result: ScanResult) -> str:
    rows = "".join(
        f'<tr><td>{esc(c)}</td><td>{esc(t)}</td><td class="num">{n}</td></tr>'
        for c, t, n in _rows(result.totals)
    )
    if not rows:
        return "<p>Nothing sensitive was found.</p>"
    return (
        "<table><thead><tr><th>Category</th><th>Type</th><th>Count</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _stores(result: ScanResult) -> str:
    rows = []
    for store in result.stores:
        counts = _rows(store.counts)
        summary = ", ".join(f"{c}/{t} {n}" for c, t, n in counts) or "nothing found"
        rows.append(
            f"<tr><td><code>{esc(store.path)}</code></td><td>{esc(store.format)}</td>"
            f'<td class="num">{sum(n for _, _, n in counts)}</td><td>{esc(summary)}</td></tr>'
        )
    if not rows:
        return "<p>No store was read.</p>"
    return (
        "<table><thead><tr><th>Store</th><th>Format</th><th>Found</th><th>By type</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _locations(result: ScanResult) -> str:
    if not result.detections:
        return ""
    items = "".join(
        f"<li>{esc(d.category)}/{esc(d.type)}: <code>{esc(describe_location(d))}</code></li>"
        for d in result.detections
    )
    more = f"<p>… and {result.detections_omitted} more.</p>" if result.detections_omitted else ""
    total = len(result.detections) + result.detections_omitted
    return (
        f"<h2>Locations</h2><details><summary>{total} location(s)</summary><ul>{items}</ul>"
        f"{more}</details>"
    )


def _unreadable(result: ScanResult) -> str:
    parts = []
    if result.unknowns:
        items = "".join(
            f"<li><code>{esc(u.path)}</code>: {esc(u.reason)}</li>" for u in result.unknowns
        )
        parts.append(f"<h2>Could not read</h2><ul>{items}</ul>")
    if result.skipped:
        parts.append(f"<p>Skipped {len(result.skipped)} file(s) of no supported format.</p>")
    return "".join(parts)


def render_html(result: ScanResult) -> str:
    """The census as an HTML document."""
    body = (
        '<header class="top"><h1>Content census</h1>'
        '<p class="meta">Values are never shown: only categories, types, counts and '
        f"locations. {result.bytes_scanned} bytes read.</p></header><main>"
        f"<h2>Totals</h2>{_totals(result)}<h2>Stores</h2>{_stores(result)}"
        f"{_locations(result)}{_unreadable(result)}</main>"
    )
    return page("localproof scan: content census", body, script=False)
