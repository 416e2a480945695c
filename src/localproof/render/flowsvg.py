"""The flow map drawn as inline SVG, and the same map as an HTML list for screen readers.

Columns left to right: people, addresses, tools, stores, destinations. Colours come from
CSS classes (`st-fail`, `st-unknown`, `st-pass`, `st-none`) so that dark mode and print
styles apply; each node also carries a mark (✗ ? ✓) so colour is never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass

from localproof.htmlpage import esc as escape
from localproof.model import Status
from localproof.render.flowmap import COLUMN_TITLES, Edge, FlowMap, Node

WIDTH = 1180
MARGIN = 16
NODE_W = 196
NODE_H = 44
PITCH = 62  # leaves a lane between nodes for lines that pass a column
TOP = 44
GAP = (WIDTH - 2 * MARGIN - len(COLUMN_TITLES) * NODE_W) / (len(COLUMN_TITLES) - 1)
TEXT_ROOM = NODE_W - 30 - 8  # from the text's start to the box's edge, with a margin
LABEL_PX, DETAIL_PX = 13, 11
# Advance widths in em of DejaVu Sans Bold, the widest common sans-serif fallback, so a
# text that fits here fits in narrower fonts too.
_NARROW = (0.38, "ijlI.,:;'|!")
_SLIM = (0.46, "frt/()[]{}- ")
_WIDE = (0.95, "mwMW…")
_UPPER = (0.80, "ABCDEFGHJKLNOPQRSTUVXYZ_0123456789")
_OTHER = 0.72
MARKS = {"fail": "✗", "unknown": "?", "pass": "✓", "none": "•"}
WORDS = {
    "fail": "fails",
    "unknown": "could not be checked",
    "pass": "passes",
    "none": "no check applies",
}


def status_class(status: Status | None) -> str:
    if status in (Status.FAIL, Status.UNKNOWN, Status.PASS):
        return str(status.value)
    return "none"


def _middle(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def text_width(text: str, size: float, *, bold: bool = True) -> float:
    """Estimated width in px of `text` at `size` px; regular weight is about 10% narrower."""
    total = 0.0
    for char in text:
        em = next((w for w, chars in (_NARROW, _SLIM, _WIDE, _UPPER) if char in chars), _OTHER)
        total += em
    return total * size * (1.0 if bold else 0.9)


def fit(text: str, size: float, *, bold: bool = True, room: float = TEXT_ROOM) -> str:
    """The longest shortening of `text` whose estimated width fits in `room`."""
    for limit in range(len(text), 1, -1):
        candidate = shorten(text, limit)
        if text_width(candidate, size, bold=bold) <= room:
            return candidate
    return shorten(text, 2)


def shorten(text: str, limit: int) -> str:
    """Cut a long text: a path keeps its last parts, anything else both ends."""
    if len(text) <= limit or not text.startswith("/"):
        return _middle(text, limit)
    parts = text.strip("/").split("/")
    tail = ""
    for part in reversed(parts):
        if len(tail) + len(part) + 2 > limit:
            break
        tail = f"/{part}{tail}"
    if tail.count("/") > 1 or len(parts) < 2:
        return "…" + tail if tail else _middle(text, limit)
    room = limit - len(parts[-1]) - 2
    if room < 4:
        return _middle(text, limit)
    return f"…{_middle(parts[-2], room)}/{parts[-1]}"


@dataclass
class _Layout:
    places: dict[str, tuple[float, float]]
    lanes: list[list[float]]  # per column, the y of each free lane between nodes
    height: float


def _column_x(index: int) -> float:
    return MARGIN + index * (NODE_W + GAP)


def _layout(flow: FlowMap) -> _Layout:
    columns = [flow.column(c) for c in range(len(COLUMN_TITLES))]
    tallest = max(1, *(len(nodes) for nodes in columns))
    places: dict[str, tuple[float, float]] = {}
    lanes: list[list[float]] = []
    for nodes in columns:
        offset = TOP + (tallest - len(nodes)) * PITCH / 2
        for row, node in enumerate(nodes):
            places[node.key] = (_column_x(len(lanes)), offset + row * PITCH)
        gap = (PITCH - NODE_H) / 2
        lanes.append([offset + row * PITCH - gap for row in range(len(nodes) + 1)])
    return _Layout(places, lanes, TOP + tallest * PITCH + 8)


def _node(node: Node, x: float, y: float) -> str:
    state = status_class(node.status)
    whole = node.full_detail or node.detail
    tip = f"{node.label} ({whole}): {WORDS[state]}" if whole else node.label
    label, detail = fit(node.label, LABEL_PX), fit(node.detail, DETAIL_PX, bold=False)
    return (
        f'<g class="node st-{state}" transform="translate({x:.0f},{y:.0f})">'
        f"<title>{escape(tip)}</title>"
        f'<rect class="box" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
        f'<rect class="bar" width="6" height="{NODE_H}" rx="2"/>'
        f'<text class="mark" x="14" y="20">{MARKS[state]}</text>'
        f'<text class="label" x="30" y="20">{escape(label)}</text>'
        f'<text class="detail" x="30" y="37">{escape(detail)}</text>'
        "</g>"
    )


def _curve(start: tuple[float, float], end: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = start, end
    bend = (x2 - x1) / 2
    return f" C{x1 + bend:.0f},{y1:.0f} {x2 - bend:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"


def _edge(edge: Edge, layout: _Layout, columns: dict[str, int]) -> str:
    """A line from node to node; past a column in between it runs in the nearest lane."""
    (x1, y1), (x2, y2) = layout.places[edge.source], layout.places[edge.target]
    point = (x1 + NODE_W, y1 + NODE_H / 2)
    end = (x2 - 2, y2 + NODE_H / 2)
    path = f"M{point[0]:.0f},{point[1]:.0f}"
    for column in range(columns[edge.source] + 1, columns[edge.target]):
        aim = (point[1] + end[1]) / 2
        lane = min(layout.lanes[column], key=lambda y: abs(y - aim), default=aim)
        left, right = _column_x(column) - 6, _column_x(column) + NODE_W + 6
        path += _curve(point, (left, lane)) + f" L{right:.0f},{lane:.0f}"
        point = (right, lane)
    path += _curve(point, end)
    state = status_class(edge.status)
    return f'<path class="edge st-{state}" d="{path}" marker-end="url(#arrow-{state})"/>'


def _markers() -> str:
    return "".join(
        f'<marker id="arrow-{state}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path class="head st-{state}" d="M0,0 L10,5 L0,10 z"/></marker>'
        for state in MARKS
    )


def _titles(flow: FlowMap) -> str:
    parts = []
    for index, title in enumerate(COLUMN_TITLES):
        x = _column_x(index)
        parts.append(f'<text class="column" x="{x:.0f}" y="20">{escape(title)}</text>')
        if not flow.column(index):
            parts.append(f'<text class="detail" x="{x:.0f}" y="{TOP - 6}">none found</text>')
    return "".join(parts)


def summary(flow: FlowMap) -> str:
    """One sentence for the SVG's <desc>: how many elements fail, are unknown, pass."""
    counts = dict.fromkeys(MARKS, 0)
    for node in flow.nodes.values():
        counts[status_class(node.status)] += 1
    return (
        f"{len(flow.nodes)} places on the map: {counts['fail']} with a failing check (red), "
        f"{counts['unknown']} that could not be checked (amber), {counts['pass']} passing "
        f"(green), {counts['none']} without a check. The list after the map says the same."
    )


def render_svg(flow: FlowMap) -> str:
    layout = _layout(flow)
    columns = {node.key: node.column for node in flow.nodes.values()}
    edges = sorted(flow.edges.values(), key=lambda e: status_class(e.status) == "fail")
    height = layout.height
    return (
        f'<svg class="flowmap" role="img" aria-labelledby="map-title map-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="map-title">Where the data goes on this host</title>'
        f'<desc id="map-desc">{escape(summary(flow))}</desc>'
        f"<defs>{_markers()}</defs>"
        f"{_titles(flow)}"
        + "".join(_edge(e, layout, columns) for e in edges)
        + "".join(_node(flow.nodes[key], *xy) for key, xy in layout.places.items())
        + "</svg>"
    )


def _checks(node: Node) -> str:
    """The titles of the checks on a place, grouped by outcome: `fails: …; passes: …`."""
    groups = []
    for status in (Status.FAIL, Status.UNKNOWN, Status.PASS):
        titles = sorted(
            {w.finding.check.title for w in node.findings if w.finding.status is status}
        )
        if titles:
            groups.append(f"{WORDS[status.value]}: {'; '.join(escape(t) for t in titles)}")
    return " — " + ". ".join(groups) if groups else ""


def _flow(edge: Edge, flow: FlowMap) -> str:
    target = escape(flow.nodes[edge.target].label)
    state = status_class(edge.status)
    return target if state == "none" else f"{target} ({WORDS[state]})"


def _item(node: Node, flow: FlowMap) -> str:
    state = status_class(node.status)
    whole = node.full_detail or node.detail
    detail = f" ({escape(whole)})" if whole else ""
    head = (
        f'<li class="st-{state}"><span class="mark" aria-hidden="true">{MARKS[state]}</span> '
        f"<strong>{escape(node.label)}</strong>{detail}{_checks(node)}"
    )
    flows = [_flow(e, flow) for e in flow.outgoing(node.key)]
    tail = f'<br><span class="flows">→ {", ".join(flows)}</span>' if flows else ""
    return f"{head}{tail}</li>"


def render_list(flow: FlowMap) -> str:
    """The map as nested lists, column by column, each place with where its data flows."""
    sections = []
    for index, title in enumerate(COLUMN_TITLES):
        nodes = flow.column(index)
        items = "".join(_item(node, flow) for node in nodes) or "<li>none found</li>"
        sections.append(f"<li>{escape(title)}<ul>{items}</ul></li>")
    return f'<ul class="flow-list">{"".join(sections)}</ul>'
