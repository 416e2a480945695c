"""Where the data goes: a graph of people, addresses, tools, stores and destinations.

Built only from the assessment. Tools and their stores come from `ToolInstance`; listeners
from the tools' socket evidence and the resources of exposure findings; destinations from
the categories of findings (backup and sync targets from their evidence, cloud, telemetry,
update checks and observed egress per tool). Each finding attaches to the place it is about
(a tool-wide setting such as a bind address or login to each address of that tool), and to
the line that leads there, so the colour of an element is the worst status of its findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from localproof.model import Assessment, Category, Status, ToolInstance, WeightedFinding

PEOPLE, LISTENERS, TOOLS, STORES, DESTINATIONS = range(5)
COLUMN_TITLES = ("Who uses it", "Reached at", "Local AI tools", "Kept on disk", "Copied or sent to")
_RANK = {None: 0, Status.NOT_APPLICABLE: 1, Status.PASS: 2, Status.UNKNOWN: 3, Status.FAIL: 4}
_ADDRESS = re.compile(r"(:\d+(/\w+)?$)|(\bport \d+)")
_PORT = re.compile(r"^(?:(.+?)\s+(?=port \d))?(.*)$")
_PATH = re.compile(r"^(/|~|[A-Za-z]:\\)")
_GATE = (Category.EXPOSURE, Category.AUTH)
_OUTBOUND = {
    Category.CLOUD: ("Cloud services", 0),
    Category.TELEMETRY: ("Telemetry", 1),
    Category.UPDATE_CHECK: ("Update servers", 2),
    Category.WITNESS: ("Observed traffic", 3),
}
_MEMORY = (Category.SWAP, Category.CORE_DUMP)


def worst(statuses: list[Status | None]) -> Status | None:
    """The most serious status: fail, then unknown, pass, not applicable; None if empty."""
    return max(statuses, key=lambda s: _RANK[s], default=None)


@dataclass
class Node:
    key: str
    column: int
    label: str
    detail: str
    order: tuple[int, int, str]
    findings: list[WeightedFinding] = field(default_factory=list)
    status_override: Status | None = None
    full_detail: str = ""  # when `detail` is a summary, the whole of it (list, tooltip)

    @property
    def status(self) -> Status | None:
        own = [w.finding.status for w in self.findings]
        return worst([*own, self.status_override])


@dataclass
class Edge:
    source: str
    target: str
    findings: list[WeightedFinding] = field(default_factory=list)

    @property
    def status(self) -> Status | None:
        return worst([w.finding.status for w in self.findings])


@dataclass
class FlowMap:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    tool_rank: dict[str, int] = field(default_factory=dict)
    tool_names: dict[str, str] = field(default_factory=dict)

    def node(self, key: str, column: int, label: str, detail: str, rank: int = 0) -> Node:
        if key not in self.nodes:
            self.nodes[key] = Node(key, column, label, detail, (rank, len(self.nodes), key))
        return self.nodes[key]

    def edge(self, source: str, target: str, finding: WeightedFinding | None = None) -> Edge:
        link = self.edges.setdefault((source, target), Edge(source, target))
        if finding is not None:
            link.findings.append(finding)
        return link

    def column(self, column: int) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.column == column), key=lambda n: n.order)

    def outgoing(self, key: str) -> list[Edge]:
        return [e for e in self.edges.values() if e.source == key]


def _tool_detail(tool: ToolInstance) -> str:
    parts = [", ".join(tool.install or tool.kinds)]
    if tool.version:
        parts.append(f"v{tool.version}")
    return " · ".join(p for p in parts if p)


def _add_tools(flow: FlowMap, assessment: Assessment) -> None:
    flow.node("you", PEOPLE, "You", "keyboard, browser, apps")
    for rank, tool in enumerate(assessment.tools):
        flow.tool_rank[tool.slug] = rank
        flow.tool_names[tool.slug] = tool.name
        flow.node(f"tool:{tool.slug}", TOOLS, tool.name, _tool_detail(tool), rank)
        for item in tool.evidence:
            if item.source == "socket":
                _listener(flow, tool.slug, item.detail)
        for store in tool.stores:
            _store(flow, tool.slug, store.path, f"{store.kind} · {store.owner}")


def _tool_key(flow: FlowMap, slug: str | None) -> str:
    if slug is None:
        return flow.node("host", TOOLS, "This host", "system-wide settings", 999).key
    if f"tool:{slug}" not in flow.nodes:
        flow.tool_rank.setdefault(slug, len(flow.tool_rank))
        flow.node(f"tool:{slug}", TOOLS, slug, "named by a finding", flow.tool_rank[slug])
    return f"tool:{slug}"


def _listener(flow: FlowMap, slug: str | None, address: str) -> Node:
    rank = flow.tool_rank.get(slug or "", 999)
    owner, port = _PORT.match(address).groups()  # type: ignore[union-attr]
    label, detail = (port, owner) if owner else (address, flow.tool_names.get(slug or "", "host"))
    node = flow.node(f"listen:{slug}:{address}", LISTENERS, label, detail, rank)
    flow.edge(node.key, _tool_key(flow, slug))
    return node


def _store(flow: FlowMap, slug: str | None, path: str, detail: str) -> Node:
    rank = flow.tool_rank.get(slug or "", 999)
    node = flow.node(f"store:{path}", STORES, path, detail, rank)
    flow.edge(_tool_key(flow, slug), node.key)
    return node


def _find_store(flow: FlowMap, resource: str) -> Node | None:
    exact = flow.nodes.get(f"store:{resource}")
    if exact is not None:
        return exact
    for node in flow.column(STORES):
        if resource.startswith(node.label.rstrip("/") + "/"):
            return node
    return None


def _attach_gate(flow: FlowMap, weighted: WeightedFinding, deferred: list[WeightedFinding]) -> None:
    finding = weighted.finding
    if _ADDRESS.search(finding.resource):
        node = _listener(flow, finding.tool, finding.resource)
        node.findings.append(weighted)
    else:
        deferred.append(weighted)


def _attach_deferred_gate(flow: FlowMap, weighted: WeightedFinding) -> None:
    """Settings (bind address, login, CORS) apply to every address of their tool."""
    finding = weighted.finding
    listeners = [n for n in flow.column(LISTENERS) if n.key.startswith(f"listen:{finding.tool}:")]
    if listeners:
        for node in listeners:
            node.findings.append(weighted)
    elif finding.check.category is Category.EXPOSURE:
        _listener(flow, finding.tool, finding.resource).findings.append(weighted)
    else:
        flow.nodes[_tool_key(flow, finding.tool)].findings.append(weighted)


def _attach_outbound(flow: FlowMap, weighted: WeightedFinding) -> None:
    category = weighted.finding.check.category
    label, rank = _OUTBOUND[category]
    node = flow.node(f"out:{category.value}", DESTINATIONS, label, "", 100 + rank)
    node.findings.append(weighted)
    flow.edge(_tool_key(flow, weighted.finding.tool), node.key, weighted)


def _target(category: Category, source: str, detail: str) -> tuple[str, str, str]:
    """(key, label, detail) of a backup job or sync client named by one evidence item."""
    if category is Category.BACKUP:
        program = detail.split(":", 1)[0].strip() or "backup job"
        return f"backup:{source}", f"Backup: {program}", source
    client, _, folder = detail.partition(" syncs ")
    return f"sync:{client}", f"Sync: {client}", folder or source


def _attach_copy(flow: FlowMap, weighted: WeightedFinding) -> None:
    finding = weighted.finding
    category = finding.check.category
    store = _find_store(flow, finding.resource)
    if store is None and _PATH.match(finding.resource) and finding.tool is not None:
        store = _store(flow, finding.tool, finding.resource, "named by a finding")
    targets = [
        _target(category, e.source, e.detail)
        for e in finding.evidence
        if e.source != finding.resource
    ]
    noun = "Backups" if category is Category.BACKUP else "Sync services"
    if store is None:
        key, label, detail = f"{category.value}:{finding.resource}", noun, finding.resource
        flow.node(key, DESTINATIONS, label, detail, 50).findings.append(weighted)
        return
    if not targets and finding.status is Status.PASS:
        # Checked and no copy found: one green summary node, no edge.
        rank = 10 if category is Category.BACKUP else 30
        summary = flow.node(f"{category.value}:none", DESTINATIONS, noun, "no copies found", rank)
        summary.findings.append(weighted)
        return
    if not targets:
        store.findings.append(weighted)
        return
    for key, label, detail in targets:
        rank = 11 if category is Category.BACKUP else 31
        flow.node(key, DESTINATIONS, label, detail, rank).findings.append(weighted)
        flow.edge(store.key, key, weighted)


def _attach_memory(flow: FlowMap, weighted: WeightedFinding) -> None:
    node = flow.node("memory", STORES, "Swap, core dumps", "memory written to disk", 1000)
    node.findings.append(weighted)
    if weighted.finding.tool is not None:
        flow.edge(_tool_key(flow, weighted.finding.tool), node.key, weighted)


def _attach_stored(flow: FlowMap, weighted: WeightedFinding) -> None:
    finding = weighted.finding
    store = _find_store(flow, finding.resource)
    if store is None and _PATH.match(finding.resource):
        store = _store(flow, finding.tool, finding.resource, "named by a finding")
    if store is not None:
        store.findings.append(weighted)
        flow.edge(_tool_key(flow, finding.tool), store.key, weighted)
    else:
        flow.nodes[_tool_key(flow, finding.tool)].findings.append(weighted)


def _attach(flow: FlowMap, weighted: WeightedFinding, deferred: list[WeightedFinding]) -> None:
    category = weighted.finding.check.category
    if category in _GATE:
        _attach_gate(flow, weighted, deferred)
    elif category in _OUTBOUND:
        _attach_outbound(flow, weighted)
    elif category in (Category.BACKUP, Category.SYNC):
        _attach_copy(flow, weighted)
    elif category in _MEMORY:
        _attach_memory(flow, weighted)
    else:
        _attach_stored(flow, weighted)


def _connect_people(flow: FlowMap) -> None:
    exposure = [
        (node, worst([w.finding.status for w in node.findings if _is_exposure(w)]))
        for node in flow.column(LISTENERS)
    ]
    for node, _ in exposure:
        flow.edge("you", node.key)
    for slug_key in (n.key for n in flow.column(TOOLS) if n.key != "host"):
        if not any(e.target == slug_key for e in flow.edges.values()):
            flow.edge("you", slug_key)
    judged = [(node, status) for node, status in exposure if status is not None]
    if not judged:
        return
    others = flow.node("others", PEOPLE, "Other devices", "on the network", 1)
    reachable = [(n, s) for n, s in judged if s in (Status.FAIL, Status.UNKNOWN)]
    for node, _ in reachable:
        for weighted in node.findings:
            if _is_exposure(weighted):
                flow.edge(others.key, node.key, weighted)
    if reachable:
        others.detail = f"can reach {len(reachable)} address(es)"
        others.status_override = worst([s for _, s in reachable])
    else:
        others.detail = "cannot reach any tool"
        others.status_override = Status.PASS


def _is_exposure(weighted: WeightedFinding) -> bool:
    return weighted.finding.check.category is Category.EXPOSURE


def build(assessment: Assessment) -> FlowMap:
    """The flow map of an assessment; every applicable finding attaches to one node."""
    flow = FlowMap()
    _add_tools(flow, assessment)
    deferred: list[WeightedFinding] = []
    for weighted in assessment.findings:
        if weighted.finding.status is not Status.NOT_APPLICABLE:
            _attach(flow, weighted, deferred)
    for weighted in deferred:
        _attach_deferred_gate(flow, weighted)
    _connect_people(flow)
    for node in flow.column(DESTINATIONS):
        if not node.detail:
            names = _failing_names(node)
            node.detail = f"{names[0]} +{len(names) - 1}" if len(names) > 1 else "".join(names)
            node.detail = node.detail or f"{len(node.findings)} check(s), none failing"
            node.full_detail = ", ".join(names)
    return flow


def _failing_names(node: Node) -> list[str]:
    """Which settings or connections fail, by name without the tool prefix, shortest first."""
    failing = [w.finding for w in node.findings if w.finding.status is Status.FAIL]
    return sorted({f.resource.removeprefix(f"{f.tool} ") for f in failing}, key=len)
