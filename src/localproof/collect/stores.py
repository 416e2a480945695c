"""Find the knowledge base's data stores on disk: per user home, system-wide, and inside
the volumes and bind mounts of the tools' containers."""

from __future__ import annotations

from dataclasses import dataclass

from localproof.collect.fsroot import AuditRoot
from localproof.facts import Container, FileKind, Process, StoreFile, SystemdUnit, User
from localproof.kb import Store, Tool

MAX_MATCHES_PER_PATTERN = 200
NO_LOGIN_SHELLS = ("nologin", "false")


HOME_PARENTS = ("/home", "/Users")  # Linux, and macOS or Windows disks mounted as the root
SKIPPED_HOMES = ("/", "/nonexistent", "/dev/null", "/bin", "/usr/sbin", "/sbin")


def user_homes(users: tuple[User, ...], root: AuditRoot | None = None) -> list[tuple[str, str]]:
    """(user, home) for accounts with a home worth looking in; with a root, also folders
    under /home and /Users that no passwd entry names (a disk from another machine)."""
    seen: set[str] = set()
    homes = []
    for user in users:
        home = user.home.rstrip("/") or "/"
        if home in seen or home in SKIPPED_HOMES:
            continue
        seen.add(home)
        homes.append((user.name, home))
    if root is None:
        return homes
    for parent in HOME_PARENTS:
        try:
            names = root.listdir(parent)
        except OSError:
            continue
        for name in names[:MAX_MATCHES_PER_PATTERN]:
            home = f"{parent}/{name}"
            if home not in seen and root.stat(home).kind is FileKind.DIRECTORY:
                seen.add(home)
                homes.append((name, home))
    return homes


@dataclass(frozen=True)
class Runtime:
    """Where the tools' settings can come from: processes, units and containers."""

    processes: tuple[Process, ...]
    units: tuple[SystemdUnit, ...]
    containers: tuple[Container, ...]


def find_stores(
    root: AuditRoot,
    tools: dict[str, Tool],
    homes: list[tuple[str, str]],
    runtime: Runtime,
) -> tuple[StoreFile, ...]:
    found: dict[str, StoreFile] = {}
    for tool in tools.values():
        for store in tool.stores:
            for path, owner in _host_candidates(root, store, homes):
                found.setdefault(path, _store_file(root, tool, store, path, owner))
            for path, owner in _override_candidates(root, tool, store, runtime):
                found.setdefault(path, _store_file(root, tool, store, path, owner))
            for path, owner, inner in _container_candidates(root, tool, store, runtime.containers):
                found.setdefault(path, _store_file(root, tool, store, path, owner, inner))
    return tuple(found[path] for path in sorted(found))


def _override_candidates(
    root: AuditRoot, tool: Tool, store: Store, runtime: Runtime
) -> list[tuple[str, str]]:
    """Stores moved by an environment variable (DATA_DIR, OLLAMA_MODELS) where the tool's
    own process, unit or container sets it."""
    key = store.override_env
    if key is None:
        return []
    places = [
        (_join(directory, store.override_path), owner)
        for directory, owner in _host_settings(tool, key, runtime)
    ]
    for container in runtime.containers:
        inner = container.env.get(key)
        if inner and any(image.matches(container.image) for image in tool.containers):
            host = _host_side(container, _join(inner, store.override_path))
            if host:
                places.append((host, f"container:{container.name}"))
    return [(path, owner) for path, owner in places if path.startswith("/") and root.present(path)]


def _host_settings(tool: Tool, key: str, runtime: Runtime) -> list[tuple[str, str]]:
    """(value, where) of one environment variable in the tool's processes and units."""
    settings = [
        (process.environ[key], f"process {process.pid}")
        for process in runtime.processes
        if process.environ
        and key in process.environ
        and tool.runs_as(process.cmdline, process.comm)
    ]
    settings += [
        (unit.environment[key], f"systemd {unit.name}")
        for unit in runtime.units
        if key in unit.environment and tool.runs_unit(unit.name, unit.exec_start)
    ]
    return settings


def _join(directory: str, relative: str) -> str:
    return directory.rstrip("/") + "/" + relative if relative else directory


def _store_file(
    root: AuditRoot, tool: Tool, store: Store, path: str, owner: str, inner: str | None = None
) -> StoreFile:
    return StoreFile(
        tool=tool.slug,
        kind=store.kind,
        format=store.format,
        file=root.stat(path),
        owner=owner,
        container_path=inner,
    )


def _host_candidates(
    root: AuditRoot, store: Store, homes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    results: list[tuple[str, str]] = []
    for pattern in store.paths:
        if "{home}" in pattern:
            for user, home in homes:
                expanded = pattern.replace("{home}", home)
                results.extend((m, user) for m in root.glob(expanded, MAX_MATCHES_PER_PATTERN))
        else:
            results.extend((m, "system") for m in root.glob(pattern, MAX_MATCHES_PER_PATTERN))
    return results


def _container_candidates(
    root: AuditRoot, tool: Tool, store: Store, containers: tuple[Container, ...]
) -> list[tuple[str, str, str]]:
    results: list[tuple[str, str, str]] = []
    for container in containers:
        if not any(image.matches(container.image) for image in tool.containers):
            continue
        for inner in store.container_paths:
            host = _host_side(container, inner)
            if host and root.present(host):
                results.append((host, f"container:{container.name}", inner))
    return results


def _host_side(container: Container, inner: str) -> str | None:
    """Translate a path inside a container to the host path of the mount that holds it."""
    best = None
    for mount in container.mounts:
        prefix = mount.destination.rstrip("/")
        inside = inner == prefix or inner.startswith(prefix + "/")
        if mount.source and inside and (best is None or len(prefix) > len(best[0])):
            best = (prefix, mount.source)
    if best is None:
        return None
    return best[1].rstrip("/") + inner[len(best[0]) :]
