"""Polling /proc for the outbound connections of local AI processes."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from localproof.collect import procfs
from localproof.collect.fsroot import AuditRoot
from localproof.facts import Process, Socket
from localproof.kb import Tool

SOURCE = "proc-poll"
BLIND_SPOTS = (
    "connections that open and close between two polls",
    "UDP datagrams sent without connect() (DNS lookups through the system resolver among them)",
    "traffic of processes in other network namespaces (containers)",
)


@dataclass(frozen=True)
class Connection:
    """One remote endpoint a tool's process talked to, with when it was seen."""

    tool: str
    program: str
    pid: int
    proto: str
    remote_address: str
    remote_port: int
    name: str | None  # from /etc/hosts only
    first_seen: float
    last_seen: float
    samples: int
    sockets: int = 1  # distinct sockets (connections) seen to this endpoint


@dataclass
class WatchResult:
    started_at: str
    duration: float
    interval: float
    source: str
    blind_spots: tuple[str, ...]
    polls: int = 0
    processes: dict[int, str] = field(default_factory=dict)  # pid -> tool
    connections: list[Connection] = field(default_factory=list)


def _hosts_names(root: AuditRoot) -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        text = root.read_text("/etc/hosts", 1 << 20)
    except OSError:
        return names
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            names.setdefault(fields[0], fields[1])
    return names


def _is_outbound(socket: Socket) -> bool:
    if socket.state not in ("established", "connecting", "connected", "closing"):
        return False
    try:
        remote = ipaddress.ip_address(socket.remote_address)
    except ValueError:
        return False
    return not (remote.is_loopback or remote.is_unspecified)


class _Processes:
    """The running processes of known tools, kept current at every poll: only pids that
    appeared since the last poll are read, so a new process is watched from its first poll."""

    def __init__(self, root: AuditRoot, tools: dict[str, Tool]) -> None:
        self.root = root
        self.tools = tools
        self.known: set[int] = set()
        self.ai: dict[int, tuple[str, Process]] = {}

    def refresh(self) -> dict[int, tuple[str, Process]]:
        current = procfs.process_ids(self.root)
        for pid in current - self.known:
            process = procfs.read_process(self.root, pid)
            tool = self._tool_of(process) if process is not None else None
            if process is not None and tool is not None:
                self.ai[pid] = (tool, process)
        for pid in self.known - current:
            self.ai.pop(pid, None)  # ended; its connections stay recorded
        self.known = current
        return self.ai

    def _tool_of(self, process: Process) -> str | None:
        for tool in self.tools.values():
            if tool.runs_as(process.cmdline, process.comm):
                return tool.slug
        return None


class _Recorder:
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.seen: dict[tuple[int, str, str, int], Connection] = {}
        self.inodes: dict[tuple[int, str, str, int], set[int]] = {}

    def record(self, tool: str, process: Process, socket: Socket, moment: float) -> None:
        key = (process.pid, socket.proto, socket.remote_address, socket.remote_port)
        inodes = self.inodes.setdefault(key, set())
        inodes.add(socket.inode)
        known = self.seen.get(key)
        if known is None:
            name = self.names.get(socket.remote_address)
            self.seen[key] = Connection(
                tool,
                process.program,
                process.pid,
                socket.proto,
                socket.remote_address,
                socket.remote_port,
                name,
                first_seen=moment,
                last_seen=moment,
                samples=1,
            )
        else:
            self.seen[key] = replace(
                known, last_seen=moment, samples=known.samples + 1, sockets=len(inodes)
            )


def _poll(
    root: AuditRoot, ai: dict[int, tuple[str, Process]], recorder: _Recorder, moment: float
) -> None:
    owners, _ = procfs.socket_owners(root, list(ai))
    sockets, _ = procfs.read_sockets(root, owners)
    for socket in sockets:
        if not _is_outbound(socket):
            continue
        for pid in socket.pids:
            if pid in ai:
                tool, process = ai[pid]
                recorder.record(tool, process, socket, moment)


def observe(
    tools: dict[str, Tool],
    *,
    duration: float,
    interval: float = 0.05,
    root: AuditRoot | None = None,
) -> WatchResult:
    """Poll for `duration` seconds (at least once) and return every connection seen."""
    base = root or AuditRoot(Path("/"))
    result = WatchResult(
        started_at=datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        duration=duration,
        interval=interval,
        source=SOURCE,
        blind_spots=BLIND_SPOTS,
    )
    recorder = _Recorder(_hosts_names(base))
    running = _Processes(base, tools)
    start = time.monotonic()
    while True:
        now = time.monotonic()
        ai = running.refresh()
        result.processes.update({pid: tool for pid, (tool, _) in ai.items()})
        _poll(base, ai, recorder, now - start)
        result.polls += 1
        if now - start >= duration:
            break
        time.sleep(interval)
    result.connections = sorted(recorder.seen.values(), key=lambda c: (c.first_seen, c.pid))
    return result
