"""Discovery: which knowledge-base tools are on this host, and in which form.

A tool is found when any of its traces is present: a matching process, a listening
socket owned by one, a container of its image, a systemd unit, or a data store on disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from localproof.facts import (
    Container,
    Facts,
    FileKind,
    Process,
    Socket,
    StoreFile,
    SystemdUnit,
)
from localproof.kb import Tool
from localproof.model import Evidence, ToolInstance


@dataclass(frozen=True)
class Instance:
    """Everything on the host that belongs to one tool."""

    tool: Tool
    processes: tuple[Process, ...]  # on the host, outside containers
    container_processes: tuple[Process, ...]  # inside the tool's containers
    sockets: tuple[Socket, ...]  # listening sockets owned by the tool's processes
    containers: tuple[Container, ...]
    units: tuple[SystemdUnit, ...]
    stores: tuple[StoreFile, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        kinds = []
        if self.stores:
            kinds.append("installed")
        if self.processes or self.container_processes:
            kinds.append("running")
        if self.sockets:
            kinds.append("listening")
        if self.containers:
            kinds.append("container")
        if self.units:
            kinds.append("service")
        return tuple(kinds)

    def summary(self) -> ToolInstance:
        # never the full command line: arguments can hold prompts or keys
        evidence = [
            Evidence(f"process {p.pid}", describe_process(p))
            for p in self.processes + self.container_processes
        ]
        evidence += [Evidence("socket", s.endpoint) for s in self.sockets]
        evidence += [Evidence(f"container {c.name}", c.image) for c in self.containers]
        evidence += [Evidence("systemd", u.path) for u in self.units]
        evidence += [Evidence(f"{s.kind} store", s.file.path) for s in self.stores]
        return ToolInstance(
            slug=self.tool.slug, name=self.tool.name, kinds=self.kinds, evidence=tuple(evidence)
        )


def describe_process(process: Process) -> str:
    """A process named without its arguments, which may carry prompts or secrets."""
    return f"{process.program} (pid {process.pid}, uid {process.uid})"


def matching_processes(tool: Tool, processes: tuple[Process, ...]) -> tuple[Process, ...]:
    return tuple(
        p for p in processes if any(pat.matches(p.cmdline, p.comm) for pat in tool.processes)
    )


def _unit_matches(tool: Tool, unit: SystemdUnit) -> bool:
    if unit.name in tool.units:
        return True
    for line in unit.exec_start:
        argv = tuple(line.lstrip("-@:+!").split())
        if argv and any(pattern.matches(argv, "") for pattern in tool.processes):
            return True
    return False


def container_pids(facts: Facts) -> set[int]:
    """Processes inside running containers: each container's init and its descendants."""
    inside = {c.pid for c in facts.containers if c.running and c.pid > 0}
    children: dict[int, list[int]] = {}
    for process in facts.processes:
        children.setdefault(process.ppid, []).append(process.pid)
    pending = list(inside)
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in inside:
                inside.add(child)
                pending.append(child)
    return inside


def discover(facts: Facts, tools: dict[str, Tool]) -> tuple[Instance, ...]:
    instances = []
    contained = container_pids(facts)
    for slug in sorted(tools):
        tool = tools[slug]
        processes = matching_processes(tool, facts.processes)
        pids = {p.pid for p in processes}
        instance = Instance(
            tool=tool,
            processes=tuple(p for p in processes if p.pid not in contained),
            container_processes=tuple(p for p in processes if p.pid in contained),
            sockets=tuple(
                s for s in facts.sockets if s.state == "listen" and pids.intersection(s.pids)
            ),
            containers=tuple(
                c for c in facts.containers if any(i.matches(c.image) for i in tool.containers)
            ),
            units=tuple(u for u in facts.units if _unit_matches(tool, u)),
            stores=tuple(
                s for s in facts.stores if s.tool == slug and s.file.kind is not FileKind.MISSING
            ),
        )
        if instance.kinds:
            instances.append(instance)
    return tuple(instances)
