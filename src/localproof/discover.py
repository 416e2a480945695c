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
    PackageInstall,
    Process,
    Socket,
    StoreFile,
    SystemdUnit,
)
from localproof.kb import Tool
from localproof.model import Evidence, StoreRef, ToolInstance


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
    packages: tuple[PackageInstall, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        kinds = []
        if self.stores or self.packages:
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
        evidence += [Evidence("python package", p.path) for p in self.packages]
        version, version_source = self.version()
        return ToolInstance(
            slug=self.tool.slug,
            name=self.tool.name,
            kinds=self.kinds,
            evidence=tuple(evidence),
            install=self.install(),
            version=version,
            version_source=version_source,
            stores=tuple(StoreRef(s.kind, s.format, s.file.path, s.owner) for s in self.stores),
        )

    def install(self) -> tuple[str, ...]:
        """How the tool was installed, as far as the traces tell."""
        flavours = []
        if self.packages:
            flavours.append("pip")
        if self.containers:
            flavours.append("docker")
        if self.units:
            flavours.append("systemd")
        if any(s.owner != "system" and not s.owner.startswith("container:") for s in self.stores):
            flavours.append("user data")
        if not flavours and self.processes:
            flavours.append("native")
        return tuple(flavours)

    def version(self) -> tuple[str | None, str | None]:
        """A version read from files (package metadata, image tag), never by running it."""
        for package in self.packages:
            if package.version:
                return package.version, f"{package.path}/METADATA"
        for container in self.containers:
            tag = image_tag(container.image)
            if tag and tag not in FLOATING_TAGS:
                return tag, f"image of container {container.name}"
        return None, None


FLOATING_TAGS = {"latest", "main", "dev", "nightly", "stable", "cuda", "ollama", "rocm"}


def image_tag(image: str) -> str | None:
    """`ghcr.io/open-webui/open-webui:v0.6.5` -> `v0.6.5`; digests and bare names -> None."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def describe_process(process: Process) -> str:
    """A process named without its arguments, which may carry prompts or secrets."""
    return f"{process.program} (pid {process.pid}, uid {process.uid})"


def matching_processes(tool: Tool, processes: tuple[Process, ...]) -> tuple[Process, ...]:
    return tuple(p for p in processes if tool.runs_as(p.cmdline, p.comm))


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
            units=tuple(u for u in facts.units if tool.runs_unit(u.name, u.exec_start)),
            stores=tuple(
                s for s in facts.stores if s.tool == slug and s.file.kind is not FileKind.MISSING
            ),
            packages=tuple(p for p in facts.packages if p.tool == slug),
        )
        if instance.kinds:
            instances.append(instance)
    return tuple(instances)
