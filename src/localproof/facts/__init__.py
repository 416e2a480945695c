"""Typed facts about a host, produced by the collectors and read by discovery and checks.

Each class names where its data comes from. Paths are as seen on the audited system
(`/etc/passwd`), never as stored under the audit root, so reports read the same whether
the host is live or a mounted image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from localproof.facts.auditrules import AuditRules
from localproof.facts.content import ContentCount
from localproof.facts.disk import DiskFacts
from localproof.facts.evidence import ObservedEgress
from localproof.facts.probe import ProbeResult
from localproof.facts.profiles import ProfileScan
from localproof.facts.residue import Residue
from localproof.facts.screenlock import Desktops
from localproof.facts.settings import ProviderSettings, SavedSettings, SettingsFile

INTERPRETERS = ("python", "node", "bun", "deno")


class FileKind(StrEnum):
    FILE = "file"
    DIRECTORY = "directory"
    SYMLINK = "symlink"
    OTHER = "other"
    MISSING = "missing"
    ERROR = "error"


@dataclass(frozen=True)
class FileFact:
    """`lstat`/`stat` of one path, resolved inside the audit root.

    `error` says why nothing else could be learned (permission denied, symlink loop,
    a link that escapes the root).
    """

    path: str
    kind: FileKind
    mode: int = 0
    uid: int = -1
    gid: int = -1
    size: int = 0
    mtime: float = 0.0
    resolved: str | None = None  # final path after symlinks, if any were followed
    error: str | None = None

    @property
    def exists(self) -> bool:
        return self.kind not in (FileKind.MISSING, FileKind.ERROR)

    @property
    def permission_bits(self) -> int:
        return self.mode & 0o7777


@dataclass(frozen=True)
class User:
    """A line of /etc/passwd."""

    name: str
    uid: int
    gid: int
    home: str
    shell: str


@dataclass(frozen=True)
class Group:
    """A line of /etc/group."""

    name: str
    gid: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Process:
    """/proc/<pid>: cmdline, comm, status (Uid), environ and the exe link.

    `environ` is None when it could not be read (another user's process without root).
    Values are kept in memory for checks; reports only ever name the keys that matter.
    """

    pid: int
    comm: str
    cmdline: tuple[str, ...]
    uid: int
    exe: str | None
    ppid: int = 0
    environ: dict[str, str] | None = field(default=None, hash=False, compare=False)

    @property
    def argv0_name(self) -> str:
        if self.cmdline:
            return self.cmdline[0].rsplit("/", 1)[-1]
        return self.comm

    @property
    def program(self) -> str:
        """The program a person would name: the script an interpreter runs, or argv[0]."""
        name = self.argv0_name
        if not name.startswith(INTERPRETERS) or len(self.cmdline) < 2:
            return name
        first = self.cmdline[1]
        if first == "-m" and len(self.cmdline) > 2:
            return self.cmdline[2]
        return name if first.startswith("-") else first.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Socket:
    """A row of /proc/net/{tcp,tcp6,udp,udp6}; `pids` from /proc/<pid>/fd socket inodes."""

    proto: str  # tcp | udp
    family: int  # 4 | 6
    address: str
    port: int
    state: str  # listen | established | connecting | closing | connected (UDP) | other
    inode: int
    uid: int
    pids: tuple[int, ...] = ()
    remote_address: str = ""
    remote_port: int = 0

    @property
    def endpoint(self) -> str:
        host = f"[{self.address}]" if self.family == 6 else self.address
        return f"{host}:{self.port}/{self.proto}"


@dataclass(frozen=True)
class Mount:
    """A line of /proc/mounts."""

    device: str
    mountpoint: str
    fstype: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class DeviceMapper:
    """/sys/block/dm-*/dm/{name,uuid} and slaves/: a `CRYPT-` uuid is a dm-crypt mapping."""

    device: str  # dm-0
    name: str
    uuid: str
    slaves: tuple[str, ...]

    @property
    def is_crypt(self) -> bool:
        return self.uuid.startswith("CRYPT-")


@dataclass(frozen=True)
class Swap:
    """A line of /proc/swaps."""

    filename: str
    kind: str
    size_kb: int


@dataclass(frozen=True)
class SystemdUnit:
    """A unit file merged with its drop-ins (later drop-ins win, as systemd applies them)."""

    name: str
    path: str
    dropins: tuple[str, ...]
    exec_start: tuple[str, ...]
    user: str | None
    environment: dict[str, str] = field(hash=False, compare=False)
    environment_sources: dict[str, str] = field(hash=False, compare=False)
    environment_files: tuple[str, ...] = ()
    limit_core: tuple[str, str] | None = None  # LimitCORE= value and the file that set it


@dataclass(frozen=True)
class PortBinding:
    """Docker `HostConfig.PortBindings`: an empty host IP publishes on every interface."""

    container_port: int
    proto: str
    host_ip: str
    host_port: int


@dataclass(frozen=True)
class ContainerMount:
    kind: str  # volume | bind | tmpfs
    source: str  # host path
    destination: str
    name: str | None = None


@dataclass(frozen=True)
class Container:
    """/var/lib/docker/containers/<id>/config.v2.json + hostconfig.json."""

    id: str
    name: str
    image: str
    running: bool
    env: dict[str, str] = field(hash=False, compare=False)
    pid: int = 0  # State.Pid: the container's init process on the host
    ports: tuple[PortBinding, ...] = ()
    mounts: tuple[ContainerMount, ...] = ()
    network_mode: str = "default"


@dataclass(frozen=True)
class StoreFile:
    """A data store of a known tool found on disk (knowledge-base path, expanded).

    `kind` is the knowledge-base store's kind, or `config` for a location file (an app
    configuration naming where the data lives). `owner` names whose data it is: a user
    (`alice`), a container (`container:webui`), or `system`.
    """

    tool: str
    kind: str
    format: str
    file: FileFact
    owner: str
    container_path: str | None = None


@dataclass(frozen=True)
class PackageInstall:
    """A Python distribution of a known tool (`<name>-<version>.dist-info`)."""

    tool: str
    path: str
    version: str | None


@dataclass(frozen=True)
class Problem:
    """Something the collectors could not read, and why; it becomes `unknown`, not silence."""

    source: str
    reason: str


@dataclass(frozen=True)
class Facts:
    """Everything the collectors learned about one host."""

    root: str
    live: bool
    hostname: str
    os: str
    kernel: str
    running_as_root: bool
    users: tuple[User, ...]
    groups: tuple[Group, ...]
    processes: tuple[Process, ...]
    sockets: tuple[Socket, ...]
    mounts: tuple[Mount, ...]
    device_mappers: tuple[DeviceMapper, ...]
    swaps: tuple[Swap, ...]
    core_pattern: str | None
    units: tuple[SystemdUnit, ...]
    containers: tuple[Container, ...]
    stores: tuple[StoreFile, ...]
    packages: tuple[PackageInstall, ...] = ()
    settings: tuple[SettingsFile, ...] = ()
    probes: tuple[ProbeResult, ...] = ()  # only with `audit --probe`
    saved_settings: tuple[SavedSettings, ...] = ()
    provider_settings: tuple[ProviderSettings, ...] = ()  # model providers (Jan)
    content: tuple[ContentCount, ...] = ()  # the census of stores (audit without --no-content)
    evidence: tuple[ObservedEgress, ...] = ()  # witness and watch reports (audit --evidence)
    profiles: ProfileScan = field(default_factory=ProfileScan)  # shell start-up files
    problems: tuple[Problem, ...] = ()
    proc_available: bool = True
    disk: DiskFacts = field(default_factory=DiskFacts)  # encryption, store parents, core dumps
    residue: Residue = field(default_factory=Residue)  # backups, sync, prompts, ages
    desktops: Desktops = field(default_factory=Desktops)  # sessions and screen locks
    audit_rules: AuditRules = field(default_factory=AuditRules)  # /etc/audit watches

    def problems_for(self, prefix: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.source.startswith(prefix))
